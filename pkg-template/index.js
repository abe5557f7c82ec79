// rust-eventsource: the JS surface. The Rust side (wasm/) connects, reads and parses; this file
// loads it, turns its batches into event objects and its failures into SseErrors, and provides
// the async iterator. One close path: close(), leaving a for-await loop, the signal,
// Symbol.asyncDispose and garbage collection all end in Core.finish().
import initWasm, { SseClient, SseParser as WasmParser } from "./wasm/rust_eventsource.js";
import { wasmGzipBase64 } from "./wasm/bytes.js";

let loading;
let wasmExports;
/** Instantiates the inlined wasm once, on first use, in any environment. */
function loadWasm() {
  loading ??= inflate(wasmGzipBase64)
    .then((bytes) => initWasm({ module_or_path: bytes }))
    .then((exports) => void (wasmExports = exports));
  return loading;
}

/**
 * The size of the package's wasm memory in bytes (0 before the first source or parser loaded
 * it): one memory serves every source, and it grows but never shrinks, so a steady value across
 * many sources shows that nothing accumulates.
 */
export function wasmMemoryBytes() {
  return wasmExports ? wasmExports.memory.buffer.byteLength : 0;
}

/** The bytes of a base64 string of gzip data, inflated with the platform's DecompressionStream. */
async function inflate(base64) {
  const binary = atob(base64);
  const packed = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) packed[i] = binary.charCodeAt(i);
  const stream = new Blob([packed]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const ID_UNCHANGED = 0xffffffff;
const DONE = Object.freeze({ value: undefined, done: true });
const asyncDispose = Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose");

/** The error every failure of a source rejects with; `kind` says which. */
export class SseError extends Error {
  constructor(kind, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "SseError";
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.statusText !== undefined) this.statusText = details.statusText;
    if (details.body !== undefined) this.body = details.body;
  }
}

/** What a failed step rejects with: an SseError, or the caller's own error from a callback. */
function toSseError(error) {
  if (error instanceof SseError) return error;
  if (error?.kind === "callback") return error.cause;
  if (error && typeof error === "object" && typeof error.kind === "string") {
    return new SseError(error.kind, error.message, error);
  }
  return new SseError("network", String(error?.message ?? error), { cause: error });
}

function resolveUrl(url) {
  const base = globalThis.location?.href;
  try {
    return base === undefined ? new URL(url).href : new URL(url, base).href;
  } catch {
    throw new SyntaxError(`rust-eventsource: invalid URL ${JSON.stringify(String(url))}`);
  }
}

/**
 * Slices event objects out of a batch (`[text, lens]`, see src/batch.rs) one at a time, so an
 * event costs two or three string slices and one object, and no trip into wasm.
 */
class BatchReader {
  text = "";
  lens = new Uint32Array(0);
  at = 0; // index into lens of the next event
  pos = 0; // offset into text of the next event
  eventId; // lastEventId of the last event sliced out

  constructor(eventId) {
    this.eventId = eventId;
  }

  /**
   * Takes a batch `[text, lensPtr, lensCount]`: the lengths are read from wasm memory, which
   * must happen before the next call into wasm. `keep` copies them, for a batch read later.
   */
  load(batch, keep) {
    const view = new Uint32Array(wasmExports.memory.buffer, batch[1], batch[2]);
    this.text = batch[0];
    this.lens = keep ? view.slice() : view;
    this.at = 0;
    this.pos = 0;
  }

  clear() {
    this.text = "";
    this.lens = new Uint32Array(0);
    this.at = 0;
  }

  get pending() {
    return this.at < this.lens.length;
  }

  /** The next event, or undefined. */
  take() {
    const lens = this.lens;
    const at = this.at;
    if (at >= lens.length) return undefined;
    const text = this.text;
    let pos = this.pos;
    const typeLen = lens[at];
    const type = typeLen === 0 ? "message" : text.slice(pos, (pos += typeLen));
    const data = text.slice(pos, (pos += lens[at + 1]));
    const idLen = lens[at + 2];
    if (idLen !== ID_UNCHANGED) this.eventId = text.slice(pos, (pos += idLen));
    this.pos = pos;
    this.at = at + 3;
    return { type, data, lastEventId: this.eventId };
  }

