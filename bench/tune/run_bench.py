#!/usr/bin/python3
"""Tuning benchmark: rungs against fastText autotune and Optuna TPE on 20 Newsgroups.

Protocol (../shared/DESIGN.md, benchmark 2): the train split is shuffled with
a fixed seed and 2,000 documents are held out for validation; every tool
reads the same fastText-format train.txt / valid.txt / test.txt, tunes on
validation accuracy for the same wall budget on 2 cores, and its final model
is scored once on the official test split. The tools run one after another:

  autotune        fasttext supervised -autotune-validation ... -thread 2
                  (its own final retrain included), then fasttext test
  optuna          Optuna's seeded TPE sampler driving fasttext.train_supervised
                  (thread=2) in a child process, study.optimize(timeout=budget);
                  the best trial's model (kept in memory) is scored on test
  asha-evo, asha, random
                  rungs tune --scheduler X --budget-seconds B --workers 2 --threads 1
  asha-evo-small  rungs tune --scheduler asha-evo with the small budget (120 s)
  handpicked      (only when asked for) fasttext -epoch 25 -lr 0.5 -loss ova

Printed: a markdown table per tool (trials, best validation accuracy, test
accuracy, wall seconds, overrun past the budget against the tool's longest
training job), the time each rungs run took to first reach each peer's final
validation accuracy (from its trials.csv), and the verdict on each target.
Each tool's figures are also written to WORK/results/<tool>.json, and
--report prints the tables from those files without running anything.

Needs /usr/bin/python3 with Debian's python3-fasttext and python3-optuna.
"""
import argparse
import csv
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FASTTEXT = "/usr/bin/fasttext"
VALID_SIZE = 2000
PEERS = ["autotune", "optuna"]
RUNGS_TOOLS = {"asha-evo": "asha-evo", "asha": "asha", "random": "random", "asha-evo-small": "asha-evo"}
DEFAULT_TOOLS = ["autotune", "optuna", "asha-evo", "asha", "random", "asha-evo-small"]
ALL_TOOLS = DEFAULT_TOOLS + ["handpicked"]
TEST_TARGET = 0.78       # rungs' test accuracy within the small budget
REACH_FRACTION = 0.25    # rungs reaches autotune's validation accuracy within this share of the budget


