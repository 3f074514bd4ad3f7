#!/usr/bin/python3
"""Optuna on a rungs blackbox, with N simulated workers on a virtual clock.

The peer of `rungs simulate --blackbox` in bench/lcbench: the same blackbox
program (doc/blackbox-protocol.md), the same search space (the TOML rungs
reads), the same epoch budget, the same clock (the blackbox's training
seconds). Optuna 3.1's TPESampler (constant_liar on, Optuna's advice for
parallel workers; otherwise defaults) proposes configurations through
ask/tell; its HyperbandPruner (min 1, max R epochs, reduction factor eta:
Optuna's recommended pruner for TPE) stops trials after any epoch.

Each of the N workers trains one trial epoch by epoch: it reports the
trial's metric after each epoch at the virtual time that epoch ends (the
blackbox's cumulative seconds), asks the pruner, and takes a new trial when
the trial is pruned or reaches R. A trial's whole curve comes from the
blackbox in one request when it starts (it is deterministic, so this is the
same as asking epoch by epoch). No epoch starts once the budget's epochs have
been started, or at or after --budget-seconds of virtual time, or once a
metric reached --target; running ones finish.

Output: one CSV line per finished epoch, in time order:
    time,epochs,metric,trial,epoch
(time: virtual seconds; epochs: epochs finished so far, all workers).
"""
import argparse
import heapq
import itertools
import sys
import tomllib
from pathlib import Path

import optuna

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blackbox_client import Blackbox  # noqa: E402


def read_space(path):
    """The TOML space (doc/space.md) as Optuna suggestions; only float, int and
    choice parameters without conditions, which is all LCBench needs."""
    space = tomllib.loads(Path(path).read_text())
    unknown = set(space) - {"params"}
    if unknown:
        sys.exit(f"{path}: optuna_peer.py reads only [params], not {sorted(unknown)}")
    params = []
    for name, p in space["params"].items():
        if "when" in p or p.get("type") not in ("float", "int", "choice"):
            sys.exit(f"{path}: parameter '{name}': optuna_peer.py handles float, int and "
                     "choice parameters without 'when'")
        params.append((name, p))
    return params


def suggest(trial, params):
    config = {}
    for name, p in params:
        log = p.get("scale", "linear") == "log"
        if p["type"] == "float":
            config[name] = trial.suggest_float(name, p["min"], p["max"], log=log)
        elif p["type"] == "int":
            config[name] = trial.suggest_int(name, p["min"], p["max"], log=log)
        else:
            config[name] = trial.suggest_categorical(name, p["choices"])
    return config


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blackbox", required=True, help='"PROGRAM ARGS..." (no shell)')
    ap.add_argument("--space", required=True, help="the search space TOML")
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--budget-epochs", type=int, required=True)
    ap.add_argument("--budget-seconds", type=float, default=0, help="virtual; 0: no limit")
    ap.add_argument("--target", type=float, default=None,
                    help="stop starting epochs once a metric reaches this")
    ap.add_argument("--min-epochs", type=int, default=1)
    ap.add_argument("--max-epochs", type=int, default=52)
    ap.add_argument("--eta", type=int, default=3)
    ap.add_argument("--pruner", choices=["hyperband", "none"], default="hyperband")
    ap.add_argument("--out", required=True, help="the CSV trace to write")
    args = ap.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    params = read_space(args.space)
    pruner = (optuna.pruners.HyperbandPruner(min_resource=args.min_epochs,
                                             max_resource=args.max_epochs,
                                             reduction_factor=args.eta)
              if args.pruner == "hyperband" else optuna.pruners.NopPruner())
    sampler = optuna.samplers.TPESampler(seed=args.seed, constant_liar=True)
    # HyperbandPruner puts a trial in a bracket by a hash of the study's name;
    # Optuna's own name is random, so a fixed one makes a seed's run repeat.
    study = optuna.create_study(study_name=f"lcbench-seed-{args.seed}", direction="maximize",
                                sampler=sampler, pruner=pruner)
    blackbox = Blackbox(args.blackbox)
    epochs = list(range(1, args.max_epochs + 1))

    events = []  # (time the epoch ends, tie-break, worker state)
    order = itertools.count()
    started = 0  # epochs started, all workers
    reached = False  # a metric reached --target

    def may_start(now):
        return (started < args.budget_epochs and not reached and
                not (args.budget_seconds > 0 and now >= args.budget_seconds))

    def start_epoch(state, now):
        nonlocal started
        if not may_start(now):
            return
        started += 1
        e = state["epoch"] + 1
        seconds = state["seconds"]
        took = max(0.0, seconds[e - 1] - (seconds[e - 2] if e > 1 else 0.0))
        heapq.heappush(events, (now + took, next(order), state))

    def start_trial(now):
        if not may_start(now):
            return
        trial = study.ask()
        [(metrics, seconds)] = blackbox.ask([(suggest(trial, params), epochs)])
        start_epoch({"trial": trial, "metrics": metrics, "seconds": seconds, "epoch": 0}, now)

    for _ in range(args.workers):
        start_trial(0.0)
    finished = 0
    with open(args.out, "w") as out:
        out.write("time,epochs,metric,trial,epoch\n")
        while events:
            now, _, state = heapq.heappop(events)
            state["epoch"] += 1
            e, trial = state["epoch"], state["trial"]
            value = state["metrics"][e - 1]
            finished += 1
            out.write(f"{now!r},{finished},{value!r},{trial.number},{e}\n")
            reached = reached or (args.target is not None and value >= args.target)
            trial.report(value, e)
            if e == args.max_epochs:
                study.tell(trial, value)
                start_trial(now)
            elif trial.should_prune():
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                start_trial(now)
            else:
                start_epoch(state, now)
    blackbox.close()
    print(f"optuna_peer: {len(study.trials)} trials, {finished} epochs, best "
          f"{max((t.value for t in study.trials if t.value is not None), default=None)}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
