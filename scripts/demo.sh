#!/usr/bin/env bash
# `npm run demo`: installs and builds only what is missing or stale, then runs the demo: the demo
# SSE server on loopback (an authenticated feed that drops each connection after 10 events, a POST
# answer streamed token by token, and a web page built with Vite from the package showing both),
# and, in this terminal, the feed read with the package in Node until Ctrl-C.
# `npm run demo -- --once` stops by itself after 15 feed events; `-- --port N` picks the port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# stale TARGET PATH...: TARGET is missing, or a file under one of the PATHs is newer than it.
stale() {
  local target=$1
  shift
  [ ! -e "$target" ] || [ -n "$(find "$@" -type f -newer "$target" -print -quit 2>/dev/null)" ]
}

if stale pkg/index.js src pkg-template Cargo.toml Cargo.lock scripts/build.mjs; then
  node scripts/build.mjs
else
  echo "[demo] pkg/ is up to date"
fi
# examples/node depends on the built package (file:../../pkg); nothing of it is committed, so the
# first run installs it: a link to pkg/, no download, no lock file.
if [ ! -e examples/node/node_modules/rust-eventsource/package.json ]; then
  echo "[demo] installing examples/node's dependency: the built package (file:../../pkg, linked)"
  npm install --prefix examples/node --no-package-lock --no-audit --no-fund --silent
fi
if stale examples/web-demo/node_modules/.package-lock.json examples/web-demo/package.json; then
  echo "[demo] installing the web demo's dependencies (vite, and the built package, linked)"
  npm install --prefix examples/web-demo --prefer-offline --no-audit --no-fund --silent
fi
if stale examples/web-demo/dist/index.html examples/web-demo/index.html examples/web-demo/src pkg; then
  echo "[demo] building the web demo page with Vite (examples/web-demo -> dist/)"
  (cd examples/web-demo && node node_modules/vite/bin/vite.js build --logLevel warn)
fi
exec node examples/node/demo.mjs "$@"
