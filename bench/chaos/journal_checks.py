"""What the chaos run checks in an experiment folder (bench/chaos/README.md).

A Snapshot is what a journal had committed when it was read; the checks
compare snapshots taken around each kill, and the folder's outputs
(trials.csv, best.json, best.toml, best.bin) with the final journal. Each
check returns a list of problems, empty when it passes.
"""
import csv
import json
import math
import re
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tune"))
import rungs_choice  # noqa: E402


@dataclass
class Snapshot:
    """The committed rows of one journal, by job id (the JSON text as stored)."""
    exists: bool = False          # a journal with its schema committed
    jobs: dict = field(default_factory=dict)      # id -> (seq, now, job JSON text)
    results: dict = field(default_factory=dict)   # job id -> (seq, now, result JSON text)
    result_rows: int = 0          # rows in results (a duplicate would show here)
    events: list = field(default_factory=list)    # (seq, kind, detail, now)
    last_now: float = 0.0

    def finished_events(self):
        return [e for e in self.events if e[1] == "finished"]

    def resumed_events(self):
        return [e for e in self.events if e[1] == "resumed"]


def read_journal(path):
    """The committed state of the journal at `path`, read through a read-only
    connection (a reader never changes what the writer or a resume sees)."""
    snap = Snapshot()
    if not Path(path).exists():
        return snap
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        if con.execute("PRAGMA user_version").fetchone()[0] == 0:
            return snap  # being created: nothing committed yet
        snap.exists = True
        for seq, job_id, now, text in con.execute("SELECT seq, id, now, job FROM jobs"):
            snap.jobs[job_id] = (seq, now, text)
        for seq, job_id, now, text in con.execute("SELECT seq, job, now, result FROM results"):
            snap.results[job_id] = (seq, now, text)
            snap.result_rows += 1
        snap.events = list(con.execute("SELECT seq, kind, detail, now FROM events ORDER BY seq"))
        snap.last_now = con.execute(
            "SELECT max(m) FROM (SELECT max(now) m FROM jobs UNION ALL SELECT max(now) FROM results"
            " UNION ALL SELECT max(now) FROM refusals UNION ALL SELECT max(now) FROM events)"
        ).fetchone()[0] or 0.0
    finally:
        con.close()
    return snap


def missing_from(later, earlier, what):
    """Rows `earlier` had committed that `later` lacks or holds changed."""
    problems = []
    for table in ("jobs", "results"):
        old, new = getattr(earlier, table), getattr(later, table)
        for job_id, row in old.items():
            if job_id not in new:
                problems.append(f"{what}: {table} row of job {job_id} was lost")
            elif new[job_id] != row:
                problems.append(f"{what}: {table} row of job {job_id} changed: {row} -> {new[job_id]}")
    if earlier.exists and not later.exists:
        problems.append(f"{what}: the journal itself was lost")
    return problems


def lost_and_duplicated(final):
    """Counts over the final journal: jobs without a result, results without a
    job, results beyond one per job, and trials run twice at one rung."""
    jobs = {i: json.loads(t) for i, (_, _, t) in final.jobs.items()}
    lost = sum(1 for i in jobs if i not in final.results)
    orphans = sum(1 for i in final.results if i not in jobs)
    duplicates = final.result_rows - len(final.results)
    per_rung = {}
    for j in jobs.values():
        per_rung[(j["trial"], j["bracket"], j["rung"])] = per_rung.get((j["trial"], j["bracket"], j["rung"]), 0) + 1
    duplicates += sum(n - 1 for n in per_rung.values())
    return lost, orphans, duplicates


def close(a, b, tolerance=1e-9):
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def check_trials_csv(folder, final):
    """trials.csv has one row per journaled job, with the journal's values."""
    path = Path(folder) / "trials.csv"
    if not path.exists():
        return [f"{path} is missing"]
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    problems = []
    ids = [int(r["job"]) for r in rows]
    if sorted(ids) != sorted(final.jobs):
        problems.append(f"trials.csv has {len(rows)} rows for jobs {sorted(set(ids) ^ set(final.jobs))[:10]}... "
                        f"where the journal has {len(final.jobs)} jobs")
    if len(ids) != len(set(ids)):
        problems.append("trials.csv lists a job twice")
    for r in rows:
        job_id = int(r["job"])
        if job_id not in final.jobs:
            continue
        _, started, text = final.jobs[job_id]
        job = json.loads(text)
        for key in ("trial", "bracket", "rung", "epochs_from", "epochs_to"):
            if int(r[key]) != job[key]:
                problems.append(f"trials.csv job {job_id}: {key} {r[key]}, journal {job[key]}")
        if not close(float(r["started_at"]), started):
            problems.append(f"trials.csv job {job_id}: started_at {r['started_at']}, journal {started}")
        if job_id not in final.results:
            if r["outcome"] != "running":
                problems.append(f"trials.csv job {job_id}: {r['outcome']} but no result in the journal")
            continue
        _, finished, result_text = final.results[job_id]
        result = json.loads(result_text)
        if r["outcome"] != result["outcome"]:
            problems.append(f"trials.csv job {job_id}: outcome {r['outcome']}, journal {result['outcome']}")
        if int(r["epochs_trained"]) != result["epochs_trained"]:
            problems.append(f"trials.csv job {job_id}: epochs_trained {r['epochs_trained']}, journal {result['epochs_trained']}")
        if result["outcome"] == "ok" and not close(float(r["metric"]), result["metric"]):
            problems.append(f"trials.csv job {job_id}: metric {r['metric']}, journal {result['metric']}")
        if not close(float(r["finished_at"]), finished):
            problems.append(f"trials.csv job {job_id}: finished_at {r['finished_at']}, journal {finished}")
    return problems


