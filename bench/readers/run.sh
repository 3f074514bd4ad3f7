#!/usr/bin/env bash
# Reader throughput on 20 Newsgroups train.csv (22 MB): rungs' ReadExamples
# against a raw newline scan and Python's csv module, in one run.
# Usage: bench/readers/run.sh [build-dir]   (a build with the text part)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
data=../shared/data/20newsgroups/train.csv
g++ -O3 -std=c++20 -Isrc bench/readers/reader_bench.cc \
  "$build/src/text/librungs_text.a" "$build/src/base/librungs_base.a" -lpthread \
  -o "$build/reader_bench"
ours=$("$build/reader_bench" "$data" 5)
peer=$(/usr/bin/python3 bench/readers/peer_python_csv.py "$data" 3)
echo "$ours"
echo "$peer"
/usr/bin/python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); \
assert a["examples"] == b["examples"] and a["words"] == b["words"], "readers disagree"; \
print("python_csv / rungs read: %.1f" % (b["python_csv_s"] / a["read_s"]))' "$ours" "$peer"
