//! The event stream parser: bytes in, events out, no IO.
//!
//! Implements the interpretation rules of the WHATWG HTML standard,
//! [§9.2.6 "Interpreting an event stream"](https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
//!
//! The parser works on bytes and decodes UTF-8 per field value. That gives the same result as
//! decoding the whole stream first (what the spec says): the delimiters CR, LF, `:` and U+0020
//! are ASCII, an ASCII byte is never part of a multi-byte sequence, and invalid sequences are
//! replaced with U+FFFD by maximal subpart in both Rust's lossy decoder and the
//! [WHATWG UTF-8 decoder](https://encoding.spec.whatwg.org/#utf-8-decoder). A character split
//! across chunks is therefore decoded whole, because a value is decoded only once its line ended.
//!
//! Every input byte is looked at a bounded number of times, and the bytes held for one event are
//! bounded by [`Parser::new`]'s `max_event_bytes`: overflowing it is [`ParseError::EventTooLarge`]
//! and a terminated parser.

use std::borrow::Cow;

use data::DataBuffer;
pub(crate) use scan::is_ascii;
use scan::{first_word, has_null, plain_prefix, same_bytes, scan_line};

use std::fmt;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One dispatched event, borrowed from the parser's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    /// The `event` field of the block, or `""` when it had none (the spec then names it
    /// `"message"`; see [`Event::event_type`]).
    pub raw_type: &'a str,
    /// The `data` lines joined with LF, without the final LF.
    pub data: &'a str,
    /// Whether `data` is all ASCII (known from decoding it; saves a consumer another pass).
    pub data_is_ascii: bool,
    /// The last event ID of the source when this event was dispatched.
    pub last_event_id: &'a str,
    /// Whether `last_event_id` differs from the one of the event dispatched before (or from
    /// the initial one, for the first event).
    pub id_changed: bool,
}

impl Event<'_> {
    /// The event type as the spec dispatches it: `"message"` when no `event` field was given.
    pub fn event_type(&self) -> &str {
        if self.raw_type.is_empty() {
            "message"
        } else {
            self.raw_type
        }
    }
}

/// What the parser reports besides its return value.
pub trait Sink {
    /// An event was dispatched (the blank line that ends it has been read).
    fn event(&mut self, event: Event<'_>);
    /// A valid `retry` field set the reconnection time, in milliseconds (saturated at `u64::MAX`).
    fn retry(&mut self, _millis: u64) {}
    /// An event whose data the parser holds in pieces because it is long (over 256 KiB; see
    /// `src/parser/data.rs`): `event.data` is empty and `pieces`, joined, are the data's UTF-8
    /// bytes, to be decoded as [`join`] does (they are all ASCII when `event.data_is_ascii`).
    /// The default joins them and calls [`Sink::event`]; a sink that copies the data anyway can
    /// copy the pieces instead, and so hold a long event's data once, not twice.
    fn event_in_pieces(&mut self, event: Event<'_>, pieces: &[&[u8]]) {
        let data = join(pieces, event.data_is_ascii);
        self.event(Event { data: &data, ..event });
    }
    /// An event whose data is ASCII, at least [`MOVABLE_DATA`] bytes long, and held in one buffer
    /// of the parser's (a `data` line that spanned chunks, most often): `event.data` is empty and
    /// `data` holds it. The default calls [`Sink::event`] with the data borrowed; a sink that
    /// copies the data anyway can move it out with [`BufferedData::move_into`] instead.
    fn event_in_buffer(&mut self, event: Event<'_>, data: BufferedData<'_>) {
        self.event(Event { data: data.as_str(), ..event });
    }
}

/// The data length from which [`Sink::event_in_buffer`] is used: below it, a copy costs less
/// than what moving the buffer may cost later (a batch text that then grows by reallocation).
pub const MOVABLE_DATA: usize = 4096;

/// The data of [`Sink::event_in_buffer`]: ASCII bytes in the parser's data buffer, followed by
/// the LF that the spec's dispatch removes.
pub struct BufferedData<'a> {
    /// Holds the data and one LF after it; ASCII (made only by the parser, which checked).
    buffer: &'a mut Vec<u8>,
}

