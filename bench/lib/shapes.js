// The four event shapes of the benchmark, as bytes. Isomorphic: the server, the Node runner
// and the browser page all build the same streams from here.
//
// Every event of a shape has the same length on the wire and the same data length, so a
// stream of `bytes` holds floor(bytes / eventLength) whole events and a client can check
// that it received all of them (count and the sum of data lengths).

const pad = (n, width) => String(n % 10 ** width).padStart(width, "0");

const LARGE_DATA = (() => {
  // 64 KiB of base64-like text: no newline, varied bytes.
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let s = "";
  for (let i = 0; s.length < 65536; i++) s += alphabet[(i * 7 + (i >> 6)) % 64];
  return s;
})();

/** name -> { type (the event type clients listen for), describe, event(i) -> wire text } */
export const SHAPES = {
  tiny: {
    type: "message",
    describe: "`data: 1234` (12 bytes per event)",
    event: () => "data: 1234\n\n",
  },
  typical: {
    type: "update",
    describe: "`id`, `event: update`, ~100-byte JSON `data`",
    event: (i) =>
      `id: ${pad(i, 8)}\nevent: update\ndata: {"id":"${pad(i, 8)}","user":"user-${pad(i * 7, 5)}",` +
      `"action":"edit","value":0.${pad(i * 13, 4)},"text":"the quick brown fox"}\n\n`,
  },
  multiline: {
    type: "message",
    describe: "3 `data` lines of ~40 bytes each",
    event: (i) =>
      `data: {"line":1,"seq":${pad(i, 8)},"text":"alpha beta"}\n` +
      `data: {"line":2,"seq":${pad(i, 8)},"text":"gamma delta"}\n` +
      `data: {"line":3,"seq":${pad(i, 8)},"text":"epsilon zeta"}\n\n`,
  },
  large: {
    type: "message",
    describe: "64 KiB `data` per event",
    event: () => `data: ${LARGE_DATA}\n\n`,
  },
};

export const SHAPE_NAMES = Object.keys(SHAPES);

/** The data length (UTF-16 units) of one event of the shape, as a client sees it. */
function dataLength(text) {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.length - 6)
    .reduce((a, b, i) => a + b + (i > 0 ? 1 : 0), 0);
}

/** What a stream of `bytes` of `shape` holds: { count, eventLength, dataSum, bytes (exact) }. */
export function streamInfo(shape, bytes) {
  const sample = SHAPES[shape].event(0);
  const eventLength = sample.length; // all ASCII
  const count = Math.max(1, Math.floor(bytes / eventLength));
  return {
    shape,
    type: SHAPES[shape].type,
    count,
    eventLength,
    dataSum: count * dataLength(sample),
    bytes: count * eventLength,
  };
}

/** The bytes of a stream of about `bytes` of `shape` (whole events only). */
export function makeStream(shape, bytes) {
  const info = streamInfo(shape, bytes);
  const out = new Uint8Array(info.bytes);
  const encoder = new TextEncoder();
  const event = SHAPES[shape].event;
  // Encode in pieces of ~256 KiB so no giant string is built.
  let at = 0;
  let i = 0;
  while (i < info.count) {
    let piece = "";
    while (i < info.count && piece.length < 262144) piece += event(i++);
    at += encoder.encodeInto(piece, out.subarray(at)).written;
  }
  if (at !== info.bytes) throw new Error(`shape ${shape}: wrote ${at} of ${info.bytes} bytes`);
  return { ...info, data: out };
}

/** Views of `data` of `size` bytes each (the last one shorter). */
export function chunksOf(data, size) {
  const chunks = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return chunks;
}
