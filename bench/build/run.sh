#!/usr/bin/env bash
# Build time, old commit against new, side by side on this machine.
#
#   bash bench/build/run.sh OLD [NEW]     (NEW defaults to HEAD)
#
# For each commit: a fresh checkout under a temporary folder, then
#   clean        `bash scripts/setup.sh` as a new user runs it (packages are
#                present, so this is npm ci plus configure plus the build)
#   incremental  touch src/sched/asha.cc, then `cmake --build build`
# No compiler cache is used (CCACHE_DISABLE=1). Run it on a quiet machine;
# it prints each time and the ratios new/old, and the clean builds' CPU
# seconds (user + system), which other load inflates far less than wall time.
set -euo pipefail
cd "$(dirname "$0")/../.."
old=$(git rev-parse --short "${1:?usage: run.sh OLD [NEW]}")
new=$(git rev-parse --short "${2:-HEAD}")
work=$(mktemp -d /tmp/rungs-build-bench.XXXXXX)
trap 'git worktree remove --force "$work/old" 2>/dev/null || true
      git worktree remove --force "$work/new" 2>/dev/null || true
      rm -rf "$work"' EXIT
export CCACHE_DISABLE=1

children_cpu() {  # sets cpu_now: CPU seconds (user + system) of every child waited for so far
  times >"$work/times"  # not in a pipe or $(): a subshell's children are not ours
  cpu_now=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
                           printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$work/times")
}

seconds() {  # seconds LOG COMMAND...: wall and CPU seconds of COMMAND, its output in LOG
  local log=$1 start cpu_start
  shift
  start=$(date +%s%N)
  children_cpu
  cpu_start=$cpu_now
  if ! "$@" >"$log" 2>&1; then
    tail -20 "$log" >&2
    echo "run.sh: '$*' failed (log above)" >&2
    exit 1
  fi
  elapsed=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.1f", ns / 1e9 }')
  children_cpu
  cpu=$(awk -v a="$cpu_start" -v b="$cpu_now" 'BEGIN { printf "%.1f", b - a }')
}

measure() {  # measure NAME COMMIT: sets clean and incremental (seconds)
  local dir="$work/$1"
  git worktree add --detach --quiet "$dir" "$2"
  seconds "$work/$1-clean.log" bash "$dir/scripts/setup.sh"
  clean=$elapsed clean_cpu=$cpu
  touch "$dir/src/sched/asha.cc"
  seconds "$work/$1-incremental.log" cmake --build "$dir/build" -j"$(nproc)"
  incremental=$elapsed
}

echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
measure old "$old"
old_clean=$clean old_cpu=$clean_cpu old_inc=$incremental
echo "old $old: clean ${old_clean} s (CPU ${old_cpu} s), incremental (sched/asha.cc) ${old_inc} s"
measure new "$new"
new_clean=$clean new_cpu=$clean_cpu new_inc=$incremental
echo "new $new: clean ${new_clean} s (CPU ${new_cpu} s), incremental (sched/asha.cc) ${new_inc} s"
awk -v oc="$old_clean" -v oi="$old_inc" -v nc="$new_clean" -v ni="$new_inc" -v ou="$old_cpu" -v nu="$new_cpu" \
  'BEGIN { printf "ratio new/old: clean %.2f (CPU %.2f), incremental %.2f\n", nc / oc, nu / ou, ni / oi }'
echo "targets: clean ratio <= 0.50, incremental < 20 s"
