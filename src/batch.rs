//! Events packed for one crossing into JS: one string and a table of lengths per chunk.
//!
//! Creating a JS string or object from wasm costs a boundary crossing each, so events are not
//! built here. Instead every event parsed out of a chunk is appended to one `text`, and `lens`
//! holds three numbers per event, in UTF-16 code units (what `String.prototype.slice` counts):
//! the length of the raw event type (0 means `"message"`), of the data, and of the last event
//! ID, or [`ID_UNCHANGED`] when it is the same as the previous event's. The JS wrapper slices
//! the events out of `text` as they are asked for.

use crate::parser::{join, BufferedData, Event, Sink};

/// In `lens`, an ID length meaning "the same last event ID as the event before".
pub const ID_UNCHANGED: u32 = u32::MAX;

/// Collects the events of one chunk; also a [`Sink`] that records the `retry` value.
#[derive(Debug, Default)]
pub struct Batch {
    /// The event types, data and changed IDs, one after the other.
    pub text: String,
    /// Three UTF-16 lengths per event (see the module docs).
    pub lens: Vec<u32>,
    /// The last valid `retry` value seen since it was taken.
    pub retry: Option<u64>,
}

impl Batch {
    /// Whether no event has been added since the last [`Batch::clear`].
    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    /// Forgets the events, keeping the buffers' memory for the next chunk (browsers hand over
    /// chunks of megabytes) unless a huge event made them bigger than that.
    pub fn clear(&mut self) {
        if self.text.capacity() > 8 << 20 {
            self.text = String::new();
        }
        self.text.clear();
        self.lens.clear();
    }

    /// Appends `s` and returns its UTF-16 length; `known_ascii` skips the scan that finds it.
    ///
    /// # Safety
    /// The text must have room for `s` (reserved once per event by [`Batch::event`]).
    #[inline(always)]
    unsafe fn push(&mut self, s: &str, known_ascii: bool) -> u32 {
        // SAFETY: `s` is a whole `str`, so the text stays UTF-8; the caller reserved the room.
        append(self.text.as_mut_vec(), s.as_bytes());
        if known_ascii {
            saturate(s.len())
        } else {
            utf16_len(s)
        }
    }
}

impl Batch {
    /// Appends the three lengths of one event, inline (`extend_from_slice` is a call here).
    #[inline(always)]
    fn push_lens(&mut self, lens: [u32; 3]) {
        self.lens.reserve(3);
        let len = self.lens.len();
        // SAFETY: `reserve(3)` made room for three more, which are written before `set_len`.
        unsafe {
            self.lens.as_mut_ptr().add(len).cast::<[u32; 3]>().write_unaligned(lens);
            self.lens.set_len(len + 3);
        }
    }
}

impl Sink for Batch {
    #[inline(always)]
    fn event(&mut self, event: Event<'_>) {
        // The common event: ASCII data, the default type, the ID unchanged.
        if event.raw_type.is_empty() && !event.id_changed && event.data_is_ascii {
            self.text.reserve(event.data.len());
            // SAFETY: the room was reserved just above.
            let data_len = unsafe { self.push(event.data, true) };
            self.push_lens([0, data_len, ID_UNCHANGED]);
            return;
        }
        self.push_event(event, &[event.data.as_bytes()]);
    }

    /// Copies the pieces of a long ASCII event into the text, where the default would join them
    /// first (a second copy of the whole event in wasm memory).
    fn event_in_pieces(&mut self, event: Event<'_>, pieces: &[&[u8]]) {
        // Data that is not ASCII is joined first, to be decoded whole (one `push_event` for both:
        // two made this function 5.5 KB of wasm).
        let joined;
        let pieces = if event.data_is_ascii {
            pieces
        } else {
            joined = join(pieces, false);
            &[joined.as_bytes()]
        };
        self.push_event(event, pieces);
    }

    /// A long event alone in its batch so far, with the default type and an unchanged ID (a
    /// long `data` line that spanned chunks, nearly always): its data becomes the text as it
    /// is, moved rather than copied.
    fn event_in_buffer(&mut self, event: Event<'_>, data: BufferedData<'_>) {
        if self.text.is_empty() && event.raw_type.is_empty() && !event.id_changed {
            let data_len = saturate(data.len());
            data.move_into(&mut self.text);
            self.push_lens([0, data_len, ID_UNCHANGED]);
        } else {
            self.event_in_pieces(event, &[data.as_str().as_bytes()]);
        }
    }

