//! Wire-byte tables, each case replayed whole, split at every byte position, one byte at a
//! time and in pseudo-random chunkings: the outcome must never depend on the chunking.

use super::scan::{first_word, has_null, is_ascii, plain_prefix, same_bytes, scan_line, LineScan};
use super::*;
use crate::chunking::{random_chunks, Lcg};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    Event { event_type: String, data: String, id: String },
    Retry(u64),
    Error(ParseError),
}

#[derive(Default)]
struct Record(Vec<Out>);

impl Sink for Record {
    fn event(&mut self, event: Event<'_>) {
        self.0.push(Out::Event {
            event_type: event.event_type().to_owned(),
            data: event.data.to_owned(),
            id: event.last_event_id.to_owned(),
        });
    }
    fn retry(&mut self, millis: u64) {
        self.0.push(Out::Retry(millis));
    }
}

fn ev(event_type: &str, data: &str, id: &str) -> Out {
    Out::Event { event_type: event_type.into(), data: data.into(), id: id.into() }
}

fn msg(data: &str) -> Out {
    ev("message", data, "")
}

/// Feeds `chunks` to a fresh parser with the given limit; stops at the first error.
fn run_chunks<'a>(limit: usize, chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Out>, String) {
    let mut parser = Parser::new(limit);
    let mut record = Record::default();
    for chunk in chunks {
        if let Err(error) = parser.feed(chunk, &mut record) {
            record.0.push(Out::Error(error));
            break;
        }
    }
    (record.0, parser.last_event_id().to_owned())
}

/// Asserts the expected outcome for `input` under every chunking we try.
fn check_limit(limit: usize, input: &[u8], expected: &[Out]) {
    let whole = run_chunks(limit, [input]);
    assert_eq!(whole.0, expected, "whole input {:?}", String::from_utf8_lossy(input));
    for split in 0..=input.len() {
        let (a, b) = input.split_at(split);
        assert_eq!(run_chunks(limit, [a, b]), whole, "split at {split}");
    }
    assert_eq!(run_chunks(limit, input.chunks(1)), whole, "byte by byte");
    for seed in 0..20 {
        assert_eq!(run_chunks(limit, random_chunks(input, seed)), whole, "seed {seed}");
    }
}

fn check(input: &[u8], expected: &[Out]) {
    check_limit(1 << 20, input, expected);
}

#[test]
fn simple_events_and_line_endings() {
    check(b"data: hello\n\n", &[msg("hello")]);
    check(b"data: a\r\n\r\ndata: b\r\rdata: c\n\n", &[msg("a"), msg("b"), msg("c")]);
    check(b"data:x\r\n\ndata:y\n\r\n", &[msg("x"), msg("y")]);
    // CRLF split across chunks is one line end, not two (which would be a blank line).
    check(b"data: a\r\ndata: b\r\n\r\n", &[msg("a\nb")]);
}

#[test]
fn data_lines_join_with_lf_and_lose_one_trailing_lf() {
    check(b"data: a\ndata: b\ndata\ndata:\n\n", &[msg("a\nb\n\n")]);
    // A `data` field with an empty value still fills the data buffer with "\n".
    check(b"data\n\n", &[msg("")]);
    check(b"data\ndata\n\n", &[msg("\n")]);
    check(b"data:  two spaces\n\n", &[msg(" two spaces")]);
    check(b"data:\tx\n\n", &[msg("\tx")]);
}

#[test]
fn empty_data_dispatches_nothing_but_resets_the_type() {
    check(b"event: a\n\ndata: x\n\n", &[msg("x")]);
    check(b"event: a\nid: 1\n\ndata: y\n\n", &[ev("message", "y", "1")]);
    check(b"\n\n\n", &[]);
}

#[test]
fn event_type_is_named_and_reset_after_each_dispatch() {
    check(b"event: add\ndata: 1\n\ndata: 2\n\n", &[ev("add", "1", ""), msg("2")]);
    check(b"event: a\nevent: b\ndata: 1\n\n", &[ev("b", "1", "")]);
    check(b"event\ndata: 1\n\n", &[msg("1")]);
    // A block that starts with its `data` line and goes on.
    check(b"data: 1\nid: 7\nevent: e\n\ndata:2\r\n: c\r\n\r\n", &[ev("e", "1", "7"), ev("message", "2", "7")]);
}

#[test]
fn field_names_are_case_sensitive_and_unknown_fields_ignored() {
    check(b"Data: x\nDATA: y\nfoo: z\ndata: w\n\n", &[msg("w")]);
    check(b" data: x\n\n", &[]);
    check(b"data : x\n\n", &[]);
}

