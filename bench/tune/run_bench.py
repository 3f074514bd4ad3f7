#!/usr/bin/python3
"""Tuning benchmark: rungs against fastText autotune, Optuna TPE (with and
without Hyperband pruning) and fixed fastText settings, on 20 Newsgroups,
AG News, MR and SUBJ, with the same files, cores and wall budget for every
tool. bench/tune/README.md gives the protocol; --help the flags.

One invocation runs one data set (or all) for the protocol's parts, or for
one --budget; each tool run is saved as WORK/results/*.json the moment it
ends, and --report rebuilds the tables from every saved run.

Needs /usr/bin/python3 with Debian's python3-fasttext and python3-optuna.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import bench_data
import bench_report
import bench_tools

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LARGE_TOOLS = ("rungs-asha-tpe", "autotune", "optuna-hyperband", "optuna-tpe")
SMOKE_ROWS = {"train": 600, "valid": 200, "test": 200}


def log(msg):
    print("[bench/tune %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def split_list(values):
    return [v for spec in values or [] for v in spec.split(",") if v]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", choices=bench_data.DATASETS + ("all",),
                   help="the data set to run (all: one after another)")
    p.add_argument("--budget", type=float,
                   help="wall seconds per tool; without it, the protocol: %d s (seeds 1, 2, 3, every tool) "
                        "and %d s (seed 1, %s)" % (bench_report.SMALL, bench_report.LARGE, ", ".join(LARGE_TOOLS)))
    p.add_argument("--seeds", action="append", help="seeds, comma-separated (replaces the protocol's)")
    p.add_argument("--only", action="append", help="tools, comma-separated (replaces the protocol's)")
    p.add_argument("--rungs-schedulers", action="append",
                   help="more rungs schedulers to run beside %s, comma-separated; a variant takes flags "
                        "after a colon: asha-tpe:min-epochs=1+eta=4" % ", ".join(bench_tools.RUNGS_SCHEDULERS))
    p.add_argument("--default-scheduler", default="asha-tpe",
                   help="the rungs scheduler the targets judge (asha-tpe, rungs' default)")
    p.add_argument("--cap", type=float,
                   help="kill a tool still running at this many budgets (3; 12 with --smoke, so that "
                        "a loaded machine still takes every tool to a test score)")
    p.add_argument("--rungs", default=os.path.join(REPO, "build", "rungs"), help="rungs binary (build/rungs)")
    p.add_argument("--data-dir", default=os.path.join(REPO, "..", "shared", "data"), help="../shared/data")
    p.add_argument("--work", default="/tmp/rungs-bench-tune", help="work folder (/tmp/rungs-bench-tune)")
    p.add_argument("--smoke", action="store_true",
                   help="a check that every tool runs: %s rows, --budget 5, seed 1, in WORK/smoke"
                        % "/".join(str(SMOKE_ROWS[k]) for k in bench_data.FILES))
    p.add_argument("--report", action="store_true", help="print the tables from WORK/results, run nothing")
    p.add_argument("--keep-models", action="store_true", help="keep the final models")
    a = p.parse_args()
    a.work = os.path.abspath(os.path.join(a.work, "smoke") if a.smoke else a.work)
    extra = [bench_tools.rungs_tool(s) for s in split_list(a.rungs_schedulers)]
    a.all_tools = [bench_tools.rungs_tool(s) for s in bench_tools.RUNGS_SCHEDULERS] + extra + list(bench_tools.PEERS)
    only = split_list(a.only)
    unknown = [t for t in only if t not in a.all_tools]
    if unknown:
        p.error("--only: unknown tool(s) %s; known: %s" % (", ".join(unknown), ", ".join(a.all_tools)))
    seeds = split_list(a.seeds)
    try:
        seeds = [int(s) for s in seeds]
    except ValueError:
        p.error("--seeds: integers, comma-separated, got %s" % ",".join(seeds))
    if a.smoke and a.budget is None:
        a.budget = 5
    if a.cap is None:
        a.cap = 12 if a.smoke else 3
    if a.budget is not None and a.budget <= 0:
        p.error("--budget must be positive, got %g" % a.budget)
    if not a.report and not a.dataset:
        p.error("--dataset is needed (or --report)")
    if a.budget is None:
        plan = [(bench_report.SMALL, [1, 2, 3], a.all_tools), (bench_report.LARGE, [1], list(LARGE_TOOLS))]
    else:
        plan = [(a.budget, [1, 2, 3] if a.budget == bench_report.SMALL and not a.smoke else [1],
                 list(LARGE_TOOLS) if a.budget == bench_report.LARGE else a.all_tools)]
    a.plan = [(b, seeds or s, only or t) for b, s, t in plan]
    return a


def git_commit():
    def git(*args):
        return subprocess.run(["git", "-C", REPO] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode().strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine(cores):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"host": platform.node(), "cpu": cpu, "cores": cores, "online_cpus": os.cpu_count(),
            "load_before": os.getloadavg()[0]}


def rungs_version(path):
    try:
        out = subprocess.run([path, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        return out.stdout.decode("utf-8", "replace").strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def data_folder(a, dataset):
    full = os.path.join(os.path.dirname(a.work) if a.smoke else a.work, "data", dataset)
    log("%s: preparing the split in %s" % (dataset, full))
    try:
        manifest = bench_data.prepare(a.data_dir, dataset, full)
    except (OSError, ValueError, IndexError) as e:
        sys.exit("%s: cannot prepare the data from %s: %s" % (dataset, a.data_dir, e))
    folder = full
    if a.smoke:
        folder = os.path.join(a.work, "data", dataset)
        manifest = bench_data.subset(full, folder, SMOKE_ROWS)
    check = bench_data.check_normalize(a.rungs, folder) if os.access(a.rungs, os.X_OK) else "not checked"
    log("%s: %s rows; normalized files %s" % (dataset, manifest["rows"], check))
    return folder, manifest, check


def run_one(a, dataset, folder, manifest, check, budget, seed, tool, cores, common):
    # A variant's flags may hold a path (space=/tmp/s.toml): no folders in a name.
    safe_tool = tool.replace("/", "_")
    out = os.path.join(a.work, "runs", dataset, "%gs" % budget, "s%d" % seed, safe_tool)
    if os.path.exists(out):
        shutil.rmtree(out)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    info = machine(cores)
    log("%s %g s seed %d: %s" % (dataset, budget, seed, tool))
    run = bench_tools.Run(tool, folder, budget, seed, out, a.cap, cores, a.rungs, a.keep_models)
    result = run.go()
    mismatch = bench_tools.per_row_mismatch(result)
    if mismatch:
        log("%s %g s seed %d %s: %s" % (dataset, budget, seed, tool, mismatch))
        result["notes"] = result.get("notes", "") + "; " + mismatch
    info["load_after"] = os.getloadavg()[0]
    result.update(dataset=dataset, budget=budget, seed=seed, tool=tool, started=started, machine=info,
                  cap=a.cap, out=out, data={"folder": folder, "rows": manifest["rows"],
                                            "sha256": manifest["sha256"], "normalize_check": check},
                  **common)
    name = "%s-%gs-s%d-%s-%s.json" % (dataset, budget, seed, safe_tool, started.replace(":", ""))
    with open(os.path.join(a.work, "results", name), "w") as f:
        json.dump(result, f, indent=1)
    log("%s %g s seed %d %s: %s, valid %s, test %s, wall %.1f s" % (
        dataset, budget, seed, tool, result["status"], bench_report.fmt(result.get("valid")),
        bench_report.fmt(result.get("test")), result["wall"]))


def main():
    a = parse_args()
    results_dir = os.path.join(a.work, "results")
    os.makedirs(results_dir, exist_ok=True)
    if not a.report:
        tools = {t for _, _, ts in a.plan for t in ts}
        if any(bench_tools.is_rungs(t) for t in tools) and not os.access(a.rungs, os.X_OK):
            sys.exit("no rungs binary at %s (give --rungs)" % a.rungs)
        cores = sorted(os.sched_getaffinity(0))[:2]
        if len(cores) < 2:
            sys.exit("the benchmark needs 2 cores; this process may use %s" % cores)
        common = {"commit": git_commit(), "rungs_version": rungs_version(a.rungs), "command": sys.argv}
        datasets = bench_data.DATASETS if a.dataset == "all" else (a.dataset,)
        runs = sum(len(s) * len(t) for _, s, t in a.plan) * len(datasets)
        budget = sum(b * len(s) * len(t) for b, s, t in a.plan) * len(datasets)
        log("%d tool runs, %.0f min of budgets; cores %s; results in %s" % (runs, budget / 60, cores, results_dir))
        for dataset in datasets:
            folder, manifest, check = data_folder(a, dataset)
            for budget, seeds, tools in a.plan:
                for seed in seeds:
                    for tool in tools:
                        run_one(a, dataset, folder, manifest, check, budget, seed, tool, cores, common)
    print(bench_report.report(bench_report.load(results_dir), a.default_scheduler))


if __name__ == "__main__":
    main()
