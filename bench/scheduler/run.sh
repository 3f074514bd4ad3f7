#!/usr/bin/env bash
# Scheduler scale benchmark: asha-evo on the 11-parameter simulation space
# with 10,000 simulated workers, up to 1,000,000 jobs, without and with the
# journal. Prints one JSON report per run and a summary of the figures that
# bench/RESULTS.md records (us per decision at 10k/100k/1M trials, the
# 1M/10k ratio, bytes per trial, journal results per second).
#
#   bash bench/scheduler/run.sh [path/to/rungs] [jobs]
set -euo pipefail
cd "$(dirname "$0")/../.."
rungs="${1:-build/rungs}"
jobs="${2:-1000000}"
workers=10000
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

run() {  # run NAME [extra flags...]
  local name="$1"; shift
  /usr/bin/time -f '%M' -o "$out/$name.maxrss" \
    "$rungs" simulate --scheduler asha-evo --workers "$workers" --jobs "$jobs" --seed 1 "$@" \
    > "$out/$name.json"
  echo "== $name (peak RSS $(cat "$out/$name.maxrss") KiB)"
  cat "$out/$name.json"
}

run memory
run journal --journal "$out/journal.db"

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for name in ("memory", "journal"):
    r = json.load(open(f"{out}/{name}.json"))
    at = r["us_per_decision_at_trials"]
    line = [f"{name}: trials={r['trials']} jobs={r['jobs']}",
            f"us/decision overall={r['us_per_decision']:.3f}",
            "at " + " ".join(f"{k}={v:.3f}" for k, v in at.items())]
    if "10000" in at and "1000000" in at:
        line.append(f"ratio 1M/10k={at['1000000'] / at['10000']:.2f}")
    line.append(f"bytes/trial={r['bytes_per_trial']:.0f} (config {r['config_bytes']} B)")
    line.append(f"wall={r['wall_seconds']:.1f}s virtual={r['virtual_seconds']:.0f}s")
    line.append(f"best={r['best']['metric']:.4f} (optimum {r['objective']['optimum']})")
    if "journal" in r:
        line.append(f"journal results/s={r['journal']['results_per_second']:.0f}")
    print("; ".join(line))
PY