    fn retry(&mut self, millis: u64) {
        self.retry = Some(millis);
    }
}

impl Batch {
    /// Appends an event whose data is `data` joined (UTF-8; `event.data` is ignored).
    #[inline(always)]
    fn push_event(&mut self, event: Event<'_>, data: &[&[u8]]) {
        let id = if event.id_changed { event.last_event_id } else { "" };
        let data_bytes: usize = data.iter().map(|piece| piece.len()).sum();
        let needed = event.raw_type.len() + data_bytes + id.len();
        if self.text.is_empty() {
            // A long event alone in its batch: no room to spare on top of its size.
            self.text.reserve_exact(needed);
        } else {
            self.text.reserve(needed);
        }
        // SAFETY (each push): the room for all of them was reserved just above.
        let type_len = unsafe { self.push(event.raw_type, false) };
        let start = self.text.len();
        for piece in data {
            // SAFETY: the pieces are UTF-8 (the data of a `str`, or ASCII pieces), and joined they
            // end on a character boundary, so the text stays UTF-8.
            unsafe { append(self.text.as_mut_vec(), piece) };
        }
        let data_len = if event.data_is_ascii { saturate(data_bytes) } else { utf16_len(&self.text[start..]) };
        // A changed ID is pushed even when empty: its length 0 says "the ID is now empty".
        let id_len = if event.id_changed { unsafe { self.push(id, false) } } else { ID_UNCHANGED };
        self.push_lens([type_len, data_len, id_len]);
    }
}

/// Appends `bytes` to `vec`. Short values, the common ones, are copied with a few fixed-size moves
/// instead of a call to `memcpy`, which costs more than the rest of packing a tiny event.
///
/// # Safety
/// `vec` must have room for `bytes` (`capacity - len >= bytes.len()`).
#[inline(always)]
unsafe fn append(vec: &mut Vec<u8>, bytes: &[u8]) {
    let len = bytes.len();
    let src = bytes.as_ptr();
    let dst = vec.as_mut_ptr().add(vec.len());
    // Two copies that overlap in the middle when `len` is not their sum cover every length of a
    // range: 8..=16 with two 8-byte moves, 4..=7 with two 4-byte ones, 1..=3 with three bytes.
    if len > 16 {
        std::ptr::copy_nonoverlapping(src, dst, len);
    } else if len >= 8 {
        dst.cast::<u64>().write_unaligned(src.cast::<u64>().read_unaligned());
        dst.add(len - 8).cast::<u64>().write_unaligned(src.add(len - 8).cast::<u64>().read_unaligned());
    } else if len >= 4 {
        dst.cast::<u32>().write_unaligned(src.cast::<u32>().read_unaligned());
        dst.add(len - 4).cast::<u32>().write_unaligned(src.add(len - 4).cast::<u32>().read_unaligned());
    } else if len > 0 {
        *dst = *src;
        *dst.add(len / 2) = *src.add(len / 2);
        *dst.add(len - 1) = *src.add(len - 1);
    }
    vec.set_len(vec.len() + len);
}

/// The length of `s` in UTF-16 code units: one per scalar value, two for those above U+FFFF.
/// Saturates at `u32::MAX - 1`, far beyond any event the parser lets through.
#[inline]
pub fn utf16_len(s: &str) -> u32 {
    let len = if crate::parser::is_ascii(s.as_bytes()) {
        s.len()
    } else {
        // Each byte that does not continue a sequence starts one scalar value; a 4-byte
        // sequence (lead byte 0xF0..=0xF4) needs a surrogate pair.
        s.bytes().map(|b| usize::from((b & 0xC0) != 0x80) + usize::from(b >= 0xF0)).sum()
    };
    saturate(len)
}

