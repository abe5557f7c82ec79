//! What the fuzz target (`fuzz_targets/parse.rs`) and the random-input test
//! (`tests/random_streams.rs`) check about [`Parser`]: for any bytes,
//!
//! 1. the outcome (events, `retry` values, the limit error, the last event ID) is the same for every
//!    chunking tried: whole, byte by byte, every split in two (short inputs), random chunks with
//!    empty chunks between them;
//! 2. that outcome is what a naive, line-at-a-time reading of the WHATWG HTML standard's
//!    [§9.2.6 "Interpreting an event stream"](https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
//!    gives ([`model`]), including where `max_event_bytes` stops the stream;
//! 3. the same holds for a second stream after [`Parser::end_of_stream`] (a reconnection): the
//!    last event ID carries over, a BOM is stripped again, a limit error is forgotten;
//! 4. `id_changed` is set whenever an event's last event ID differs from the previous event's.

use rust_eventsource::chunking::random_chunks;
use rust_eventsource::parser::{Event, ParseError, Parser, Sink};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the parser reported, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    /// A dispatched event.
    Event {
        /// The type as dispatched (`"message"` when the block had no `event` field).
        event_type: String,
        /// The data.
        data: String,
        /// The last event ID string at dispatch.
        id: String,
    },
    /// A valid `retry` field, in milliseconds.
    Retry(u64),
    /// The limit error that stopped the stream.
    Error(ParseError),
    /// [`Parser::end_of_stream`] was called.
    End,
}

struct Record {
    out: Vec<Out>,
    /// The last event ID of the previous event, for the `id_changed` check.
    previous_id: String,
}

impl Sink for Record {
    fn event(&mut self, event: Event<'_>) {
        assert!(
            event.id_changed || event.last_event_id == self.previous_id,
            "the last event ID changed from {:?} to {:?} without id_changed",
            self.previous_id,
            event.last_event_id,
        );
        self.previous_id = event.last_event_id.to_owned();
        self.out.push(Out::Event {
            event_type: event.event_type().to_owned(),
            data: event.data.to_owned(),
            id: event.last_event_id.to_owned(),
        });
    }

    fn retry(&mut self, millis: u64) {
        self.out.push(Out::Retry(millis));
    }
}

/// Feeds each stream's chunks to one parser (stopping a stream at its first error), with
/// [`Parser::end_of_stream`] after each stream. Returns what was reported and the final last
/// event ID.
pub fn run(limit: usize, initial_id: &str, streams: &[Vec<&[u8]>]) -> (Vec<Out>, String) {
    let mut parser = Parser::new(limit);
    parser.set_last_event_id(initial_id);
    let mut record = Record { out: Vec::new(), previous_id: initial_id.to_owned() };
    for chunks in streams {
        for chunk in chunks {
            if let Err(error) = parser.feed(chunk, &mut record) {
                record.out.push(Out::Error(error));
                break;
            }
        }
        parser.end_of_stream();
        record.out.push(Out::End);
    }
    (record.out, parser.last_event_id().to_owned())
}

fn decode(bytes: &[u8]) -> String {
    // Rust's lossy decoder replaces invalid sequences by maximal subpart, as the WHATWG UTF-8
    // decoder does.
    String::from_utf8_lossy(bytes).into_owned()
}

