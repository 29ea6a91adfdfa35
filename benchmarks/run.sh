#!/usr/bin/env bash
# Runs the JMH benchmarks with one profile and renders the results.
#
#   benchmarks/run.sh [smoke|short|full] [extra JMH options...]
#
# smoke  one very short iteration of every benchmark (reduced K set): proves it all works, ~2-3 min
# short  the recommended profile on a small machine: ~10 min on 2 cores
# full   every parameter, 2 forks, longer iterations: about an hour on 2 cores
#
# Environment: IMPLS=rpc-inprocess,grpc-inprocess limits the implementations;
# RESULTS_DIR (default benchmarks/results/<profile>) is where results go;
# JAVA_HOME picks the JDK if it is 21 or newer (else /usr/lib/jvm/temurin-25-jdk-amd64).
# The jar is built first if it is missing (or when BUILD=1).
set -euo pipefail

profile="${1:-short}"
shift || true
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
out="${RESULTS_DIR:-$here/results/$profile}"

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
[[ -x "$java_bin" ]] || { echo "run.sh: no JDK 21+ found (set JAVA_HOME)" >&2; exit 2; }
# JMH itself (and protobuf-java 3.25, which the benchmarks share with grpc-java) calls
# sun.misc.Unsafe, which JDK 24 and later warn about in every JVM started; the option to allow it
# exists from JDK 23 on, and older JVMs refuse to start with it. JMH forks inherit it.
unsafe_allow=""
v="$(java_version "$java_bin")"
if [[ "${v:-0}" =~ ^[0-9]+$ && "$v" -ge 23 ]]; then unsafe_allow="--sun-misc-unsafe-memory-access=allow"; fi

if [[ ! -f "$jar" || "${BUILD:-0}" == "1" ]]; then
  echo "run.sh: building $jar"
  (cd "$root" && mvn -q -pl benchmarks -am package -DskipTests)
fi

impl_param=()
if [[ -n "${IMPLS:-}" ]]; then impl_param=(-p "impl=$IMPLS"); fi

# Every run: results as JSON, the GC profiler (bytes allocated per operation, whole JVM), fail on
# the first error so a broken implementation cannot pass unnoticed, a fixed heap.
common=(-rf json -prof gc -foe true -jvmArgsAppend "-Xms1g -Xmx1g --enable-native-access=ALL-UNNAMED")
case "$profile" in
  smoke)
    timing=(-f 1 -wi 1 -w 200ms -i 1 -r 300ms)
    unary_k=1,64,1024; latency_k=1,64; stream_sizes=64; other_sizes=64 ;;
  short)
    timing=(-f 1 -wi 5 -w 1s -i 3 -r 1s)
    unary_k=1,16,64,256,1024; latency_k=1,64; stream_sizes=64,1024; other_sizes=64 ;;
  full)
    timing=(-f 2 -wi 5 -w 2s -i 5 -r 2s)
    unary_k=1,16,64,256,1024; latency_k=1,64; stream_sizes=64,1024; other_sizes=64,1024 ;;
  *)
    echo "usage: $0 [smoke|short|full] [extra JMH options...]" >&2; exit 2 ;;
esac

mkdir -p "$out/json"
rm -f "$out"/json/*.json
run() { # name, benchmark regex, params...
  local name="$1" regex="$2"; shift 2
  echo "== $name"
  "$java_bin" $unsafe_allow -jar "$jar" "$regex" "${timing[@]}" "${common[@]}" -rff "$out/json/$name.json" \
    ${impl_param[@]+"${impl_param[@]}"} "$@"
}
start=$(date +%s)
run unary 'rpc\.benchmarks\.UnaryBenchmark\.call$' -p "concurrency=$unary_k" "$@"
run latency 'rpc\.benchmarks\.LatencyBenchmark\.call$' -p "concurrency=$latency_k" "$@"
run server-streaming 'rpc\.benchmarks\.StreamingBenchmark\.serverStreaming$' -p "size=$stream_sizes" "$@"
run client-streaming-ping-pong 'rpc\.benchmarks\.StreamingBenchmark\.(clientStreaming|pingPong)$' \
  -p "size=$other_sizes" "$@"
echo "run.sh: benchmarks took $(( $(date +%s) - start )) s"

PROFILE="$profile" python3 "$here/render.py" "$out" "$out"/json/*.json
