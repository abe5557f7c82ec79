//! The data buffer of the spec, sized for events of any length.

/// The most bytes kept in one allocation. Past it, data goes to further pieces of this size.
///
/// WebAssembly memory never shrinks, and a buffer that doubles as it grows leaves behind freed
/// copies that together are as large as itself but each too small for its next growth: one event
/// of N bytes grew wasm memory by about 2.7 N that way (and then the batch copied it once more).
/// Held in fixed pieces, the data costs N plus at most one piece, whatever the allocator does.
pub(super) const PIECE: usize = 256 * 1024;

/// Each `data` value followed by LF, in one `Vec` up to [`PIECE`] bytes and in further pieces of
/// [`PIECE`] bytes (all full but the last) beyond.
#[derive(Debug, Default)]
pub(super) struct DataBuffer {
    /// The first bytes, at most [`PIECE`] of them; while `more` is empty, all of them.
    head: Vec<u8>,
    /// The rest, in allocations of exactly [`PIECE`] bytes.
    more: Vec<Vec<u8>>,
    /// The bytes in `more`.
    more_len: usize,
}

impl DataBuffer {
    pub fn len(&self) -> usize {
        self.head.len() + self.more_len
    }

    pub fn is_empty(&self) -> bool {
        self.head.is_empty()
    }

    /// Empties the buffer, keeping the first piece's memory for the next event.
    pub fn clear(&mut self) {
        self.head.clear();
        self.more = Vec::new();
        self.more_len = 0;
    }

    /// Empties the buffer and gives all its memory back.
    pub fn release(&mut self) {
        self.head = Vec::new();
        self.clear();
    }

    #[inline]
    pub fn extend_from_slice(&mut self, mut bytes: &[u8]) {
        if self.more.is_empty() && self.head.len() + bytes.len() <= PIECE {
            self.head.extend_from_slice(bytes);
            return;
        }
        self.extend_long(&mut bytes);
    }

    #[cold]
    fn extend_long(&mut self, bytes: &mut &[u8]) {
        if self.more.is_empty() {
            let room = PIECE - self.head.len();
            self.head.reserve_exact(room);
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            self.head.extend_from_slice(now);
            *bytes = later;
        }
        while !bytes.is_empty() {
            if self.more.last().is_none_or(|piece| piece.len() == PIECE) {
                self.more.push(Vec::with_capacity(PIECE));
            }
            let piece = self.more.last_mut().expect("a piece was just ensured");
            let (now, later) = bytes.split_at((PIECE - piece.len()).min(bytes.len()));
            piece.extend_from_slice(now);
            self.more_len += now.len();
            *bytes = later;
        }
    }

    /// Appends a `data` value and its LF.
    #[inline]
    pub fn push_line(&mut self, value: &[u8]) {
        let len = self.head.len();
        if self.more.is_empty() && len + value.len() < PIECE {
            // One capacity check, where `extend_from_slice` and `push` make one each.
            self.head.reserve(value.len() + 1);
            // SAFETY: the room for the value and its LF was reserved just above; both are
            // written before `set_len`.
            unsafe {
                let end = self.head.as_mut_ptr().add(len);
                std::ptr::copy_nonoverlapping(value.as_ptr(), end, value.len());
                end.add(value.len()).write(b'\n');
                self.head.set_len(len + value.len() + 1);
            }
        } else {
            self.extend_from_slice(value);
            self.extend_from_slice(b"\n");
        }
    }

    /// The bytes, when they are in one piece.
    #[inline]
    pub fn as_one(&self) -> Option<&[u8]> {
        self.more.is_empty().then_some(&self.head[..])
    }

    /// The buffer, when the bytes are in one piece: the caller may swap it for another whose
    /// length is 0 (of a capacity it keeps bounded).
    #[inline]
    pub fn as_one_mut(&mut self) -> Option<&mut Vec<u8>> {
        self.more.is_empty().then_some(&mut self.head)
    }

    /// The bytes but the last `trim`, in order, as slices.
    pub fn pieces(&self, trim: usize) -> Vec<&[u8]> {
        let mut pieces: Vec<&[u8]> = Vec::with_capacity(1 + self.more.len());
        pieces.push(&self.head);
        pieces.extend(self.more.iter().map(Vec::as_slice));
        let mut trim = trim;
        while trim > 0 {
            let last = pieces.pop().expect("trim is at most the length");
            if last.len() > trim {
                pieces.push(&last[..last.len() - trim]);
                trim = 0;
            } else {
                trim -= last.len();
            }
        }
        pieces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_data_is_held_in_pieces_of_a_fixed_size() {
        let mut buffer = DataBuffer::default();
        let mut expected = Vec::new();
        for (i, len) in [10, PIECE - 20, 5, 30, 2 * PIECE + 7, 1, PIECE].into_iter().enumerate() {
            let bytes = vec![b'a' + i as u8; len];
            buffer.extend_from_slice(&bytes);
            expected.extend_from_slice(&bytes);
            buffer.push_line(b"xy");
            expected.extend_from_slice(b"xy\n");
            assert_eq!(buffer.len(), expected.len());
        }
        assert!(buffer.as_one().is_none());
        assert!(buffer.more.iter().all(|piece| piece.capacity() == PIECE));
        for trim in [0, 1, 3, 4, PIECE] {
            let joined = buffer.pieces(trim).concat();
            assert_eq!(joined, expected[..expected.len() - trim]);
        }
        buffer.clear();
        assert!(buffer.is_empty());
        assert_eq!(buffer.len(), 0);
        buffer.push_line(b"z");
        assert_eq!(buffer.as_one(), Some(&b"z\n"[..]));
    }
}
