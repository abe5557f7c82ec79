#!/usr/bin/env bash
# `npm test`: every test. Installs what is missing, builds the package, then runs
#   0. npm run lint (scripts/lint.sh): cargo fmt --check, clippy native and wasm32, Biome,
#   1. the Rust tests (parser, policy, batch) natively with cargo test; the Rust face, body reader
#      and timer in headless Chromium (wasm-bindgen-test) and the example Rust app, against the
#      real test SSE server (scripts/rust-browser-tests.sh),
#   2. the type check of the tests and examples against the package's .d.ts,
#   3. the shared JS suite on the built package in Node and in headless Chromium,
#      against the real test SSE server the suite starts on loopback,
#   4. the packaging tests on the packed tarball (packaging/run.mjs),
#   5. a short fuzzing pass of the parser, beside a smoke run of the benchmarks (so that
#      `npm run bench` cannot rot).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/lint.sh
node scripts/build.mjs
echo "[test] cargo test (native)"
cargo test --quiet
echo "[test] the Rust face in headless Chromium: wasm-bindgen-test and the example app (scripts/rust-browser-tests.sh)"
bash scripts/rust-browser-tests.sh
echo "[test] tsc --noEmit (strict)"
npx tsc --noEmit -p tsconfig.json
echo "[test] vitest: node and browser projects"
npx vitest run
echo "[test] packaging: the packed tarball in Node, Vite, webpack, a worker, the CLI and npm run demo" && node --test-reporter=spec packaging/run.mjs
# The fuzzing pass (one core, CPU-bound) runs beside the benchmark smoke run, whose figures
# nobody reads: the two end together in about the time of the longer.
echo "[test] fuzzing the parser: random streams, then 20 s of libFuzzer (fuzz/run.sh; log at the end)"
fuzz_log="$(mktemp)"
FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash fuzz/run.sh >"$fuzz_log" 2>&1 &
fuzz_pid=$!
echo "[test] benchmark smoke run (tiny inputs; keeps npm run bench from rotting; report in bench/.out/)"
smoke_status=0
bash scripts/bench.sh --smoke || smoke_status=$?
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
cat "$fuzz_log"
rm -f "$fuzz_log"
if [ "$fuzz_status" -ne 0 ] || [ "$smoke_status" -ne 0 ]; then
  echo "[test] FAILED: fuzzing exit $fuzz_status, benchmark smoke run exit $smoke_status"
  exit 1
fi