  /** Every event left, as an array. */
  takeAll() {
    const events = [];
    for (let event = this.take(); event !== undefined; event = this.take()) events.push(event);
    return events;
  }
}

/**
 * Everything a source holds, apart from the object the caller holds. Pending work (the batch
 * being fetched, the signal's listener) references only this, so a source the caller dropped
 * can be garbage-collected, and the registry below then closes its connection.
 */
class Core {
  client; // SseClient once the wasm is loaded, until the stream ends
  finished = false; // no more events will come
  error; // an SseError not yet thrown to a caller
  inflight; // the batch being fetched, shared by concurrent next() calls
  batch; // BatchReader of the current batch
  signal;
  onAbort;

  constructor(url, options, signal) {
    this.batch = new BatchReader(options.lastEventId);
    if (signal) {
      if (signal.aborted) {
        this.finish();
        return;
      }
      this.signal = signal;
      this.onAbort = () => this.close();
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    // Connect at once, as EventSource does: the first batch is fetched before anyone asks.
    this.inflight = this.fetchBatch(url, options);
  }

  close() {
    this.error = undefined;
    this.finish();
  }

  /** The one close path: every way of ending a source comes here. Idempotent. */
  finish() {
    if (this.finished) return;
    this.finished = true;
    this.batch.clear();
    const client = this.client;
    if (client) {
      this.batch.eventId = client.lastEventId;
      this.client = undefined;
      client.close();
      // Free after the pending step (if any) has settled: it still holds the Rust state.
      if (this.inflight) this.inflight.then(() => client.free());
      else client.free();
    }
    if (this.signal) {
      this.signal.removeEventListener("abort", this.onAbort);
      this.signal = this.onAbort = undefined;
    }
  }

  async fetchBatch(url, options) {
    try {
      if (options) {
        try {
          await loadWasm();
        } catch (error) {
          // Not a stream failure: the wasm could not load (a CSP without 'wasm-unsafe-eval', an
          // engine without WebAssembly). The caller gets the platform's own error.
          if (!this.finished) this.error = error;
          this.finish();
          return;
        }
        if (this.finished) return;
        this.client = new SseClient(url, options);
      }
      const client = this.client;
      if (!client) return;
      const batch = await client.nextBatch();
      if (batch === undefined) {
        this.finish();
      } else if (!this.finished) {
        // Events are sliced out as they are asked for, across awaits: keep a copy of the lengths.
        this.batch.load(batch, true);
      }
    } catch (error) {
      if (!this.finished) this.error = toSseError(error);
      this.finish();
    } finally {
      this.inflight = undefined;
    }
  }

  async nextSlow() {
    for (;;) {
      const event = this.batch.take();
      if (event !== undefined) return { value: event, done: false };
      if ((await this.refill()) === DONE) return DONE;
    }
  }

  /** Waits for the next batch; throws the pending error, or returns DONE, once finished. */
  async refill() {
    if (this.finished) {
      const error = this.error;
      if (error) {
        this.error = undefined;
        throw error;
      }
      return DONE;
    }
    this.inflight ??= this.fetchBatch();
    await this.inflight;
  }
}

// Closes the connection of a source that became unreachable without being closed.
const unreachable = new FinalizationRegistry((core) => core.close());

/** A Server-Sent Events source over fetch, consumed with `for await`. */
export class RustEventSource {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;

  #url;
  #core;

