"""Tables and verdicts from the result files of any number of partial runs.

A result file is one tool's run on one data set with one budget and seed. When
a run was repeated, the latest file counts. The fixed fastText settings have
no budget: their runs count at every budget.
"""
import glob
import json
import math
import os
import statistics

import bench_data
import bench_tools

SMALL, LARGE = 60, 300        # the protocol's budgets, seconds
MARGIN = 0.005                # the default's lead over the best peer, on average over the data sets
REACH_FRACTION = 0.25         # of the budget, to reach each peer's final validation accuracy
MAJORITY = 3                  # data sets of 4 where rungs at 60 s is at least every peer at 300 s


def load(results_dir):
    latest = {}
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        with open(path) as f:
            r = json.load(f)
        key = (r["dataset"], r["budget"], r["tool"], r["seed"])
        if key not in latest or r["started"] >= latest[key]["started"]:
            latest[key] = r
    return list(latest.values())


def tool_order(tools):
    def rank(t):
        if bench_tools.is_rungs(t):
            s = t[len("rungs-"):]
            known = bench_tools.RUNGS_SCHEDULERS
            return (0, known.index(s) if s in known else len(known), t)
        return (1, bench_tools.PEERS.index(t) if t in bench_tools.PEERS else len(bench_tools.PEERS), t)
    return sorted(tools, key=rank)


def dataset_rank(name):
    known = bench_data.DATASETS
    return (known.index(name) if name in known else len(known), name)


def dataset_order(names):
    return sorted(names, key=dataset_rank)


class Results:
    def __init__(self, runs, default):
        self.runs = runs
        self.default = default
        self.budgets = sorted({r["budget"] for r in runs if r["tool"] not in bench_tools.FIXED})

    def at(self, budget, tool, dataset):
        """The runs of a tool at a budget (a fixed setting's at any budget), by seed."""
        fixed = tool in bench_tools.FIXED
        runs = [r for r in self.runs if r["tool"] == tool and r["dataset"] == dataset
                and (fixed or r["budget"] == budget)]
        by_seed = {}
        for r in sorted(runs, key=lambda r: r["started"]):
            by_seed[r["seed"]] = r
        return [by_seed[s] for s in sorted(by_seed)]

    def tools(self, budget):
        return tool_order({r["tool"] for r in self.runs
                           if r["budget"] == budget or r["tool"] in bench_tools.FIXED})

    def datasets(self, budget):
        return dataset_order({r["dataset"] for r in self.runs if r["budget"] == budget})

    def mean_test(self, budget, tool, dataset):
        tests = [r["test"] for r in self.at(budget, tool, dataset) if r["status"] == "ok"]
        return statistics.mean(tests) if tests else None

    def peers(self, budget, dataset):
        return [t for t in self.tools(budget) if not bench_tools.is_rungs(t) and self.at(budget, t, dataset)]

    def best_peer(self, budget, dataset):
        """(the peer with the highest mean test accuracy, that mean), or (None, None)."""
        means = {p: self.mean_test(budget, p, dataset) for p in self.peers(budget, dataset)}
        means = {p: m for p, m in means.items() if m is not None}
        if not means:
            return None, None
        peer = max(means, key=means.get)
        return peer, means[peer]


def fmt(x, digits=4):
    return "n/a" if x is None else "%.*f" % (digits, x)


def test_cell(runs):
    ok = [r["test"] for r in runs if r["status"] == "ok"]
    bad = {}
    for r in runs:
        if r["status"] != "ok":
            bad[r["status"]] = bad.get(r["status"], 0) + 1
    others = ", ".join("%d %s" % (n, s) for s, n in sorted(bad.items()))
    if not ok:
        return others or "n/a"
    sd = " ± %.4f" % statistics.stdev(ok) if len(ok) > 1 else ""
    return "%.4f%s (%d%s)" % (statistics.mean(ok), sd, len(ok), "; " + others if others else "")


def time_to_reach(curve, target):
    for at, value in curve or []:
        if value >= target:
            return at
    return None


def reach_cells(res, budget, dataset, peer):
    """Per seed: seconds until the default first matched the peer's final
    validation accuracy in the run with the same seed; None where unknown."""
    default_runs = {r["seed"]: r for r in res.at(budget, res.default, dataset)}
    cells = []
    for p in res.at(budget, peer, dataset):
        d = default_runs.get(p["seed"])
        if d is None or d["status"] != "ok" or p["status"] != "ok" or p.get("valid") is None:
            cells.append((p["seed"], p.get("valid"), None, "n/a"))
            continue
        at = time_to_reach(d.get("curve"), p["valid"])
        cells.append((p["seed"], p["valid"], at, "not reached" if at is None else "%.1f" % at))
    return cells