impl BufferedData<'_> {
    /// The data.
    pub fn as_str(&self) -> &str {
        // SAFETY: the parser hands over ASCII bytes only (see the field).
        unsafe { std::str::from_utf8_unchecked(&self.buffer[..self.buffer.len() - 1]) }
    }

    /// The length of the data, in bytes (also in UTF-16 code units: it is ASCII).
    pub fn len(&self) -> usize {
        self.buffer.len() - 1
    }

    /// Whether the data is empty (never, past [`MOVABLE_DATA`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces `text` with the data without copying it: `text` takes the data buffer's
    /// allocation, and the parser keeps `text`'s old one for the next event's data (or none,
    /// when it is larger than the data buffer ever holds in one piece, so that memory stays
    /// bounded as before).
    pub fn move_into(self, text: &mut String) {
        let mut old = std::mem::take(text).into_bytes();
        old.clear();
        if old.capacity() > 2 * data::PIECE {
            old = Vec::new();
        }
        let mut bytes = std::mem::replace(self.buffer, old);
        bytes.pop();
        // SAFETY: the bytes are ASCII (see the field), so UTF-8.
        *text = unsafe { String::from_utf8_unchecked(bytes) };
    }
}

/// The data of [`Sink::event_in_pieces`] as one string: the pieces joined, invalid UTF-8 replaced
/// with U+FFFD as everywhere else. `ascii` says that the pieces are known to be ASCII.
pub fn join(pieces: &[&[u8]], ascii: bool) -> String {
    let joined = pieces.concat();
    if ascii {
        debug_assert!(joined.is_ascii());
        // SAFETY: the caller knows the bytes are ASCII, which is valid UTF-8.
        return unsafe { String::from_utf8_unchecked(joined) };
    }
    String::from_utf8(joined).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Why the parser stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// A line, or the data of one event, passed the byte limit given to [`Parser::new`].
    EventTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl ParseError {
    /// The error as a sentence. Built without `core::fmt`, which would weigh on the wasm.
    pub fn message(&self) -> String {
        match self {
            ParseError::EventTooLarge { limit } => {
                ["an event or line of the stream is larger than ", &decimal(*limit as u64), " bytes"].concat()
            }
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ParseError {}

/// The line a chunk ended in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Partial {
    /// Not known yet: its bytes so far are in `Parser::line` (which may be empty).
    Line,
    /// A comment: its bytes are dropped instead of buffered, so a comment of any length costs
    /// no memory.
    Comment,
    /// A `data` field whose value is being appended to the data buffer as it arrives; `prefix`
    /// is the length of `data:` plus the stripped space, which still counts toward the limit
    /// so that the outcome does not depend on where chunks split the line.
    Data { prefix: usize },
}

/// A push parser for `text/event-stream` bodies.
///
/// Feed it chunks as they arrive with [`Parser::feed`]; call [`Parser::end_of_stream`] when the
/// body ends or the connection drops, before feeding the next connection's body.
#[derive(Debug)]
pub struct Parser {
    max_event_bytes: usize,
    /// Bytes of a line that started in an earlier chunk and has not ended yet.
    line: Vec<u8>,
    /// The data buffer of the spec: each `data` value followed by LF.
    data: DataBuffer,
    /// Whether `data` is all ASCII, kept as it is filled so that dispatch need not scan it again.
    data_ascii: bool,
    /// The event type buffer of the spec.
    event_type: Vec<u8>,
    /// The last event ID buffer of the spec: set by `id` fields, committed on dispatch.
    id_buffer: Vec<u8>,
    /// The last event ID string of the event source, decoded.
    last_event_id: String,
    /// Set by an `id` field; cleared when the block is dispatched or discarded. Saves comparing
    /// the ID buffer with the last event ID on every dispatch.
    id_pending: bool,
    /// Set when the last event ID string changes; cleared when an event carries the change.
    id_changed: bool,
    /// Set when a chunk ended with CR: that CR already ended its line, so a LF at the start of
    /// the next chunk belongs to it (CRLF). Cleared by the next byte, whatever it is.
    after_cr: bool,
    /// What the line a chunk ended in the middle of is, once known; back to `Line` when it ends.
    partial: Partial,
    /// How many bytes of a UTF-8 BOM have been matched at the start of the stream, or `None`
    /// once the start of the stream has been decided (BOM stripped or absent).
    bom_matched: Option<usize>,
    /// Set by a limit error; a failed parser stays failed until [`Parser::end_of_stream`].
    failed: Option<ParseError>,
}

impl Parser {
    /// A parser that fails with [`ParseError::EventTooLarge`] when a line or the data of one
    /// event holds more than `max_event_bytes` bytes.
    pub fn new(max_event_bytes: usize) -> Self {
        Parser {
            max_event_bytes,
            line: Vec::new(),
            data: DataBuffer::default(),
            data_ascii: true,
            event_type: Vec::new(),
            id_buffer: Vec::new(),
            last_event_id: String::new(),
            id_pending: false,
            id_changed: false,
            after_cr: false,
            partial: Partial::Line,
            bom_matched: Some(0),
            failed: None,
        }
    }

    /// The last event ID string: the `id` of the last dispatched block that had one.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// Sets the last event ID string, as a caller-provided `Last-Event-ID` does before the first
    /// connection. Ignored when `id` contains U+0000, as the spec ignores such `id` fields.
    pub fn set_last_event_id(&mut self, id: &str) {
        if !id.contains('\0') {
            self.last_event_id.clear();
            self.last_event_id.push_str(id);
            self.id_buffer.clear();
            self.id_buffer.extend_from_slice(id.as_bytes());
            self.id_pending = false;
        }
    }

    /// Ends the current stream: "Once the end of the file is reached, any pending data must be
    /// discarded. (If the file ends in the middle of an event, before the final empty line, the
    /// incomplete event is not dispatched.)" The last event ID string is kept; an `id` of the
    /// unfinished block is not committed. The parser is then ready for a new stream (a BOM is
    /// stripped again, a limit error is forgotten).
    pub fn end_of_stream(&mut self) {
        self.line.clear();
        self.data.clear();
        self.data_ascii = true;
        self.event_type.clear();
        self.id_buffer.clear();
        self.id_buffer.extend_from_slice(self.last_event_id.as_bytes());
        self.id_pending = false;
        self.after_cr = false;
        self.partial = Partial::Line;
        self.bom_matched = Some(0);
        self.failed = None;
        // Release the memory of a huge event instead of keeping it for the next connection.
        if self.line.capacity() > 64 * 1024 {
            self.line = Vec::new();
        }
        self.data.release();
    }

    /// Parses one chunk of the body, reporting events and retry values to `sink` as soon as they
    /// are complete. A CR at the end of the chunk ends its line at once.
    ///
    /// # Errors
    /// [`ParseError::EventTooLarge`] when a line or the data of one event passes the limit; the
    /// parser then ignores further input until [`Parser::end_of_stream`].
    pub fn feed(&mut self, chunk: &[u8], sink: &mut impl Sink) -> Result<(), ParseError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        let mut rest = chunk;
        if let Some(matched) = self.bom_matched {
            rest = self.strip_bom(matched, rest);
            if self.bom_matched.is_some() {
                return Ok(());
            }
        }
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
        }
        if let Partial::Data { prefix } = self.partial {
            rest = self.take_plain_data(rest, prefix)?;
        }
        // Whether a block may start here with nothing held from earlier lines: then the block is
        // first tried whole, in one pass over the chunk (see `whole_block`).
        let mut block_start = self.holds_nothing();
        loop {
            if block_start {
                match self.whole_block(rest, sink) {
                    Block::Dispatched(after) => {
                        rest = after;
                        continue;
                    }
                    Block::FirstLineOpen { ascii } => {
                        if !rest.is_empty() {
                            self.hold_partial(rest, ascii)?;
                        }
                        return Ok(());
                    }
                    Block::LineByLine => block_start = false,
                }
            }
            let scan = scan_line(rest);
            let Some(end) = scan.end else {
                if !rest.is_empty() {
                    self.hold_partial(rest, scan.ascii)?;
                }
                return Ok(());
            };
            let (head, tail) = rest.split_at(end);
            match std::mem::replace(&mut self.partial, Partial::Line) {
                Partial::Comment => {}
                Partial::Data { prefix } => {
                    self.data.extend_from_slice(head);
                    self.data_ascii &= scan.ascii;
                    self.check_size(prefix + self.data.len())?;
                    self.data.extend_from_slice(b"\n");
                }
                Partial::Line if self.line.is_empty() => {
                    self.process_line(head, scan.ascii, sink)?;
                    // A blank line dispatched (or dropped) the block: the next one starts clean.
                    block_start = head.is_empty();
                }
                Partial::Line => {
                    self.line.extend_from_slice(head);
                    let line = std::mem::take(&mut self.line);
                    let result = self.process_line(&line, line.is_ascii(), sink);
                    self.line = line;
                    self.line.clear();
                    result?;
                }
            }
            rest = self.past_line_end(tail);
        }
    }

    /// The rest of a `data` line that an earlier chunk left open (`prefix`: see [`Partial::Data`])
    /// is often most of this chunk: its plain bytes ([`plain_prefix`]) go to the data buffer at
    /// once, and [`Parser::feed`] scans only what follows them (which it returns). Out of line: in
    /// [`Parser::feed`], it made the parse of short lines slower.
    #[cold]
    #[inline(never)]
    fn take_plain_data<'c>(&mut self, rest: &'c [u8], prefix: usize) -> Result<&'c [u8], ParseError> {
        let plain = plain_prefix(rest);
        self.data.extend_from_slice(&rest[..plain]);
        self.check_size(prefix + self.data.len())?;
        Ok(&rest[plain..])
    }

    /// What follows the line end that `tail` starts with (CRLF, CR or LF). A CR that ends the
    /// chunk may be the first half of a CRLF: the next chunk skips a LF it starts with.
    #[inline(always)]
    fn past_line_end<'a>(&mut self, tail: &'a [u8]) -> &'a [u8] {
        match tail {
            [b'\r', b'\n', after @ ..] => after,
            [b'\r'] => {
                self.after_cr = true;
                &[]
            }
            [_, after @ ..] => after,
            [] => unreachable!("a line end was found"),
        }
    }

    /// Whether nothing of a block is held: no partial line, data, event type or pending ID.
    fn holds_nothing(&self) -> bool {
        self.partial == Partial::Line
            && self.line.is_empty()
            && self.data.is_empty()
            && self.event_type.is_empty()
            && !self.id_pending
    }

    /// One pass over a block that starts at `input` and ends in the same chunk, which is nearly
    /// every event: its `event` and `id` values and a single `data` value are ranges of the
    /// chunk, and only the data of a block with several `data` lines goes through the data
    /// buffer. Nothing is reported and no state changes (but the data buffer, emptied again)
    /// unless the blank line that ends the block is reached, so a block this pass does not take
    /// is then read line by line from its start, with the same outcome. It does not take a block
    /// that does not end in this chunk, one with a `retry` field (reported as its line is read),
    /// or one that passes the limit (the line-by-line path reports the error).
    ///
    /// Must only be called when nothing of a block is held ([`Parser::holds_nothing`]).
    #[inline(always)]
    fn whole_block<'c>(&mut self, input: &'c [u8], sink: &mut impl Sink) -> Block<'c> {
        let mut rest = input;
        let mut data = Data::None;
        // The most common block first, on its own short path: one `data` line and the blank line.
        if let [b'd', b'a', b't', b'a', b':', after_colon @ ..] = input {
            let scan = scan_line(after_colon);
            let Some(end) = scan.end else {
                return Block::FirstLineOpen { ascii: scan.ascii };
            };
            let after = match &after_colon[end..] {
                [b'\n', b'\n', after @ ..] | [b'\r', b'\n', b'\r', b'\n', after @ ..] => Some(after),
                _ => None,
            };
            if let Some(after) = after.filter(|_| 5 + end <= self.max_event_bytes) {
                let value = &after_colon[..end];
                let value = value.strip_prefix(b" ").unwrap_or(value);
                if scan.ascii {
                    sink.event(Event {
                        raw_type: "",
                        // SAFETY: `scan.ascii` says the line, so its value, is ASCII.
                        data: unsafe { std::str::from_utf8_unchecked(value) },
                        data_is_ascii: true,
                        last_event_id: &self.last_event_id,
                        id_changed: std::mem::take(&mut self.id_changed),
                    });
                } else {
                    emit_decoded(sink, value, false, &[], &self.last_event_id, &mut self.id_changed);
                }
                return Block::Dispatched(after);
            }
            // The block goes on: the loop takes it from the next line, with this value, and does
            // not scan the line again.
            if 5 + end <= self.max_event_bytes {
                (rest, data) = first_data_line(after_colon, end, scan.ascii);
            }
        }
        let mut event_type: (&[u8], bool) = (&[], true);
        // The value of the block's last valid `id` field when it differs from the last event ID
        // string (an `id` equal to it changes nothing, and the string holds no NULL).
        let mut id: Option<&[u8]> = None;
        // Every line and value held for the block lies in `input`: when `input` is within the
        // limit, no line can pass it.
        let limited = input.len() > self.max_event_bytes;
        loop {
            // The common field names, with their colon and the space after it, are told apart
            // by one load of the line's first eight bytes.
            let word = first_word(rest);
            let (known, value_start) = known_field(word);
            if let Field::Other = known {
                match word as u8 {
                    // The blank line: dispatch.
                    b'\r' | b'\n' => {
                        let after = self.past_line_end(rest);
                        if let Some(id) = id {
                            self.replace_id(id);
                        }
                        match data {
                            Data::None => {}
                            Data::Range(value, ascii) => {
                                emit(sink, value, ascii, event_type, &self.last_event_id, &mut self.id_changed);
                            }
                            Data::Buffer => {
                                emit_buffered(
                                    sink,
                                    &self.data,
                                    self.data_ascii,
                                    event_type,
                                    &self.last_event_id,
                                    &mut self.id_changed,
                                );
                                self.data.clear();
                                self.data_ascii = true;
                            }
                        }
                        return Block::Dispatched(after);
                    }
                    _ if rest.is_empty() => {
                        if std::ptr::eq(rest, input) {
                            return Block::FirstLineOpen { ascii: true };
                        }
                        return self.line_by_line(data);
                    }
                    _ => {}
                }
            }
            // From the line's start, not the value's: the scan then need not wait for the match.
            // (The name, colon and space are ASCII, and neither CR nor LF.)
            let scan = scan_line(rest);
            let Some(end) = scan.end else {
                if std::ptr::eq(rest, input) {
                    return Block::FirstLineOpen { ascii: scan.ascii };
                }
                return self.line_by_line(data);
            };
            let (line, after) = rest.split_at(end);
            rest = past_block_line_end(after);
            if limited {
                let held = match data {
                    Data::None => 0,
                    Data::Range(value, _) => value.len() + 1,
                    Data::Buffer => self.data.len(),
                };
                if line.len() + held > self.max_event_bytes && line[0] != b':' {
                    return self.line_by_line(data);
                }
            }
            let (field, value) = match known {
                // A comment.
                Field::Other if line[0] == b':' => continue,
                Field::Other => field(line),
                _ => (known, &line[value_start..]),
            };
            match field {
                Field::Data => match data {
                    Data::None => data = Data::Range(value, scan.ascii),
                    Data::Range(first, first_ascii) => {
                        self.append_data(first, first_ascii);
                        self.append_data(value, scan.ascii);
                        data = Data::Buffer;
                    }
                    Data::Buffer => self.append_data(value, scan.ascii),
                },
                Field::Event => event_type = (value, scan.ascii),
                // "If the field value does not contain U+0000 NULL, then set the last event ID
                // buffer to the field value."
                Field::Id if same_bytes(value, self.last_event_id.as_bytes()) => id = None,
                Field::Id if !has_null(value) => id = Some(value),
                Field::Retry => return self.line_by_line(data),
                Field::Id | Field::Other => {}
            }
        }
    }

    /// Gives a block up to the line-by-line path, emptying the data buffer it may have filled.
    #[cold]
    fn line_by_line<'c>(&mut self, data: Data<'_>) -> Block<'c> {
        if let Data::Buffer = data {
            self.data.clear();
            self.data_ascii = true;
        }
        Block::LineByLine
    }

    /// Sets the last event ID string to the value of an `id` field, as dispatch does.
    #[inline(always)]
    fn set_id(&mut self, id: &[u8]) {
        if !same_bytes(id, self.last_event_id.as_bytes()) {
            self.replace_id(id);
        }
    }

    /// [`Parser::set_id`] for a value already known to differ from the last event ID string.
    #[inline(always)]
    fn replace_id(&mut self, id: &[u8]) {
        self.last_event_id.clear();
        self.last_event_id.push_str(&decode(id));
        self.id_changed = true;
    }

    /// Keeps the start of a line that the chunk ended in the middle of.
    /// `ascii` says whether `rest` is all ASCII.
    fn hold_partial(&mut self, rest: &[u8], ascii: bool) -> Result<(), ParseError> {
        match self.partial {
            Partial::Comment => Ok(()),
            Partial::Data { prefix } => {
                self.data.extend_from_slice(rest);
                self.data_ascii &= ascii;
                self.check_size(prefix + self.data.len())
            }
            Partial::Line => {
                if self.line.is_empty() && rest[0] == b':' {
                    self.partial = Partial::Comment;
                    return Ok(());
                }
                // A long `data` line that starts in this chunk: straight to the data buffer.
                if let (true, [b'd', b'a', b't', b'a', b':', first, ..]) = (self.line.is_empty(), rest) {
                    let prefix = if *first == b' ' { 6 } else { 5 };
                    self.data.extend_from_slice(&rest[prefix..]);
                    self.data_ascii &= ascii;
                    self.partial = Partial::Data { prefix };
                    return self.check_size(prefix + self.data.len());
                }
                self.line.extend_from_slice(rest);
                // Once a `data:` line is known to be one (and whether a space follows the colon),
                // its value goes straight to the data buffer: a long data line is copied once.
                if let [b'd', b'a', b't', b'a', b':', after @ ..] = &self.line[..] {
                    if let Some(&first) = after.first() {
                        let prefix = if first == b' ' { 6 } else { 5 };
                        let value = &self.line[prefix..];
                        self.data.extend_from_slice(value);
                        self.data_ascii &= value.is_ascii();
                        self.line.clear();
                        self.partial = Partial::Data { prefix };
                        return self.check_size(prefix + self.data.len());
                    }
                }
                self.check_size(self.line.len() + self.data.len())
            }
        }
    }

    /// Strips "one leading U+FEFF BYTE ORDER MARK character, if any" (§9.2.5). Returns the input
    /// that follows the BOM, or that follows the bytes given back when the start was no BOM.
    fn strip_bom<'c>(&mut self, matched_before: usize, chunk: &'c [u8]) -> &'c [u8] {
        let mut matched = matched_before;
        while matched < BOM.len() {
            match chunk.get(matched - matched_before) {
                None => {
                    self.bom_matched = Some(matched);
                    return &[];
                }
                Some(&byte) if byte == BOM[matched] => matched += 1,
                Some(_) => {
                    // Not a BOM: every byte looked at is content. The ones from earlier chunks
                    // are not CR, LF or ':', so they start the first line.
                    self.bom_matched = None;
                    self.line.extend_from_slice(&BOM[..matched_before]);
                    return chunk;
                }
            }
        }
        self.bom_matched = None;
        &chunk[BOM.len() - matched_before..]
    }

    fn check_size(&mut self, held: usize) -> Result<(), ParseError> {
        if held > self.max_event_bytes {
            let error = ParseError::EventTooLarge { limit: self.max_event_bytes };
            self.failed = Some(error);
            Err(error)
        } else {
            Ok(())
        }
    }

    /// Processes one complete line, without its end-of-line; `ascii` says whether it is all ASCII.
    fn process_line(&mut self, line: &[u8], ascii: bool, sink: &mut impl Sink) -> Result<(), ParseError> {
        // "If the line is empty (a blank line): Dispatch the event."
        if line.is_empty() {
            self.dispatch(sink);
            return Ok(());
        }
        // The same bound as for a line still arriving, so that where the chunks split the
        // stream never changes the outcome. It also bounds the event type and ID buffers.
        // (A comment is never held, so it is not bounded.)
        if line.len() + self.data.len() > self.max_event_bytes && line[0] != b':' {
            return self.check_size(line.len() + self.data.len());
        }
        // "If the line starts with a U+003A COLON character (:): Ignore the line."
        if line[0] == b':' {
            return Ok(());
        }
        let (field, value) = field(line);
        match field {
            Field::Data => self.append_data(value, ascii),
            Field::Event => {
                // "Set the event type buffer to field value."
                self.event_type.clear();
                self.event_type.extend_from_slice(value);
            }
            // "If the field value does not contain U+0000 NULL, then set the last event ID
            // buffer to the field value. Otherwise, ignore the field."
            Field::Id if !value.contains(&0) => {
                self.id_buffer.clear();
                self.id_buffer.extend_from_slice(value);
                self.id_pending = true;
            }
            // "If the field value consists of only ASCII digits, then interpret the field value
            // as an integer in base ten, and set the event stream's reconnection time to that
            // integer. Otherwise, ignore the field." An empty value is ignored, as browsers do.
            Field::Retry => {
                if let Some(millis) = ascii_digits(value) {
                    sink.retry(millis);
                }
            }
            // "Otherwise: The field is ignored."
            Field::Id | Field::Other => {}
        }
        Ok(())
    }

    /// A `data` field: "Append the field value to the data buffer, then append a single U+000A
    /// LINE FEED (LF) character to the data buffer."
    /// `ascii` is known when the value is part of an ASCII line.
    #[inline]
    fn append_data(&mut self, value: &[u8], ascii: bool) {
        self.data_ascii &= ascii || value.is_ascii();
        self.data.push_line(value);
    }

    /// "When the user agent is required to dispatch the event" (§9.2.6), with the data buffer.
    fn dispatch(&mut self, sink: &mut impl Sink) {
        self.commit_id();
        // 2. "If the data buffer is an empty string, set the data buffer and the event type
        //    buffer to the empty string and return."
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        // 3. (in `emit_buffered`, or `BufferedData`) The final LF is removed.
        let event_type = (&self.event_type[..], self.event_type.is_ascii());
        let movable = self.data_ascii && event_type.1 && self.data.len() > MOVABLE_DATA;
        match self.data.as_one_mut().filter(|_| movable) {
            Some(buffer) => {
                let data = BufferedData { buffer };
                emit_movable(sink, data, event_type.0, &self.last_event_id, &mut self.id_changed);
            }
            None => {
                emit_buffered(sink, &self.data, self.data_ascii, event_type, &self.last_event_id, &mut self.id_changed);
            }
        }
        // 6. "Set the data buffer and the event type buffer to the empty string."
        self.data.clear();
        self.data_ascii = true;
        self.event_type.clear();
    }

    /// Step 1 of dispatch: "Set the last event ID string of the event source to the value of the
    /// last event ID buffer." The buffer persists, so an event without `id` repeats the last one.
    fn commit_id(&mut self) {
        if self.id_pending {
            self.id_pending = false;
            let id = std::mem::take(&mut self.id_buffer);
            self.set_id(&id);
            self.id_buffer = id;
        }
    }
}

