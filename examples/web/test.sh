#!/usr/bin/env bash
# The web example end to end, in a real browser: builds the page's bundle (and fails if the one
# committed for the jar differs), starts `java -jar examples/target/rpc-examples.jar web`, and has
# headless Chromium (playwright-core) say hello over the Connect protocol and list features over
# gRPC-Web, straight to the rpc server on another origin. Saves examples/web/screenshot.png.
#
# Needs the jar (mvn -q -pl examples -am package -DskipTests), Node 20+ with npm, and Chromium at
# /usr/bin/chromium, which it installs with apt-get when it is missing and it runs as root.
set -euo pipefail
cd "$(dirname "$0")"

fail() {
  echo "web test FAILED: $*" >&2
  exit 1
}

started=$SECONDS
jar=../target/rpc-examples.jar
page_dir=../src/main/resources/rpc/examples/web/page
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

[ -f "$jar" ] || fail "$jar is missing: build it first with mvn -q -pl examples -am package -DskipTests"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed (Node 20 or newer)"

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  [ "$(id -u)" -eq 0 ] || fail "Chromium is missing: install it (apt-get install chromium) or set CHROMIUM to its path"
  echo "installing Chromium (apt-get install chromium)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null || fail "apt-get install chromium failed"
fi

# Dependencies exactly as locked, unless they were installed from this lock file already (npm
# writes node_modules/.package-lock.json at every install).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
fi

# Generate, type-check and bundle into a temporary folder: the jar serves the committed bundle,
# which must be what the sources build today.
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

npm run --silent build -- "$work" || fail "building the page (npm run build) failed"
cmp -s "$work/app.js" "$page_dir/app.js" \
  || fail "$page_dir/app.js is not what examples/web/src builds: run \`npm run build\` in examples/web and commit it"

# The example server: the rpc server and the page's server, each on a free port.
"$java" -jar "$jar" web >"$work/server.log" 2>&1 &
server_pid=$!
page_url="" rpc_url=""
for _ in $(seq 1 150); do # 30 s
  page_url=$(sed -n 's/^page served on \([^ ]*\).*/\1/p' "$work/server.log")
  [ -n "$page_url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; fail "the example server exited at start"; }
  sleep 0.2
done
[ -n "$page_url" ] || { cat "$work/server.log" >&2; fail "the example server did not print its page's address within 30 s"; }
rpc_url=$(sed -n 's/^rpc server listening on \([^ ]*\).*/\1/p' "$work/server.log")
cat "$work/server.log"

status=0
timeout 150 node test.mjs "$page_url" "$rpc_url" screenshot.png || status=$?

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
# The server prints its two addresses and nothing else, also while it is stopped.
extra=$(grep -v -e '^rpc server listening on ' -e '^page served on ' "$work/server.log" || true)
if [ -n "$extra" ]; then
  echo "the example server printed more than its addresses:" >&2
  echo "$extra" >&2
  status=1
fi

echo "examples/web/test.sh took $((SECONDS - started)) s"
[ "$status" -eq 0 ] || fail "see the lines above"