def paired_difference(res, budget, dataset, peer):
    """(mean, half width of its 95% interval, seeds) of the default's test accuracy
    less the peer's, row by row over the test file and averaged over the seeds both
    ran with per-row results; None without such seeds. The interval is the normal
    one of a paired mean (1.96 standard errors over the test rows): it measures
    the test file's noise only, not the seeds' spread."""
    mine = {r["seed"]: r.get("test_correct") for r in res.at(budget, res.default, dataset) if r["status"] == "ok"}
    theirs = {r["seed"]: r.get("test_correct") for r in res.at(budget, peer, dataset) if r["status"] == "ok"}
    seeds = sorted(s for s in mine if mine[s] and theirs.get(s))
    if not seeds:
        return None
    rows = len(mine[seeds[0]])
    diffs = [sum(int(mine[s][i]) - int(theirs[s][i]) for s in seeds) / len(seeds) for i in range(rows)]
    mean = statistics.mean(diffs)
    return mean, 1.96 * statistics.stdev(diffs) / math.sqrt(rows), seeds


def paired_table(res, budget, datasets):
    lines = ["Test accuracy of %s less the best peer's (by mean test accuracy), paired row by row over the "
             "test file and averaged over the seeds both have per-row results for, points, with the 95%% "
             "interval of the test file's noise (the difference is within noise when it holds 0):" % res.default,
             "", "| data set | best peer | difference | 95% interval | seeds |", "| --- | --- | --- | --- | --- |"]
    for d in datasets:
        peer, _ = res.best_peer(budget, d)
        paired = paired_difference(res, budget, d, peer) if peer else None
        if paired is None:
            lines.append("| %s | %s | n/a | n/a | none |" % (d, peer or "n/a"))
            continue
        mean, half, seeds = paired
        lines.append("| %s | %s | %+.2f | %+.2f to %+.2f | %s |" % (
            d, peer, 100 * mean, 100 * (mean - half), 100 * (mean + half), ", ".join(str(s) for s in seeds)))
    lines.append("")
    return lines


def budget_tables(res, budget):
    datasets = res.datasets(budget)
    tools = res.tools(budget)
    lines = ["## Budget %g s" % budget, ""]
    lines.append("Test accuracy, mean ± standard deviation over seeds (runs with a final model; "
                 "others named). mean = mean over the data sets of the per-data-set means.")
    lines.append("")
    lines.append("| tool | " + " | ".join(datasets) + " | mean |")
    lines.append("| --- |" + " --- |" * (len(datasets) + 1))
    for t in tools:
        means = [res.mean_test(budget, t, d) for d in datasets]
        overall = statistics.mean(means) if means and None not in means else None
        mark = " (no budget)" if t in bench_tools.FIXED else ""
        lines.append("| %s%s | %s | %s |" % (t, mark, " | ".join(test_cell(res.at(budget, t, d)) for d in datasets),
                                             fmt(overall)))
    lines.append("")
    lines.append("Validation accuracy of the final model (mean) and wall seconds, mean (max), from start to "
                 "the end of test scoring:")
    lines.append("")
    lines.append("| tool | " + " | ".join("%s valid | %s wall" % (d, d) for d in datasets) + " |")
    lines.append("| --- |" + " --- | --- |" * len(datasets))
    for t in tools:
        cells = []
        for d in datasets:
            runs = res.at(budget, t, d)
            valids = [r["valid"] for r in runs if r.get("valid") is not None and r["status"] == "ok"]
            walls = [r["wall"] for r in runs]
            cells.append(fmt(statistics.mean(valids)) if valids else "n/a")
            cells.append("%.0f (%.0f)" % (statistics.mean(walls), max(walls)) if walls else "n/a")
        lines.append("| %s | %s |" % (t, " | ".join(cells)))
    lines.append("")
    lines.append("Seconds until the model %s would hand back (chosen as rungs chooses: src/tune/best_choice.h) "
                 "first scored at or above each peer's final validation accuracy, seed by seed against the "
                 "peer's run with the same seed (trials.csv finished_at: rungs' experiment clock, which starts "
                 "once the data are read):" % res.default)
    lines.append("")
    lines.append("| peer | " + " | ".join(datasets) + " |")
    lines.append("| --- |" + " --- |" * len(datasets))
    for p in [t for t in tools if not bench_tools.is_rungs(t)]:
        cells = []
        for d in datasets:
            c = reach_cells(res, budget, d, p)
            cells.append(" / ".join("s%d: %s" % (seed, text) for seed, _, _, text in c) or "n/a")
        lines.append("| %s | %s |" % (p, " | ".join(cells)))
    lines.append("")
    lines += paired_table(res, budget, datasets)
    return lines


def lead_verdict(res, budget):
    """The default's mean test accuracy highest on every data set, and ahead of
    the best peer by MARGIN on average."""
    datasets = res.datasets(budget)
    margins, rows = [], []
    for d in datasets:
        mine = res.mean_test(budget, res.default, d)
        best_peer, peer_mean = res.best_peer(budget, d)
        if mine is None or best_peer is None:
            rows.append("%s n/a" % d)
            continue
        margin = mine - peer_mean
        margins.append(margin)
        rows.append("%s %+.2f points vs %s" % (d, 100 * margin, best_peer))
    complete = len(margins) == len(bench_data.DATASETS)
    highest = bool(margins) and all(m > 0 for m in margins)
    average = statistics.mean(margins) if margins else None
    met = complete and highest and average >= MARGIN
    verdict = "met" if met else ("NOT met" if margins and (not highest or average < MARGIN) else "n/a")
    if not complete and verdict != "NOT met":
        verdict = "n/a (%d of %d data sets)" % (len(margins), len(bench_data.DATASETS))
    return ("- %g s: %s highest on every data set and >= %.1f points ahead of the best peer on average: "
            "%s (%s; average %s points)" % (budget, res.default, 100 * MARGIN, verdict, "; ".join(rows),
                                            "n/a" if average is None else "%+.2f" % (100 * average)))