/// [`emit`] for the data buffer, without its final LF (step 3: "If the data buffer's last character
/// is a U+000A LINE FEED (LF) character, then remove the last character from the data buffer." It
/// always is: every data field appends one.) Long data goes to the sink in pieces.
fn emit_buffered(
    sink: &mut impl Sink,
    data: &DataBuffer,
    data_is_ascii: bool,
    (event_type, type_is_ascii): (&[u8], bool),
    last_event_id: &str,
    id_changed: &mut bool,
) {
    if let Some(data) = data.as_one() {
        let data = &data[..data.len() - 1];
        return emit(sink, data, data_is_ascii, (event_type, type_is_ascii), last_event_id, id_changed);
    }
    let raw_type = if type_is_ascii { ascii(event_type) } else { decode(event_type) };
    let event =
        Event { raw_type: &raw_type, data: "", data_is_ascii, last_event_id, id_changed: std::mem::take(id_changed) };
    sink.event_in_pieces(event, &data.pieces(1));
}

/// [`emit_buffered`] for long ASCII data in one piece, which the sink may move rather than copy.
#[inline(never)]
fn emit_movable(
    sink: &mut impl Sink,
    data: BufferedData<'_>,
    event_type: &[u8],
    last_event_id: &str,
    id_changed: &mut bool,
) {
    let event = Event {
        raw_type: &ascii(event_type),
        data: "",
        data_is_ascii: true,
        last_event_id,
        id_changed: std::mem::take(id_changed),
    };
    sink.event_in_buffer(event, data);
}

