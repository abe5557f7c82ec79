// The per-event hot path: event objects sliced out of a batch, one at a time, in JS.
import { wasm } from "./load.js";
import type { SseEvent } from "./types.js";

/**
 * A batch as the Rust side hands it over (src/batch.rs): one string holding every event's type,
 * data and ID back to back, and where its length table lies in wasm memory (a pointer and a count
 * of u32: three per event, type, data and ID length, an ID length of ID_UNCHANGED meaning "no id
 * field"; a type length of 0 meaning "message").
 */
export type Batch = readonly [text: string, lensPtr: number, lensCount: number];

const ID_UNCHANGED = 0xffffffff;

/**
 * Slices event objects out of a batch one at a time, so an event costs two or three string slices
 * and one object, and no trip into wasm.
 */
export class BatchReader {
  text = "";
  lens: Uint32Array = new Uint32Array(0);
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
   * Takes a batch: its lengths are read from wasm memory, which must happen before the next call
   * into wasm. `keep` copies them, for a batch read later.
   */
  load(batch: Batch, keep: boolean): void {
    const view = new Uint32Array(wasm!.memory.buffer, batch[1], batch[2]);
    this.text = batch[0];
    this.lens = keep ? view.slice() : view;
    this.at = 0;
    this.pos = 0;
  }

  clear(): void {
    this.text = "";
    this.lens = new Uint32Array(0);
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
    const events: SseEvent[] = [];
    for (let event = this.take(); event !== undefined; event = this.take()) events.push(event);
    return events;
  }
}
