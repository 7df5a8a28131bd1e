#!/usr/bin/env bash
# The floor under jdnn's cold start on this machine: the time from launching a JVM to the end of each of
#   hello     an empty main;
#   dlopen    libgomp and libdnnl loaded through FFM and one function linked and called;
#   floor     the same plus the 18 C signatures a jdnn inference plan calls, linked (bench/probes/ColdStartFloor.java);
#   floor-aot the floor in a JVM started from a JDK AOT cache (-XX:AOTCache) recorded by one run of it.
# None of these runs any jdnn code. Prints each one's median over ROUNDS interleaved rounds (default 6), in ms.
#
#   bench/cold-start-floor.sh [ROUNDS]
#
# Needs the staged native libraries (mvn -B -q -DskipTests package, or generate-resources).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/bin/jdk.sh"
rounds=${1:-6}
libraries="$repo/natives/target/staging/linux-x86_64/jdnn/native/linux-x86_64"
probes="$repo/target/probes"
[[ -f "$libraries/libdnnl.so.3" ]] || { echo "no $libraries/libdnnl.so.3: run mvn -B -q -DskipTests package first" >&2; exit 2; }

rm -rf "$probes"
javac -d "$probes/classes" "$repo/bench/probes/ColdStartFloor.java" "$repo/bench/probes/Hello.java"
# A jar, not the folder: an AOT cache refuses class-path folders.
jar cf "$probes/probes.jar" -C "$probes/classes" .
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$probes/probes.jar")
"${java[@]}" -XX:AOTCacheOutput="$probes/floor.aot" ColdStartFloor "$libraries" >"$probes/aot.log" 2>&1 ||
  { cat "$probes/aot.log" >&2; exit 1; }

# Milliseconds from launching the command to the "done-at-ms" it prints.
elapsed() {
  local start end
  start=$(date +%s%3N)
  end=$("$@" | sed -n 's/^done-at-ms=\([0-9]*\).*/\1/p')
  echo $((end - start))
}

declare -A runs
for ((r = 0; r < rounds; r++)); do
  runs[hello]+="$(elapsed "${java[@]}" Hello) "
  runs[dlopen]+="$(elapsed "${java[@]}" ColdStartFloor "$libraries" --no-link) "
  runs[floor]+="$(elapsed "${java[@]}" ColdStartFloor "$libraries") "
  runs[floor-aot]+="$(elapsed "${java[@]}" -XX:AOTCache="$probes/floor.aot" -XX:AOTMode=on ColdStartFloor "$libraries") "
done
for name in hello dlopen floor floor-aot; do
  median=$(tr ' ' '\n' <<<"${runs[$name]}" | sed '/^$/d' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
  printf '%-10s median %5s ms   runs: %s\n' "$name" "$median" "${runs[$name]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
