# Sourced by run.sh and cross-process.sh, so both pick the JDK and build the jar the same way.
#
# Expects: here (the benchmarks directory). Sets: java_bin, a JDK 21+ java ($JAVA_HOME's if it is
# one, else /usr/lib/jvm/temurin-25-jdk-amd64); unsafe_allow, an option for every JVM started
# (empty before JDK 23); jar. Defines build_jar_if_missing (or always, when BUILD=1).

java_version() { # prints the feature version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1 || true
}
java_bin=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  v="$(java_version "$JAVA_HOME/bin/java")"
  if [[ "${v:-0}" =~ ^[0-9]+$ && "$v" -ge 21 ]]; then java_bin="$JAVA_HOME/bin/java"; fi
fi
if [[ -z "$java_bin" ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  java_bin="$JAVA_HOME/bin/java"
fi
[[ -x "$java_bin" ]] || { echo "$(basename "$0"): no JDK 21+ found (set JAVA_HOME)" >&2; exit 2; }
# JMH itself (and protobuf-java, which the benchmarks share with grpc-java) calls sun.misc.Unsafe,
# which JDK 24 and later warn about in every JVM started; the option to allow it exists from JDK 23
# on, and older JVMs refuse to start with it. JMH forks inherit it.
unsafe_allow=""
v="$(java_version "$java_bin")"
if [[ "${v:-0}" =~ ^[0-9]+$ && "$v" -ge 23 ]]; then unsafe_allow="--sun-misc-unsafe-memory-access=allow"; fi

jar="$here/target/benchmarks.jar"
build_jar_if_missing() {
  if [[ ! -f "$jar" || "${BUILD:-0}" == "1" ]]; then
    echo "$(basename "$0"): building $jar"
    (cd "$(dirname "$here")" && mvn -q -pl benchmarks -am package -DskipTests)
  fi
}
