// A synchronous DEFLATE decoder (RFC 1951), for the inlined wasm: the platform's own
// (DecompressionStream) is asynchronous only, and loading the wasm asynchronously would need a
// top-level await, which makes a module worker that imports the package miss the messages posted
// to it while it loads, and breaks `require()` of the package in Node. Written for clarity over
// speed after the manner of zlib's puff.c: about 2 ms for the package's wasm.

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

// Base values and extra bits of the length codes (257..285) and distance codes (0..29).
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
// The order in which a dynamic block sends the code lengths of its code-length code.
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

function huffman(lengths: ArrayLike<number>): Huffman {
  const count = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]!]! += 1;
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len]! + count[len]!;
  const symbol = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    if (len !== 0) symbol[offsets[len]!++] = i;
  }
  return { count, symbol };
}

/**
 * The bytes that `input` (raw DEFLATE data, no zlib or gzip header) inflates to; `size` is their
 * number, known in advance.
 * @throws {Error} when the data is not valid DEFLATE.
 */
export function inflateRaw(input: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let outPos = 0;
  let inPos = 0;
  let bitBuf = 0; // bits read from input and not used yet, least significant first
  let bitCount = 0;

  const bits = (need: number): number => {
    while (bitCount < need) {
      if (inPos >= input.length) throw new Error("rust-eventsource: the inlined wasm is truncated");
      bitBuf |= input[inPos++]! << bitCount;
      bitCount += 8;
    }
    const value = bitBuf & ((1 << need) - 1);
    bitBuf >>>= need;
    bitCount -= need;
    return value;
  };

  // Huffman codes are sent most significant bit first: one bit at a time, against the count of
  // codes of each length.
  const decode = ({ count, symbol }: Huffman): number => {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const n = count[len]!;
      if (code - n < first) return symbol[index + (code - first)]!;
      index += n;
      first = (first + n) << 1;
      code <<= 1;
    }
    throw new Error("rust-eventsource: the inlined wasm has an invalid code");
  };

  let fixed: [Huffman, Huffman] | undefined;
  let last = 0;
  while (last === 0) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      // Stored: the rest of the current byte is padding, then LEN, NLEN and LEN bytes.
      bitBuf = 0;
      bitCount = 0;
      const length = input[inPos]! | (input[inPos + 1]! << 8);
      inPos += 4;
      out.set(input.subarray(inPos, inPos + length), outPos);
      inPos += length;
      outPos += length;
      continue;
    }
    let lengthCode: Huffman;
    let distCode: Huffman;
    if (type === 1) {
      fixed ??= [
        huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8))),
        huffman(new Array<number>(30).fill(5)),
      ];
      [lengthCode, distCode] = fixed;
    } else if (type === 2) {
      const literals = bits(5) + 257;
      const distances = bits(5) + 1;
      const codeLengths = bits(4) + 4;
      const lengths = new Uint8Array(19);
      for (let i = 0; i < codeLengths; i++) lengths[CODE_LENGTH_ORDER[i]!] = bits(3);
      const lengthsCode = huffman(lengths);
      const all = new Uint8Array(literals + distances);
      for (let i = 0; i < all.length; ) {
        const symbol = decode(lengthsCode);
        if (symbol < 16) {
          all[i++] = symbol;
          continue;
        }
        const [value, repeat] =
          symbol === 16 ? [all[i - 1]!, 3 + bits(2)] : symbol === 17 ? [0, 3 + bits(3)] : [0, 11 + bits(7)];
        all.fill(value, i, i + repeat);
        i += repeat;
      }
      lengthCode = huffman(all.subarray(0, literals));
      distCode = huffman(all.subarray(literals));
    } else {
      throw new Error("rust-eventsource: the inlined wasm has an invalid block type");
    }
    for (;;) {
      let symbol = decode(lengthCode);
      if (symbol < 256) {
        out[outPos++] = symbol;
      } else if (symbol === 256) {
        break;
      } else {
        symbol -= 257;
        const length = LENGTH_BASE[symbol]! + bits(LENGTH_EXTRA[symbol]!);
        const distSymbol = decode(distCode);
        const distance = DIST_BASE[distSymbol]! + bits(DIST_EXTRA[distSymbol]!);
        // Byte by byte: the source may overlap what is being written (a run).
        for (let end = outPos + length; outPos < end; outPos++) out[outPos] = out[outPos - distance]!;
      }
    }
  }
  if (outPos !== size) throw new Error("rust-eventsource: the inlined wasm has the wrong size");
  return out;
}