#[test]
fn comments_are_ignored_at_any_length() {
    check(b": hi\ndata: 1\n:\n\n", &[msg("1")]);
    let mut long = b":".to_vec();
    long.extend(std::iter::repeat_n(b'x', 5000));
    long.extend_from_slice(b"\ndata: 2\n\n");
    // A comment longer than the limit is dropped, not buffered.
    check_limit(100, &long, &[msg("2")]);
}

#[test]
fn id_persists_resets_and_ignores_null() {
    check(
        b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
        &[ev("message", "a", "1"), ev("message", "b", "1"), ev("message", "c", "")],
    );
    check(b"id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", &[ev("message", "a", "1"), ev("message", "b", "1")]);
    // The last valid `id` of a block wins: one equal to the last event ID, or one before a NULL.
    check(b"id: 1\ndata: a\n\nid: 2\nid: 1\ndata: b\n\n", &[ev("message", "a", "1"), ev("message", "b", "1")]);
    for null_id in [&b"\0"[..], b"ab\0", b"abc\0efg", b"abcdefgh\0jklm", b"abcdefghijklmnopqrstu\0"] {
        let input = [&b"id: 1\ndata: a\n\nid: 2\nid: "[..], null_id, b"\ndata: b\n\n"].concat();
        check(&input, &[ev("message", "a", "1"), ev("message", "b", "2")]);
    }
    // An id-only block commits the id without an event.
    let (out, last) = run_chunks(1000, [&b"id: 7\n\n"[..]]);
    assert!(out.is_empty());
    assert_eq!(last, "7");
    check(b"id: 7\n\ndata: x\n\n", &[ev("message", "x", "7")]);
    check(b"id: \xce\xbb\ndata: x\n\n", &[ev("message", "x", "\u{3bb}")]);
}

#[test]
fn retry_takes_ascii_digits_only() {
    check(b"retry: 1500\n", &[Out::Retry(1500)]);
    check(b"retry: +42\nretry: -1\nretry: 1.5\nretry: 1e3\nretry:\nretry: 12a\nretry:  5\n", &[]);
    check(b"retry: 99999999999999999999999\n", &[Out::Retry(u64::MAX)]);
    check(b"retry: 0\nretry:7\n", &[Out::Retry(0), Out::Retry(7)]);
}

