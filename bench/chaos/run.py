#!/usr/bin/python3
"""Chaos run: kill a real `rungs tune` with SIGKILL at random moments, resume
it each time, and check that nothing was lost, doubled or made inconsistent.

For each setting (local: the local executor; lambda: the Lambda executor
against `rungs lambda emulate` with injected faults), it starts a tune on a
small real data set, kills it after a delay drawn from a seeded generator,
and starts it again with `rungs tune --resume DIR` (or the first command
again while the folder holds no journal yet), until --kills kills have
landed; then it lets one last resume run to its end and checks:

  runs      every run that was not killed exited 0 (a resume that replays
            the journal into a different decision fails, so this also says
            each resume's replay matched)
  kills     every row a killed run had committed (read just before the kill
            and just after it) is in every later journal, unchanged
  journal   every job has exactly one result and every result a job; no
            trial ran twice at one rung (lost: 0, duplicates: 0)
  replay    `rungs journal check` replays the whole final journal into a
            fresh scheduler: every job, the last run's too, is what it issues
  trials    trials.csv holds every job with the journal's values
  best      best.json and best.toml name the journal's best trial and score
  model     best.bin scores on the validation file what the journal says
            that trial scored, and on the test file what the run reported

It prints PASS or FAIL for each, then the figures, and exits 1 on a FAIL.
See bench/chaos/README.md.
"""
import argparse
import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import journal_checks as jc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
FAULTS = ["--fault-429", "--fault-500", "--fault-function-error", "--fault-timeout", "--fault-drop"]


