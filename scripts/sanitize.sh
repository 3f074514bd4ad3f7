#!/usr/bin/env bash
# Builds the whole tree with AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, clang 14, in build-asan/, and runs the whole
# test suite there (doc/sanitizers.md). Any report fails the test it came
# from, including reports of the rungs processes that tests start.
#
#   scripts/sanitize.sh [ctest arguments...]    e.g. -R JobJson
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-asan
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  "${launcher[@]}" >/dev/null
nice -n 10 cmake --build "$build" -j"$(nproc)"

# Exported, so the rungs, worker and emulator processes tests start report too.
# allocator_release_to_os_interval_ms=-1: ASan's allocator then never reads the
# clock while holding its lock, where libfaketime (sigv4_suite runs under it)
# would call dlsym, which allocates: a deadlock at start-up. It changes only
# when freed memory goes back to the kernel, not what is detected.
export ASAN_OPTIONS=detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=1:allocator_release_to_os_interval_ms=-1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Sanitized code runs 2-5 times slower: the usual 300 s per test is tripled.
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --timeout 900 "$@"
