# Sourced by bin/mvn, bin/jdnn and .ci/run: points JAVA_HOME at a JDK >= 22 (jdnn is compiled for Java 22 and
# tested on 25). Tried in order: JAVA_HOME, the `java` on the PATH, then /usr/lib/jvm, newest first (this
# project's machines ship Temurin 25 there beside a default JDK 17).
# The JDK's release file names its version; starting a JVM to ask would cost every command ~0.1-0.2 s.
java_feature() {
  if [[ -f "$1/release" ]]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
  fi
}
path_jdk() {
  local java
  java=$(command -v java 2>/dev/null) || return 0
  java=$(readlink -f "$java")
  echo "${java%/bin/java}"
}
jdk_version() {
  [[ -n "$1" && -x "$1/bin/java" && -x "$1/bin/javac" ]] || return 0
  java_feature "$1"
}
pick_jdk() {
  local home v best="" best_v=0
  for home in "${JAVA_HOME:-}" "$(path_jdk)"; do
    v=$(jdk_version "$home")
    if [[ -n "$v" && "$v" -ge 22 ]]; then echo "$home"; return 0; fi
  done
  for home in /usr/lib/jvm/*; do
    [[ -L "$home" ]] && continue  # aliases of the folders beside them
    v=$(jdk_version "$home")
    if [[ -n "$v" && "$v" -ge 22 && "$v" -gt "$best_v" ]]; then best=$home best_v=$v; fi
  done
  [[ -n "$best" ]] && echo "$best"
}
if ! JAVA_HOME=$(pick_jdk); then
  echo "jdnn needs a JDK 22 or newer (25 recommended) and found none in JAVA_HOME, on the PATH or in /usr/lib/jvm: install one (for example Eclipse Temurin 25) and set JAVA_HOME to it" >&2
  exit 2
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
