#!/usr/bin/env bash
# Benchmarks across processes: each server in a JVM of its own, the load in another process, so no
# figure is flattered or hurt by client and server sharing one heap, one JIT and one set of threads.
#
#   benchmarks/cross-process.sh [quick|full]
#
# quick  64-byte streams, unary K = 1, 64, 256; 8 s warm-ups, 5 rounds of 2 s: about 5-6 minutes
# full   64 B and 1 KiB streams, unary K = 1, 64, 256, 1024; 15 s warm-ups, 5 rounds of 4 s:
#        about 17 minutes
#
# For rpc-jetty, grpc-netty and grpc-netty-direct in turn: starts rpc.benchmarks.CrossServer, waits
# (bounded) for its port, drives server-streaming, client-streaming and ping-pong from a
# rpc.benchmarks.CrossClient JVM (StreamingBenchmark's client code), then unary calls from h2load
# (one connection, K streams in flight) after checking that one call answers grpc-status 0 with the
# echo, and stops the server. Then prints the ratios rpc-jetty / grpc-netty and rpc-jetty /
# grpc-netty-direct and writes them to RESULTS_DIR/table.md.
#
# Environment:
#   PIN=0          do not pin (default: with taskset and 2+ CPUs, the server JVM runs on CPU 0 and
#                  the load, JVM or h2load, on CPU 1)
#   H2LOAD=0       skip the unary part (default: run it; install h2load, Debian's nghttp2-client,
#                  with apt-get if it is missing, and measure the streams only if that fails)
#   RESULTS_DIR    where table.md goes (default benchmarks/results/cross-process); the raw output
#                  of every process goes to RESULTS_DIR/raw
#   JAVA_HOME, BUILD=1  as for run.sh
set -euo pipefail

mode="${1:-quick}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${RESULTS_DIR:-$here/results/cross-process}"
raw="$out/raw"

case "$mode" in
  quick)
    warm=8; rounds=5; secs=2; sizes="64"; unary_k="1 64 256"; h2_warm=4; h2_secs=10 ;;
  full)
    warm=15; rounds=5; secs=4; sizes="64 1024"; unary_k="1 64 256 1024"; h2_warm=10; h2_secs=20 ;;
  *)
    echo "usage: $0 [quick|full]" >&2; exit 2 ;;
esac

