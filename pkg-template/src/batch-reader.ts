// The per-event hot path: event objects sliced out of a batch, one at a time, in JS.
import { wasm } from "./load.js";
import { batchView } from "./wasm/rust_eventsource.js";
import type { SseEvent } from "./types.js";

/**
 * Where the Rust side describes the batch it hands over (src/batch.rs, src/bindings.rs
 * `BATCH_VIEW`), five u32: where its text lies in wasm memory (UTF-8, every event's type, data and
 * ID back to back) and its length in bytes, where its length table lies and its count of u32
 * (three per event, type, data and ID length in UTF-16 units, an ID length of ID_UNCHANGED meaning
 * "no id field"; a type length of 0 meaning "message"), and 1 when the text is all ASCII.
 */
let view: Uint32Array | undefined;

const ID_UNCHANGED = 0xffffffff;

/** Node's `Buffer`, as far as it is used here. */
type NodeBuffer = Uint8Array & { toString(encoding: "latin1" | "utf8", start: number, end: number): string };
type NodeBufferClass = { from(buffer: ArrayBufferLike): NodeBuffer };

/**
 * Node's `Buffer` where the runtime is Node (or one like it), else undefined: a browser page may
 * carry a `Buffer` polyfill, slower than `TextDecoder`.
 */
const nodeBuffer: NodeBufferClass | undefined = (() => {
  const global = globalThis as { Buffer?: NodeBufferClass; process?: { versions?: { node?: unknown } } };
  return typeof global.process?.versions?.node === "string" ? global.Buffer : undefined;
})();
/** `Buffer` over wasm memory, made again when the memory grows (its old buffer is then detached). */
let memoryBuffer: NodeBuffer | undefined;

let decoder: TextDecoder | undefined;
/** Bytes `decoder` decoded: Safari's decoder fails after about 2 GiB (as in wasm-bindgen's glue). */
let decoded = 0;

/**
 * The batch text, decoded from wasm memory. Node's `Buffer` makes strings 3 to 6 times faster than
 * its `TextDecoder` (Node 20, 64 KiB of ASCII: `TextDecoder` 1.25 GB/s, `Buffer` utf8 3.5 GB/s,
 * latin1, which reads ASCII as it is, 8 GB/s). In Chromium, `TextDecoder` is as fast as anything
 * else (2.4 GB/s for UTF-8 and latin1 alike).
 */
function textAt(memory: ArrayBufferLike, ptr: number, len: number, ascii: boolean): string {
  if (nodeBuffer) {
    if (memoryBuffer?.buffer !== memory) memoryBuffer = nodeBuffer.from(memory);
    return memoryBuffer.toString(ascii ? "latin1" : "utf8", ptr, ptr + len);
  }
  decoded += len;
  if (decoded > 2 ** 31 - 2 ** 20 || !decoder) {
    decoded = len;
    decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  }
  return decoder.decode(new Uint8Array(memory, ptr, len));
}

/**
 * Slices event objects out of a batch one at a time, so an event costs two or three string slices
 * and one object, and no trip into wasm.
 */
export class BatchReader {
  text = "";
  lens: Uint32Array = new Uint32Array(0);
  /** Where `load(batch, true)` copies the lengths. */
  copy: Uint32Array = new Uint32Array(0);
  /** Index into lens of the next event. */
  at = 0;
  /** Offset into text of the next event. */
  pos = 0;
  /** The lastEventId of the last event sliced out. */
  eventId: string;

  constructor(eventId: string) {
    this.eventId = eventId;
  }

  /**
   * Takes the batch the last step described: its text and lengths are read from wasm memory, which
   * must happen before the next call into wasm. `keep` copies the lengths, for a batch read later.
   */
  load(keep: boolean): void {
    const memory = wasm!.memory.buffer;
    // Made again when the memory grows (its old buffer is then detached).
    if (view?.buffer !== memory) view = new Uint32Array(memory, batchView(), 5);
    const count = view[3]!;
    const lens = new Uint32Array(memory, view[2]!, count);
    this.text = textAt(memory, view[0]!, view[1]!, view[4] === 1);
    if (keep) {
      // Copied into a buffer kept from batch to batch: a fresh 16 KiB array per chunk costs
      // more than the copy (an ArrayBuffer of its own to allocate and to collect). It keeps the
      // size of the largest batch until the source finishes, as the Rust batch does.
      if (this.copy.length < count) this.copy = new Uint32Array(Math.max(count, 2 * this.copy.length));
      this.copy.set(lens);
      this.lens = this.copy.subarray(0, count);
    } else {
      this.lens = lens;
    }
    this.at = 0;
    this.pos = 0;
  }

  clear(): void {
    this.text = "";
    this.lens = this.copy = new Uint32Array(0);
    this.at = 0;
  }

  get pending(): boolean {
    return this.at < this.lens.length;
  }

  /** The next event, or undefined. */
  take(): SseEvent | undefined {
    const lens = this.lens;
    const at = this.at;
    if (at >= lens.length) return undefined;
    const text = this.text;
    let pos = this.pos;
    // Three lengths per event, all there when the first is (at < lens.length, a multiple of 3).
    const typeLen = lens[at]!;
    const type = typeLen === 0 ? "message" : text.slice(pos, (pos += typeLen));
    const data = text.slice(pos, (pos += lens[at + 1]!));
    const idLen = lens[at + 2]!;
    if (idLen !== ID_UNCHANGED) this.eventId = text.slice(pos, (pos += idLen));
    this.pos = pos;
    this.at = at + 3;
    return { type, data, lastEventId: this.eventId };
  }

  /** Every event left, as an array. */
  takeAll(): SseEvent[] {
    // Made at its full length: no regrowth while filling.
    const events = new Array<SseEvent>((this.lens.length - this.at) / 3);
    for (let i = 0; i < events.length; i++) events[i] = this.take()!;
    return events;
  }
}
