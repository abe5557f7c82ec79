// Removes exports of the wasm that nothing in the package calls, so that wasm-opt can drop the
// code only they reach. wasm-bindgen exports every #[wasm_bindgen] item of every linked crate:
// wasm-streams' adapters from Rust streams to JS streams (IntoUnderlyingSource, -ByteSource,
// -Sink) come along with its JS-to-Rust reader, which is the only part the package uses.
// Used by scripts/build.mjs; `node scripts/wasm-trim.mjs in.wasm out.wasm prefix...` by hand.
import { readFileSync, writeFileSync } from "node:fs";

/** `bytes` without the exports whose names start with one of `prefixes`. */
export function dropExports(bytes, prefixes) {
  let pos = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[pos++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const encode = (n) => {
    const out = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      out.push(byte);
    } while (n !== 0);
    return out;
  };
  const parts = [bytes.subarray(0, 8)];
  const dropped = [];
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    const size = leb();
    const end = pos + size;
    if (id !== 7) {
      parts.push(bytes.subarray(start, end));
      pos = end;
      continue;
    }
    const kept = [];
    const count = leb();
    for (let i = 0; i < count; i++) {
      const entryStart = pos;
      const nameLength = leb();
      const name = new TextDecoder().decode(bytes.subarray(pos, pos + nameLength));
      pos += nameLength + 1; // the name, then the export kind
      leb(); // the index
      if (prefixes.some((prefix) => name.startsWith(prefix))) dropped.push(name);
      else kept.push(bytes.subarray(entryStart, pos));
    }
    const body = [...encode(kept.length), ...kept.flatMap((entry) => [...entry])];
    parts.push(Uint8Array.from([7, ...encode(body.length), ...body]));
    pos = end;
  }
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return { bytes: out, dropped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output, ...prefixes] = process.argv.slice(2);
  const { bytes, dropped } = dropExports(readFileSync(input), prefixes);
  writeFileSync(output, bytes);
  console.log(`dropped ${dropped.length} exports: ${dropped.join(" ")}`);
}
