#!/usr/bin/env python3
"""Thread scaling: how much faster `rungs train` gets from 1 to 2 threads,
beside `fasttext supervised` on the same file and flags.

The refit of the best trial and a `rungs train -thread 2` count on a second
thread; a second thread that adds CPU time without shortening the wall time
(cores contending for shared cache lines) makes the end of a tune overrun
its budget. For each loss (softmax, ns, hs, ova), each tool trains on
ag_news (its 7,600 rows, written as fastText lines into WORK) with 1 and
then 2 threads, repeated --reps times, interleaved. Printed per loss: the
median wall seconds of each, the speedup (1-thread wall / 2-thread wall)
and the CPU ratio (2-thread CPU / 1-thread CPU: 1.0 when the second thread
adds no work). A small bucket table keeps the model's write out of the way.

Usage: thread_scaling.py RUNGS DATA_DIR WORK [--reps 3] [--epoch 27] [--rungs-old OLD_RUNGS]
"""
import argparse
import csv
import os
import statistics

from trial_start import timed

FASTTEXT = "/usr/bin/fasttext"
LOSSES = ["softmax", "ns", "hs", "ova"]


def write_fasttext_lines(data_dir, work):
    """ag_news/test.csv as `__label__N text` lines; returns the path."""
    path = os.path.join(work, "ag_news.txt")
    with open(os.path.join(data_dir, "ag_news", "test.csv"), newline="", encoding="utf-8") as f, \
            open(path, "w", encoding="utf-8") as out:
        for row in csv.reader(f):
            text = " ".join((row[1] + " " + row[2]).replace("\\", " ").split())
            out.write("__label__%s %s\n" % (row[0], text))
    return path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rungs")
    p.add_argument("data_dir")
    p.add_argument("work")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--epoch", type=int, default=27)
    p.add_argument("--rungs-old", help="another rungs binary, measured beside (before / after)")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    data = write_fasttext_lines(a.data_dir, a.work)
    tools = [("rungs", [a.rungs, "train"])]
    if a.rungs_old:
        tools.append(("rungs-old", [a.rungs_old, "train"]))
    tools.append(("fasttext", [FASTTEXT, "supervised"]))
    flags = ["-epoch", str(a.epoch), "-lr", "0.5", "-dim", "93", "-wordNgrams", "2",
             "-bucket", "200000", "-minCount", "2", "-verbose", "0"]
    print("| loss | tool | wall 1 thread s | wall 2 threads s | speedup | CPU 2 / CPU 1 |")
    print("|---|---|---|---|---|---|")
    for loss in LOSSES:
        times = {(name, t): [] for name, _ in tools for t in (1, 2)}
        for _ in range(a.reps):
            for name, cmd in tools:
                for threads in (1, 2):
                    out = os.path.join(a.work, "model")
                    wall, cpu, _ = timed(cmd + ["-input", data, "-output", out, "-loss", loss,
                                                "-thread", str(threads)] + flags)
                    times[(name, threads)].append((wall, cpu))
        for name, _ in tools:
            one = times[(name, 1)]
            two = times[(name, 2)]
            wall1 = statistics.median(w for w, _ in one)
            wall2 = statistics.median(w for w, _ in two)
            cpu1 = statistics.median(c for _, c in one)
            cpu2 = statistics.median(c for _, c in two)
            print("| %s | %s | %.2f | %.2f | %.2f | %.2f |" % (loss, name, wall1, wall2,
                                                             wall1 / wall2, cpu2 / cpu1), flush=True)


if __name__ == "__main__":
    main()
