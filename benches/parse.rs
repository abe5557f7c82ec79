//! `cargo bench`: the native parser + batch packing on the four benchmark shapes, 16 KiB chunks.
//! A quick look at the Rust side alone; the comparison with peers is `npm run bench`.

// A native tool, not the shipped wasm: it may format (clippy.toml).
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

use std::time::Instant;

use rust_eventsource::batch::Batch;
use rust_eventsource::parser::Parser;

fn shape(name: &str) -> Vec<u8> {
    let event: String = match name {
        "tiny" => "data: 1234\n\n".into(),
        "typical" => format!(
            "id: 12345\nevent: update\ndata: {{\"id\":12345,\"name\":\"widget\",\"price\":19.99,\"tags\":[\"a\",\"b\"],\"note\":\"{}\"}}\n\n",
            "x".repeat(30)
        ),
        "multiline" => format!("data: {0}\ndata: {0}\ndata: {0}\n\n", "y".repeat(40)),
        _ => format!("data: {}\n\n", "z".repeat(64 * 1024)),
    };
    event.as_bytes().iter().copied().cycle().take(8 << 20).collect()
}

/// One round: a fresh parser and batch over `input` in 16 KiB chunks; the number of events.
/// Not inlined, so that `valgrind --tool=callgrind --toggle-collect='parse::parse_all'` counts it alone.
#[inline(never)]
fn parse_all(input: &[u8]) -> usize {
    let mut parser = Parser::new(8 << 20);
    let mut batch = Batch::default();
    let mut events = 0;
    for chunk in input.chunks(16 * 1024) {
        batch.clear();
        parser.feed(chunk, &mut batch).unwrap();
        events += batch.lens.len() / 3;
    }
    events
}

fn main() {
    let only = std::env::var("SHAPE").ok();
    // ROUNDS=1 under `valgrind --tool=callgrind`, whose instruction counts are repeatable.
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(7);
    for name in ["tiny", "typical", "multiline", "large"] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let input = shape(name);
        let mut best = f64::MAX;
        let mut events = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            events = parse_all(&input);
            best = best.min(start.elapsed().as_secs_f64());
        }
        let mb = input.len() as f64 / 1e6;
        println!("{name:>9}: {:8.0} MB/s {:6.2} M events/s ({events} events)", mb / best, events as f64 / best / 1e6);
    }
}
