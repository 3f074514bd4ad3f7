#!/usr/bin/env python3
"""How far past its wall budget a local `rungs tune` runs, by worker count.

Runs `rungs tune --budget-seconds B --workers W` on MR's training file for
each W, and prints how far past the budget the last result came (the
experiment clock of trials.csv) and the process ended (wall time, which also
holds reading the data before the clock starts and writing the outputs
after: writing an 800 MB best.bin of 2M buckets takes about a second),
next to the longest single job of the same run (its `seconds` in
trials.csv): the promise is that the run ends within about one job's length
of its budget, whatever the worker count (issue 11, finding 7).

    python3 bench/wallbudget/run.py                       # workers 1, 2, 64, 1024; 5 s
    python3 bench/wallbudget/run.py --workers 1024 --budget 10 --repeats 3
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rungs", default=str(ROOT / "build" / "rungs"))
    p.add_argument("--train", default=str(ROOT.parent / "shared" / "data" / "mr" / "train.csv"))
    p.add_argument("--budget", type=float, default=5.0, help="--budget-seconds (default 5)")
    p.add_argument("--workers", default="1,2,64,1024", help="comma-separated worker counts")
    p.add_argument("--repeats", type=int, default=1, help="runs per worker count")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", default="/tmp/rungs-wallbudget", help="output folders (emptied first)")
    return p.parse_args()


def run_one(args, workers, out):
    cmd = [args.rungs, "tune", "--train", args.train, "--budget-seconds", str(args.budget),
           "--workers", str(workers), "--seed", str(args.seed), "--out", str(out), "--json"]
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    summary = json.loads(stdout.strip().splitlines()[-1])
    rows = list(csv.DictReader(open(out / "trials.csv", newline="")))
    finished = [float(r["finished_at"]) for r in rows if r["finished_at"]]
    ran = [r for r in rows if not r["error"].startswith("abandoned: the wall budget ended before")]
    ok = [r for r in rows if r["outcome"] == "ok"]
    return {
        "workers": workers,
        "load": load,
        "last_result_over": max(finished) - args.budget,
        "end_over": wall - args.budget,
        "clock_seconds": summary["seconds"],
        "wall": wall,
        "longest_job": max((float(r["seconds"]) for r in ran if r["seconds"]), default=0.0),
        "longest_ok_job": max((float(r["seconds"]) for r in ok), default=0.0),
        "jobs": len(rows),
        "ok": len(ok),
        "abandoned_running": sum(1 for r in ran if r["outcome"] == "abandoned"),
        "abandoned_unstarted": len(rows) - len(ran),
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "best_bin_mb": (out / "best.bin").stat().st_size / 1e6,
    }


def main():
    args = parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    results = []
    for workers in [int(w) for w in args.workers.split(",")]:
        for repeat in range(args.repeats):
            r = run_one(args, workers, work / f"w{workers}-r{repeat}")
            results.append(r)
            print(json.dumps(r), flush=True)
    print()
    print(f"budget {args.budget:g} s; seconds; 'over' = past the budget; the longest job is the "
          "longest `seconds` in trials.csv of a job that ran (any outcome), and of an ok job")
    print()
    print("| workers | load (1 min) at start | last result over | process end over | "
          "outside the clock | longest job | longest ok job | last result over / longest job | "
          "jobs: ok / abandoned running / abandoned unstarted | peak RSS MiB | best.bin MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r["last_result_over"] / r["longest_job"] if r["longest_job"] > 0 else float("nan")
        print(f"| {r['workers']} | {r['load']:.1f} | {r['last_result_over']:.2f} | {r['end_over']:.2f} | "
              f"{r['wall'] - r['clock_seconds']:.2f} | {r['longest_job']:.2f} | {r['longest_ok_job']:.2f} | "
              f"{ratio:.2f} | {r['ok']} / {r['abandoned_running']} / {r['abandoned_unstarted']} | "
              f"{r['peak_rss_mib']:.0f} | {r['best_bin_mb']:.1f} |")


if __name__ == "__main__":
    main()
