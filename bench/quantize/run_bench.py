#!/usr/bin/python3
"""Quantization benchmark: `rungs quantize` against `fasttext quantize`.

For each data set, `fasttext supervised` trains one base model (.bin); then,
for each setting, both tools quantize that same .bin with the same flags, one
after the other, and the run records for each: the .ftz size, its test P@1
(scored by `fasttext test`, so both files are judged by the same program),
and the wall time of the quantize process (wait4 also gives CPU seconds).

Data (../shared/data): 20 Newsgroups (its train/test split, train rows
shuffled with seed 20, as bench/classifier/prepare_20ng.py writes them) and
AG News, of which only the official 7,600-row test.csv is here: its rows are
shuffled with seed 7 and split 80/20 into train and test.

Usage: run_bench.py RUNGS DATA_DIR WORK_DIR [--reps 1]
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time

FASTTEXT = "/usr/bin/fasttext"
BASE = {
    "20newsgroups": ["-epoch", "20", "-lr", "0.5", "-dim", "50", "-wordNgrams", "2",
                     "-bucket", "200000", "-thread", "2"],
    "ag_news": ["-epoch", "10", "-lr", "0.5", "-dim", "50", "-wordNgrams", "2",
                "-bucket", "200000", "-thread", "2"],
}
SETTINGS = [
    ["-thread", "2"],
    ["-qnorm", "-thread", "2"],
    ["-qnorm", "-cutoff", "50000", "-retrain", "-epoch", "1", "-lr", "0.1", "-thread", "2"],
    ["-qnorm", "-cutoff", "10000", "-retrain", "-epoch", "1", "-lr", "0.1", "-dsub", "4",
     "-thread", "2"],
]


def write_lines(rows, path):
    with open(path, "w", encoding="utf-8") as out:
        for label, text in rows:
            out.write("__label__%s %s\n" % (label, " ".join(text.split())))


def prepare(data_dir, work):
    """fastText-format train/test files for both data sets."""
    paths = {}
    csv.field_size_limit(1 << 30)
    d = os.path.join(work, "20newsgroups")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "test.txt")):
        for split, seed in (("train", 20), ("test", None)):
            with open(os.path.join(data_dir, "20newsgroups", split + ".csv"), newline="",
                      encoding="latin-1") as f:
                rows = [(r["label"], r["text"]) for r in csv.DictReader(f)]
            if seed is not None:
                random.Random(seed).shuffle(rows)
            write_lines(rows, os.path.join(d, split + ".txt"))
    paths["20newsgroups"] = d
    d = os.path.join(work, "ag_news")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "test.txt")):
        with open(os.path.join(data_dir, "ag_news", "test.csv"), newline="", encoding="utf-8") as f:
            rows = [(r[0], r[1] + " " + r[2].replace("\\", " ")) for r in csv.reader(f)]
        random.Random(7).shuffle(rows)
        cut = len(rows) * 4 // 5
        write_lines(rows[:cut], os.path.join(d, "train.txt"))
        write_lines(rows[cut:], os.path.join(d, "test.txt"))
    paths["ag_news"] = d
    return paths


def run(cmd):
    """Runs cmd; returns (wall seconds, CPU seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err.decode("latin-1")[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime


def p_at_1(model, test):
    out = subprocess.run([FASTTEXT, "test", model, test], check=True, capture_output=True,
                         text=True).stdout
    return float(out.split("P@1\t")[1].split()[0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rungs")
    p.add_argument("data_dir")
    p.add_argument("work_dir")
    p.add_argument("--reps", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.work_dir, exist_ok=True)
    rows = []
    for name, d in prepare(a.data_dir, a.work_dir).items():
        train, test = os.path.join(d, "train.txt"), os.path.join(d, "test.txt")
        base = os.path.join(d, "base")
        run([FASTTEXT, "supervised", "-input", train, "-output", base, "-verbose", "0"] + BASE[name])
        base_p1 = p_at_1(base + ".bin", test)
        base_mb = os.path.getsize(base + ".bin") / 2**20
        print(json.dumps({"data": name, "base_p1": base_p1, "base_mb": base_mb}), flush=True)
        for flags in SETTINGS:
            for rep in range(a.reps):
                row = {"data": name, "flags": " ".join(flags), "rep": rep}
                for tool, program in (("fasttext", FASTTEXT), ("rungs", a.rungs)):
                    out = os.path.join(d, tool)
                    for ext in (".bin", ".ftz"):
                        if os.path.exists(out + ext):
                            os.remove(out + ext)
                    os.link(base + ".bin", out + ".bin")
                    wall, cpu = run([program, "quantize", "-input", train, "-output", out,
                                     "-verbose", "0"] + flags)
                    row[tool + "_s"] = wall
                    row[tool + "_cpu"] = cpu
                    row[tool + "_kb"] = os.path.getsize(out + ".ftz") / 1024
                    row[tool + "_p1"] = p_at_1(out + ".ftz", test)
                print(json.dumps(row), flush=True)
                rows.append(row)
    print("\n| data | flags | fastText KiB | rungs KiB | fastText P@1 | rungs P@1 | diff (points) "
          "| fastText s | rungs s | time ratio | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| %s | `%s` | %.0f | %.0f | %.4f | %.4f | %+.2f | %.1f | %.1f | %.2f | %.2f |" % (
            r["data"], r["flags"], r["fasttext_kb"], r["rungs_kb"], r["fasttext_p1"],
            r["rungs_p1"], 100 * (r["rungs_p1"] - r["fasttext_p1"]), r["fasttext_s"],
            r["rungs_s"], r["rungs_s"] / r["fasttext_s"], r["rungs_cpu"] / r["fasttext_cpu"]))


if __name__ == "__main__":
    main()