/// Steps 4 and 5 of dispatch: the event, with `data` (`data_is_ascii` when known to be ASCII)
/// and the event type (with whether it is known to be ASCII) decoded, to the sink.
#[inline(always)]
fn emit(
    sink: &mut impl Sink,
    data: &[u8],
    data_is_ascii: bool,
    (event_type, type_is_ascii): (&[u8], bool),
    last_event_id: &str,
    id_changed: &mut bool,
) {
    if !(data_is_ascii && type_is_ascii) {
        return emit_decoded(sink, data, data_is_ascii, event_type, last_event_id, id_changed);
    }
    sink.event(Event {
        raw_type: &ascii(event_type),
        data: &ascii(data),
        data_is_ascii,
        last_event_id,
        id_changed: std::mem::take(id_changed),
    });
}

/// [`emit`] for data or an event type that is not known to be ASCII: decoded first.
#[cold]
#[inline(never)]
fn emit_decoded(
    sink: &mut impl Sink,
    data: &[u8],
    data_is_ascii: bool,
    event_type: &[u8],
    last_event_id: &str,
    id_changed: &mut bool,
) {
    sink.event(Event {
        raw_type: &decode(event_type),
        data: &decode(data),
        // A lossy decode of bytes that were not ASCII never gives ASCII back.
        data_is_ascii,
        last_event_id,
        id_changed: std::mem::take(id_changed),
    });
}