#[test]
fn one_leading_bom_is_stripped() {
    check(b"\xef\xbb\xbfdata: a\n\n", &[msg("a")]);
    // The second BOM is part of the field name, so the field is unknown.
    check(b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n", &[msg("b")]);
    // A partial BOM is content: U+FFFD in the field name.
    check(b"\xef\xbbdata: a\n\ndata: b\n\n", &[msg("b")]);
    check(b"\xef\xbb\n\ndata: b\n\n", &[msg("b")]);
    check(b"\xefdata: a\n\n", &[]);
    check(b"data: \xef\xbb\xbf\n\n", &[msg("\u{feff}")]);
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    check(b"data: \xff\xfe\n\n", &[msg("\u{fffd}\u{fffd}")]);
    check(b"data: \xe2\x82\n\n", &[msg("\u{fffd}")]);
    check(b"data: \xe2\x82\xac\n\n", &[msg("\u{20ac}")]);
    check(b"data: \xf0\x9f\x98\x80 \xc3\xa9\n\n", &[msg("\u{1f600} \u{e9}")]);
    check(b"data: a\xe2\x82\ndata: \xacb\n\n", &[msg("a\u{fffd}\n\u{fffd}b")]);
    check(b"data: \xed\xa0\x80\n\n", &[msg("\u{fffd}\u{fffd}\u{fffd}")]);
    check(b"data: a\0b\n\n", &[msg("a\0b")]);
}

#[test]
fn unfinished_event_at_end_of_stream_is_discarded() {
    let mut parser = Parser::new(1000);
    let mut record = Record::default();
    parser.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n", &mut record).unwrap();
    parser.end_of_stream();
    assert_eq!(parser.last_event_id(), "1");
    parser.feed(b"data: c\n\n", &mut record).unwrap();
    assert_eq!(record.0, [ev("message", "a", "1"), ev("message", "c", "1")]);
}

#[test]
fn end_of_stream_resets_line_state_and_bom() {
    let mut parser = Parser::new(1000);
    let mut record = Record::default();
    parser.feed(b"data: x\r", &mut record).unwrap();
    parser.end_of_stream();
    parser.feed(b"\xef\xbb\xbf\ndata: y\n\n", &mut record).unwrap();
    assert_eq!(record.0, [msg("y")]);
}

#[test]
fn cr_at_chunk_end_dispatches_without_waiting() {
    let mut parser = Parser::new(1000);
    let mut record = Record::default();
    parser.feed(b"data: a\r\r", &mut record).unwrap();
    assert_eq!(record.0, [msg("a")]);
    parser.feed(b"\ndata: b\n\n", &mut record).unwrap();
    assert_eq!(record.0, [msg("a"), msg("b")]);
}

#[test]
fn initial_last_event_id() {
    let mut parser = Parser::new(1000);
    parser.set_last_event_id("abc");
    let mut record = Record::default();
    parser.feed(b"data: a\n\n", &mut record).unwrap();
    assert_eq!(record.0, [ev("message", "a", "abc")]);
    parser.set_last_event_id("x\0");
    assert_eq!(parser.last_event_id(), "abc");
}

#[test]
fn limits_fail_the_same_way_for_any_chunking() {
    // 10 bytes of data line plus nothing held: fits in 10.
    check_limit(10, b"data: 1234\n\n", &[msg("1234")]);
    check_limit(9, b"data: 1234\n\n", &[Out::Error(ParseError::EventTooLarge { limit: 9 })]);
    // Data accumulates over lines: "a\n" (2) + "data: bbbb" (10) = 12 > 11.
    check_limit(
        11,
        b"data: 1\n\ndata: a\ndata: bbbb\n\n",
        &[msg("1"), Out::Error(ParseError::EventTooLarge { limit: 11 })],
    );
    check_limit(12, b"data: a\ndata: bbbb\n\n", &[msg("a\nbbbb")]);
    // Unknown fields and event names count as lines too.
    check_limit(5, b"foo: 123456\n", &[Out::Error(ParseError::EventTooLarge { limit: 5 })]);
}

#[test]
fn failed_parser_stays_failed_until_end_of_stream() {
    let mut parser = Parser::new(4);
    let mut record = Record::default();
    assert!(parser.feed(b"data: long\n\n", &mut record).is_err());
    assert!(parser.feed(b"data\n\n", &mut record).is_err());
    parser.end_of_stream();
    parser.feed(b"da\n\n", &mut record).unwrap();
}

#[test]
fn a_long_line_is_linear() {
    // 8 MiB in 16 KiB chunks: a quadratic re-scan would take minutes here.
    let mut parser = Parser::new(16 << 20);
    let mut record = Record::default();
    let chunk = vec![b'x'; 16 * 1024];
    parser.feed(b"data: ", &mut record).unwrap();
    for _ in 0..512 {
        parser.feed(&chunk, &mut record).unwrap();
    }
    parser.feed(b"\n\n", &mut record).unwrap();
    match &record.0[..] {
        [Out::Event { data, .. }] => assert_eq!(data.len(), 8 << 20),
        other => panic!("unexpected {other:?}"),
    }
}

/// Events longer than a piece of the data buffer (`data::PIECE`), with lines, a character split
/// and an invalid byte at piece boundaries, read whole and in chunks of several sizes.
pub(crate) fn long_events() -> (Vec<u8>, [[String; 3]; 3]) {
    let piece = super::data::PIECE;
    let a = "a".repeat(piece - 3);
    let b = format!("\u{e9}{}\u{1f600}{}", "b".repeat(piece - 4), "c".repeat(piece + 5));
    let c = "d".repeat(2 * piece + 1);
    let mut input = Vec::new();
    input.extend_from_slice(format!("event: e\nid: 7\ndata: {a}\ndata: {b}\n").as_bytes());
    input.extend_from_slice(b"data:\xff\n\ndata: ");
    input.extend_from_slice(c.as_bytes());
    input.extend_from_slice(b"\r\n\r\ndata: x\n\n");
    let (e, message, id) = ("e".to_owned(), "message".to_owned(), "7".to_owned());
    let expected =
        [[e, format!("{a}\n{b}\n\u{fffd}"), id.clone()], [message.clone(), c, id.clone()], [message, "x".into(), id]];
    (input, expected)
}

#[test]
fn long_events_are_held_in_pieces_and_read_the_same() {
    let (input, expected) = long_events();
    let expected: Vec<Out> = expected.iter().map(|[t, d, i]| ev(t, d, i)).collect();
    for size in [input.len(), 1, 4096, 65536, 99991, 300_000] {
        let (out, _) = run_chunks(1 << 24, input.chunks(size));
        assert_eq!(out, expected, "chunks of {size}");
    }
    let (out, _) = run_chunks(1 << 24, random_chunks(&input, 3));
    assert_eq!(out, expected, "random chunks");
}

#[test]
fn scan_line_matches_a_plain_scan() {
    let mut rng = Lcg(7);
    for _ in 0..20000 {
        let len = rng.below(80);
        let bytes: Vec<u8> = (0..len)
            .map(|_| match rng.below(20) {
                0 => b'\r',
                1 => b'\n',
                2..=5 => rng.below(256) as u8,
                _ => rng.below(128) as u8,
            })
            .collect();
        let end = bytes.iter().position(|&b| b == b'\r' || b == b'\n');
        let ascii = bytes[..end.unwrap_or(bytes.len())].is_ascii();
        assert_eq!(scan_line(&bytes), LineScan { end, ascii }, "{bytes:?}");
    }
}

#[test]
fn plain_prefix_skips_only_plain_bytes() {
    // Long stretches of plain ASCII (what `plain_prefix` skips 64 bytes at a time) with a few other
    // bytes anywhere: the bytes at the edges of its compare (0x0D, 0x0E, 0x7F, 0x80), CR, LF, tab.
    let mut rng = Lcg(13);
    for _ in 0..5000 {
        let len = rng.below(700);
        let mut bytes: Vec<u8> = (0..len).map(|_| b' ' + rng.below(95) as u8).collect();
        for _ in 0..rng.below(3) {
            if len > 0 {
                let at = rng.below(len);
                bytes[at] = [b'\r', b'\n', b'\t', 0x0D, 0x0E, 0x7F, 0x80, 0xFF, 0][rng.below(9)];
            }
        }
        let plain = plain_prefix(&bytes);
        assert!(plain.is_multiple_of(64) && bytes[..plain].iter().all(|&b| (0x0E..0x80).contains(&b)), "{bytes:?}");
        // With SIMD, it stops only at the 64 bytes that hold the first other byte, or where fewer
        // than 64 are left.
        let other = bytes.iter().position(|&b| !(0x0E..0x80).contains(&b)).unwrap_or(bytes.len());
        let simd = cfg!(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")));
        assert!(!simd || plain + 64 > other.min(bytes.len() / 64 * 64 + 63), "{bytes:?}");
        let end = bytes.iter().position(|&b| b == b'\r' || b == b'\n');
        let ascii = bytes[..end.unwrap_or(bytes.len())].is_ascii();
        let rest = scan_line(&bytes[plain..]);
        assert_eq!(LineScan { end: rest.end.map(|end| plain + end), ..rest }, LineScan { end, ascii }, "{bytes:?}");
    }
}

#[test]
fn a_long_data_line_fails_in_the_chunk_that_passes_the_limit() {
    // The line's bytes past the first chunk go to the data buffer in stretches of 64 (see
    // `plain_prefix`), and a chunk may hold nothing else: the limit is checked all the same.
    let limit = 1000;
    let input = [&b"data: "[..], &[b'a'; 3000]].concat();
    // `data: ` and the first 994 bytes of the value are within the limit; the next byte is not.
    let first_over = 6 + 994;
    for size in [64, 128, 192, 256, 1000, 1006] {
        let mut parser = Parser::new(limit);
        let mut failed_at = None;
        for (i, chunk) in input.chunks(size).enumerate() {
            if parser.feed(chunk, &mut Record::default()).is_err() {
                failed_at = Some(i);
                break;
            }
        }
        assert_eq!(failed_at, Some(first_over / size), "chunks of {size}");
    }
}

#[test]
fn short_ascii_checks_and_compares_match_the_plain_ones() {
    let mut rng = Lcg(11);
    for _ in 0..20000 {
        let len = rng.below(24);
        let a: Vec<u8> = (0..len)
            .map(|_| if rng.below(30) == 0 { 0x80 | rng.below(128) as u8 } else { b'a' + rng.below(3) as u8 })
            .collect();
        assert_eq!(is_ascii(&a), a.is_ascii(), "{a:?}");
        let mut b = a.clone();
        if rng.below(2) == 0 && !b.is_empty() {
            let at = rng.below(b.len());
            b[at] ^= 1 << rng.below(8);
        }
        if rng.below(8) == 0 {
            b.push(b'a');
        }
        assert_eq!(same_bytes(&a, &b), a == b, "{a:?} {b:?}");
        let mut c = a.clone();
        if rng.below(2) == 0 && !c.is_empty() {
            let at = rng.below(c.len());
            c[at] = 0;
        }
        assert_eq!(has_null(&c), c.contains(&0), "{c:?}");
        let mut padded = [0; 8];
        padded[..c.len().min(8)].copy_from_slice(&c[..c.len().min(8)]);
        assert_eq!(first_word(&c), u64::from_le_bytes(padded), "{c:?}");
    }
}

/// Random streams built from a grammar of tricky pieces: any chunking yields the same outcome.
#[test]
fn random_streams_are_chunking_independent() {
    let pieces: [&[u8]; 16] = [
        b"data: x",
        b"data",
        b":",
        b"id: 1",
        b"id",
        b"event: e",
        b"retry: 5",
        b"\r",
        b"\n",
        b"\r\n",
        b"\xef\xbb\xbf",
        b"\xe2\x82",
        b"\xac",
        b" ",
        b"\0",
        b"data:\xf0\x9f\x98\x80",
    ];
    let mut rng = Lcg(42);
    for _ in 0..300 {
        let mut input = Vec::new();
        for _ in 0..rng.below(30) {
            input.extend_from_slice(pieces[rng.below(pieces.len())]);
        }
        let limit = 4 + rng.below(60);
        let whole = run_chunks(limit, [&input[..]]);
        for seed in 0..10 {
            assert_eq!(run_chunks(limit, random_chunks(&input, seed)), whole, "{input:?}");
        }
        assert_eq!(run_chunks(limit, input.chunks(1)), whole, "{input:?}");
    }
}

/// A long ASCII `data` line that spans chunks is offered to the sink to move
/// ([`Sink::event_in_buffer`]); a short one, a non-ASCII one, and one read within a chunk are
/// not. What the sink gets is the same either way, and the parser keeps a bounded buffer.
#[test]
fn long_spanning_ascii_data_is_offered_to_move() {
    #[derive(Default)]
    struct Moves {
        record: Record,
        moved: Vec<usize>,
    }
    impl Sink for Moves {
        fn event(&mut self, event: Event<'_>) {
            self.record.event(event);
        }
        fn event_in_buffer(&mut self, event: Event<'_>, data: BufferedData<'_>) {
            self.moved.push(data.len());
            // A text larger than the parser keeps: it must not take it as its next buffer.
            let mut text = String::with_capacity(3 * data::PIECE);
            data.move_into(&mut text);
            self.record.event(Event { data: &text, ..event });
        }
    }
    let long = "x".repeat(MOVABLE_DATA);
    let input = format!(
        "data: {long}\n\nevent: t\nid: 4\ndata:{long}y\r\n\ndata: {long}\u{e9}\n\ndata: {}\n\ndata: {long}\n\n",
        &long[1..]
    );
    let expected = [
        msg(&long),
        ev("t", &format!("{long}y"), "4"),
        ev("message", &format!("{long}\u{e9}"), "4"),
        ev("message", &long[1..], "4"),
        ev("message", &long, "4"),
    ];
    for size in [1000, 4097, 7000] {
        let mut parser = Parser::new(1 << 20);
        let mut sink = Moves::default();
        for chunk in input.as_bytes().chunks(size) {
            parser.feed(chunk, &mut sink).unwrap();
            if let Some(buffer) = parser.data.as_one_mut() {
                assert!(buffer.capacity() <= 2 * data::PIECE, "chunks of {size}");
            }
        }
        assert_eq!(sink.record.0, expected, "chunks of {size}");
        // Every ASCII event of MOVABLE_DATA bytes or more whose block (up to the line end that
        // dispatches it) lies in more than one chunk.
        let mut offered = Vec::new();
        let mut start = 0;
        for (event, expected) in input.split_inclusive("\n\n").zip(&expected) {
            let dispatched_at = start + event.len() - 1;
            let Out::Event { data, .. } = expected else { unreachable!() };
            if data.is_ascii() && data.len() >= MOVABLE_DATA && start / size != dispatched_at / size {
                offered.push(data.len());
            }
            start += event.len();
        }
        assert!(!offered.is_empty(), "chunks of {size}");
        assert_eq!(sink.moved, offered, "chunks of {size}");
    }
    // Whole in one chunk, no event goes through the data buffer.
    let mut sink = Moves::default();
    Parser::new(1 << 20).feed(input.as_bytes(), &mut sink).unwrap();
    assert_eq!(sink.record.0, expected);
    assert!(sink.moved.is_empty());
}
