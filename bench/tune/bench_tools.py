"""The tools the benchmark runs, each a child process on the same 2 cores,
reading the same prepared files, killed at cap x budget seconds.

Every runner returns a dict: status (ok, killed, failed), valid (validation
accuracy of the final model), test (its test accuracy, scored once), wall
(seconds from process start to the end of test scoring), trials, curve
([seconds, best validation so far] at each change, on the tool's own
clock, when the tool reports it; for rungs, the validation accuracy of what
it would hand back at that moment), test_correct (per test row, in the test
file's order, "1" where the final model's top label is one of the row's
labels, else "0": the report pairs tools row by row) and notes.
"""
import csv
import json
import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import bench_data
import rungs_choice

HERE = os.path.dirname(os.path.abspath(__file__))
FASTTEXT = "/usr/bin/fasttext"
RUNGS_SCHEDULERS = ("asha-tpe", "asha-evo", "asha", "random", "sha", "hyperband")
FIXED = {
    # fastText's defaults (lr 0.1, 5 epochs, unigrams, softmax), on the same 2 threads.
    "fasttext-default": [],
    # fastText's text classification tutorial.
    "fasttext-tutorial": ["-epoch", "25", "-lr", "1.0", "-wordNgrams", "2"],
}
TUNING_PEERS = ("autotune", "optuna-hyperband", "optuna-tpe")
PEERS = TUNING_PEERS + tuple(FIXED)


def rungs_tool(scheduler):
    return "rungs-" + scheduler


def rungs_variant(tool):
    """(scheduler, extra flags) of a rungs tool: "rungs-asha-tpe:min-epochs=1+eta=4"
    is asha-tpe with --min-epochs 1 --eta 4, a variant measured beside the default."""
    scheduler, _, flags = tool[len("rungs-"):].partition(":")
    extra = []
    for flag in filter(None, flags.split("+")):
        name, _, value = flag.partition("=")
        extra += ["--" + name] + ([value] if value else [])
    return scheduler, extra


def is_rungs(tool):
    return tool.startswith("rungs-")