/// The fields the parser acts on; every other name is ignored.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Data,
    Event,
    Id,
    Retry,
    Other,
}

/// A field line (not a comment) as field and value: "collect the characters on the line before the
/// first U+003A COLON character (:), and let field name be that string. Collect the characters on
/// the line after the first U+003A COLON character (:), and let value be that string. If value
/// starts with a U+0020 SPACE character, remove it from value." A line without a colon is a field
/// with an empty value. The common lines are told apart by their first bytes, before any search
/// for the colon.
#[inline(always)]
fn field(line: &[u8]) -> (Field, &[u8]) {
    let (field, value) = match line {
        [b'd', b'a', b't', b'a', b':', value @ ..] => (Field::Data, value),
        [b'i', b'd', b':', value @ ..] => (Field::Id, value),
        [b'e', b'v', b'e', b'n', b't', b':', value @ ..] => (Field::Event, value),
        _ => {
            let (name, value) = match line.iter().position(|&b| b == b':') {
                Some(colon) => (&line[..colon], &line[colon + 1..]),
                None => (line, &[][..]),
            };
            // Byte patterns, not string literals: they compile to compares, not `memcmp` calls.
            let field = match name {
                [b'd', b'a', b't', b'a'] => Field::Data,
                [b'e', b'v', b'e', b'n', b't'] => Field::Event,
                [b'i', b'd'] => Field::Id,
                [b'r', b'e', b't', b'r', b'y'] => Field::Retry,
                _ => Field::Other,
            };
            (field, value)
        }
    };
    (field, value.strip_prefix(b" ").unwrap_or(value))
}

