#!/usr/bin/env bash
# Builds the ONNX Runtime peer of workload W1 (bench/peers/onnxruntime: ORT 1.29's Java API, a Maven project of
# its own, so that ORT never enters jdnn's jars) and runs it on an ONNX model exported by jdnn, printing its
# progress on stderr and its figures as one JSON line on stdout.
#
#   bench/run-onnxruntime.sh MODEL.onnx [--quick]
#   bench/run-onnxruntime.sh --model MODEL.onnx C,H,W [--b1 WARMUP,CALLS] [--throughput BATCH,THREADS,BATCHES,PASSES]...
#
# The second form measures any ONNX file of one input N x C x H x W and one output N x K (OrtModel), with the
# counts `bin/jdnn bench model FILE --compare-onnxruntime` chose for jdnn's own figures; it needs no data set.
#
# Needs Maven (ORT comes from Maven Central or ~/.m2), a JDK >= 22 (JAVA_HOME, else as bin/jdnn finds one) and the
# Fashion-MNIST IDX files (Debian: dataset-fashion-mnist, or W1_DATA=dir). `bin/jdnn export --onnx OUT MODEL`
# writes the ONNX file; `bin/jdnn bench w1 --compare-onnxruntime` does all of it in one run.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peer="$repo/bench/peers/onnxruntime"
data="${W1_DATA:-/usr/share/datasets/fashion-mnist}"

usage="usage: bench/run-onnxruntime.sh MODEL.onnx [--quick]
       bench/run-onnxruntime.sh --model MODEL.onnx C,H,W [--b1 WARMUP,CALLS] [--throughput BATCH,THREADS,BATCHES,PASSES]..."
if [[ $# -ge 1 && "$1" == "--model" ]]; then
  if [[ $# -lt 3 ]]; then echo "$usage" >&2; exit 2; fi
  main=OrtModel
  shift
  args=("$@")
elif [[ $# -lt 1 || $# -gt 2 || ( $# -eq 2 && "$2" != "--quick" ) ]]; then
  echo "$usage" >&2
  exit 2
else
  main=OrtW1
  args=("$1" "$data" "${@:2}")
fi
source "$repo/bin/jdk.sh"

mvn -B -q -f "$peer/pom.xml" package >&2
# The JVM options bin/jdnn runs jdnn's bench with, so that both sides get the same collector.
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
  -cp "$peer/target/classes:$peer/target/lib/*" "dev.jdnn.peers.onnxruntime.$main" "${args[@]}" | tail -n 1
