#!/usr/bin/env bash
# The Lambda driver benchmark: bench/lambda/sleep_endpoint.js (a function
# that sleeps 1 s) on core 1, and lambda_bench, the driver, pinned to core 0
# keeping 1,000 invocations in flight. Extra arguments go to lambda_bench
# (--in-flight, --seconds, --warmup-seconds). BUILD names the build folder
# (default: build). Figures are in bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${BUILD:-build}"
cmake --build "$build" --target lambda_bench >/dev/null 2>&1

# One connection per invocation in flight, on both sides.
hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"
out="$(mktemp)"
taskset -c 1 /usr/bin/node bench/lambda/sleep_endpoint.js --sleep-ms 1000 >"$out" 2>&1 &
endpoint=$!
trap 'kill "$endpoint" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on' "$out" && break
  sleep 0.1
done
port="$(awk '/^listening on/ {print $3}' "$out")"
[ -n "$port" ] || { echo "run.sh: the endpoint did not start: $(cat "$out")" >&2; exit 1; }

# lambda_bench's defaults: 1,000 in flight for 20 s, the first 3 s left out.
taskset -c 0 "$build/bench/lambda/lambda_bench" --endpoint "http://127.0.0.1:$port" "$@"
