//! The scan every input byte goes through: where the line ends, and whether it is ASCII.

/// What [`scan_line`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LineScan {
    /// The index of the first CR or LF, if any.
    pub end: Option<usize>,
    /// Whether the bytes before it (all of them, when there is none) are ASCII.
    pub ascii: bool,
}

/// The first CR or LF in `bytes`, and whether the bytes before it are ASCII: the loop every
/// input byte goes through, so the ASCII check that decoding needs rides along in the same pass.
/// Sixteen bytes at a time with SIMD (SSE2, baseline on x86-64; WebAssembly SIMD), eight with
/// SWAR elsewhere. Always inline: in the wasm, where it was a call, inlining it made the parse of
/// multi-line events 1.14x and of typical ones 1.09x as fast (SseParser in Node, A/B, CPU time),
/// for 0.2 KB (gzip).
#[inline(always)]
pub(super) fn scan_line(bytes: &[u8]) -> LineScan {
    let mut at = 0;
    #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
    let mut high = {
        use simd::*;
        let mut seen = zero();
        // The end of the line in `hits` (bits of the bytes from `at`), and the ASCII check of the
        // bytes before it: those in `high` (bits of the same bytes) and those already `seen`.
        let found = |at: usize, hits: u32, high: u32, seen: Block| {
            let end = hits.trailing_zeros();
            let high_before = high & ((1 << end) - 1);
            LineScan { end: Some(at + end as usize), ascii: high_before == 0 && high_mask(seen) == 0 }
        };
        // Sixteen bytes first, on their own (most lines are short), then 32 at a time.
        let mut step = 16;
        while at + step <= bytes.len() {
            // SAFETY: `at + step <= bytes.len()` and `step` is 16 or 32: the bytes read are in the slice.
            let block = unsafe { load(bytes.as_ptr().add(at)) };
            let hits = line_end_mask(block);
            if step == 16 {
                if hits != 0 {
                    return found(at, hits, high_mask(block), seen);
                }
                seen = or(seen, block);
                at += 16;
                step = 32;
                continue;
            }
            // SAFETY: as above.
            let next = unsafe { load(bytes.as_ptr().add(at + 16)) };
            let hits = hits | line_end_mask(next) << 16;
            if hits != 0 {
                return found(at, hits, high_mask(block) | high_mask(next) << 16, seen);
            }
            seen = or(seen, or(block, next));
            at += 32;
        }
        if at + 16 <= bytes.len() {
            // SAFETY: as above.
            let block = unsafe { load(bytes.as_ptr().add(at)) };
            let hits = line_end_mask(block);
            if hits != 0 {
                return found(at, hits, high_mask(block), seen);
            }
            seen = or(seen, block);
            at += 16;
        }
        high_mask(seen) != 0
    };
    #[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    let mut high = {
        const LO: u64 = 0x0101_0101_0101_0101;
        const HI: u64 = 0x8080_8080_8080_8080;
        const CR: u64 = LO * b'\r' as u64;
        const LF: u64 = LO * b'\n' as u64;
        // A zero byte sets its high bit in `has_zero`; a false positive only ever follows a true
        // one, so the lowest set bit is exact.
        let has_zero = |word: u64| word.wrapping_sub(LO) & !word & HI;
        let mut seen = 0;
        while at + 8 <= bytes.len() {
            let word = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
            let hits = has_zero(word ^ CR) | has_zero(word ^ LF);
            if hits != 0 {
                let end = hits.trailing_zeros() / 8;
                let below = (1u64 << (end * 8)) - 1;
                return LineScan { end: Some(at + end as usize), ascii: (seen | (word & below)) & HI == 0 };
            }
            seen |= word;
            at += 8;
        }
        seen & HI != 0
    };
    for (i, &byte) in bytes[at..].iter().enumerate() {
        if byte == b'\r' || byte == b'\n' {
            return LineScan { end: Some(at + i), ascii: !high };
        }
        high |= byte >= 0x80;
    }
    LineScan { end: None, ascii: !high }
}

