#!/usr/bin/python3
"""LCBench (YAHPO Gym surrogate) through `rungs simulate --blackbox`, beside Optuna.

Modes (each runnable one task at a time with --tasks; bench/lcbench/README.md):

  anytime   every method (rungs schedulers by name, plus optuna-tpe-hb) with
            --workers simulated workers, --seeds seeds, a budget of epochs:
            the best validation accuracy found by 10%, 25%, 50% and 100% of
            the budget (mean and standard deviation over seeds).
  walltime  the default method at 1, 10, 32, 100, 300 and 1000 workers and
            Optuna TPE + HyperbandPruner at 10: virtual seconds until the best
            validation accuracy is within 1 point of the best any anytime run
            found on the task (run anytime first); each run stops there, or
            at --time-factor times the virtual time the default method at 32
            workers took for the anytime budget, or after --max-jobs jobs;
            a table and a plot.
  overhead  what the blackbox's process round trips cost: the LCBench blackbox
            asked request by request against one batch, and a simulation with
            the blackbox against one with the synthetic objective.

Everything runs on the virtual clock (the blackbox's training seconds), so
machine load changes only how long the script takes. Each run's trace is
kept in --work and reused when the script runs again with the same settings.
"""
import argparse
import concurrent.futures
import csv
import json
import math
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from blackbox_client import Blackbox  # noqa: E402

TASKS = ["167168", "189873", "189906"]  # YAHPO's single-objective suite v1.0
METHODS = ["random", "asha", "asha-evo", "hyperband", "asha-tpe", "asha-evo+pasha",
           "asha-tpe+pasha", "optuna-tpe-hb"]
DEFAULT_METHOD = "asha-tpe"
# A method NAME+VARIANT is the rungs scheduler NAME with these scheduler options.
# "1bracket": one bracket whatever the method's own count (asha-tpe has two), to tell
# PASHA's effect from that of starting every trial at the bottom rung.
VARIANTS = {"pasha": {"pasha": {"enabled": True}}, "1bracket": {"brackets": 1}}
CHECKPOINTS = [0.10, 0.25, 0.50, 1.00]
MAX_EPOCHS = 52  # LCBench's epochs 1..52
ETA = 3


def blackbox_command(task):
    return f"node {HERE / 'lcbench_blackbox.js'} --task {task}"


def scheduler_flags(method):
    """--scheduler and --scheduler-options of a method NAME[+VARIANT...]."""
    name, *variants = method.split("+")
    options = {}
    for v in variants:
        if v not in VARIANTS:
            sys.exit(f"unknown variant '+{v}' in method '{method}' (known: {', '.join(VARIANTS)})")
        options.update(VARIANTS[v])
    return ["--scheduler", name, "--scheduler-options", json.dumps(options)]


def rungs_command(args, task, method, workers, seed, budget, journal):
    return [args.rungs, "simulate", "--blackbox", blackbox_command(task),
            "--space", str(HERE / "lcbench_space.toml"), *scheduler_flags(method),
            "--workers", str(workers), "--seed", str(seed), "--budget-epochs", str(budget),
            "--jobs", "100000000", "--min-epochs", "1", "--max-epochs", str(MAX_EPOCHS),
            "--eta", str(ETA), "--journal", str(journal)]


def optuna_command(task, workers, seed, budget, out):
    return ["/usr/bin/python3", str(HERE / "optuna_peer.py"), "--blackbox", blackbox_command(task),
            "--space", str(HERE / "lcbench_space.toml"), "--workers", str(workers),
            "--seed", str(seed), "--budget-epochs", str(budget), "--min-epochs", "1",
            "--max-epochs", str(MAX_EPOCHS), "--eta", str(ETA), "--out", str(out)]


def journal_trace(journal):
    """(time, epochs finished so far, metric) per result of a rungs journal."""
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    trace, epochs = [], 0
    for now, metric, result in db.execute("SELECT now, metric, result FROM results ORDER BY seq"):
        epochs += json.loads(result)["epochs_trained"]
        trace.append((now, epochs, metric if metric is not None else -math.inf))
    db.close()
    return trace


def save_journal_trace(journal, path):
    """Writes the journal's trace as CSV and deletes the journal."""
    with open(path, "w") as out:
        out.write("time,epochs,metric\n")
        for row in journal_trace(journal):
            out.write("%r,%d,%r\n" % row)
    for leftover in journal.parent.glob(journal.name + "*"):
        leftover.unlink()


def read_trace(path):
    with open(path) as f:
        return [(float(r["time"]), int(r["epochs"]), float(r["metric"]))
                for r in csv.DictReader(f)]


