//! Test support, shared by the parser's tests and the fuzz target (`fuzz/`): deterministic
//! random chunkings of a byte string. Not part of the API: compiled only for `cargo test` and
//! with the `test-support` feature, which only `fuzz/Cargo.toml` enables.

/// A small deterministic generator (a 64-bit LCG), so that every failure replays from its seed.
pub struct Lcg(pub u64);

impl Lcg {
    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

/// `input` cut into random pieces of 1 to 17 bytes, with an empty chunk now and then.
pub fn random_chunks(input: &[u8], seed: u64) -> Vec<&[u8]> {
    let mut rng = Lcg(seed);
    let mut chunks = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        if rng.below(8) == 0 {
            chunks.push(&rest[..0]);
        }
        let (head, tail) = rest.split_at(1 + rng.below(rest.len().min(17)));
        chunks.push(head);
        rest = tail;
    }
    chunks
}
