//! `cargo fuzz run parse`: arbitrary bytes through the parser, under several chunkings, checked
//! against the naive model in `src/lib.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| rust_eventsource_fuzz::check(input));