/// A length as a `u32` below [`ID_UNCHANGED`].
fn saturate(len: usize) -> u32 {
    len.min(ID_UNCHANGED as usize - 1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::Parser;

    #[test]
    fn utf16_lengths() {
        for s in ["", "abc", "\u{e9}", "\u{20ac}x", "\u{1f600}", "a\u{1f600}\u{e9}\u{fffd}"] {
            assert_eq!(utf16_len(s) as usize, s.encode_utf16().count(), "{s}");
        }
    }

    #[test]
    fn packs_long_events_from_their_pieces() {
        let (input, _) = crate::parser::tests::long_events();
        // The same events, read one at a time into a batch of their own and through the
        // default `event_in_pieces` (which joins the pieces and calls `event`).
        struct Joined(Batch);
        impl Sink for Joined {
            fn event(&mut self, event: Event<'_>) {
                self.0.event(event);
            }
        }
        let mut joined = Joined(Batch::default());
        Parser::new(1 << 24).feed(&input, &mut joined).unwrap();
        for size in [input.len(), 65536, 99991] {
            let mut parser = Parser::new(1 << 24);
            let mut batch = Batch::default();
            for chunk in input.chunks(size) {
                parser.feed(chunk, &mut batch).unwrap();
            }
            assert!(batch.text == joined.0.text, "chunks of {size}");
            assert_eq!(batch.lens, joined.0.lens, "chunks of {size}");
        }
        assert_eq!(joined.0.lens.len(), 9);
    }

    /// The events of a batch as (type, data, ID if changed), sliced by their UTF-16 lengths.
    fn unpack(batch: &Batch) -> Vec<(String, String, Option<String>)> {
        let units: Vec<u16> = batch.text.encode_utf16().collect();
        let mut at = 0;
        let mut take = |len: u32| {
            let piece = String::from_utf16(&units[at..at + len as usize]).unwrap();
            at += len as usize;
            piece
        };
        let events = batch
            .lens
            .chunks(3)
            .map(|lens| (take(lens[0]), take(lens[1]), (lens[2] != ID_UNCHANGED).then(|| take(lens[2]))));
        events.collect()
    }

    #[test]
    fn moves_a_long_spanning_data_line_into_an_empty_batch() {
        let long = "z".repeat(crate::parser::MOVABLE_DATA + 100);
        let input = format!(
            "data: {long}\n\ndata: a\n\ndata: {long}\n\nevent: t\ndata: {long}\n\nid: 3\ndata: {long}\n\ndata: {long}\n\n"
        );
        // The reference: every event through `event` (the default `event_in_buffer`), copied.
        struct Copied(Batch);
        impl Sink for Copied {
            fn event(&mut self, event: Event<'_>) {
                self.0.event(event);
            }
        }
        // The batch, counting the events whose data it took without a copy.
        #[derive(Default)]
        struct Moving(Batch, usize);
        impl Sink for Moving {
            fn event(&mut self, event: Event<'_>) {
                self.0.event(event);
            }
            fn event_in_buffer(&mut self, event: Event<'_>, data: BufferedData<'_>) {
                let held_at = data.as_str().as_ptr();
                self.0.event_in_buffer(event, data);
                self.1 += usize::from(self.0.text.as_ptr() == held_at);
            }
        }
        for (size, moves) in [(1000, 3), (4200, 3), (5000, 2), (input.len(), 0)] {
            let (mut parser, mut reference) = (Parser::new(1 << 20), Parser::new(1 << 20));
            let (mut batch, mut copied) = (Moving::default(), Copied(Batch::default()));
            for chunk in input.as_bytes().chunks(size) {
                batch.0.clear();
                copied.0.clear();
                parser.feed(chunk, &mut batch).unwrap();
                reference.feed(chunk, &mut copied).unwrap();
                assert_eq!(unpack(&batch.0), unpack(&copied.0), "chunks of {size}");
            }
            assert_eq!(batch.1, moves, "chunks of {size}");
        }
    }

    #[test]
    fn packs_events_and_sends_only_id_changes() {
        let mut parser = Parser::new(1 << 20);
        let mut batch = Batch::default();
        parser
            .feed(b"id: 1\nevent: e\ndata: \xf0\x9f\x98\x80\n\ndata: b\n\nid: 22\ndata: c\nretry: 9\n\n", &mut batch)
            .unwrap();
        assert_eq!(batch.text, "e\u{1f600}1bc22");
        assert_eq!(batch.lens, [1, 2, 1, 0, 1, ID_UNCHANGED, 0, 1, 2]);
        assert_eq!(batch.retry, Some(9));
        batch.clear();
        parser.feed(b"data: d\n\n", &mut batch).unwrap();
        assert_eq!(batch.text, "d");
        assert_eq!(batch.lens, [0, 1, ID_UNCHANGED]);
        // A block whose last `id` is the last event ID again changes nothing.
        batch.clear();
        parser.feed(b"id: 3\nid: 22\ndata: e\n\n", &mut batch).unwrap();
        assert_eq!(batch.text, "e");
        assert_eq!(batch.lens, [0, 1, ID_UNCHANGED]);
    }
}
