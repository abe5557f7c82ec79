#!/usr/bin/env bash
# A short fuzzing pass over the event stream parser, for CI. From anywhere:
#   bash fuzz/run.sh            # FUZZ_SECONDS (default 30) of libFuzzer, after the random-input test
# 1. `cargo test --release` here: RANDOM_STREAMS (default 20000) pseudo-random streams through the
#    same checks as the fuzz target (stable toolchain, no libFuzzer).
# 2. If cargo-fuzz is installed (`cargo install cargo-fuzz`): libFuzzer on fuzz_targets/parse.rs for
#    FUZZ_SECONDS, without sanitizer (the parser's only `unsafe` is an ASCII-to-str cast; a plain
#    build runs some 60% more inputs per second). cargo-fuzz needs nightly compiler flags:
#    RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. A failing input is saved under
#    fuzz/artifacts/parse/ and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[fuzz] random streams: cargo test --release (RANDOM_STREAMS=${RANDOM_STREAMS:-20000})"
cargo test --release --quiet --manifest-path fuzz/Cargo.toml
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "[fuzz] cargo-fuzz is not installed (cargo install cargo-fuzz): libFuzzer run skipped"
  exit 0
fi
seconds="${FUZZ_SECONDS:-30}"
echo "[fuzz] libFuzzer: cargo fuzz run parse for ${seconds} s"
log="$(mktemp)"
status=0
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none parse -- \
  -max_total_time="${seconds}" -dict=fuzz/parse.dict -print_final_stats=1 >"$log" 2>&1 || status=$?
grep -E '^(Done |stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log"
  echo "[fuzz] FAILED: the input is saved under fuzz/artifacts/parse/"
fi
rm -f "$log"
exit "$status"
