#!/usr/bin/python3
"""The Optuna peers: Optuna 3.1's TPE sampler driving fastText (python3-fasttext)
on rungs' default search space, as a user of both would write it.

  --pruner hyperband  epochs are the resource: each trial trains from scratch
                      at 3, then 9, then 27 epochs (fastText cannot resume a
                      model), reports each validation accuracy and stops when
                      Optuna's HyperbandPruner (min 3, max 27, reduction factor
                      3, rungs' default ladder) prunes it;
  --pruner none       epochs are a hyperparameter (1-50, log), one training per trial.

One trial at a time with 2 fastText threads: TPE proposes from every result
finished so far (with 2 trials at once, Optuna 3.1's TPE proposes the second
without knowing the first), the pruner compares each rung against all
earlier trials, and fastText's lock-free training uses both cores on one
model. study.optimize(timeout=budget) stops between trials only, as it does
for any user; the benchmark kills the process at 3x its budget.

The final model is the best by validation accuracy of every model trained,
at any rung, pruned trials included (rungs may also pick a lower rung's
result), kept in memory and scored once on the test file. Prints one JSON
line per trained model and one final line.
"""
import argparse
import json
import os
import sys
import time

EPOCH_LADDER = (3, 9, 27)     # min_resource, ..., max_resource with reduction factor 3
REDUCTION_FACTOR = 3


def suggest(trial):
    """(fastText arguments, normalize) of rungs' default classifier space
    (src/trial/classifier_space.cc): epochs excluded, they are the resource."""
    p = {
        "lr": trial.suggest_float("lr", 0.05, 2.0, log=True),
        "dim": trial.suggest_int("dim", 16, 256, log=True),
        "wordNgrams": trial.suggest_int("wordNgrams", 1, 3),
        "bucket": trial.suggest_categorical("bucket", [200000, 500000, 1000000, 2000000]),
        "minCount": trial.suggest_int("minCount", 1, 5),
        "loss": trial.suggest_categorical("loss", ["softmax", "ns", "hs", "ova"]),
        "lrUpdateRate": trial.suggest_int("lrUpdateRate", 50, 500, log=True),
        "minn": 0, "maxn": 0,
    }
    if trial.suggest_categorical("charNgrams", [False, True]):
        p["minn"] = trial.suggest_int("minn", 2, 4)
        # rungs draws maxn in 3-6 and rejects maxn < minn; Optuna needs the range up front.
        p["maxn"] = trial.suggest_int("maxn", max(3, p["minn"]), 6)
    if p["loss"] == "ns":
        p["neg"] = trial.suggest_int("neg", 2, 20)
    normalize = trial.suggest_categorical("normalize", [False, True])
    return p, normalize


def emit(event):
    print(json.dumps(event), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="folder with train/valid/test .txt and .norm.txt")
    ap.add_argument("--pruner", choices=["hyperband", "none"], required=True)
    ap.add_argument("--budget", type=float, required=True, help="study.optimize timeout, seconds")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save-model", help="save the final model here (.bin), after its test score")
    a = ap.parse_args()

    import fasttext
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_data
    files = {norm: bench_data.paths(a.data, norm) for norm in (False, True)}
    start = time.monotonic()
    best = {"valid": -1.0, "model": None, "normalize": None, "trial": None, "epochs": None}
    counts = {"models": 0, "epochs": 0}

    def train(trial, params, normalize, epochs):
        model = fasttext.train_supervised(input=files[normalize]["train"], epoch=epochs,
                                          thread=a.threads, seed=a.seed, verbose=0, **params)
        valid = model.test(files[normalize]["valid"])[1]
        counts["models"] += 1
        counts["epochs"] += epochs
        emit({"event": "model", "trial": trial.number, "epochs": epochs, "valid": valid,
              "at": time.monotonic() - start})
        if valid > best["valid"]:
            best.update(valid=valid, model=model, normalize=normalize, trial=trial.number, epochs=epochs)
        return valid

    def objective_pruned(trial):
        params, normalize = suggest(trial)
        for epochs in EPOCH_LADDER:
            valid = train(trial, params, normalize, epochs)
            trial.report(valid, epochs)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return valid

    def objective_epochs(trial):
        params, normalize = suggest(trial)
        return train(trial, params, normalize, trial.suggest_int("epoch", 1, 50, log=True))

    sampler = optuna.samplers.TPESampler(seed=a.seed)
    if a.pruner == "hyperband":
        pruner = optuna.pruners.HyperbandPruner(min_resource=EPOCH_LADDER[0], max_resource=EPOCH_LADDER[-1],
                                                reduction_factor=REDUCTION_FACTOR)
        objective = objective_pruned
    else:
        pruner = optuna.pruners.NopPruner()
        objective = objective_epochs
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    # A configuration fastText refuses fails its trial, as for any user; the study goes on.
    study.optimize(objective, timeout=a.budget, catch=(RuntimeError, ValueError, MemoryError))
    tuned = time.monotonic() - start
    states = {}
    for t in study.trials:
        states[t.state.name.lower()] = states.get(t.state.name.lower(), 0) + 1
    result = {"event": "finished", "trials": len(study.trials), "states": states,
              "models": counts["models"], "epochs": counts["epochs"], "tuned_seconds": tuned}
    if best["model"] is not None:
        result.update(valid=best["valid"], trial=best["trial"], epochs_of_best=best["epochs"],
                      params=study.trials[best["trial"]].params,
                      test=best["model"].test(files[best["normalize"]]["test"])[1],
                      normalize=best["normalize"])
        if a.save_model:
            best["model"].save_model(a.save_model)
    emit(result)


if __name__ == "__main__":
    main()
