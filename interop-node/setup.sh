#!/usr/bin/env bash
# Prepares the Node.js clients NodeClientsTest runs: installs the npm packages package-lock.json
# pins (npm ci, skipped when node_modules already holds exactly them) and generates their
# JavaScript from the .proto files (buf generate with protoc-gen-es, both from node_modules, into
# src/test/node/gen). Safe to run again; needs Node.js 20 or newer and npm, and the npm registry
# only when the packages are not installed yet.
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "interop-node/setup.sh: $tool is not on the PATH; install Node.js 20 or newer (with npm)." >&2
    exit 1
  fi
done
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "interop-node/setup.sh: Node.js $(node --version) is too old; the clients need 20 or newer." >&2
  exit 1
fi

# What node_modules was installed from: the lock file and the Node.js version.
stamp="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node --version)"
if [ -f node_modules/.setup-stamp ] && [ "$(cat node_modules/.setup-stamp)" = "$stamp" ]; then
  echo "interop-node/setup.sh: node_modules is up to date"
else
  # No install scripts: the one package that has any (@bufbuild/buf) runs without it, finding its
  # binary in the platform package npm installs beside it.
  npm ci --ignore-scripts --no-audit --no-fund
  echo "$stamp" > node_modules/.setup-stamp
fi

# What the generated code was made from: the .proto files, buf.gen.yaml and the packages.
inputs="$(find src/test/protobuf src/test/node/proto -name '*.proto' | LC_ALL=C sort \
  | xargs sha256sum buf.gen.yaml package-lock.json | sha256sum | cut -d' ' -f1)"
if [ -f src/test/node/gen/.setup-stamp ] && [ "$(cat src/test/node/gen/.setup-stamp)" = "$inputs" ]; then
  echo "interop-node/setup.sh: src/test/node/gen is up to date"
else
  npm run --silent generate
  echo "$inputs" > src/test/node/gen/.setup-stamp
  echo "interop-node/setup.sh: generated $(find src/test/node/gen -name '*.js' | wc -l) files in interop-node/src/test/node/gen"
fi