/// The spec read literally, one complete line at a time over the whole stream, with the limit
/// rule the parser documents: a non-comment line (complete, or the unfinished one at the end)
/// whose bytes plus the data buffer's pass `limit` stops the stream. Needs `limit >= 3`.
pub fn model(limit: usize, initial_id: &str, streams: &[&[u8]]) -> (Vec<Out>, String) {
    let mut out = Vec::new();
    // "the last event ID string of the event source"; ignored when it contains NULL, like an id field.
    let mut last_id: Vec<u8> = if initial_id.contains('\0') { Vec::new() } else { initial_id.as_bytes().to_vec() };
    for stream in streams {
        // "The stream must then be parsed by reading everything line by line"; one leading BOM
        // is stripped by the UTF-8 decode.
        let body = stream.strip_prefix(BOM).unwrap_or(stream);
        let mut id_buffer = last_id.clone();
        let mut data: Vec<u8> = Vec::new();
        let mut event_type: Vec<u8> = Vec::new();
        let mut start = 0;
        loop {
            let Some(end) = body[start..].iter().position(|&b| b == b'\r' || b == b'\n') else {
                // The unfinished last line: never processed, but held, so bounded.
                let line = &body[start..];
                if !line.is_empty() && line[0] != b':' && line.len() + data.len() > limit {
                    out.push(Out::Error(ParseError::EventTooLarge { limit }));
                }
                break;
            };
            let line = &body[start..start + end];
            // CRLF, LF or CR ends a line.
            start += end + 1;
            if body[start - 1] == b'\r' && body.get(start) == Some(&b'\n') {
                start += 1;
            }
            if line.is_empty() {
                // Dispatch: the ID first, then nothing if there is no data.
                last_id = id_buffer.clone();
                if data.is_empty() {
                    event_type.clear();
                    continue;
                }
                data.pop();
                let event_type_text = if event_type.is_empty() { "message".to_owned() } else { decode(&event_type) };
                out.push(Out::Event { event_type: event_type_text, data: decode(&data), id: decode(&last_id) });
                data.clear();
                event_type.clear();
                continue;
            }
            if line[0] == b':' {
                continue;
            }
            if line.len() + data.len() > limit {
                out.push(Out::Error(ParseError::EventTooLarge { limit }));
                break;
            }
            let (name, value) = match line.iter().position(|&b| b == b':') {
                Some(colon) => {
                    let value = &line[colon + 1..];
                    (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                }
                None => (line, &[][..]),
            };
            match name {
                b"event" => event_type = value.to_vec(),
                b"data" => {
                    data.extend_from_slice(value);
                    data.push(b'\n');
                }
                b"id" if !value.contains(&0) => id_buffer = value.to_vec(),
                b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                    let millis = value
                        .iter()
                        .fold(0u64, |n, &digit| n.saturating_mul(10).saturating_add(u64::from(digit - b'0')));
                    out.push(Out::Retry(millis));
                }
                _ => {}
            }
        }
        out.push(Out::End);
    }
    (out, decode(&last_id))
}

/// The limits the first input byte chooses between: none, and small ones that inputs reach.
const LIMITS: [usize; 4] = [usize::MAX, 8, 64, 1024];

/// Checks everything listed at the top for one fuzzer input: byte 0 chooses the limit and the
/// initial last event ID, bytes 1..9 seed the random chunking, the rest is the stream, which is
/// also replayed as a second connection.
pub fn check(input: &[u8]) {
    let Some((&config, rest)) = input.split_first() else { return };
    let limit = LIMITS[usize::from(config & 3)];
    let initial_id = if config & 4 != 0 { "start" } else { "" };
    let (seed_bytes, stream) = rest.split_at(rest.len().min(8));
    let mut seed = [0u8; 8];
    seed[..seed_bytes.len()].copy_from_slice(seed_bytes);
    let seed = u64::from_le_bytes(seed);

    let expected = model(limit, initial_id, &[stream, stream]);
    let check_chunking = |name: &str, chunks: Vec<&[u8]>| {
        let got = run(limit, initial_id, &[chunks.clone(), chunks]);
        assert_eq!(got, expected, "{name}: limit {limit}, stream {:?}", String::from_utf8_lossy(stream));
    };
    check_chunking("whole", vec![stream]);
    check_chunking("byte by byte", stream.chunks(1).collect());
    check_chunking("random", random_chunks(stream, seed));
    if stream.len() <= 256 {
        for split in 0..=stream.len() {
            let (a, b) = stream.split_at(split);
            check_chunking(&format!("split at {split}"), vec![a, b]);
        }
    }
}
