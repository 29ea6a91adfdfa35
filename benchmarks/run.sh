#!/usr/bin/env bash
# Runs the JMH benchmarks with one profile and renders the results.
#
#   benchmarks/run.sh [smoke|short|full] [extra JMH options...]
#
# smoke  one very short iteration of every benchmark (reduced K set): proves it all works, ~2-3 min;
#        its numbers come from cold JVMs and mean nothing
# short  the recommended profile on a small machine: 20 s of warm-up per trial, then 5 measured
#        iterations, checked for steadiness by render.py; ~30 min on 2 cores
# full   every parameter, 2 forks, 2 s measured iterations: about 70 min on 2 cores
#
# Environment: IMPLS=rpc-inprocess,grpc-inprocess limits the implementations;
# RESULTS_DIR (default benchmarks/results/<profile>) is where results go;
# JAVA_HOME picks the JDK if it is 21 or newer (else /usr/lib/jvm/temurin-25-jdk-amd64).
# The jar is built first if it is missing (or when BUILD=1).
set -euo pipefail

profile="${1:-short}"
shift || true
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${RESULTS_DIR:-$here/results/$profile}"

# shellcheck source=jdk.sh
source "$here/jdk.sh"
build_jar_if_missing

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
    # 5 x 1 s of warm-up left rpc-jetty's unary calls still climbing (K=16: from 9.6k to 44k calls/s
    # during measurement) on 2 cores, where 12 x 2 s let the figures settle; 10 x 2 s comes close
    # and keeps the profile under half an hour, and render.py flags any result still moving. Five
    # measured iterations give JMH's 99.9% error a usable width (3 would make it ~5x wider).
    timing=(-f 1 -wi 10 -w 2s -i 5 -r 1s)
    unary_k=1,16,64,256,1024; latency_k=1,64; stream_sizes=64,1024; other_sizes=64 ;;
  full)
    timing=(-f 2 -wi 10 -w 2s -i 5 -r 2s)
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