class Run:
    """One tool on one data set with one budget and seed."""

    def __init__(self, tool, data, budget, seed, out, cap, cores, rungs, keep_models):
        self.tool, self.data, self.budget, self.seed = tool, data, budget, seed
        self.out, self.cap, self.cores, self.rungs, self.keep_models = out, cap, cores, rungs, keep_models
        self.raw = bench_data.paths(data, False)

    def execute(self, cmd, name):
        """(exit code, seconds, killed): cmd in its own process group, pinned to
        the cores, stdout and stderr in OUT/name.{stdout,stderr}; the group is
        killed at cap x budget."""
        os.makedirs(self.out, exist_ok=True)
        with open(os.path.join(self.out, name + ".cmd"), "w") as c:
            c.write(" ".join(cmd) + "\n")
        with open(os.path.join(self.out, name + ".stdout"), "wb") as so, \
                open(os.path.join(self.out, name + ".stderr"), "wb") as se:
            start = time.monotonic()
            proc = subprocess.Popen(cmd, stdout=so, stderr=se, start_new_session=True,
                                    preexec_fn=lambda: os.sched_setaffinity(0, self.cores))
            try:
                rc = proc.wait(timeout=max(0.0, self.cap * self.budget - (time.monotonic() - start)))
                killed = False
            except subprocess.TimeoutExpired:
                killed = True
            finally:
                if proc.poll() is None:   # timed out, or interrupted (Ctrl-C): no orphans
                    os.killpg(proc.pid, signal.SIGKILL)
                    rc = proc.wait()
        return rc, time.monotonic() - start, killed

    def text(self, name, stream="stdout"):
        with open(os.path.join(self.out, "%s.%s" % (name, stream)), encoding="latin-1") as f:
            return f.read()

    def outcome(self, rc, seconds, killed, name):
        """A result dict for a run that did not end well, else None."""
        if killed:
            return {"status": "killed", "wall": seconds,
                    "notes": "killed at %.0f s (%g x the budget), no final model" % (seconds, self.cap)}
        if rc != 0:
            # The last lines say why; progress lines before them end in \r.
            last = [line.strip() for line in re.split(r"[\r\n]+", self.text(name, "stderr")) if line.strip()]
            return {"status": "failed", "wall": seconds, "notes": "exit %d: %s" % (rc, " / ".join(last[-2:]))}
        return None

    def test_correct(self, predict_cmd):
        """test_correct of the model whose `predict` command is predict_cmd (it
        prints one line per test row, the top label first)."""
        out = subprocess.run(predict_cmd, check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE).stdout.decode("latin-1")
        return correct_labels(self.raw["test"], [line.split()[:1] for line in out.split("\n")[:-1]])

    # ------------------------------------------------------------ fastText CLI

    def fasttext_scores(self, model, start):
        """Validation and test P@1 of a fastText model via `fasttext test`."""
        scores = {}
        for part in ("valid", "test"):
            out = subprocess.run([FASTTEXT, "test", model, self.raw[part]], check=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()
            m = re.search(r"^P@1\s+([0-9.]+)", out, re.M)
            if not m:
                raise RuntimeError("no P@1 in `fasttext test %s %s`: %r" % (model, self.raw[part], out))
            scores[part] = float(m.group(1))
        scores["wall"] = time.monotonic() - start
        scores["test_correct"] = self.test_correct([FASTTEXT, "predict", model, self.raw["test"]])
        if not self.keep_models:
            for ext in (".bin", ".vec"):
                if os.path.exists(model[:-4] + ext):
                    os.remove(model[:-4] + ext)
        return scores

    def autotune(self):
        model = os.path.join(self.out, "model")
        cmd = [FASTTEXT, "supervised", "-input", self.raw["train"], "-output", model,
               "-autotune-validation", self.raw["valid"], "-autotune-duration", str(max(1, round(self.budget))),
               "-thread", "2", "-seed", str(self.seed), "-verbose", "3"]
        start = time.monotonic()
        rc, seconds, killed = self.execute(cmd, "autotune")
        bad = self.outcome(rc, seconds, killed, "autotune")
        if bad:
            return bad
        result = {"status": "ok", **self.fasttext_scores(model + ".bin", start)}
        verbose = self.text("autotune")
        result["trials"] = len(re.findall(r"^Trial = \d+", verbose, re.M))
        result["notes"] = "%d trainings finished, the final retrain among them" % len(
            re.findall(r"^train took = ", verbose, re.M))
        return result

    def fixed(self):
        model = os.path.join(self.out, "model")
        cmd = [FASTTEXT, "supervised", "-input", self.raw["train"], "-output", model,
               "-thread", "2", "-seed", str(self.seed), "-verbose", "0"] + FIXED[self.tool]
        start = time.monotonic()
        rc, seconds, killed = self.execute(cmd, "train")
        bad = self.outcome(rc, seconds, killed, "train")
        if bad:
            return bad
        return {"status": "ok", "trials": 1, **self.fasttext_scores(model + ".bin", start),
                "notes": "fasttext supervised " + " ".join(FIXED[self.tool] or ["(defaults)"]) + " -thread 2"}

    # ------------------------------------------------------------ Optuna

    def optuna(self):
        pruner = "hyperband" if self.tool == "optuna-hyperband" else "none"
        model = os.path.join(self.out, "model.bin")
        cmd = [sys.executable, os.path.join(HERE, "optuna_peer.py"), "--data", self.data,
               "--pruner", pruner, "--budget", "%g" % self.budget, "--seed", str(self.seed),
               "--save-model", model]
        rc, seconds, killed = self.execute(cmd, "optuna")
        events = [json.loads(line) for line in self.text("optuna").splitlines() if line.startswith("{")]
        curve, best = [], None
        for e in events:
            if e["event"] == "model" and (best is None or e["valid"] > best):
                best = e["valid"]
                curve.append([e["at"], best])
        bad = self.outcome(rc, seconds, killed, "optuna")
        if bad:
            bad.update(curve=curve, best_valid_seen=best)
            return bad
        end = events[-1]
        states = ", ".join("%d %s" % (n, s) for s, n in sorted(end["states"].items()))
        notes = "%s; %d models, %d epochs trained" % (states, end["models"], end["epochs"])
        if "params" in end:
            notes += "; best: trial %d at %d epochs, %s" % (end["trial"], end["epochs_of_best"],
                                                            json.dumps(end["params"], sort_keys=True))
        result = {"status": "ok" if "test" in end else "failed", "valid": end.get("valid"),
                  "test": end.get("test"), "wall": seconds, "trials": end["trials"], "curve": curve,
                  "notes": notes}
        if os.path.exists(model):
            test_file = bench_data.paths(self.data, end["normalize"])["test"]
            result["test_correct"] = self.test_correct([FASTTEXT, "predict", model, test_file])
            if not self.keep_models:
                os.remove(model)
        return result

    # ------------------------------------------------------------ rungs

    def rungs_tune(self):
        scheduler, extra = rungs_variant(self.tool)
        out_dir = os.path.join(self.out, "tune")
        cmd = [self.rungs, "tune", "--train", self.raw["train"], "--valid", self.raw["valid"],
               "--test", self.raw["test"], "--format", "fasttext", "--scheduler", scheduler,
               "--budget-seconds", "%g" % self.budget, "--workers", "2", "--threads", "1",
               "--seed", str(self.seed), "--out", out_dir, "--json"] + extra
        rc, seconds, killed = self.execute(cmd, "rungs")
        bad = self.outcome(rc, seconds, killed, "rungs")
        if bad:
            return bad
        finished = None
        for line in self.text("rungs").splitlines():
            if line.startswith("{"):
                event = json.loads(line)
                if event.get("event") == "finished":
                    finished = event
        if finished is None:
            return {"status": "failed", "wall": seconds, "notes": "no finished event on stdout"}
        rows = read_trials_csv(os.path.join(out_dir, "trials.csv"))
        best_bin = os.path.join(out_dir, "best.bin")
        correct = self.test_correct([self.rungs, "predict", best_bin, self.raw["test"], "--format", "fasttext"]) \
            if os.path.exists(best_bin) else None
        if not self.keep_models and os.path.exists(best_bin):
            os.remove(best_bin)
        outcomes = {}
        for r in rows:
            outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
        return {"status": "ok" if finished.get("test") is not None else "failed",
                "valid": (finished.get("best") or {}).get("valid"), "test": finished.get("test"),
                "wall": seconds, "trials": finished.get("trials"), "curve": rungs_pick_curve(rows, validation_rows(out_dir)),
                "test_correct": correct,
                "notes": "%d jobs: %s; best trial %s at %s epochs" % (
                    len(rows), ", ".join("%d %s" % (n, k) for k, n in sorted(outcomes.items())),
                    (finished.get("best") or {}).get("trial"), (finished.get("best") or {}).get("epochs"))}

    def go(self):
        if self.tool == "autotune":
            return self.autotune()
        if self.tool in FIXED:
            return self.fixed()
        if self.tool.startswith("optuna-"):
            return self.optuna()
        return self.rungs_tune()


def correct_labels(test_file, predicted):
    """"1"/"0" per row of test_file: whether predicted[i] (a list holding the top
    label, or empty) is one of row i's labels, as fastText's P@1 counts."""
    with open(test_file, encoding="latin-1") as f:
        rows = [set(w for w in line.split() if w.startswith("__label__")) for line in f]
    if len(predicted) != len(rows):
        raise RuntimeError("%d predictions for the %d rows of %s" % (len(predicted), len(rows), test_file))
    return "".join("1" if p and p[0] in gold else "0" for p, gold in zip(predicted, rows))


def per_row_mismatch(result):
    """A warning when the per-row results do not give the test accuracy the
    tool reported, else None. `fasttext test` prints 3 digits, so the two may
    be half a thousandth apart, plus half a row."""
    correct, test = result.get("test_correct"), result.get("test")
    if not correct or test is None:
        return None
    per_row = correct.count("1") / len(correct)
    if abs(per_row - test) <= 0.0005 + 0.5 / len(correct):
        return None
    return "per-row test results give %.4f, not the reported %.4f" % (per_row, test)


def validation_rows(tune_dir):
    """The validation rows rungs scored its accuracies over, from the run's
    end in its journal (the noise scale of its choice of the best)."""
    with sqlite3.connect(os.path.join(tune_dir, "journal.sqlite")) as db:
        (detail,) = db.execute("SELECT detail FROM events WHERE kind = 'finished'").fetchone()
    return json.loads(detail)["validation_rows"]


def read_trials_csv(path):
    rows = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            def num(key):
                try:
                    return float(row[key])
                except (KeyError, TypeError, ValueError):
                    return None
            rows.append({"outcome": row.get("outcome"), "metric": num("metric"),
                         "epochs": num("epochs_to"), "finished_at": num("finished_at")})
    return rows


def rungs_pick_curve(rows, validation_rows):
    """[finished_at, validation accuracy of the result rungs would hand back at
    that moment] at each change, picked after each result as rungs picks
    (rungs_choice.py, src/tune/best_choice.h) among the ok results finished so
    far, in start order. The curve can fall."""
    ok = [r for r in rows if r["outcome"] == "ok" and r["metric"] is not None
          and math.isfinite(r["metric"]) and r["finished_at"] is not None]
    curve, picked = [], None
    for at in sorted({r["finished_at"] for r in ok}):
        done = [{"epochs": r["epochs"], "value": r["metric"]} for r in ok if r["finished_at"] <= at]
        best = rungs_choice.best_result(done, validation_rows)
        if best != picked:
            picked = best
            curve.append([at, best["value"]])
    return curve