  constructor(url, init = {}) {
    this.#url = resolveUrl(url);
    const method = (init.method ?? "GET").toUpperCase();
    if (init.body != null && (method === "GET" || method === "HEAD")) {
      throw new TypeError(`rust-eventsource: a ${method} request cannot have a body`);
    }
    const credentials = init.credentials ?? "same-origin";
    if (credentials !== "omit" && credentials !== "same-origin" && credentials !== "include") {
      throw new TypeError(`rust-eventsource: invalid credentials mode ${JSON.stringify(credentials)}`);
    }
    const given = init.headers;
    const onRetry = init.onRetry;
    const options = {
      method,
      // A function is called before every attempt (a token refreshed between reconnections).
      headers: typeof given === "function" ? async () => new Headers(await given()) : new Headers(given),
      body: init.body ?? undefined,
      credentials,
      lastEventId: init.lastEventId ?? "",
      reconnect: init.reconnect ?? method === "GET",
      retryDelay: init.retryDelay ?? 3000,
      backoff: init.backoff ?? false,
      maxRetryDelay: init.maxRetryDelay ?? 30000,
      maxRetries: init.maxRetries ?? Infinity,
      retryStatuses: init.retryStatuses ?? [],
      idleTimeout: init.idleTimeout ?? 0,
      maxEventBytes: init.maxEventBytes ?? 8 * 1024 * 1024,
      fetch: init.fetch,
      onOpen: init.onOpen,
      onRetry: onRetry && ((error, attempt, delay) => onRetry(error && toSseError(error), attempt, delay)),
    };
    const core = new Core(this.#url, options, init.signal);
    this.#core = core;
    if (!core.finished) unreachable.register(this, core, core);
  }

  /** 0 CONNECTING, 1 OPEN, 2 CLOSED. */
  get readyState() {
    const core = this.#core;
    if (core.finished) return RustEventSource.CLOSED;
    return core.client ? core.client.readyState : RustEventSource.CONNECTING;
  }

  /** The absolute URL requested. */
  get url() {
    return this.#url;
  }

  /** The last event ID: of the last event yielded, or of the stream once every parsed event was yielded. */
  get lastEventId() {
    const core = this.#core;
    if (core.batch.pending || !core.client) return core.batch.eventId;
    return core.client.lastEventId;
  }

  /** Aborts the request; pending and later steps finish with `done: true`. Idempotent. */
  close() {
    unreachable.unregister(this.#core);
    this.#core.close();
  }

  /** The async iterator protocol: the source is its own iterator. */
  next() {
    const core = this.#core;
    const event = core.batch.take();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    return core.nextSlow();
  }

  /** Called when a for-await loop is left early: closes the source. */
  async return() {
    this.close();
    return DONE;
  }

  /**
   * The same stream, one step per chunk: each step yields every event parsed out of what
   * arrived, as an array. Shares the source's state with the per-event iterator; leaving the
   * loop closes the source.
   */
  batches() {
    const source = this;
    const core = this.#core;
    return {
      async next() {
        for (;;) {
          const events = core.batch.takeAll();
          if (events.length > 0) return { value: events, done: false };
          if ((await core.refill()) === DONE) return DONE;
        }
      },
      async return() {
        source.close();
        return DONE;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async [asyncDispose]() {
    this.close();
  }
}

/**
 * The parser alone, for bytes from elsewhere (a WebSocket, a file, your own fetch loop):
 * `feed` a chunk, get the events it completed. Create it with `await SseParser.create()`.
 */
export class SseParser {
  #parser;
  #batch;

  constructor(token, parser, lastEventId) {
    if (token !== CREATE) throw new TypeError("rust-eventsource: use `await SseParser.create()`");
    this.#parser = parser;
    this.#batch = new BatchReader(lastEventId);
  }

  /** Loads the wasm (once) and makes a parser. */
  static async create(options = {}) {
    await loadWasm();
    const lastEventId = options.lastEventId ?? "";
    const parser = new WasmParser(options.maxEventBytes ?? 8 * 1024 * 1024, lastEventId);
    return new SseParser(CREATE, parser, lastEventId);
  }

  /** Parses one chunk of the stream; returns the events it completed, in order. */
  feed(chunk) {
    let batch;
    try {
      batch = this.#parser.feed(chunk);
    } catch (error) {
      throw toSseError(error);
    }
    if (batch === undefined) return [];
    // Every event is sliced out now, before any other call into wasm: no copy needed.
    this.#batch.load(batch, false);
    const events = this.#batch.takeAll();
    this.#batch.clear();
    return events;
  }

  /** The end of a stream (before the next connection's bytes): drops an unfinished event. */
  reset() {
    this.#parser.reset();
  }

  /** The last event ID string. */
  get lastEventId() {
    return this.#parser.lastEventId;
  }

  /** The last valid `retry:` value seen, in milliseconds, or undefined. */
  get retry() {
    return this.#parser.retry;
  }
}

const CREATE = Symbol("SseParser.create");