def log(msg):
    print("[bench/tune %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data

def prepare(data_dir, work, seed):
    """Writes train.txt, valid.txt (2,000 shuffled train documents), test.txt into work."""
    csv.field_size_limit(1 << 30)

    def read(path):
        # latin-1 maps every byte to one character, so the text round-trips unchanged.
        with open(path, newline="", encoding="latin-1") as f:
            return [(row["label"], row["text"]) for row in csv.DictReader(f)]

    def write(path, rows):
        with open(path, "w", newline="", encoding="latin-1") as out:
            for label, text in rows:
                text = text.replace("\r", " ").replace("\n", " ")
                out.write("__label__%s %s\n" % (label.replace(" ", "_"), text))

    train = read(os.path.join(data_dir, "train.csv"))
    test = read(os.path.join(data_dir, "test.csv"))
    random.Random(seed).shuffle(train)
    write(os.path.join(work, "valid.txt"), train[:VALID_SIZE])
    write(os.path.join(work, "train.txt"), train[VALID_SIZE:])
    write(os.path.join(work, "test.txt"), test)
    log("prepared %d train, %d valid, %d test documents in %s"
        % (len(train) - VALID_SIZE, VALID_SIZE, len(test), work))


def fasttext_test(model, path):
    """Accuracy (P@1, one label per document) of `fasttext test`."""
    out = subprocess.run([FASTTEXT, "test", model, path], check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()
    m = re.search(r"^P@1\s+([0-9.]+)", out, re.M)
    if not m:
        raise RuntimeError("no P@1 in `fasttext test %s %s` output: %r" % (model, path, out))
    return float(m.group(1))


# ---------------------------------------------------------------- fastText autotune

def run_autotune(a, work, budget):
    out_dir = os.path.join(work, "autotune")
    os.makedirs(out_dir, exist_ok=True)
    model = os.path.join(out_dir, "model")
    cmd = [FASTTEXT, "supervised", "-input", os.path.join(work, "train.txt"), "-output", model,
           "-autotune-validation", os.path.join(work, "valid.txt"),
           "-autotune-duration", str(int(budget)), "-thread", "2", "-seed", str(a.seed),
           "-verbose", "3"]
    log("autotune: " + " ".join(cmd))
    start = time.monotonic()
    with open(os.path.join(out_dir, "stdout.txt"), "wb") as so:
        proc = subprocess.Popen(cmd, stdout=so, stderr=subprocess.PIPE)
        # fastText's autotune can run far past its duration (one slow trial is
        # never cut short); stop it at the hard cap so the benchmark ends.
        cap = threading.Timer(a.cap * budget, proc.kill)
        cap.start()
        # stderr carries "Progress: ... Trials: N ..." lines rewritten with \r;
        # timestamp each new trial number and the start of the final retrain.
        trial_starts, retrain_at, tail = {}, None, b""
        while True:
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                break
            now = time.monotonic() - start
            tail = (tail + chunk)[-4096:]
            for m in re.finditer(rb"Trials:\s+(\d+)", chunk):
                trial_starts.setdefault(int(m.group(1)), now)
            if retrain_at is None and b"Training again with best arguments" in tail:
                retrain_at = now
        rc = proc.wait()
        cap.cancel()
    trained = time.monotonic() - start
    if rc == -signal.SIGKILL:
        return killed_at_cap(trained, "autotune")
    if rc != 0:
        raise RuntimeError("fasttext autotune exited %d: %s" % (rc, tail.decode("latin-1")[-1000:]))
    valid = fasttext_test(model + ".bin", os.path.join(work, "valid.txt"))
    test = fasttext_test(model + ".bin", os.path.join(work, "test.txt"))
    wall = time.monotonic() - start
    with open(os.path.join(out_dir, "stdout.txt"), encoding="latin-1") as f:
        verbose = f.read()
    started = len(re.findall(r"^Trial = \d+", verbose, re.M))
    # -verbose 3 prints "train took = S" after each trial it finishes; a
    # trial cut off at the deadline is timed from its progress line instead.
    jobs = [float(x) for x in re.findall(r"^train took = ([0-9.eE+-]+)", verbose, re.M)]
    finished = len(jobs)
    marks = [trial_starts[k] for k in sorted(trial_starts)]
    if started > len(jobs) and marks:
        jobs.append((retrain_at if retrain_at is not None else trained) - marks[-1])
    retrain = (trained - retrain_at) if retrain_at is not None else None
    if retrain is not None:
        jobs.append(retrain)
    if not a.keep_models:
        for ext in (".bin", ".vec"):
            if os.path.exists(model + ext):
                os.remove(model + ext)
    return {
        "trials": started if started else None,
        "best_valid": valid, "test": test, "wall": wall,
        "longest_job": max(jobs) if jobs else None,
        "notes": "%d trials started, %d finished (-verbose 3 output); final retrain + .bin/.vec save %s s"
                 % (started, finished, "%.0f" % retrain if retrain is not None else "n/a"),
    }


def killed_at_cap(wall, tool):
    log("%s: killed at the hard cap after %.0f s, no final model" % (tool, wall))
    return {"trials": None, "best_valid": None, "test": None, "wall": wall, "longest_job": None,
            "notes": "killed at the hard cap (%.0f s), no final model" % wall}


# ---------------------------------------------------------------- hand-picked fastText

def run_handpicked(a, work, budget):
    out_dir = os.path.join(work, "handpicked")
    os.makedirs(out_dir, exist_ok=True)
    model = os.path.join(out_dir, "model")
    cmd = [FASTTEXT, "supervised", "-input", os.path.join(work, "train.txt"), "-output", model,
           "-epoch", "25", "-lr", "0.5", "-loss", "ova", "-thread", "2", "-seed", str(a.seed),
           "-verbose", "0"]
    log("handpicked: " + " ".join(cmd))
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    trained = time.monotonic() - start
    valid = fasttext_test(model + ".bin", os.path.join(work, "valid.txt"))
    test = fasttext_test(model + ".bin", os.path.join(work, "test.txt"))
    wall = time.monotonic() - start
    if not a.keep_models:
        for ext in (".bin", ".vec"):
            if os.path.exists(model + ext):
                os.remove(model + ext)
    return {"trials": 1, "best_valid": valid, "test": test, "wall": wall, "longest_job": trained,
            "budget": None, "notes": "one fixed configuration, no budget"}


# ---------------------------------------------------------------- Optuna TPE

def optuna_space(trial):
    """fastText arguments for one Optuna trial: rungs' default classifier space
    (src/trial/classifier_space.cc, without `normalize`, which fastText lacks)
    plus the epoch count, which rungs treats as the resource."""
    p = {
        "lr": trial.suggest_float("lr", 0.05, 2.0, log=True),
        "epoch": trial.suggest_int("epoch", 1, 50, log=True),
        "dim": trial.suggest_int("dim", 16, 256, log=True),
        "wordNgrams": trial.suggest_int("wordNgrams", 1, 3),
        "bucket": trial.suggest_categorical("bucket", [200000, 500000, 1000000, 2000000]),
        "minCount": trial.suggest_int("minCount", 1, 5),
        "loss": trial.suggest_categorical("loss", ["softmax", "ns", "hs", "ova"]),
        "lrUpdateRate": trial.suggest_int("lrUpdateRate", 50, 500, log=True),
        "minn": 0, "maxn": 0,
    }
    if trial.suggest_categorical("charNgrams", [False, True]):
        p["minn"] = trial.suggest_int("minn", 2, 4)
        p["maxn"] = trial.suggest_int("maxn", max(3, p["minn"]), 6)
    if p["loss"] == "ns":
        p["neg"] = trial.suggest_int("neg", 2, 20)
    return p


def optuna_worker(a):
    """Runs inside the child process; prints one JSON line with the outcome."""
    import fasttext
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    train, valid, test = (os.path.join(a.work, n) for n in ("train.txt", "valid.txt", "test.txt"))
    start = time.monotonic()
    best = {"acc": -1.0, "model": None}
    durations = []

    def objective(trial):
        params = optuna_space(trial)
        t0 = time.monotonic()
        try:
            model = fasttext.train_supervised(input=train, thread=2, seed=a.seed + trial.number,
                                              verbose=0, **params)
            acc = model.test(valid)[1]
        finally:
            durations.append(time.monotonic() - t0)
        if acc > best["acc"]:
            best["acc"], best["model"] = acc, model   # keep only the best model in memory
        del model
        return acc

    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=a.seed))
    study.optimize(objective, timeout=a.optuna_budget, catch=(RuntimeError, ValueError))
    tuned = time.monotonic() - start
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    failed = len(study.trials) - len(done)
    result = {"trials": len(study.trials), "failed": failed, "tuned_seconds": tuned,
              "longest_job": max(durations) if durations else None}
    if best["model"] is not None:
        result["best_valid"] = best["acc"]
        result["test"] = best["model"].test(test)[1]
        result["best_params"] = study.best_trial.params
    print(json.dumps(result), flush=True)