def split_data(data_dir, work, seed):
    """train.csv split 90/10 into train and valid files in `work` (seeded),
    so best.bin can be scored on the very validation rows the tune used."""
    with open(Path(data_dir) / "train.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    random.Random(seed).shuffle(rows)
    cut = len(rows) // 10
    for name, part in (("valid.csv", rows[:cut]), ("train.csv", rows[cut:])):
        with open(work / name, "w", newline="") as f:
            writer = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(part)
    return work / "train.csv", work / "valid.csv", Path(data_dir) / "test.csv"


class Emulator:
    """`rungs lambda emulate` for the whole setting (the tune's endpoint is
    fixed on resume), its output in a file; stopped with SIGTERM."""

    def __init__(self, args, work, env):
        self.log = work / "emulator.log"
        faults = [x for flag in FAULTS for x in (flag, str(args.fault_rate))]
        command = [args.rungs, "lambda", "emulate", "--instances", str(args.workers), "--timeout", "60",
                   "--seed", str(args.seed), "--quiet"] + faults
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            match = re.search(r"Invoke API at (http://\S+) ", self.log.read_text())
            if match:
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the emulator did not start: {self.log.read_text()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


def tune_command(args, setting, out, data, url):
    train, valid, test = data
    command = [args.rungs, "tune", "--train", str(train), "--valid", str(valid), "--test", str(test),
               "--budget-seconds", str(args.budget_seconds), "--seed", str(args.seed), "--out", str(out),
               "--json"]
    if setting == "local":
        return command + ["--workers", str(args.workers)]
    return command + ["--executor", "lambda", "--function", "rungs", "--endpoint-url", url,
                      "--region", "us-east-1", "--concurrency", str(args.workers),
                      "--function-timeout", "60"]


def phase_of(before, after, budget):
    """Where a kill landed, from what the killed run wrote: before it opened
    the journal (start-up, reading and checking the data, replay), during
    the search, or after the budget was spent (best model, outputs)."""
    opened = after.exists and (not before.exists or len(after.resumed_events()) > len(before.resumed_events()))
    if not opened:
        return "start-up"
    if len(after.finished_events()) > len(before.finished_events()):
        return "outputs"
    if after.last_now >= budget:
        return "end"
    return "search"


def run_setting(args, setting):
    work = Path(args.work) / setting
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    out = work / "out"
    journal = out / "journal.sqlite"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="chaos", AWS_SECRET_ACCESS_KEY="chaos", AWS_REGION="us-east-1",
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", HOME=str(work))
    data = split_data(args.data, work, args.seed)
    rng = random.Random(args.seed)
    emulator = Emulator(args, work, env) if setting == "lambda" else None
    first = tune_command(args, setting, out, data, emulator.url if emulator else "")
    resume = [args.rungs, "tune", "--resume", str(out), "--json"]

    started = time.monotonic()
    problems = {"runs": [], "kills": []}
    kills, runs, phases, snapshots = 0, 0, {}, [jc.Snapshot()]
    while kills < args.kills and runs < 3 * args.kills:
        before = jc.read_journal(journal)
        command = resume if before.exists else first
        runs += 1
        # The window covers start-up, what is left of the budget and the end.
        window = args.start_seconds + max(0.0, args.budget_seconds - before.last_now) + args.end_seconds
        delay = rng.uniform(0, min(window, args.max_delay))
        with open(work / f"run{runs:02d}.log", "w") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
            try:
                code = process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                code = None
        if code is not None:
            if code != 0:
                problems["runs"].append(f"run {runs} ({' '.join(command[1:3])}) exited {code}: "
                                        f"{(work / f'run{runs:02d}.log').read_text()[-500:]}")
                break
            snapshots.append(jc.read_journal(journal))
            continue
        seen = jc.read_journal(journal)  # committed just before the kill
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
        after = jc.read_journal(journal)
        problems["kills"] += jc.missing_from(after, seen, f"kill {kills}")
        problems["kills"] += jc.missing_from(after, snapshots[-1], f"kill {kills}")
        phase = phase_of(before, after, args.budget_seconds)
        phases[phase] = phases.get(phase, 0) + 1
        snapshots.append(after)
        print(f"{setting}: kill {kills:2d} after {delay:5.2f} s ({phase}): "
              f"{len(after.jobs)} jobs, {len(after.results)} results committed", flush=True)

    # The last resume runs to its end.
    last = None
    if not problems["runs"]:
        runs += 1
        with open(work / f"run{runs:02d}.log", "w") as log:
            code = subprocess.run(resume, stdout=log, stderr=subprocess.STDOUT, env=env,
                                  timeout=args.budget_seconds * 10 + 300).returncode
        if code != 0:
            problems["runs"].append(f"the last run exited {code}: {(work / f'run{runs:02d}.log').read_text()[-500:]}")
        lines = (work / f"run{runs:02d}.log").read_text().splitlines()
        last = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    seconds = time.monotonic() - started
    emulator_log = emulator.stop() if emulator else ""

    final = jc.read_journal(journal)
    for i, earlier in enumerate(snapshots):
        problems["kills"] += jc.missing_from(final, earlier, f"the final journal against snapshot {i}")
    lost, orphans, duplicates = jc.lost_and_duplicated(final)
    problems["journal"] = ([f"{lost} jobs without a result"] if lost else []) + \
                          ([f"{orphans} results without a job"] if orphans else []) + \
                          ([f"{duplicates} duplicates"] if duplicates else [])
    problems["replay"], replayed = jc.check_replay(args.rungs, out, final)
    problems["trials"] = jc.check_trials_csv(out, final)
    problems["best"] = jc.check_best_files(out, final)
    problems["model"] = jc.check_best_model(args.rungs, out, final, data[1], data[2])
    if last and last.get("event") == "finished":
        test_metric = json.loads(final.finished_events()[-1][2]).get("test_metric")
        if not jc.close(last.get("test", -1), test_metric or -2):
            problems["model"].append(f"the last run reported test {last.get('test')}, its journal {test_metric}")

    reissued = sum(int(e[2].split()[0]) for e in final.resumed_events())
    figures = {
        "setting": setting, "kills": kills, "runs": runs, "kills_by_phase": phases,
        "jobs": len(final.jobs), "results": len(final.results),
        "trials": replayed["trials"] if replayed else None,
        "failed_results": sum(1 for _, _, t in final.results.values() if json.loads(t)["outcome"] != "ok"),
        "reissued_after_resume": reissued, "lost": lost + orphans, "duplicates": duplicates,
        "seconds": round(seconds, 1), "experiment_seconds": round(final.last_now, 1),
    }
    faults = re.search(r"faults injected: ([^)]*)\)", emulator_log)
    if faults:
        figures["faults_injected"] = faults.group(1)
    return problems, figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rungs", default=str(ROOT / "build" / "rungs"))
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mr"),
                        help="a data set folder with train.csv and test.csv")
    parser.add_argument("--settings", default="local,lambda", help="local, lambda or both")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget-seconds", type=float, default=40)
    parser.add_argument("--workers", type=int, default=2, help="local workers, or Lambda instances")
    parser.add_argument("--fault-rate", type=float, default=0.05, help="lambda: the share of each fault")
    parser.add_argument("--start-seconds", type=float, default=1.5, help="how long a start-up may take")
    parser.add_argument("--end-seconds", type=float, default=4, help="how long the end may take")
    parser.add_argument("--max-delay", type=float, default=5, help="the longest delay before a kill")
    parser.add_argument("--work", default="/tmp/rungs-chaos", help="where the runs go (emptied first)")
    args = parser.parse_args()

    failed = False
    for setting in args.settings.split(","):
        problems, figures = run_setting(args, setting)
        for check, found in problems.items():
            failed |= bool(found)
            print(f"{setting}: {check:8s} {'FAIL' if found else 'PASS'}")
            for problem in found[:10]:
                print(f"    {problem}")
        print(json.dumps(figures), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
