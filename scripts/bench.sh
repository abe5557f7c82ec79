#!/usr/bin/env bash
# Runs the benchmark suite (bench/run.js): installs bench/'s own dependencies if missing,
# builds pkg/ if missing, then writes BENCHMARKS.md and BENCHMARKS.svg (about 9 minutes on 2 cores).
#   bash scripts/bench.sh           the full run
#   bash scripts/bench.sh --smoke   a quick run (about 40 s) whose report goes to bench/.out/
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d bench/node_modules/playwright ] || [ ! -d bench/node_modules/eventsource-parser ]; then
  echo "[bench] installing bench/ dependencies"
  npm install --prefix bench --no-audit --no-fund
fi
if [ ! -f pkg/index.js ]; then
  echo "[bench] pkg/ missing: building it"
  node scripts/build.mjs
fi
exec node bench/run.js "$@"