/// The field a line starts with when it is `data:`, `id:` or `event:` (the names the parser sees
/// most), told from `word`, the line's first eight bytes ([`first_word`]), and where its value
/// starts (after the colon and the space that may follow it); [`Field::Other`] and 0 otherwise.
#[inline(always)]
fn known_field(word: u64) -> (Field, usize) {
    const fn name(bytes: &[u8]) -> (u64, u64) {
        let mut padded = [0; 8];
        let mut i = 0;
        while i < bytes.len() {
            padded[i] = bytes[i];
            i += 1;
        }
        (u64::from_le_bytes(padded), u64::MAX >> (64 - 8 * bytes.len()))
    }
    const DATA: (u64, u64) = name(b"data:");
    const ID: (u64, u64) = name(b"id:");
    const EVENT: (u64, u64) = name(b"event:");
    // "If value starts with a U+0020 SPACE character, remove it from value."
    let space_at = |at: usize| usize::from((word >> (8 * at)) as u8 == b' ');
    if word & DATA.1 == DATA.0 {
        (Field::Data, 5 + space_at(5))
    } else if word & ID.1 == ID.0 {
        (Field::Id, 3 + space_at(3))
    } else if word & EVENT.1 == EVENT.0 {
        (Field::Event, 6 + space_at(6))
    } else {
        (Field::Other, 0)
    }
}

