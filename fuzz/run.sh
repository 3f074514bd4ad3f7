#!/usr/bin/env bash
# Builds the libFuzzer variants of the fuzz targets with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer in build-fuzz/, then fuzzes each target for
# SECONDS, one after the other, and prints per target: executions, exec/s,
# coverage (cov and ft) after the seeds and at the end, and crashes.
#
#   fuzz/run.sh TARGET|all SECONDS [extra libFuzzer flags...]
#
# Each run starts from the committed seeds (fuzz/corpus/NAME) and regressions
# (fuzz/regressions/NAME), in a fresh working corpus build-fuzz/corpus/NAME,
# so "after the seeds" is what the seeds alone reach. A crash's input is
# written to build-fuzz/crashes/NAME/ and ends that target's run. Exits 1
# when any target crashed. Runs under `nice -n 10`: the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(line_reader fasttext_lines csv_reader json_lines fasttext_bin model_trailer
         space_toml job_json runtime_api invoke_response lambda_log)
if (($# < 2)); then
  echo "usage: fuzz/run.sh TARGET|all SECONDS [libFuzzer flags...]" >&2
  echo "targets: ${targets[*]}" >&2
  exit 2
fi
which="$1"
seconds="$2"
shift 2
if [ "$which" != all ]; then
  if [[ ! " ${targets[*]} " =~ " $which " ]]; then
    echo "unknown target '$which' (targets: ${targets[*]})" >&2
    exit 2
  fi
  targets=("$which")
fi

build=build-fuzz
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRUNGS_FUZZ=ON -DCMAKE_CXX_FLAGS="$sanitizers -fno-omit-frame-pointer" \
  "${launcher[@]}" >/dev/null
nice -n 10 cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
printf '%-16s %8s %12s %9s %12s %12s %8s %s\n' target seconds executions exec/s \
  "seeds cov/ft" "final cov/ft" corpus crashes
for name in "${targets[@]}"; do
  corpus="$build/corpus/$name"
  crashes="$build/crashes/$name"
  log="$build/logs/$name.log"
  rm -rf "$corpus"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  seeds=(fuzz/corpus/"$name")
  [ -d fuzz/regressions/"$name" ] && seeds+=(fuzz/regressions/"$name")
  before=$(find "$crashes" -type f | wc -l)
  nice -n 10 "$build/fuzz/fuzz_$name" "$corpus" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$@" >"$log" 2>&1 || true
  after=$(find "$crashes" -type f | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  # "#N INITED cov: C ft: F ..." after the seeds; the last "cov:" line at the end.
  seeded=$(grep -m1 'INITED' "$log" | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1\/\2/p')
  final=$(grep 'cov: ' "$log" | tail -1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1\/\2/p')
  units=$(find "$corpus" -type f | wc -l)
  found=$((after - before))
  printf '%-16s %8s %12s %9s %12s %12s %8s %s\n' "$name" "$seconds" "${execs:-?}" "${rate:-?}" \
    "${seeded:-?}" "${final:-?}" "$units" "$found"
  if ((found > 0)); then
    status=1
    grep -m3 -E 'SUMMARY|ERROR|FUZZ_CHECK' "$log" | sed 's/^/    /'
    echo "    input: $(ls -t "$crashes" | head -1) in $crashes (log: $log)"
  fi
done
exit $status