def run_optuna(a, work, budget):
    cmd = [sys.executable, os.path.abspath(__file__), "--optuna-worker", "--work", work,
           "--optuna-budget", str(budget), "--seed", str(a.seed)]
    log("optuna: " + " ".join(cmd))
    start = time.monotonic()
    try:
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, timeout=a.cap * budget).stdout.decode()
    except subprocess.TimeoutExpired:
        return killed_at_cap(time.monotonic() - start, "optuna")
    wall = time.monotonic() - start
    r = json.loads(out.strip().splitlines()[-1])
    notes = "TPE seed %d" % a.seed
    if r.get("failed"):
        notes += ", %d trial(s) failed" % r["failed"]
    if "best_params" in r:
        notes += ", best %s" % json.dumps(r["best_params"], sort_keys=True)
    return {"trials": r["trials"], "best_valid": r.get("best_valid"), "test": r.get("test"),
            "wall": wall, "longest_job": r.get("longest_job"), "notes": notes}


# ---------------------------------------------------------------- rungs

def run_rungs(a, work, budget, tool):
    scheduler = RUNGS_TOOLS[tool]
    out_dir = os.path.join(work, tool)
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    cmd = [a.rungs, "tune", "--train", os.path.join(work, "train.txt"),
           "--valid", os.path.join(work, "valid.txt"), "--test", os.path.join(work, "test.txt"),
           "--format", "fasttext", "--scheduler", scheduler, "--budget-seconds", str(budget),
           "--workers", "2", "--threads", "1", "--seed", str(a.seed), "--out", out_dir, "--json"]
    log("%s: %s" % (tool, " ".join(cmd)))
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    stdout = proc.stdout.decode("utf-8", "replace")
    with open(os.path.join(work, tool + ".stdout.jsonl"), "w") as f:   # kept for inspection
        f.write(stdout)
    if proc.returncode != 0:
        raise RuntimeError("rungs tune exited %d; stderr: %s; stdout tail: %s"
                           % (proc.returncode, proc.stderr.decode("utf-8", "replace")[-2000:], stdout[-2000:]))
    finished = None
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if event.get("event") == "finished":
            finished = event
    if finished is None:
        raise RuntimeError("rungs tune printed no finished event; stdout tail: %s" % stdout[-2000:])
    rows = read_trials_csv(os.path.join(out_dir, "trials.csv"))
    seconds = [r["seconds"] for r in rows if r["seconds"] is not None]
    best = finished.get("best") or {}
    return {"trials": finished.get("trials"), "best_valid": best.get("valid"),
            "test": finished.get("test"), "wall": wall,
            "longest_job": max(seconds) if seconds else None,
            "jobs": len(rows), "trials_csv": os.path.join(out_dir, "trials.csv"),
            "reach_curve": best_so_far(rows),
            "notes": "%d jobs, %s" % (len(rows), describe_outcomes(rows))}


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
                         "finished_at": num("finished_at"), "seconds": num("seconds")})
    return rows


