#!/bin/bash
# bench/dashboard: the memory of `rungs dashboard JOURNAL` while it serves:
# ROUNDS rounds (default 10) of 4 concurrent GETs that make it draw and sort
# (/api/parts twice, /api/compare, /api/trials sorted by metric); prints its
# RSS after start, after each round, and its peak (MB, from /proc).
# Usage: bench/dashboard/serve_memory.sh <rungs binary> <journal> [rounds]
set -eu
rungs=$1 journal=$2 rounds=${3:-10}
out=$(mktemp)
"$rungs" dashboard "$journal" > "$out" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$out"' EXIT
until grep -q 'dashboard:' "$out"; do sleep 0.05; done
port=$(grep -o '127.0.0.1:[0-9]*' "$out" | head -1)
mb() { awk -v f="$1:" '$1 == f {printf "%d", $2 / 1024}' /proc/$pid/status; }
echo -n "after start $(mb VmRSS) MB; after each round:"
for r in $(seq 1 "$rounds"); do
  pids=()
  for u in "/api/parts?x=0" "/api/compare?xs=0" "/api/trials?x=0&sort=metric" "/api/parts?x=0"; do
    curl -s -o /dev/null "http://$port$u" & pids+=($!)
  done
  wait "${pids[@]}"
  echo -n " $(mb VmRSS)"
done
echo "; peak $(mb VmHWM) MB"