# shellcheck source=jdk.sh
source "$here/jdk.sh"
build_jar_if_missing
mkdir -p "$raw"
rm -f "$raw"/*
rounds_tsv="$raw/rounds.tsv"
: >"$rounds_tsv"

# The same heap as the JMH runs, and their collector: on one CPU the JVM would pick Serial instead.
jvm=($unsafe_allow -Xms1g -Xmx1g -XX:+UseG1GC --enable-native-access=ALL-UNNAMED)

pin_server=(); pin_client=()
if [[ "${PIN:-1}" != "0" ]] && command -v taskset >/dev/null && [[ "$(nproc)" -ge 2 ]]; then
  pin_server=(taskset -c 0); pin_client=(taskset -c 1)
  pinning="server JVM pinned to CPU 0, load (client JVM or h2load) to CPU 1 with taskset"
elif [[ "${PIN:-1}" != "0" ]]; then
  pinning="not pinned (taskset missing or fewer than 2 CPUs)"
else
  pinning="not pinned (PIN=0)"
fi
echo "cross-process.sh: $mode mode; $pinning"

have_h2load=0
if [[ "${H2LOAD:-1}" != "0" ]]; then
  if ! command -v h2load >/dev/null; then
    echo "cross-process.sh: h2load is missing; installing Debian's nghttp2-client"
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
      apt-get install -y nghttp2-client >"$raw/apt.log" 2>&1 \
        || { apt-get update >>"$raw/apt.log" 2>&1 && apt-get install -y nghttp2-client >>"$raw/apt.log" 2>&1; } || true
    elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
      sudo -n apt-get install -y nghttp2-client >"$raw/apt.log" 2>&1 || true
    fi
  fi
  if command -v h2load >/dev/null && command -v nghttp >/dev/null; then
    have_h2load=1
  else
    echo "cross-process.sh: could not install h2load and nghttp (nghttp2-client): measuring the streams only"
  fi
fi

server_pid=""
stop_server() { # SIGTERM runs CrossServer's graceful, bounded shutdown; SIGKILL after 15 s
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  if [[ -n "$server_pid" ]]; then wait "$server_pid" 2>/dev/null || true; fi
  server_pid=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

port=""
start_server() { # impl: starts its server on a free port, sets port; waits at most 30 s for it
  local log="$raw/$1-server.log"
  # a generous lifetime bound, should this script die without stopping it
  ${pin_server[@]+"${pin_server[@]}"} "$java_bin" "${jvm[@]}" -cp "$jar" rpc.benchmarks.CrossServer \
    --impl "$1" --port 0 --max-seconds 1800 >"$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port="$(sed -n 's/^CrossServer: .* on 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$log")"
    if [[ -n "$port" ]] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      sed 's/^/  /' "$log"
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "  $1's server did not listen within 30 s:" >&2
  sed 's/^/    /' "$log" >&2
  stop_server
  return 1
}

failed() { # impl workload param reason...
  echo "  FAILED: $*"
  printf 'FAILED\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${*:4}" >>"$rounds_tsv"
}

streams() { # impl
  local impl="$1" workload size tag
  for workload in server-streaming client-streaming ping-pong; do
    for size in $sizes; do
      tag="$impl-$workload-$size"
      if ! kill -0 "$server_pid" 2>/dev/null; then failed "$impl" "$workload" "$size" "server died"; continue; fi
      if timeout $((warm + rounds * secs + 120)) ${pin_client[@]+"${pin_client[@]}"} "$java_bin" "${jvm[@]}" \
          -cp "$jar" rpc.benchmarks.CrossClient --impl "$impl" --target "127.0.0.1:$port" --workload "$workload" \
          --size "$size" --warmup-seconds "$warm" --rounds "$rounds" --seconds "$secs" >"$raw/$tag.out" 2>&1; then
        grep -v '^ROUNDS' "$raw/$tag.out" | sed 's/^/  /'
        grep '^ROUNDS' "$raw/$tag.out" >>"$rounds_tsv"
      else
        failed "$impl" "$workload" "$size" "exit status $?, see $raw/$tag.out"
        tail -5 "$raw/$tag.out" | sed 's/^/    /'
      fi
    done
  done
}

body="$raw/unary-request.grpc"
grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers')
unary() { # impl
  local impl="$1" k tag url="http://127.0.0.1:$port/bench.Bench/Unary"
  # h2load counts any HTTP 200 as a success, and gRPC reports errors with HTTP 200 and a
  # grpc-status trailer: one call first, to see grpc-status 0 and the request echoed.
  if ! timeout 20 nghttp -v "${grpc_headers[@]}" -d "$body" "$url" >"$raw/$impl-unary-check.txt" 2>&1 \
      || ! timeout 20 nghttp "${grpc_headers[@]}" -d "$body" "$url" >"$raw/$impl-unary-check.bin" 2>/dev/null \
      || ! grep -aq ':status: 200' "$raw/$impl-unary-check.txt" \
      || ! grep -aq 'grpc-status: 0' "$raw/$impl-unary-check.txt" \
      || ! cmp -s "$body" "$raw/$impl-unary-check.bin"; then
    failed "$impl" unary all "the check call did not answer grpc-status 0 with the echo, see $raw/$impl-unary-check.txt"
    return 0
  fi
  echo "  unary check: HTTP 200, grpc-status 0, request echoed"
  for k in $unary_k; do
    tag="$impl-unary-$k"
    if ! kill -0 "$server_pid" 2>/dev/null; then failed "$impl" unary "$k" "server died"; continue; fi
    if timeout $((h2_warm + h2_secs + 60)) ${pin_client[@]+"${pin_client[@]}"} h2load -c 1 -m "$k" \
        -D "$h2_secs" --warm-up-time "$h2_warm" -d "$body" "${grpc_headers[@]}" --log-file "$raw/$tag.log" \
        "$url" >"$raw/$tag.out" 2>&1 \
        && python3 "$here/cross_process.py" h2load "$impl" "$k" "$h2_secs" "$rounds" "$raw/$tag.out" \
          "$raw/$tag.log" >"$raw/$tag.rounds" 2>&1; then
      grep -v '^ROUNDS' "$raw/$tag.rounds"
      grep '^ROUNDS' "$raw/$tag.rounds" >>"$rounds_tsv"
    else
      failed "$impl" unary "$k" "see $raw/$tag.out and $raw/$tag.rounds"
    fi
    rm -f "$raw/$tag.log" # one line per call: large, and summed up in $tag.rounds
  done
}

start=$(date +%s)
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
if awk -v l="${load_at_start%% *}" 'BEGIN { exit !(l + 0 > 0.5) }'; then
  echo "cross-process.sh: load average ${load_at_start} before the first server starts: other work is running," \
    "so the figures will be noisy"
fi
if [[ "$have_h2load" == "1" ]]; then
  "$java_bin" $unsafe_allow -cp "$jar" rpc.benchmarks.UnaryRequestBody --out "$body"
fi
for impl in rpc-jetty grpc-netty grpc-netty-direct; do
  echo "== $impl"
  if ! start_server "$impl"; then
    failed "$impl" all all "the server did not start, see $raw/$impl-server.log"
    continue
  fi
  streams "$impl"
  if [[ "$have_h2load" == "1" ]]; then unary "$impl"; fi
  stop_server
done
took=$(( $(date +%s) - start ))
load_at_end="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "cross-process.sh: took $took s"

cpu="$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -1)"
jdk="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p' | head -1)"
h2="$( (h2load --version 2>/dev/null || true) | head -1)"
description="$(nproc) CPUs (${cpu:-unknown model}), load average (1, 5, 15 min) ${load_at_start} at the start \
and ${load_at_end} at the end; JDK ${jdk:-?}, \
every JVM \`${jvm[*]}\`; ${pinning}; streams: ${warm} s warm-up, ${rounds} rounds of ${secs} s per workload"
if [[ "$have_h2load" == "1" ]]; then
  description+="; unary: ${h2:-h2load}, ${h2_warm} s warm-up, ${h2_secs} s measured as ${rounds} rounds"
else
  description+="; unary not measured (no h2load)"
fi
description+="; the run took ${took} s."
python3 "$here/cross_process.py" table "$rounds_tsv" "$out/table.md" "$mode" "$description"
echo
echo "cross-process.sh: wrote $out/table.md"
if grep -q '^FAILED' "$rounds_tsv"; then exit 1; fi
