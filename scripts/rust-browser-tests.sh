#!/usr/bin/env bash
# The Rust face in headless Chromium (`npm test` runs this after `cargo test`):
#   1. tests/web.rs with wasm-bindgen-test (`wasm-pack test --headless --chrome`): the Rust
#      `EventSource` against the real test server (js-tests/server.mjs), and drop-observer tests
#      of the body reader and the timer (hooks behind `--features test-support`);
#   2. the example app examples/rust-app in a page in Chromium (examples/rust-app/test.mjs).
# The server is started here and its origin compiled into the tests (SSE_TEST_ORIGIN). The
# example is a wasm32 dev-dependency, so the same cargo run compiles it (target/.../deps/
# rust_app.wasm, what `wasm-pack build --dev` in its folder would build), and wasm-bindgen makes
# its pkg/: the wasm dependencies compile once. Dev profile without debug info. Chromium's flags:
# webdriver.json (the test runner's), scripts/chromium.mjs (Playwright's).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_PROFILE_DEV_DEBUG=0
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

out="$(mktemp)"
node js-tests/run-server.mjs >"$out" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q '^origin=' "$out" && break
  kill -0 "$server" 2>/dev/null || { cat "$out" >&2; exit 1; }
  sleep 0.1
done
SSE_TEST_ORIGIN="$(sed -n 's/^origin=//p' "$out")"
[ -n "$SSE_TEST_ORIGIN" ] || { echo "[rust-browser] the test server did not start" >&2; exit 1; }
export SSE_TEST_ORIGIN
echo "[rust-browser] test server at $SSE_TEST_ORIGIN"

echo "[rust-browser] wasm-pack test --headless --chrome (tests/web.rs)"
wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" -- --features test-support --test web

echo "[rust-browser] the example app (examples/rust-app) in a page in Chromium"
wasm-bindgen --target web --no-typescript --out-dir examples/rust-app/pkg \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/debug/deps/rust_app.wasm"
node --test-reporter=spec examples/rust-app/test.mjs