/// How many bytes at the start of `bytes` [`scan_line`] need not look at: a multiple of 64, the
/// bytes being ASCII above U+000D (so no CR or LF). For a line known to be long (the rest of a
/// `data` line that an earlier chunk left open, often most of a chunk): one signed compare per 16
/// bytes tells both (a byte of 0x80 or more is negative), where [`scan_line`] takes three and two
/// masks. Out of line, and not in [`scan_line`] itself: there, any form of it cost short lines
/// instructions (callgrind), as values went through memory around it.
#[cold]
#[inline(never)]
pub(super) fn plain_prefix(bytes: &[u8]) -> usize {
    #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        use simd::*;
        let mut at = 0;
        while at + 64 <= bytes.len() {
            // SAFETY: `at + 64 <= bytes.len()`: the four loads read bytes of the slice.
            let special = unsafe {
                let ptr = bytes.as_ptr().add(at);
                let low = or(below_0e(load(ptr)), below_0e(load(ptr.add(16))));
                let high = or(below_0e(load(ptr.add(32))), below_0e(load(ptr.add(48))));
                or(low, high)
            };
            if any(special) {
                break;
            }
            at += 64;
        }
        at
    }
    // Without SIMD, `scan_line` goes through every byte.
    #[cfg(not(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128"))))]
    {
        let _ = bytes;
        0
    }
}

/// The few SIMD operations [`scan_line`] needs, on x86-64 (SSE2) and WebAssembly (simd128).
#[cfg(target_arch = "x86_64")]
mod simd {
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_setzero_si128,
    };
    pub type Block = __m128i;
    // SAFETY (every function): SSE2 is part of the x86-64 baseline, so these intrinsics exist on
    // every x86-64 CPU.
    #[inline(always)]
    pub fn zero() -> Block {
        unsafe { _mm_setzero_si128() }
    }
    /// # Safety
    /// `ptr` must point to 16 readable bytes (no alignment needed).
    #[inline(always)]
    pub unsafe fn load(ptr: *const u8) -> Block {
        _mm_loadu_si128(ptr.cast())
    }
    #[inline(always)]
    pub fn or(a: Block, b: Block) -> Block {
        unsafe { _mm_or_si128(a, b) }
    }
    /// One bit per byte (lowest bit first) that is CR or LF.
    #[inline(always)]
    pub fn line_end_mask(block: Block) -> u32 {
        unsafe {
            let cr = _mm_cmpeq_epi8(block, _mm_set1_epi8(b'\r' as i8));
            let lf = _mm_cmpeq_epi8(block, _mm_set1_epi8(b'\n' as i8));
            _mm_movemask_epi8(_mm_or_si128(cr, lf)) as u32
        }
    }
    /// One bit per byte (lowest bit first) that is not ASCII.
    #[inline(always)]
    pub fn high_mask(block: Block) -> u32 {
        unsafe { _mm_movemask_epi8(block) as u32 }
    }
    /// All ones in each byte below 0x0E (CR and LF among them) or of 0x80 and above (not ASCII).
    #[inline(always)]
    pub fn below_0e(block: Block) -> Block {
        unsafe { _mm_cmplt_epi8(block, _mm_set1_epi8(0x0E)) }
    }
    /// Whether any bit is set.
    #[inline(always)]
    pub fn any(block: Block) -> bool {
        unsafe { _mm_movemask_epi8(block) != 0 }
    }
}

