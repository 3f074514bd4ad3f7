#!/usr/bin/python3
"""Peak memory of `rungs tune` against fastText autotune on 20 Newsgroups.

One run of each, one after the other on the same prepared files (bench/tune's
split: train, valid and test as fastText lines), with the same time budget
and 2 workers:

  autotune       fasttext supervised -autotune-validation VALID
                 -autotune-duration BUDGET -thread 2
  rungs          rungs tune --budget-seconds BUDGET --workers 2 --threads 1
                 (its default memory budget)
  rungs-2G       the same with --memory 2G

Peak resident memory is the kernel's figure for the whole process tree:
ru_maxrss of the child from wait4 (what /usr/bin/time -v prints as
"Maximum resident set size"; each tool is one process, its workers are
threads). Test accuracy: autotune's model scored by `fasttext test`; rungs'
as its summary reports it (`rungs test` on best.bin). Prints one line per
run and the ratios: rungs' peak over autotune's, the 2G run's peak against
2 GiB, and the accuracy differences.

Usage: run_bench.py RUNGS DATA_DIR WORK_DIR [--budget 60] [--seed 1] [--cap 5]
       (--budget 300 for the long variant; a run still going at CAP x budget
       seconds is killed: on a loaded machine autotune's final training can
       take many times the budget)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tune"))
import bench_data  # noqa: E402  (bench/tune's fixed split)

FASTTEXT = "/usr/bin/fasttext"
GIB = 1 << 30


def run(cmd, log, cap_seconds):
    """(exit code, wall seconds, peak RSS bytes, killed) of cmd, killed after
    cap_seconds (the peak is the kernel's either way); output into log."""
    start = time.monotonic()
    killed = False
    with open(log + ".stdout", "w") as out, open(log + ".stderr", "w") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() - start > cap_seconds and not killed:
                proc.kill()
                killed = True
            time.sleep(0.2)
    code = os.waitstatus_to_exitcode(status)
    return code, time.monotonic() - start, usage.ru_maxrss * 1024, killed


def fasttext_p1(model, data):
    out = subprocess.run([FASTTEXT, "test", model, data], check=True, capture_output=True).stdout
    return float(re.search(r"^P@1\s+([0-9.]+)", out.decode(), re.M).group(1))


def autotune(files, work, budget, seed, cap):
    """Its final training of the best configuration comes after the budget;
    killed at cap x budget, its peak so far is still reported (no test)."""
    model = os.path.join(work, "autotune")
    code, wall, peak, killed = run(
        [FASTTEXT, "supervised", "-input", files["train"], "-output", model,
         "-autotune-validation", files["valid"], "-autotune-duration", str(budget),
         "-thread", "2", "-seed", str(seed), "-verbose", "0"], model, cap * budget)
    if killed:
        return {"peak": peak, "wall": wall, "test": float("nan"), "killed": True}
    if code != 0:
        sys.exit("autotune failed (%d): see %s.stderr" % (code, model))
    return {"peak": peak, "wall": wall, "test": fasttext_p1(model + ".bin", files["test"])}


def rungs(binary, files, work, name, budget, seed, extra, cap):
    out = os.path.join(work, name)
    shutil.rmtree(out, ignore_errors=True)  # an earlier run's experiment would be refused
    code, wall, peak, killed = run(
        [binary, "tune", "--train", files["train"], "--valid", files["valid"],
         "--test", files["test"], "--format", "fasttext", "--budget-seconds", str(budget),
         "--workers", "2", "--threads", "1", "--seed", str(seed), "--out", out, "--json"] + extra,
        out, cap * budget)
    if killed or code != 0:
        sys.exit("%s failed (%d): see %s.stderr" % (name, code, out))
    with open(out + ".stdout") as f:
        finished = [json.loads(line) for line in f if '"finished"' in line][-1]
    return {"peak": peak, "wall": wall, "test": finished["test"], "trials": finished["trials"],
            "refused": finished.get("refused", 0)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rungs")
    p.add_argument("data_dir")
    p.add_argument("work")
    p.add_argument("--budget", type=int, default=60)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cap", type=float, default=5, help="kill a run after CAP x budget seconds")
    a = p.parse_args()
    folder = os.path.join(a.work, "20newsgroups")
    bench_data.prepare(a.data_dir, "20newsgroups", folder)
    files = bench_data.paths(folder)
    work = os.path.join(a.work, "runs-%ds" % a.budget)
    os.makedirs(work, exist_ok=True)

    results = {"autotune": autotune(files, work, a.budget, a.seed, a.cap),
               "rungs": rungs(a.rungs, files, work, "rungs", a.budget, a.seed, [], a.cap),
               "rungs-2G": rungs(a.rungs, files, work, "rungs-2G", a.budget, a.seed,
                                 ["--memory", "2G"], a.cap)}
    print("20 Newsgroups, %d s, 2 workers, seed %d" % (a.budget, a.seed))
    if results["autotune"].get("killed"):
        print("autotune was killed at %.0f s (--cap): its peak until then, no test score" %
              results["autotune"]["wall"])
    print("%-9s %10s %8s %8s %7s %8s" % ("run", "peak MiB", "wall s", "test", "trials", "refused"))
    for name, r in results.items():
        print("%-9s %10.0f %8.1f %8.4f %7s %8s" % (name, r["peak"] / (1 << 20), r["wall"], r["test"],
                                                 r.get("trials", "-"), r.get("refused", "-")))
    at, default, limited = results["autotune"], results["rungs"], results["rungs-2G"]
    print("peak rungs / autotune:    %.2f (target <= 1.5)" % (default["peak"] / at["peak"]))
    print("peak rungs-2G / 2 GiB:    %.2f (target < 1)" % (limited["peak"] / (2 * GIB)))
    print("peak rungs-2G / autotune: %.2f" % (limited["peak"] / at["peak"]))
    print("test rungs - autotune:    %+.4f" % (default["test"] - at["test"]))
    print("test rungs-2G - rungs:    %+.4f (target >= -0.005)" % (limited["test"] - default["test"]))
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