def describe_outcomes(rows):
    counts = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    return ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items()))


def best_so_far(rows):
    """[(finished_at, metric)] at each improvement of the best ok result."""
    curve, best = [], None
    for r in sorted((r for r in rows if r["outcome"] == "ok" and r["metric"] is not None
                     and r["finished_at"] is not None), key=lambda r: r["finished_at"]):
        if best is None or r["metric"] > best:
            best = r["metric"]
            curve.append((r["finished_at"], best))
    return curve


def time_to_reach(curve, target):
    for at, metric in curve:
        if metric >= target:
            return at
    return None


# ---------------------------------------------------------------- report

def fmt(x, digits=4):
    if x is None:
        return "n/a"
    if isinstance(x, float):
        if digits == 4 and x == int(x) and x >= 2:
            return "%d" % x   # budgets and counts
        return "%.*f" % (digits, x)
    return str(x)


def overrun(r):
    """(seconds past the budget, whether that exceeds the tool's longest job)."""
    if r.get("budget") is None:
        return None, None
    over = r["wall"] - r["budget"]
    if over <= 0:
        return over, False
    if r.get("longest_job") is None:
        return over, True
    return over, over > r["longest_job"]


def report(results, budget, small):
    lines = []
    lines.append("| tool | budget s | trials | best valid | test acc | wall s | past budget s | longest job s | overran? |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in ALL_TOOLS:
        r = results.get(name)
        if r is None:
            continue
        over, bad = overrun(r)
        lines.append("| %s | %s | %s | %s | %s | %.1f | %s | %s | %s |" % (
            name, fmt(r.get("budget")), fmt(r.get("trials")), fmt(r.get("best_valid")),
            fmt(r.get("test")), r["wall"], fmt(over, 1) if over is not None else "n/a",
            fmt(r.get("longest_job"), 1),
            "n/a" if bad is None else ("YES" if bad else "no")))
    lines.append("")
    for name in ALL_TOOLS:
        if name in results and results[name].get("notes"):
            lines.append("- %s: %s" % (name, results[name]["notes"]))
    lines.append("")

    peers = [p for p in PEERS if p in results and results[p].get("best_valid") is not None]
    rungs_runs = [t for t in RUNGS_TOOLS if t in results]
    if peers and rungs_runs:
        lines.append("Seconds (experiment clock of trials.csv) until a rungs run first had an ok "
                     "result at or above each peer's final validation accuracy:")
        lines.append("")
        lines.append("| rungs run | " + " | ".join("%s (%s)" % (p, fmt(results[p]["best_valid"]))
                                               for p in peers) + " |")
        lines.append("| --- |" + " --- |" * len(peers))
        for t in rungs_runs:
            cells = []
            for p in peers:
                at = time_to_reach(results[t].get("reach_curve", []), results[p]["best_valid"])
                cells.append("not reached" if at is None else
                             "%.1f (%.0f%% of %s s)" % (at, 100.0 * at / results[t]["budget"],
                                                        fmt(results[t]["budget"])))
            lines.append("| %s | %s |" % (t, " | ".join(cells)))
        lines.append("")

    lines.append("Targets:")
    lines.append("")
    peer_tests = {p: results[p].get("test") for p in PEERS if p in results}
    for t in ("asha-evo", "asha-evo-small"):
        if t not in results:
            continue
        test = results[t].get("test")
        missing = [p for p in PEERS if p not in peer_tests or peer_tests[p] is None]
        beats = test is not None and all(test > v for v in peer_tests.values() if v is not None)
        verdict = "met" if beats and not missing else ("NOT met" if not beats else "n/a (%s not run)" % ", ".join(missing))
        lines.append("- %s (%s s) test %s higher than every peer's (%s): %s" % (
            t, fmt(results[t]["budget"]), fmt(test),
            ", ".join("%s %s" % (p, fmt(v)) for p, v in peer_tests.items()) or "none run", verdict))
    if "asha-evo-small" in results:
        test = results["asha-evo-small"].get("test")
        lines.append("- asha-evo within %s s: test %s >= %.2f: %s" % (
            fmt(results["asha-evo-small"]["budget"]), fmt(test), TEST_TARGET,
            "met" if test is not None and test >= TEST_TARGET else "NOT met"))
    if "asha-evo" in results and "autotune" in results and results["autotune"].get("best_valid") is not None:
        at = time_to_reach(results["asha-evo"].get("reach_curve", []), results["autotune"]["best_valid"])
        limit = REACH_FRACTION * results["asha-evo"]["budget"]
        lines.append("- asha-evo reaches autotune's validation accuracy %s within %.0f s (1/4 of the budget): %s" % (
            fmt(results["autotune"]["best_valid"]),
            limit, "not reached" + ": NOT met" if at is None else
            "%.1f s: %s" % (at, "met" if at <= limit else "NOT met")))
    over_tools = [n for n in ALL_TOOLS if n in results and overrun(results[n])[1]]
    budgeted = [n for n in ALL_TOOLS if n in results and results[n].get("budget") is not None]
    lines.append("- no tool past its budget by more than its longest job: %s" % (
        "met" if not over_tools else "NOT met (%s)" % ", ".join(over_tools)) +
        " (checked: %s)" % ", ".join(budgeted))
    return "\n".join(lines)


# ---------------------------------------------------------------- main

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--budget", type=float, default=300, help="wall budget in seconds per tool (300)")
    p.add_argument("--cap", type=float, default=3,
                   help="kill a peer still running after this many times its budget (3)")
    p.add_argument("--budget-small", type=float, default=120,
                   help="budget of the extra rungs asha-evo run (120)")
    p.add_argument("--rungs", default=os.path.join(REPO, "build", "rungs"), help="rungs binary")
    p.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "20newsgroups"),
                   help="folder with 20 Newsgroups train.csv and test.csv")
    p.add_argument("--work", default="/tmp/rungs-bench-tune", help="working folder")
    p.add_argument("--seed", type=int, default=1, help="seed of the split and of every tool (1)")
    p.add_argument("--only", action="append", default=None,
                   help="run only these tools (repeat or comma-separate): " + ", ".join(ALL_TOOLS))
    p.add_argument("--report", action="store_true",
                   help="print the tables from WORK/results without running anything")
    p.add_argument("--keep-models", action="store_true", help="keep fastText's .bin/.vec files")
    p.add_argument("--optuna-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--optuna-budget", type=float, help=argparse.SUPPRESS)
    return p.parse_args()


