#!/usr/bin/env bash
# Installs what rungs needs on Debian 12 (as root, or with sudo), then builds
# build/rungs in Release mode. Safe to run again: it installs only what is
# missing and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libssl-dev libarchive-dev
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libgtest-dev libgmock-dev
  fasttext python3 python3-fasttext python3-optuna
  chromium time
  faketime libcpp-httplib-dev unzip python3-yaml python3-matplotlib
  clang-14 libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# From npm (package.json): the test peers (a Lambda runtime emulator and an
# independent SigV4 signer) and onnxruntime-node for bench/lcbench, without
# install scripts (.npmrc). Node.js comes with the machine (apt's nodejs).
if ! command -v npm >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null

# Ninja: quicker than make to find what is stale, so rebuilds start at once.
# A build folder made by an older setup (with make) is made anew.
if [ -f build/CMakeCache.txt ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build/CMakeCache.txt; then
  rm -rf build
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
