#!/usr/bin/python3
"""Trial-start benchmark: what a large n-gram table costs a short job.

On MR and SUBJ (../shared/data, written as fastText lines), with
-epoch 3 -wordNgrams 2 -dim 100 -thread 2, each repetition runs one after the
other:

  rungs train -bucket 2000000   and   rungs train -bucket 200000
      the whole command: load, train, and write the .bin (the 2M model file
      is 808 MB whatever the tool, since it holds every row)
  classifier_bench -bucket 2000000 / 200000
      the job a tuning trial runs: load, encode and train, no model file
      (its "load_train_s")
  fasttext supervised (bucket 2M, its default)
  dd of as many zero bytes as the 2M .bin into a new file, synced (last, so
  that its writeback does not land on the short jobs)
      the floor: what writing a file that size costs on this machine (fastText's
      .bin is the same size; rungs also syncs its model before renaming it)

and reports the median wall seconds (and CPU seconds, from wait4) of each,
the 2M/200k ratios, the ratio of rungs train to fasttext supervised, and
that ratio with the floor taken from both.

Usage: trial_start.py RUNGS CLASSIFIER_BENCH DATA_DIR WORK_DIR [--reps 3]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

FASTTEXT = "/usr/bin/fasttext"
FLAGS = ["-epoch", "3", "-wordNgrams", "2", "-dim", "100", "-thread", "2"]


def prepare(data_dir, work, name):
    paths = []
    for split in ("train", "test"):
        path = os.path.join(work, "%s.%s.txt" % (name, split))
        with open(os.path.join(data_dir, name, split + ".csv"), newline="", encoding="utf-8") as f, \
                open(path, "w", encoding="utf-8") as out:
            for r in csv.DictReader(f):
                out.write("__label__%s %s\n" % (r["label"], " ".join(r["text"].split())))
        paths.append(path)
    return paths


def timed(cmd):
    """(wall, cpu) of cmd, CPU from wait4."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if status != 0:
        sys.exit("failed: %s" % " ".join(cmd))
    return wall, usage.ru_utime + usage.ru_stime, out.decode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rungs")
    p.add_argument("bench")
    p.add_argument("data_dir")
    p.add_argument("work_dir")
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    for binary in (a.rungs, a.bench):
        if not os.access(binary, os.X_OK):
            sys.exit("%s: no such program (build it: cmake --build build --target rungs classifier_bench)"
                     % binary)
    os.makedirs(a.work_dir, exist_ok=True)
    model = os.path.join(a.work_dir, "model")
    results = []
    for name in ("mr", "subj"):
        train, test = prepare(a.data_dir, a.work_dir, name)
        runs = {k: [] for k in ("train_2m", "train_200k", "job_2m", "job_200k", "fasttext", "floor")}
        for rep in range(a.reps):
            for key, bucket in (("train_2m", "2000000"), ("train_200k", "200000")):
                wall, cpu, _ = timed([a.rungs, "train", "-input", train, "-output", model,
                                      "-verbose", "0", "-bucket", bucket] + FLAGS)
                runs[key].append((wall, cpu))
                if key == "train_2m":
                    model_bytes = os.path.getsize(model + ".bin")
                os.remove(model + ".bin")
            for key, bucket in (("job_2m", "2000000"), ("job_200k", "200000")):
                _, cpu, out = timed([a.bench, train, test, "-bucket", bucket, "-lr", "0.1"] + FLAGS)
                runs[key].append((json.loads(out)["load_train_s"], None))
            wall, cpu, _ = timed([FASTTEXT, "supervised", "-input", train, "-output", model,
                                  "-verbose", "0"] + FLAGS)
            runs["fasttext"].append((wall, cpu))
            for ext in (".bin", ".vec"):
                if os.path.exists(model + ext):
                    os.remove(model + ext)
            floor = model + ".floor"
            runs["floor"].append(timed(["dd", "if=/dev/zero", "of=" + floor, "bs=4M",
                                        "count=%d" % model_bytes, "iflag=count_bytes",
                                        "conv=fsync", "status=none"])[:2])
            os.remove(floor)
            print(json.dumps({"data": name, "rep": rep, **{k: v[-1] for k, v in runs.items()}}),
                  flush=True)
        med = {k: statistics.median(w for w, _ in v) for k, v in runs.items()}
        cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items() if v[0][1] is not None}
        results.append((name, med, cpu))
    print("\n| data | rungs train 2M s | 200k s | 2M/200k | trial job 2M s | 200k s | 2M/200k "
          "| fasttext s | rungs/fasttext | CPU: rungs 2M/200k | CPU: rungs/fasttext "
          "| write floor s | above the floor: rungs/fasttext |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, m, c in results:
        print("| %s | %.2f | %.2f | %.2f | %.3f | %.3f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
            name, m["train_2m"], m["train_200k"], m["train_2m"] / m["train_200k"], m["job_2m"],
            m["job_200k"], m["job_2m"] / m["job_200k"], m["fasttext"],
            m["train_2m"] / m["fasttext"], c["train_2m"] / c["train_200k"],
            c["train_2m"] / c["fasttext"], m["floor"],
            (m["train_2m"] - m["floor"]) / (m["fasttext"] - m["floor"])))


if __name__ == "__main__":
    main()
