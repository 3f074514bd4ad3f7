#!/usr/bin/env python3
"""Writes 20 Newsgroups as fastText-format files for the classifier benchmark.

train.csv rows are shuffled with a fixed seed (the file is sorted by label);
test.csv keeps its order. Newlines and carriage returns inside a message become
spaces, so each message is one line that both tools read identically. Bytes
are passed through (latin-1 round trip), labels get the __label__ prefix.
"""
import csv
import random
import sys


def convert(src, dst, shuffle_seed=None):
    csv.field_size_limit(1 << 30)
    with open(src, newline="", encoding="latin-1") as f:
        rows = list(csv.DictReader(f))
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(rows)
    with open(dst, "w", newline="", encoding="latin-1") as out:
        for row in rows:
            text = row["text"].replace("\r", " ").replace("\n", " ")
            out.write("__label__%s %s\n" % (row["label"], text))
    return len(rows)


def main():
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    n_train = convert(data_dir + "/train.csv", out_dir + "/train.txt", shuffle_seed=20)
    n_test = convert(data_dir + "/test.csv", out_dir + "/test.txt")
    print("wrote %d train and %d test lines to %s" % (n_train, n_test, out_dir))


if __name__ == "__main__":
    main()