/// What [`Parser::whole_block`] did.
enum Block<'c> {
    /// It dispatched the block; the input after its blank line.
    Dispatched(&'c [u8]),
    /// The chunk ends in the block's first line (`ascii`: whether the input is ASCII), which the
    /// line-by-line path holds as is.
    FirstLineOpen { ascii: bool },
    /// The block is for the line-by-line path, from its start.
    LineByLine,
}

/// The data of a block in [`Parser::whole_block`].
#[derive(Clone, Copy)]
enum Data<'c> {
    /// No `data` line yet.
    None,
    /// One `data` value, in the chunk, and whether it is ASCII.
    Range(&'c [u8], bool),
    /// Several, in the data buffer.
    Buffer,
}

/// A block's first line, `data:` then `after_colon`, whose line end is at `end`: the input after
/// it, and its value. Out of line, so that the short path of [`Parser::whole_block`], which tiny
/// events take, stays as it is without it.
#[cold]
#[inline(never)]
fn first_data_line(after_colon: &[u8], end: usize, ascii: bool) -> (&[u8], Data<'_>) {
    let value = &after_colon[..end];
    let rest = past_block_line_end(&after_colon[end..]);
    (rest, Data::Range(value.strip_prefix(b" ").unwrap_or(value), ascii))
}

