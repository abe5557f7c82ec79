#!/usr/bin/env bash
# `npm run demo`: installs what is missing, builds the package, runs the Node demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
echo "[demo] linking the built package into examples/node"
npm install --prefix examples/node --no-audit --no-fund --silent
exec node examples/node/demo.mjs "$@"
