#!/usr/bin/env bash
# Builds the C++ oneDNN reference for workload W1 (native/w1ref) into target/w1ref-build
# and runs its modes, printing each mode's JSON line (details go to stderr).
#
#   bench/run-c-reference.sh [gradcheck|infer|train|matmul ...]   (default: all four)
#
# Needs cmake >= 3.20, g++ with C++17, zlib headers (Debian: zlib1g-dev), the Fashion-MNIST
# IDX files (Debian: dataset-fashion-mnist, or W1_DATA=dir) and oneDNN as Maven resolves it
# (natives/target/dnnl-dist from `mvn -B -q -pl natives generate-resources`, or the carrier jar in ~/.m2).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$repo/target/w1ref-build"
modes=("$@")
[[ ${#modes[@]} -gt 0 ]] || modes=(gradcheck infer train matmul)

for mode in "${modes[@]}"; do
  case "$mode" in
    gradcheck|infer|train|matmul) ;;
    *) echo "run-c-reference.sh: mode '$mode' is not one of gradcheck, infer, train, matmul" >&2
       exit 2 ;;
  esac
done

cmake -S "$repo/native/w1ref" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null

for mode in "${modes[@]}"; do
  case "$mode" in
    # gradcheck prints its report and fails the script on a gradient mismatch.
    gradcheck) "$build/w1ref" gradcheck ;;
    *) "$build/w1ref" "$mode" --json | tail -n 1 ;;
  esac
done
