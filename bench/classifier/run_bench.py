#!/usr/bin/env python3
"""Classifier benchmark: rungs vs `fasttext supervised` on 20 Newsgroups.

For each setting and seed, runs fastText and rungs' classifier_bench one after
the other (interleaved, same machine, same threads) and records for each:
wall time from process start to the end of training (load + train), taken
when the tool reports the end of training on stderr (fastText's final
progress line, classifier_bench's "trained"); peak memory of the child
(wait4 ru_maxrss); test P@1 (fastText via `fasttext test`). classifier_bench
also times a second training of a new configuration (lr x 0.8, seed + 1) from
the corpus it already has in memory, compared with fastText's load + train.

Usage: run_bench.py CLASSIFIER_BENCH DATA_DIR WORK_DIR [--seeds 3] [--epoch 20]
"""
import argparse
import json
import os
import subprocess
import sys
import time

SETTINGS = [
    ["-epoch", "{epoch}", "-lr", "0.5"],
    ["-epoch", "{epoch}", "-lr", "0.5", "-wordNgrams", "2", "-dim", "50", "-bucket", "2000000"],
]
FASTTEXT = "/usr/bin/fasttext"


def run_timed(cmd, end_marker):
    """Runs cmd; returns (seconds until end_marker appears on stderr, maxrss MiB, stdout)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    marked = None
    buf = b""
    # fastText rewrites its progress line with \r and ends it with \n once
    # training is over; read byte-wise so the newline is timestamped when it comes.
    while True:
        chunk = os.read(proc.stderr.fileno(), 4096)
        if not chunk:
            break
        buf += chunk
        if marked is None and end_marker(buf):
            marked = time.monotonic() - start
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), buf.decode("latin-1")[-2000:]))
    return marked, usage.ru_maxrss / 1024.0, stdout.decode()


def fasttext_done(buf):
    # The last progress line (100.0%) followed by its newline.
    i = buf.rfind(b"Progress: 100.0%")
    return i >= 0 and b"\n" in buf[i:]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench")
    p.add_argument("data_dir")
    p.add_argument("work_dir")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--epoch", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    train, test = a.data_dir + "/train.txt", a.data_dir + "/test.txt"
    results = []
    for setting in SETTINGS:
        flags = [f.format(epoch=a.epoch) for f in setting] + ["-thread", str(a.threads)]
        rows = []
        for seed in range(a.seeds):
            seeded = flags + ["-seed", str(seed)]
            out = a.work_dir + "/ft"
            ft_s, ft_mb, _ = run_timed([FASTTEXT, "supervised", "-input", train, "-output", out,
                                        "-verbose", "2"] + seeded, fasttext_done)
            test_out = subprocess.run([FASTTEXT, "test", out + ".bin", test], check=True,
                                      capture_output=True, text=True).stdout
            ft_p1 = float(test_out.split("P@1\t")[1].split()[0])
            for ext in (".bin", ".vec"):
                os.remove(out + ext)
            r_s, r_mb, r_out = run_timed([a.bench, train, test] + seeded, lambda b: b"trained\n" in b)
            r = json.loads(r_out)
            row = {"seed": seed, "ft_s": ft_s, "ft_mb": ft_mb, "ft_p1": ft_p1, "rungs_s": r_s,
                   "rungs_mb": r_mb, "rungs_p1": r["p1"], "second_s": r["second_train_s"],
                   "rungs_load_s": r["load_s"]}
            print(json.dumps({"setting": " ".join(flags), **row}), flush=True)
            rows.append(row)
        mean = lambda k: sum(x[k] for x in rows) / len(rows)
        results.append({
            "setting": " ".join(flags),
            "fasttext_p1": mean("ft_p1"), "rungs_p1": mean("rungs_p1"),
            "fasttext_s": mean("ft_s"), "rungs_s": mean("rungs_s"),
            "wall_ratio": mean("rungs_s") / mean("ft_s"),
            "second_ratio": mean("second_s") / mean("ft_s"),
            "fasttext_mb": max(x["ft_mb"] for x in rows), "rungs_mb": max(x["rungs_mb"] for x in rows),
            "memory_ratio": max(x["rungs_mb"] for x in rows) / max(x["ft_mb"] for x in rows),
            "rungs_second_s": mean("second_s"),
        })
    print("\n| setting | fastText P@1 | rungs P@1 | fastText s | rungs s | ratio | second s | ratio | "
          "fastText MiB | rungs MiB | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print("| `%s` | %.4f | %.4f | %.1f | %.1f | %.2f | %.1f | %.2f | %.0f | %.0f | %.2f |" % (
            r["setting"], r["fasttext_p1"], r["rungs_p1"], r["fasttext_s"], r["rungs_s"], r["wall_ratio"],
            r["rungs_second_s"], r["second_ratio"], r["fasttext_mb"], r["rungs_mb"], r["memory_ratio"]))


if __name__ == "__main__":
    main()