def main():
    a = parse_args()
    if a.optuna_worker:
        optuna_worker(a)
        return
    work = os.path.abspath(a.work)
    results_dir = os.path.join(work, "results")
    os.makedirs(results_dir, exist_ok=True)
    budgets = {t: (a.budget_small if t == "asha-evo-small" else a.budget) for t in ALL_TOOLS}
    budgets["handpicked"] = None
    tools = DEFAULT_TOOLS
    if a.only:
        tools = [t for spec in a.only for t in spec.split(",") if t]
        unknown = [t for t in tools if t not in ALL_TOOLS]
        if unknown:
            sys.exit("unknown tool(s) %s; known: %s" % (", ".join(unknown), ", ".join(ALL_TOOLS)))

    if not a.report:
        if any(t in RUNGS_TOOLS for t in tools) and not os.access(a.rungs, os.X_OK):
            sys.exit("no rungs binary at %s (give --rungs)" % a.rungs)
        prepare(a.data, work, a.seed)
        runners = {"autotune": run_autotune, "optuna": run_optuna, "handpicked": run_handpicked}
        for tool in tools:
            run = runners.get(tool) or (lambda a, w, b, t=tool: run_rungs(a, w, b, t))
            r = run(a, work, budgets[tool])
            r.setdefault("budget", budgets[tool])
            r["seed"] = a.seed
            with open(os.path.join(results_dir, tool + ".json"), "w") as f:
                json.dump(r, f, indent=1)
            log("%s: trials %s, valid %s, test %s, wall %.1f s" % (
                tool, fmt(r.get("trials")), fmt(r.get("best_valid")), fmt(r.get("test")), r["wall"]))

    # The report covers every tool whose saved result matches this run's budgets and seed.
    results = {}
    for tool in ALL_TOOLS:
        path = os.path.join(results_dir, tool + ".json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        if r.get("budget") == budgets[tool] and r.get("seed") == a.seed:
            results[tool] = r
    print("20 Newsgroups, %d validation documents, budget %s s (small %s s), seed %d, 2 cores\n"
          % (VALID_SIZE, fmt(a.budget), fmt(a.budget_small), a.seed))
    print(report(results, a.budget, a.budget_small))


if __name__ == "__main__":
    main()