/// The few SIMD operations [`scan_line`] needs, on x86-64 (SSE2) and WebAssembly (simd128).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{
        i8x16_lt, i8x16_splat, u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_any_true, v128_load, v128_or,
    };
    pub type Block = v128;
    #[inline(always)]
    pub fn zero() -> Block {
        u8x16_splat(0)
    }
    /// # Safety
    /// `ptr` must point to 16 readable bytes (no alignment needed).
    #[inline(always)]
    pub unsafe fn load(ptr: *const u8) -> Block {
        v128_load(ptr.cast())
    }
    #[inline(always)]
    pub fn or(a: Block, b: Block) -> Block {
        v128_or(a, b)
    }
    /// One bit per byte (lowest bit first) that is CR or LF.
    #[inline(always)]
    pub fn line_end_mask(block: Block) -> u32 {
        u32::from(u8x16_bitmask(v128_or(u8x16_eq(block, u8x16_splat(b'\r')), u8x16_eq(block, u8x16_splat(b'\n')))))
    }
    /// One bit per byte (lowest bit first) that is not ASCII.
    #[inline(always)]
    pub fn high_mask(block: Block) -> u32 {
        u32::from(u8x16_bitmask(block))
    }
    /// All ones in each byte below 0x0E (CR and LF among them) or of 0x80 and above (not ASCII).
    #[inline(always)]
    pub fn below_0e(block: Block) -> Block {
        i8x16_lt(block, i8x16_splat(0x0E))
    }
    /// Whether any bit is set.
    #[inline(always)]
    pub fn any(block: Block) -> bool {
        v128_any_true(block)
    }
}

/// Reads the first and the last `N` bytes of `bytes` (`N <= bytes.len() <= 2 N`) as two words
/// that together cover every byte: short strings are checked with a few loads, not a loop or a call.
#[inline(always)]
fn ends<const N: usize>(bytes: &[u8]) -> ([u8; N], [u8; N]) {
    let first = bytes[..N].try_into().expect("N bytes");
    let last = bytes[bytes.len() - N..].try_into().expect("N bytes");
    (first, last)
}

/// Whether `bytes` is ASCII; short strings (type names, IDs) without a loop.
#[inline(always)]
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    match bytes.len() {
        0 => true,
        1..=3 => (bytes[0] | bytes[bytes.len() / 2] | bytes[bytes.len() - 1]) < 0x80,
        4..=7 => {
            let (a, b) = ends::<4>(bytes);
            (u32::from_ne_bytes(a) | u32::from_ne_bytes(b)) & 0x8080_8080 == 0
        }
        8..=16 => {
            let (a, b) = ends::<8>(bytes);
            (u64::from_ne_bytes(a) | u64::from_ne_bytes(b)) & 0x8080_8080_8080_8080 == 0
        }
        _ => bytes.is_ascii(),
    }
}

/// `a == b`; short strings (IDs) without a call to `bcmp`.
#[inline(always)]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        0 => true,
        1..=3 => a[0] == b[0] && a[a.len() / 2] == b[b.len() / 2] && a[a.len() - 1] == b[b.len() - 1],
        4..=7 => ends::<4>(a) == ends::<4>(b),
        8..=16 => ends::<8>(a) == ends::<8>(b),
        _ => a == b,
    }
}

/// The first eight bytes of `bytes` as a little-endian word, padded with zero bytes when there
/// are fewer.
#[inline(always)]
pub(super) fn first_word(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<8>() {
        Some(word) => u64::from_le_bytes(*word),
        None => padded_word(bytes),
    }
}

#[cold]
fn padded_word(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// Whether `bytes` holds a zero byte; short strings (IDs) without a call to `memchr`.
#[inline(always)]
pub(super) fn has_null(bytes: &[u8]) -> bool {
    // A zero byte sets its high bit in `zero_bytes`; a false positive only ever follows a true one.
    const LO: u64 = 0x0101_0101_0101_0101;
    let zero_bytes = |word: u64| word.wrapping_sub(LO) & !word & (LO << 7);
    match bytes.len() {
        0 => false,
        1..=3 => bytes[0] == 0 || bytes[bytes.len() / 2] == 0 || bytes[bytes.len() - 1] == 0,
        4..=7 => {
            let (a, b) = ends::<4>(bytes);
            zero_bytes(u64::from(u32::from_ne_bytes(a)) << 32 | u64::from(u32::from_ne_bytes(b))) != 0
        }
        8..=16 => {
            let (a, b) = ends::<8>(bytes);
            zero_bytes(u64::from_ne_bytes(a)) | zero_bytes(u64::from_ne_bytes(b)) != 0
        }
        _ => bytes.contains(&0),
    }
}
