#!/usr/bin/env bash
# `npm run lint`: formatting and lints of the whole repository; `npm test` runs it first.
#   Rust: cargo fmt --check (rustfmt.toml), clippy natively (all targets) and for wasm32 (the
#   modules only the wasm build compiles, the wasm tests, the example app), warnings as errors.
#   JS/TS: Biome (biome.json) formats and lints every JS/TS/JSON file that git does not ignore.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
echo "[lint] cargo fmt --check"
cargo fmt --check
(cd fuzz && cargo fmt --check)
echo "[lint] cargo clippy --all-targets (native)"
cargo clippy --quiet --all-targets -- -D warnings
echo "[lint] cargo clippy --target wasm32-unknown-unknown --lib"
cargo clippy --quiet --target wasm32-unknown-unknown --lib -- -D warnings
echo "[lint] cargo clippy --target wasm32-unknown-unknown: tests/web.rs, and the example app examples/rust-app"
cargo clippy --quiet --target wasm32-unknown-unknown --features test-support --test web -- -D warnings
(cd examples/rust-app && cargo fmt --check &&
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../../target}" cargo clippy --quiet --target wasm32-unknown-unknown -- -D warnings)
echo "[lint] biome check (format + lint of JS/TS)"
npx biome check .