def run_one(args, task, method, workers, seed, budget):
    """The run's trace [(time, epochs, metric)], from --work when it is there."""
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    name = f"{task}-{method}-w{workers}-s{seed}-b{budget}"
    trace_file = work / f"{name}.csv"
    if not trace_file.exists():
        partial = work / f"{name}.partial"
        if method.startswith("optuna"):
            command = optuna_command(task, workers, seed, budget, partial)
        else:
            journal = work / f"{name}.sqlite"
            for leftover in work.glob(f"{name}.sqlite*"):
                leftover.unlink()
            command = rungs_command(args, task, method, workers, seed, budget, journal)
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}\nfailed ({done.returncode}): {done.stderr}")
        if not method.startswith("optuna"):
            save_journal_trace(journal, partial)
        partial.rename(trace_file)
    return read_trace(trace_file)


def run_to_target(args, task, method, workers, seed, seconds, target):
    """A walltime run's trace: it stops once a result reaches `target`, at
    `seconds` of virtual time, or after --max-jobs jobs."""
    work = Path(args.work)
    name = f"wt-{task}-{method}-w{workers}-s{seed}-t{seconds:.0f}-x{target:.4f}"
    trace_file = work / f"{name}.csv"
    if not trace_file.exists():
        partial = work / f"{name}.partial"
        if method.startswith("optuna"):
            command = optuna_command(task, workers, seed, 10**12, partial)
            command += ["--budget-seconds", repr(seconds), "--target", repr(target)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command)}\nfailed: {done.stderr}")
        else:
            journal = work / f"{name}.sqlite"
            for leftover in work.glob(f"{name}.sqlite*"):
                leftover.unlink()
            command = rungs_command(args, task, method, workers, seed, 0, journal)
            command[command.index("--jobs") + 1] = str(args.max_jobs)
            command += ["--budget-seconds", repr(seconds)]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)
            # The journal commits every result: stop the run once one is good enough.
            while process.poll() is None:
                time.sleep(0.25)
                if journal.exists() and reached(journal, target):
                    process.terminate()
            if process.wait() not in (0, -15):
                raise RuntimeError(f"{' '.join(command)}\nfailed: {process.stderr.read()}")
            # A terminated simulate leaves its blackbox's stderr file (see doc/blackbox-protocol.md).
            Path(tempfile.gettempdir(), f"rungs-blackbox-{process.pid}.stderr").unlink(missing_ok=True)
            save_journal_trace(journal, partial)
        partial.rename(trace_file)
    return read_trace(trace_file)


def reached(journal, target):
    try:
        db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
        best = db.execute("SELECT max(metric) FROM results").fetchone()[0]
        db.close()
    except sqlite3.Error:  # not created yet
        return False
    return best is not None and best >= target


