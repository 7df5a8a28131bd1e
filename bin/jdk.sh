# Sourced by bin/jdnn and .ci/run: points JAVA_HOME at a JDK >= 22, preferring 25 (the machine image ships
# Temurin 25 beside the default JDK 17; Debian bookworm packages no JDK that new).
# The JDK's release file names its version; starting a JVM to ask would cost every command ~0.1-0.2 s.
java_feature() {
  if [[ -f "$1/release" ]]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
  fi
}
pick_jdk() {
  local home v
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [[ -n "$home" && -x "$home/bin/java" ]] || continue
    v=$(java_feature "$home")
    if [[ -n "$v" && "$v" -ge 22 ]]; then echo "$home"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(pick_jdk); then
  echo "jdnn needs a JDK >= 22 (25 recommended): set JAVA_HOME to one; none found in JAVA_HOME or /usr/lib/jvm" >&2
  exit 2
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
