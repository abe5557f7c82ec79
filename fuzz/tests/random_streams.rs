//! The fuzz target's checks without libFuzzer: pseudo-random streams built from SSE tokens and
//! arbitrary bytes, on a stable toolchain. `RANDOM_STREAMS` (default 20000) sets how many inputs,
//! `RANDOM_SEED` (default 1) where the sequence starts.

use rust_eventsource_fuzz::check;

#[rustfmt::skip]
const TOKENS: &[&[u8]] = &[
    b"data", b"data:", b"data: x", b"event", b"event: e", b"id", b"id: 1", b"id: 2", b"retry",
    b"retry: 5", b"retry: 99999999999999999999999", b":", b": comment", b" ", b"\r", b"\n",
    b"\r\n", b"\n\n", b"\xEF\xBB\xBF", b"\xEF\xBB", b"\x00", b"\xFF", b"\xC3", b"\xE2\x82",
    b"\xF0\x9F\x8E\x89", b"\xED\xA0\x80", b"\xC3\xA9", b"xxxxxxxxxxxxxxxx",
];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[test]
fn random_streams_match_the_model_under_every_chunking() {
    let count = env("RANDOM_STREAMS", 20_000);
    let mut state = env("RANDOM_SEED", 1);
    let mut next = |bound: usize| {
        // xorshift64*: small, deterministic, good enough to pick tokens.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % bound.max(1)
    };
    let mut input = Vec::new();
    for _ in 0..count {
        input.clear();
        // Byte 0 (limit, initial ID) and 8 bytes of chunking seed, as the fuzz target reads them.
        for _ in 0..9 {
            input.push(next(256) as u8);
        }
        for _ in 0..next(40) {
            if next(10) == 0 {
                input.push(next(256) as u8);
            } else {
                input.extend_from_slice(TOKENS[next(TOKENS.len())]);
            }
        }
        check(&input);
    }
}
