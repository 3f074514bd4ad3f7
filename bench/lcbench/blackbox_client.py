"""A Python client of the rungs blackbox protocol (doc/blackbox-protocol.md).

The Optuna peer (optuna_peer.py) and the benchmark's overhead mode (run.py)
talk to the same blackbox program as `rungs simulate --blackbox` does, through
this: one JSON request line per query, one answer line back, in order, with
the version and id checked and every number finite.
"""
import json
import math
import shlex
import subprocess

VERSION = 1


class BlackboxError(RuntimeError):
    pass


class Blackbox:
    def __init__(self, command):
        self.command = command
        # Without a shell, split as a POSIX shell would split the words.
        self.process = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)
        self.next_id = 1

    def ask(self, queries):
        """queries: [(config dict, [epochs])] -> [(metrics, cumulative seconds)].

        All requests are written before any answer is read, so a batch costs
        one round trip. That needs a blackbox that keeps reading while its
        answers wait to be read (Node's buffered stdout does); rungs' own
        client interleaves writing and reading and needs no such care."""
        first = self.next_id
        lines = []
        for config, epochs in queries:
            lines.append(json.dumps({"v": VERSION, "id": self.next_id, "config": config,
                                     "epochs": list(epochs)}))
            self.next_id += 1
        self.process.stdin.write("\n".join(lines) + "\n")
        self.process.stdin.flush()
        answers = []
        for i, (config, epochs) in enumerate(queries):
            line = self.process.stdout.readline()
            if not line:
                raise BlackboxError(f"{self.command}: exited (status {self.process.wait()}) "
                                    f"before answering request {first + i}")
            answers.append(self._check(line, first + i, len(epochs)))
        return answers

    def _check(self, line, request_id, count):
        try:
            answer = json.loads(line)
        except json.JSONDecodeError:
            raise BlackboxError(f"{self.command}: answer to request {request_id} is not JSON: "
                                f"{line[:120]!r}")
        if answer.get("v") != VERSION or answer.get("id") != request_id:
            raise BlackboxError(f"{self.command}: answer {line[:120]!r} is not version {VERSION} "
                                f"with id {request_id}")
        if "error" in answer:
            raise BlackboxError(f"{self.command}: refused request {request_id}: {answer['error']}")
        metrics, seconds = answer.get("metrics"), answer.get("seconds")
        for name, values in (("metrics", metrics), ("seconds", seconds)):
            if (not isinstance(values, list) or len(values) != count or
                    not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)):
                raise BlackboxError(f"{self.command}: answer to request {request_id}: field "
                                    f"'{name}' must hold {count} finite numbers")
        return metrics, seconds

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
