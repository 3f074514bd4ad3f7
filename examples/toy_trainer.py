#!/usr/bin/env python3
"""A tiny but real training program for `rungs tune --command`.

Trains logistic regression with plain SGD on a synthetic, linearly
separable-with-noise data set (generated from --data-seed, so every trial sees
the same data) and follows the command-trainable contract of
doc/command-trainable.md:

  * after each epoch it saves a checkpoint in --workdir (atomically: write a
    temporary file, then rename), THEN prints one line
        rungs-metric epoch=<e> value=<validation accuracy> loss=<validation log-loss>
    and flushes stdout;
  * with --epochs-from N > 0 it resumes from the checkpoint of epoch N and
    reports only epochs N+1, N+2, ...;
  * it stops after --epochs-to epochs, or keeps going up to --max-epochs when
    that is larger (rungs stops it once --epochs-to is reported).

Resuming gives exactly the model a single uninterrupted run would give: the
shuffling of each epoch is seeded by (--seed, epoch), and the checkpoint holds
all the model state. Python 3 standard library only.
"""

import argparse
import json
import math
import os
import random
import sys

FEATURES = 8
TRAIN_SIZE = 400
VALID_SIZE = 200
LABEL_NOISE = 0.1  # share of labels flipped, so the best accuracy is below 1


def make_data(data_seed):
    """Points in [-1, 1]^FEATURES labelled by a hidden hyperplane, with noise."""
    rng = random.Random(data_seed)
    true_w = [rng.gauss(0, 1) for _ in range(FEATURES)]
    true_b = rng.gauss(0, 0.3)

    def example():
        x = [rng.uniform(-1, 1) for _ in range(FEATURES)]
        y = 1 if sum(w * v for w, v in zip(true_w, x)) + true_b > 0 else 0
        if rng.random() < LABEL_NOISE:
            y = 1 - y
        return x, y

    train = [example() for _ in range(TRAIN_SIZE)]
    valid = [example() for _ in range(VALID_SIZE)]
    return train, valid


def sigmoid(z):
    # Written in two branches so that exp never overflows.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def evaluate(model, data):
    """(accuracy, mean log-loss) of the model on data."""
    correct = 0
    loss = 0.0
    for x, y in data:
        p = sigmoid(sum(w * v for w, v in zip(model["w"], x)) + model["b"])
        correct += (p >= 0.5) == (y == 1)
        p = min(max(p, 1e-12), 1 - 1e-12)
        loss -= math.log(p if y == 1 else 1 - p)
    return correct / len(data), loss / len(data)


def train_epoch(model, train, lr, l2, seed, epoch):
    order = list(range(len(train)))
    random.Random(seed * 100003 + epoch).shuffle(order)
    w = model["w"]
    for i in order:
        x, y = train[i]
        g = sigmoid(sum(wj * v for wj, v in zip(w, x)) + model["b"]) - y
        for j in range(FEATURES):
            w[j] -= lr * (g * x[j] + l2 * w[j])
        model["b"] -= lr * g


def checkpoint_path(workdir, epoch):
    return os.path.join(workdir, "checkpoint-%d.json" % epoch)


def save(workdir, epoch, model):
    path = checkpoint_path(workdir, epoch)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"epoch": epoch, "w": model["w"], "b": model["b"]}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # a stop mid-write never leaves a torn checkpoint


def load(workdir, epoch):
    path = checkpoint_path(workdir, epoch)
    try:
        with open(path) as f:
            state = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("toy_trainer: cannot resume from epoch %d: %s" % (epoch, e))
    return {"w": state["w"], "b": state["b"]}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lr", type=float, required=True, help="SGD learning rate")
    p.add_argument("--l2", type=float, default=0.0, help="L2 penalty")
    p.add_argument("--lr-scale", type=float, default=1.0, help="rungs' per-rung lr factor")
    p.add_argument("--epochs-from", type=int, default=0, help="resume after this epoch")
    p.add_argument("--epochs-to", type=int, required=True, help="train up to this epoch")
    p.add_argument("--max-epochs", type=int, default=0,
                   help="keep training past --epochs-to up to this epoch")
    p.add_argument("--workdir", required=True, help="folder for checkpoints")
    p.add_argument("--seed", type=int, default=1, help="seeds the shuffling")
    p.add_argument("--data-seed", type=int, default=1, help="seeds the data set")
    args = p.parse_args()
    if args.lr <= 0 or args.epochs_from < 0 or args.epochs_to <= args.epochs_from:
        sys.exit("toy_trainer: need --lr > 0 and 0 <= --epochs-from < --epochs-to")

    train, valid = make_data(args.data_seed)
    if args.epochs_from > 0:
        model = load(args.workdir, args.epochs_from)
    else:
        model = {"w": [0.0] * FEATURES, "b": 0.0}
    lr = args.lr * args.lr_scale
    for epoch in range(args.epochs_from + 1, max(args.epochs_to, args.max_epochs) + 1):
        train_epoch(model, train, lr, args.l2, args.seed, epoch)
        save(args.workdir, epoch, model)
        accuracy, loss = evaluate(model, valid)
        print("rungs-metric epoch=%d value=%.6f loss=%.6f" % (epoch, accuracy, loss), flush=True)


if __name__ == "__main__":
    main()