def small_vs_large_verdict(res):
    if SMALL not in res.budgets or LARGE not in res.budgets:
        return "- %s at %d s >= every peer at %d s on >= %d of 4 data sets: n/a (needs both budgets)" % (
            res.default, SMALL, LARGE, MAJORITY)
    wins, rows, compared = 0, [], 0
    for d in dataset_order(set(res.datasets(SMALL)) & set(res.datasets(LARGE))):
        mine = res.mean_test(SMALL, res.default, d)
        best_peer, peer_mean = res.best_peer(LARGE, d)
        if mine is None or best_peer is None:
            continue
        compared += 1
        ok = mine >= peer_mean
        wins += ok
        rows.append("%s %s (%.4f vs %s %.4f)" % (d, "yes" if ok else "no", mine, best_peer, peer_mean))
    if wins >= MAJORITY:
        verdict = "met"
    elif wins + (len(bench_data.DATASETS) - compared) >= MAJORITY:
        verdict = "n/a (%d of 4 data sets)" % compared
    else:
        verdict = "NOT met"
    return "- %s at %d s >= every peer at %d s on >= %d of 4 data sets: %s, %d of %d (%s)" % (
        res.default, SMALL, LARGE, MAJORITY, verdict, wins, compared, "; ".join(rows))


def reach_verdict(res, budget):
    limit = REACH_FRACTION * budget
    total, misses = 0, []
    for d in res.datasets(budget):
        for p in res.peers(budget, d):
            for seed, valid, at, text in reach_cells(res, budget, d, p):
                if valid is None or text == "n/a":
                    continue
                total += 1
                if at is None or at > limit:
                    misses.append("%s %s s%d (%s, %s)" % (d, p, seed, fmt(valid), text))
    verdict = "n/a" if total == 0 else ("met" if not misses else "NOT met")
    return "- %g s: %s reaches each peer's final validation accuracy within %g s: %s, %d of %d%s" % (
        budget, res.default, limit, verdict, total - len(misses), total,
        "" if not misses else "; missed: " + "; ".join(misses))


def parts(res):
    """One line per data set and budget: seeds, tools, dates, commits, load."""
    groups = {}
    for r in res.runs:
        groups.setdefault((r["dataset"], r["budget"]), []).append(r)
    lines = ["| data set | budget s | seeds | runs | started (UTC) | commit | load average (1 min) at starts |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for (d, b) in sorted(groups, key=lambda k: (dataset_rank(k[0]), k[1])):
        rs = groups[(d, b)]
        starts = sorted(r["started"] for r in rs)
        loads = [r["machine"]["load_before"] for r in rs]
        lines.append("| %s | %g | %s | %d | %s to %s | %s | %.1f to %.1f |" % (
            d, b, ", ".join(str(s) for s in sorted({r["seed"] for r in rs})), len(rs), starts[0], starts[-1],
            ", ".join(sorted({r["commit"] for r in rs})), min(loads), max(loads)))
    return lines


def report(runs, default_scheduler):
    res = Results(runs, bench_tools.rungs_tool(default_scheduler))
    if not runs:
        return "no results yet"
    lines = ["# Tuning benchmark", ""]
    lines += parts(res)
    machines = sorted({"%s (%s, %d cores given: %s)" % (r["machine"]["host"], r["machine"]["cpu"],
                                                        len(r["machine"]["cores"]), r["machine"]["cores"])
                       for r in runs})
    lines += ["", "Machine(s): " + "; ".join(machines), ""]
    for budget in res.budgets:
        lines += budget_tables(res, budget)
    lines += ["## Targets", "", "Peers: every tool but rungs; the fixed settings count at every budget. "
              "Means over seeds; runs without a final model are left out of the means.", ""]
    for budget in res.budgets:
        lines.append(lead_verdict(res, budget))
    lines.append(small_vs_large_verdict(res))
    for budget in res.budgets:
        lines.append(reach_verdict(res, budget))
    lines += ["", "## Notes per run", ""]
    for r in sorted(runs, key=lambda r: (r["budget"], dataset_rank(r["dataset"]), r["tool"], r["seed"])):
        trials = "" if r.get("trials") is None else ", %d trial%s" % (r["trials"], "" if r["trials"] == 1 else "s")
        lines.append("- %s %g s s%d %s: %s%s; %s" % (r["dataset"], r["budget"], r["seed"], r["tool"],
                                                     r["status"], trials, r.get("notes", "")))
    return "\n".join(lines)