def run_all(args, runs):
    """runs: [(task, method, workers, seed, budget)] -> {run: trace}."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {run: pool.submit(run_one, args, *run) for run in runs}
        return {run: future.result() for run, future in futures.items()}


def best_by(trace, epochs=None, seconds=None):
    """The best metric among results finished within `epochs` epochs or
    `seconds` virtual seconds (NaN before the first)."""
    best = math.nan
    for t, e, metric in trace:
        if (epochs is not None and e > epochs) or (seconds is not None and t > seconds):
            break
        best = metric if math.isnan(best) else max(best, metric)
    return best


def time_to(trace, target):
    """The first virtual time the best is at or above `target`; inf if never."""
    for t, _, metric in trace:
        if metric >= target:
            return t
    return math.inf


def percentile(ordered, p):
    """The p-quantile of ascending `ordered`, interpolated between finite
    neighbours (inf: some runs never got there)."""
    k = (len(ordered) - 1) * p
    lo, hi = ordered[math.floor(k)], ordered[math.ceil(k)]
    return lo + (hi - lo) * (k - math.floor(k)) if math.isfinite(hi) else hi


def mean_sd(values):
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "-"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.2f} ± {sd:.2f}"


def anytime(args):
    methods = args.methods
    seeds = range(1, args.seeds + 1)
    runs = [(task, m, args.workers, s, args.budget_epochs)
            for task in args.tasks for m in methods for s in seeds]
    traces = run_all(args, runs)
    print(f"Anytime best validation accuracy (%) of YAHPO LCBench, {args.workers} simulated "
          f"workers, budget {args.budget_epochs} epochs (R = {MAX_EPOCHS}, eta = {ETA}), "
          f"{args.seeds} seeds: mean ± standard deviation at each share of the budget.\n")
    for task in args.tasks:
        print(f"Task {task}\n")
        print("| method | " + " | ".join(f"{int(c * 100)}%" for c in CHECKPOINTS) +
              " | virtual s at 100% |")
        print("|---" * (len(CHECKPOINTS) + 2) + "|")
        leaders = {}
        for m in methods:
            cells = []
            for c in CHECKPOINTS:
                values = [best_by(traces[(task, m, args.workers, s, args.budget_epochs)],
                                  epochs=c * args.budget_epochs) for s in seeds]
                cells.append(mean_sd(values))
                mean = statistics.mean([v for v in values if not math.isnan(v)] or [-math.inf])
                if c not in leaders or mean > leaders[c][1]:
                    leaders[c] = (m, mean)
            end = statistics.mean(traces[(task, m, args.workers, s, args.budget_epochs)][-1][0]
                                  for s in seeds)
            print(f"| {m} | " + " | ".join(cells) + f" | {end:.0f} |")
        print("\nBest mean: " + ", ".join(f"{int(c * 100)}%: {leaders[c][0]}"
                                         for c in CHECKPOINTS) + "\n")


def walltime(args):
    seeds = range(1, args.seeds + 1)
    anytime_runs = [(task, args.method, 32, s, args.budget_epochs)
                    for task in args.tasks for s in range(1, 21)]
    work = Path(args.work)
    plan = {}
    for task in args.tasks:
        # The reference: the best any anytime run (every method, every seed) found.
        found = [max(float(r["metric"]) for r in csv.DictReader(open(f)))
                 for f in work.glob(f"{task}-*-b{args.budget_epochs}.csv")]
        ends = [run_one(args, *r)[-1][0] for r in anytime_runs if r[0] == task
                and (work / f"{r[0]}-{r[1]}-w{r[2]}-s{r[3]}-b{r[4]}.csv").exists()]
        if not found or not ends:
            sys.exit(f"walltime needs the anytime traces of task {task} in {work}: run anytime first")
        plan[task] = (max(found) - args.within, args.time_factor * statistics.median(ends),
                      max(found), len(found))
    runs = [(task, args.method, w, s) for task in args.tasks for w in args.worker_counts
            for s in seeds] + [(task, "optuna-tpe-hb", args.optuna_workers, s)
                               for task in args.tasks for s in seeds]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {r: pool.submit(run_to_target, args, *r, plan[r[0]][1], plan[r[0]][0])
                   for r in runs}
        traces = {r: f.result() for r, f in futures.items()}
    print(f"Virtual seconds until the best validation accuracy is within {args.within} point of "
          f"the best any anytime run found on the task; each run stops there, at "
          f"{args.time_factor:g}x the median virtual time {args.method} at 32 workers took for "
          f"{args.budget_epochs} epochs, or after {args.max_jobs} jobs; {args.seeds} seeds: median "
          f"[25th-75th percentile] (\"never\": not within the run), runs that got there.\n")
    rows = [(args.method, w) for w in args.worker_counts] + [("optuna-tpe-hb", args.optuna_workers)]
    plot = {}
    for task in args.tasks:
        target, seconds, best, count = plan[task]
        print(f"Task {task}: best of {count} anytime runs {best:.2f}, target {target:.2f}, "
              f"runs stop at {seconds:.0f} virtual s\n")
        print("| method | workers | median s | 25th-75th s | reached |")
        print("|---|---|---|---|---|")
        for method, workers in rows:
            times = sorted(time_to(traces[(task, method, workers, s)], target) for s in seeds)
            q = [percentile(times, p) for p in (0.25, 0.5, 0.75)]
            got = sum(math.isfinite(t) for t in times)
            fmt = lambda t: f"{t:.0f}" if math.isfinite(t) else "never"  # noqa: E731
            print(f"| {method} | {workers} | {fmt(q[1])} | {fmt(q[0])}-{fmt(q[2])} | "
                  f"{got}/{len(times)} |")
            plot.setdefault(task, []).append((method, workers, q))
        print()
    if args.plot:
        draw(args, plot)
        print(f"Plot: {args.plot}")


def draw(args, plot):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, (task, rows) in enumerate(plot.items()):
        color = f"C{i}"
        ours = [(w, q) for m, w, q in rows if m == args.method and math.isfinite(q[1])]
        ax.errorbar([w for w, _ in ours], [q[1] for _, q in ours],
                    yerr=[[q[1] - q[0] for _, q in ours],
                          [q[2] - q[1] if math.isfinite(q[2]) else 0 for _, q in ours]],
                    marker="o", color=color, capsize=3, label=f"{args.method}, task {task}")
        for m, w, q in rows:
            if m != args.method and math.isfinite(q[1]):
                ax.errorbar([w], [q[1]], yerr=[[q[1] - q[0]],
                                               [q[2] - q[1] if math.isfinite(q[2]) else 0]],
                            marker="s", color=color, capsize=3, linestyle="none",
                            label=f"Optuna TPE+Hyperband, task {task}")
    never = [f"{m} at {w}, task {task}" for task, rows in plot.items() for m, w, q in rows
             if not math.isfinite(q[1])]
    if never:
        fig.text(0.01, 0.01, "median never within the run: " + "; ".join(never), fontsize=6,
                 wrap=True)
    ax.set_xscale("log")
    if any(math.isfinite(q[1]) for rows in plot.values() for _, _, q in rows):
        ax.set_yscale("log")
    ax.set_xlabel("simulated workers (trials at once)")
    ax.set_ylabel(f"virtual seconds to within {args.within} point of the best")
    ax.set_title("YAHPO LCBench: time to a good model vs parallelism (median, IQR)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(args.plot)


def overhead(args):
    task = args.tasks[0]
    config = {"batch_size": 64, "learning_rate": 0.01, "momentum": 0.9, "weight_decay": 0.001,
              "num_layers": 3, "max_units": 256, "max_dropout": 0.2}
    n = args.requests
    blackbox = Blackbox(blackbox_command(task))
    blackbox.ask([(config, [1])])  # the model is loaded
    start = time.perf_counter()
    for i in range(n):
        blackbox.ask([(config, [1 + i % MAX_EPOCHS])])
    one_by_one = time.perf_counter() - start
    start = time.perf_counter()
    blackbox.ask([(config, [1 + i % MAX_EPOCHS]) for i in range(n)])
    batched = time.perf_counter() - start
    blackbox.close()
    print(f"LCBench blackbox, task {task}, {n} requests of one epoch each (wall time):\n")
    print("| how | µs per request |\n|---|---|")
    print(f"| one request per round trip | {1e6 * one_by_one / n:.0f} |")
    print(f"| all {n} in one batch | {1e6 * batched / n:.0f} |")
    print(f"| ratio | {one_by_one / batched:.1f} |\n")

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"rungs simulate, {args.workers} workers, budget {args.budget_epochs} epochs, seed 1 "
          "(CPU is user + sys of rungs and its blackbox):\n")
    print("| objective | scheduler | jobs | exchanges | wall s | CPU s | µs wall per job | "
          "blackbox share of wall |")
    print("|---|---|---|---|---|---|---|---|")
    for method in ["asha-evo", "hyperband"]:
        for objective in ["synthetic", "blackbox"]:
            journal = work / f"overhead-{method}-{objective}.sqlite"
            for leftover in work.glob(journal.name + "*"):
                leftover.unlink()
            command = rungs_command(args, task, method, args.workers, 1, args.budget_epochs, journal)
            if objective == "synthetic":
                command = command[:2] + command[command.index("--scheduler"):
                                                 command.index("--journal")]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            report = json.loads(done.stdout)
            o = report["objective"]
            exchanges = o.get("exchanges", "-")
            share = f"{100 * o['seconds'] / wall:.0f}%" if "seconds" in o else "-"
            print(f"| {objective} | {method} | {report['jobs']} | {exchanges} | {wall:.2f} | "
                  f"{cpu:.2f} | {1e6 * wall / report['jobs']:.0f} | {share} |")
            for leftover in work.glob(journal.name + "*"):
                leftover.unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["anytime", "walltime", "overhead"])
    ap.add_argument("--tasks", nargs="+", default=TASKS)
    ap.add_argument("--methods", nargs="+", default=METHODS,
                    help="rungs scheduler names, and optuna-tpe-hb for the Optuna peer (anytime)")
    ap.add_argument("--method", default=DEFAULT_METHOD, help="the rungs method of walltime")
    ap.add_argument("--workers", type=int, default=32, help="simulated workers (anytime, overhead)")
    ap.add_argument("--worker-counts", type=int, nargs="+", default=[1, 10, 32, 100, 300, 1000])
    ap.add_argument("--optuna-workers", type=int, default=10)
    ap.add_argument("--within", type=float, default=1.0, help="points of accuracy (walltime)")
    ap.add_argument("--time-factor", type=float, default=4.0,
                    help="walltime: runs stop at this times the default method's anytime time")
    ap.add_argument("--max-jobs", type=int, default=300000, help="walltime: jobs per rungs run")
    ap.add_argument("--seeds", type=int, default=None, help="20 for anytime, 10 for walltime")
    ap.add_argument("--budget-epochs", type=int, default=200 * MAX_EPOCHS)
    ap.add_argument("--requests", type=int, default=2000, help="overhead: requests to time")
    ap.add_argument("--plot", default=str(HERE / "walltime.svg"), help="walltime: the plot")
    ap.add_argument("--rungs", default=str(ROOT / "build" / "rungs"))
    ap.add_argument("--work", default="/tmp/rungs-lcbench", help="traces of finished runs")
    ap.add_argument("--jobs", type=int, default=1, help="runs at once")
    args = ap.parse_args()
    if args.seeds is None:
        args.seeds = 10 if args.mode == "walltime" else 20
    start = time.time()
    {"anytime": anytime, "walltime": walltime, "overhead": overhead}[args.mode](args)
    print(f"\n(run.py {args.mode} took {time.time() - start:.0f} s of wall time)")


if __name__ == "__main__":
    main()