/// What follows the line end that `tail` starts with (CRLF, CR or LF). Unlike
/// [`Parser::past_line_end`] it records no CR that ends the input: inside a block that
/// [`Parser::whole_block`] reads whole, the input then ends inside the block, which is read again
/// line by line.
#[inline(always)]
fn past_block_line_end(tail: &[u8]) -> &[u8] {
    match tail {
        [b'\r', b'\n', after @ ..] => after,
        [_, after @ ..] => after,
        [] => unreachable!("a line end was found"),
    }
}

/// The value of a string of ASCII digits in base ten, saturated at `u64::MAX`; `None` when the
/// string is empty or holds anything but ASCII digits (so no sign, no space, no decimal point).
pub fn ascii_digits(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u64, |n, &digit| n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))))
}

/// UTF-8 decoding with U+FFFD for invalid sequences, borrowing when the bytes are valid.
/// ASCII, the common case, skips the general decoder (which costs more than a short event).
#[inline]
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if bytes.is_ascii() {
        return ascii(bytes);
    }
    // Borrows when valid, replaces invalid sequences otherwise.
    String::from_utf8_lossy(bytes)
}

/// Bytes already known to be ASCII, as a string.
#[inline]
fn ascii(bytes: &[u8]) -> Cow<'_, str> {
    debug_assert!(bytes.is_ascii());
    // SAFETY: the callers checked that the bytes are ASCII, and ASCII is valid UTF-8.
    Cow::Borrowed(unsafe { std::str::from_utf8_unchecked(bytes) })
}

mod data;
mod scan;
#[cfg(test)]
pub(crate) mod tests;

/// `n` in decimal digits, without `core::fmt` (whose machinery the wasm would otherwise carry).
pub(crate) fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[start..].iter().map(|&d| d as char).collect()
}