def journal_best(final):
    """The best finished job as rungs picks it: the trial its cross-check
    scored best, when the last `finished` event holds one, else by
    bench/tune/rungs_choice.py over that event's validation rows (none: most
    epochs, then the highest accuracy)."""
    ends = final.finished_events()
    end = json.loads(ends[-1][2]) if ends else {}
    rows = end.get("validation_rows", 0)
    done = []
    for job_id, (seq, _, text) in sorted(final.jobs.items(), key=lambda kv: kv[1][0]):
        if job_id not in final.results:
            continue
        result = json.loads(final.results[job_id][2])
        metric = result.get("metric")
        if result["outcome"] != "ok" or metric is None or not math.isfinite(metric):
            continue
        job = json.loads(text)
        done.append({"trial": job["trial"], "epochs": job["epochs_to"], "rung": job["rung"], "value": metric})
    checked = end.get("cross_checked") or []
    if checked:
        chosen = max(checked, key=lambda c: c["metric"])  # the first of equals, as rungs
        for d in done:
            if (d["trial"], d["epochs"]) == (chosen["trial"], chosen["epochs"]):
                return d
    return rungs_choice.best_result(done, rows)


def check_best_files(folder, final):
    """best.json and best.toml name the journal's best trial and its score."""
    best = journal_best(final)
    if best is None:
        return ["the journal has no finished trial"]
    problems = []
    path = Path(folder) / "best.json"
    if not path.exists():
        return [f"{path} is missing"]
    written = json.loads(path.read_text())
    for key in ("trial", "epochs", "rung"):
        if written.get(key) != best[key]:
            problems.append(f"best.json {key} {written.get(key)}, journal {best[key]}")
    if not close(written.get("value", math.nan), best["value"]):
        problems.append(f"best.json value {written.get('value')}, journal {best['value']}")
    toml = tomllib.loads((Path(folder) / "best.toml").read_text())
    if toml.get("trial") != best["trial"] or toml.get("epochs") != best["epochs"]:
        problems.append(f"best.toml trial {toml.get('trial')} epochs {toml.get('epochs')}, journal {best}")
    if not close(toml.get("accuracy", math.nan), best["value"], 1e-6):
        problems.append(f"best.toml accuracy {toml.get('accuracy')}, journal {best['value']}")
    return problems


def scored(rungs, model, data):
    """P@1 of `rungs test MODEL DATA` (printed with three decimals)."""
    run = subprocess.run([rungs, "test", str(model), str(data)], capture_output=True, text=True)
    match = re.search(r"^P@1\t([0-9.]+)$", run.stdout, re.M)
    if run.returncode != 0 or not match:
        raise RuntimeError(f"rungs test {model} {data} failed: {run.stderr.strip()}")
    return float(match.group(1))


def check_best_model(rungs, folder, final, valid, test):
    """best.bin scores on the test file what the last `finished` event says,
    and, unless it was refit on train + validation (then it has seen those
    rows), on the validation file what the journal says its trial scored."""
    model = Path(folder) / "best.bin"
    if not model.exists():
        return [f"{model} is missing"]
    ends = final.finished_events()
    if not ends:
        return ["the journal has no finished event"]
    end = json.loads(ends[-1][2])
    problems = []
    best = journal_best(final)
    if best and not end.get("refit"):
        valid_score = scored(rungs, model, valid)
        if abs(valid_score - best["value"]) > 0.0005 + 1e-9:
            problems.append(f"best.bin scores {valid_score:.3f} on the validation file; the journal says "
                            f"trial {best['trial']} scored {best['value']:.4f} at {best['epochs']} epochs")
    test_metric = end.get("test_metric")
    test_score = scored(rungs, model, test)
    if test_metric is None or abs(test_score - test_metric) > 0.0005 + 1e-9:
        problems.append(f"best.bin scores {test_score:.3f} on the test file; the last finished event says {test_metric}")
    return problems


def check_replay(rungs, folder, final):
    """`rungs journal check` replays the whole journal into a fresh scheduler:
    every journaled job, the last run's too, is what it issues there."""
    run = subprocess.run([rungs, "journal", "check", str(folder), "--json"], capture_output=True, text=True)
    if run.returncode != 0:
        return [f"rungs journal check: {run.stderr.strip()}"], None
    replayed = json.loads(run.stdout)
    problems = []
    if replayed["jobs"] != len(final.jobs) or replayed["results"] != len(final.results):
        problems.append(f"replay counts {replayed['jobs']} jobs and {replayed['results']} results, "
                        f"the journal holds {len(final.jobs)} and {len(final.results)}")
    if replayed["outstanding"] != 0:
        problems.append(f"{replayed['outstanding']} jobs left without a result")
    return problems, replayed
