// SseParser: the Rust parser alone, for bytes that arrive some other way.
import { BatchReader } from "./batch-reader.js";
import { toSseError } from "./errors.js";
import { loadFailure } from "./load.js";
import type { SseEvent, SseParserInit } from "./types.js";
import { SseParser as WasmParser } from "./wasm/rust_eventsource.js";

const CREATE = Symbol("SseParser.create");

/**
 * The parser alone, for bytes from elsewhere (a WebSocket, a file, your own fetch loop):
 * `feed` a chunk, get the events it completed. Create it with `await SseParser.create()`.
 * Nothing to free: it is reclaimed with the object.
 */
export class SseParser {
  #parser: WasmParser;
  #batch: BatchReader;

  /** Use {@link SseParser.create}. */
  private constructor(token: typeof CREATE, parser: WasmParser, lastEventId: string) {
    if (token !== CREATE) throw new TypeError("rust-eventsource: use `await SseParser.create()`");
    this.#parser = parser;
    this.#batch = new BatchReader(lastEventId);
  }

  /**
   * Makes a parser. Rejects with the platform's error when the wasm could not load (a page whose
   * Content-Security-Policy lacks 'wasm-unsafe-eval').
   */
  static async create(init?: SseParserInit | null): Promise<SseParser> {
    if (loadFailure) throw loadFailure.error;
    // Rust reads, defaults and checks the options (TypeError / RangeError).
    const parser = new WasmParser(init);
    return new SseParser(CREATE, parser, parser.lastEventId);
  }

  /**
   * Parses one chunk of the stream; returns the events it completed, in order.
   * @throws {SseError} kind `"event-too-large"`; the parser then throws until {@link SseParser.reset}.
   */
  feed(chunk: Uint8Array): SseEvent[] {
    let any: boolean;
    try {
      any = this.#parser.feed(chunk);
    } catch (error) {
      throw toSseError(error);
    }
    if (!any) return [];
    // Every event is sliced out now, before any other call into wasm: no copy needed.
    this.#batch.load(false);
    const events = this.#batch.takeAll();
    this.#batch.clear();
    return events;
  }

  /** The end of a stream (before the next connection's bytes): drops an unfinished event. */
  reset(): void {
    this.#parser.reset();
  }

  /** The last event ID string. */
  get lastEventId(): string {
    return this.#parser.lastEventId;
  }

  /** The last valid `retry:` value seen, in milliseconds, or undefined. */
  get retry(): number | undefined {
    return this.#parser.retry;
  }
}
