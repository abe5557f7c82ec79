// Post-link edits of the wasm, before wasm-opt, for what the Rust toolchain cannot leave out
// itself. Used by scripts/build.mjs; `node scripts/wasm-trim.mjs in.wasm out.wasm prefix...` drops
// exports by hand.
//
// - dropExports: wasm-bindgen exports every #[wasm_bindgen] item of every linked crate:
//   wasm-streams' adapters from Rust streams to JS streams (IntoUnderlyingSource, -ByteSource,
//   -Sink) come along with its JS-to-Rust reader, the only part the package uses. Without their
//   exports, wasm-opt drops the code only they reach.
// - snipFunctions: replaces the bodies of named functions (the name section must be present:
//   wasm-bindgen --keep-debug), as wasm-snip does, so that wasm-opt drops what only they called.
import { readFileSync, writeFileSync } from "node:fs";

const decoder = new TextDecoder();

/** A reader of LEB128 numbers and names over `bytes`, from `pos`. */
function reader(bytes, pos = 0) {
  const r = {
    pos,
    u32() {
      let result = 0;
      let shift = 0;
      let byte;
      do {
        byte = bytes[r.pos++];
        result |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      return result >>> 0;
    },
    name() {
      const length = r.u32();
      r.pos += length;
      return decoder.decode(bytes.subarray(r.pos - length, r.pos));
    },
  };
  return r;
}

function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** The sections of a module: `{ id, start, body, end }`, in order. */
function sections(bytes) {
  const r = reader(bytes, 8);
  const list = [];
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = bytes[r.pos++];
    const size = r.u32();
    list.push({ id, start, body: r.pos, end: r.pos + size });
    r.pos += size;
  }
  return list;
}

/** `bytes` with the sections of `replaced` (id -> new contents) swapped in. */
function rebuild(bytes, replaced) {
  const parts = [bytes.subarray(0, 8)];
  for (const section of sections(bytes)) {
    const contents = replaced.get(section.id);
    if (contents === undefined) parts.push(bytes.subarray(section.start, section.end));
    else parts.push(Uint8Array.from([section.id, ...leb(contents.length)]), contents);
  }
  return Buffer.concat(parts);
}

/** `bytes` without the exports whose names start with one of `prefixes`. */
export function dropExports(bytes, prefixes) {
  const section = sections(bytes).find((s) => s.id === 7);
  const dropped = [];
  const kept = [];
  if (section) {
    const r = reader(bytes, section.body);
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      const entryStart = r.pos;
      const name = r.name();
      r.pos += 1; // the export kind
      r.u32(); // the index
      if (prefixes.some((prefix) => name.startsWith(prefix))) dropped.push(name);
      else kept.push(bytes.subarray(entryStart, r.pos));
    }
  }
  if (dropped.length === 0) return { bytes, dropped };
  const contents = Buffer.concat([Uint8Array.from(leb(kept.length)), ...kept]);
  return { bytes: rebuild(bytes, new Map([[7, contents]])), dropped };
}

// Function bodies: no locals, then the instructions, then `end`.
const BODIES = {
  // `unreachable`: the trap that `panic = "abort"` ends every panic with.
  unreachable: [0x00, 0x00, 0x0b],
  // `i32.const 0`: `Ok(())` for a `fmt::Result`.
  ok: [0x00, 0x41, 0x00, 0x0b],
  // `unreachable` in a function of any type (the trap leaves nothing to type-check): for code
  // that nothing can call, whatever it would return.
  dead: [0x00, 0x00, 0x0b],
};

/**
 * `bytes` with the body of each function whose name matches one of `rules` ({ name: RegExp,
 * body: "unreachable" | "ok" }) replaced. An "unreachable" function must return nothing (a
 * diverging Rust function), an "ok" one a single i32. Returns the names snipped.
 */
export function snipFunctions(bytes, rules) {
  const all = sections(bytes);
  const types = [];
  const functionTypes = [];
  const names = new Map();
  let imported = 0;
  for (const section of all) {
    const r = reader(bytes, section.body);
    if (section.id === 1) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.pos += 1; // 0x60, a function type
        const params = r.u32();
        r.pos += params; // value types are one byte each (no reference types with indices here)
        const results = [];
        for (let n = r.u32(); n > 0; n--) results.push(bytes[r.pos++]);
        types.push(results);
      }
    } else if (section.id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.name();
        r.name();
        const kind = bytes[r.pos++];
        if (kind === 0) {
          r.u32();
          imported++;
        } else if (kind === 1) {
          r.pos += 1;
          const flags = bytes[r.pos++];
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 2) {
          const flags = bytes[r.pos++];
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 3) r.pos += 2;
        else throw new Error(`wasm-trim: unknown import kind ${kind}`);
      }
    } else if (section.id === 3) {
      for (let n = r.u32(); n > 0; n--) functionTypes.push(r.u32());
    } else if (section.id === 0 && r.name() === "name") {
      while (r.pos < section.end) {
        const sub = bytes[r.pos++];
        const end = r.u32() + r.pos;
        if (sub === 1) {
          for (let n = r.u32(); n > 0; n--) {
            const index = r.u32();
            names.set(index, r.name());
          }
        }
        r.pos = end;
      }
    }
  }
  if (names.size === 0) throw new Error("wasm-trim: no function names (wasm-bindgen --keep-debug)");
  const code = all.find((s) => s.id === 10);
  const r = reader(bytes, code.body);
  const count = r.u32();
  const out = [Uint8Array.from(leb(count))];
  const snipped = [];
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const body = bytes.subarray(r.pos, r.pos + size);
    r.pos += size;
    const name = names.get(imported + i) ?? "";
    const rule = rules.find((candidate) => candidate.name.test(name));
    if (!rule) {
      out.push(Uint8Array.from(leb(size)), body);
      continue;
    }
    const results = types[functionTypes[i]];
    const fits =
      rule.body === "dead" ||
      (rule.body === "unreachable" ? results.length === 0 : results.length === 1 && results[0] === 0x7f);
    if (!fits) throw new Error(`wasm-trim: ${name} does not have the type a "${rule.body}" body needs`);
    const replacement = BODIES[rule.body];
    out.push(Uint8Array.from([...leb(replacement.length), ...replacement]));
    snipped.push(name);
  }
  return { bytes: rebuild(bytes, new Map([[10, Buffer.concat(out)]])), snipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output, ...prefixes] = process.argv.slice(2);
  const { bytes, dropped } = dropExports(readFileSync(input), prefixes);
  writeFileSync(output, bytes);
  console.log(`dropped ${dropped.length} exports: ${dropped.join(" ")}`);
}
