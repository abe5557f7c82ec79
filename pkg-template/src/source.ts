// RustEventSource: the async-iterable face of the Rust client (src/bindings.rs). One close path:
// close(), leaving a for-await loop, the signal, Symbol.asyncDispose and garbage collection all
// end in Core.finish().
/// <reference lib="esnext.disposable" preserve="true" />
import { BatchReader } from "./batch-reader.js";
import { type SseError, toSseError } from "./errors.js";
import { loadFailure } from "./load.js";
import type { ReadyState, RustEventSourceInit, SseEvent } from "./types.js";
import { SseClient } from "./wasm/rust_eventsource.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
// Engines without explicit resource management lack the symbol: `await using` needs it anyway.
const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

/**
 * The init object the Rust client is created with: the caller's own, which Rust reads, defaults and
 * checks (src/options.rs), with only `onRetry` wrapped so that its error argument is an SseError.
 */
function clientInit(init: RustEventSourceInit | null | undefined): unknown {
  const onRetry = init?.onRetry;
  if (typeof onRetry !== "function") return init;
  return {
    ...init,
    onRetry: (error: unknown, attempt: number, delay: number) =>
      onRetry((error && toSseError(error)) as SseError | null, attempt, delay),
  };
}

/**
 * Everything a source holds, apart from the object the caller holds. Pending work (the batch
 * being fetched, the signal's listener) references only this, so a source the caller dropped
 * can be garbage-collected, and the registry below then closes its connection.
 */
class Core {
  /** The Rust client, until the stream ends. */
  client: SseClient | undefined;
  /** No more events will come. */
  finished = false;
  /** An error not yet thrown to a caller. */
  error: unknown;
  /** The batch being fetched, shared by concurrent next() calls. */
  inflight: Promise<void> | undefined;
  /** The current batch. */
  batch: BatchReader;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;

  /** The absolute URL requested. */
  url: string;

  constructor(url: string | URL, init: RustEventSourceInit | null | undefined) {
    if (loadFailure) {
      // Not a stream failure: the wasm could not load (a CSP without 'wasm-unsafe-eval', an
      // engine without WebAssembly). The first step rejects with the platform's own error.
      this.url = String(url);
      this.batch = new BatchReader(typeof init?.lastEventId === "string" ? init.lastEventId : "");
      this.error = loadFailure.error;
      this.finish();
      return;
    }
    // Throws a SyntaxError, TypeError or RangeError for a wrong URL or option.
    const client = new SseClient(String(url), clientInit(init));
    this.client = client;
    this.url = client.url;
    this.batch = new BatchReader(client.lastEventId);
    const signal = init?.signal;
    if (signal) {
      if (signal.aborted) {
        this.abort(signal);
        return;
      }
      this.signal = signal;
      this.onAbort = () => this.abort(signal);
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    // Connect at once, as EventSource does: the first batch is fetched before anyone asks.
    this.inflight = this.fetchBatch(client);
  }

  close(): void {
    this.error = undefined;
    this.finish();
  }

  /**
   * The signal aborted: the source closes. A plain `abort()` ends the iteration as `close()` does;
   * a `TimeoutError` reason (`AbortSignal.timeout(ms)`) rejects it with that reason, as `fetch`
   * rejects.
   */
  abort(signal: AbortSignal): void {
    const reason: unknown = signal.reason;
    const timedOut = typeof reason === "object" && reason !== null && (reason as Error).name === "TimeoutError";
    if (timedOut) {
      if (!this.finished) this.error = reason;
      this.finish();
    } else {
      this.close();
    }
  }

  /** The one close path: every way of ending a source comes here. Idempotent. */
  finish(): void {
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
      this.signal.removeEventListener("abort", this.onAbort!);
      this.signal = this.onAbort = undefined;
    }
  }

  /**
   * Fetches the next batch into `batch`; never rejects (a failure is kept in `error`). The step
   * calls back rather than returning a promise, and the wrapper's promise is the only one made
   * per step: each promise layer of a step cost its own work and microtask hops per chunk.
   */
  fetchBatch(client: SseClient): Promise<void> {
    return new Promise<void>((resolve) => {
      client.nextBatch((result: unknown) => {
        try {
          if (result === true) {
            // Events are sliced out as they are asked for, across awaits: keep a copy of the lengths.
            if (!this.finished) this.batch.load(true);
          } else if (result === undefined) {
            // The stream is over.
            this.finish();
          } else {
            this.fail(result);
          }
        } catch (error) {
          this.fail(error);
        } finally {
          // Whatever threw above, the step's waiters are not left pending.
          this.inflight = undefined;
          resolve();
        }
      });
    });
  }

  /** Finishes with `error`, kept to throw to the next caller, unless the source already finished. */
  fail(error: unknown): void {
    if (!this.finished) this.error = toSseError(error);
    this.finish();
  }

  /**
   * What `take` takes out of the batch, waiting for batches while it takes nothing; rejects with
   * the pending error, or is DONE, once finished. One promise per batch waited for.
   */
  next<T>(take: () => T | undefined): Promise<IteratorResult<T, undefined>> {
    const value = take();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.finished) {
      const error = this.error;
      if (!error) return Promise.resolve(DONE);
      this.error = undefined;
      return Promise.reject(error);
    }
    this.inflight ??= this.fetchBatch(this.client!);
    return this.inflight.then(() => {
      const value = take();
      // An object, not a promise, when there is one: returning a promise costs more hops.
      return value !== undefined ? { value, done: false } : this.next(take);
    });
  }
}

// Closes the connection of a source that became unreachable without being closed.
const unreachable = new FinalizationRegistry<Core>((core) => core.close());

/**
 * A Server-Sent Events client over `fetch`: custom headers, any method and body, and
 * `for await (const event of source)`. Connects on construction.
 */
export class RustEventSource
  implements AsyncIterable<SseEvent>, AsyncIterator<SseEvent, undefined, undefined>, AsyncDisposable
{
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;

  #core: Core;
  /** The batch's next event (made once: `next()` passes it on every call). */
  #take: () => SseEvent | undefined;

  /**
   * Connects at once. `init` may be omitted, `undefined` or `null`.
   * @throws {SyntaxError} when `url` is not a valid URL.
   * @throws {TypeError} for an option of the wrong type (each message names the option and the
   * value), a body with GET or HEAD, or a `lastEventId` with CR, LF or NUL.
   * @throws {RangeError} for a number out of range: negative or NaN, a non-integer
   * `maxRetries`, `maxEventBytes` below 1, a status outside 100-599.
   */
  constructor(url: string | URL, init?: RustEventSourceInit | null) {
    const core = new Core(url, init);
    this.#core = core;
    this.#take = () => core.batch.take();
    if (!core.finished) unreachable.register(this, core, core);
  }

  /** 0 CONNECTING (also while waiting to reconnect), 1 OPEN, 2 CLOSED. */
  get readyState(): ReadyState {
    const core = this.#core;
    if (core.finished) return RustEventSource.CLOSED;
    return core.client ? (core.client.readyState as ReadyState) : RustEventSource.CONNECTING;
  }

  /** The absolute URL requested. */
  get url(): string {
    return this.#core.url;
  }

  /** The last event ID: of the last event yielded, or of the stream once every parsed event was yielded. */
  get lastEventId(): string {
    const core = this.#core;
    if (core.batch.pending || !core.client) return core.batch.eventId;
    return core.client.lastEventId;
  }

  /** Aborts the request; pending and later steps finish with `done: true`. Idempotent. */
  close(): void {
    unreachable.unregister(this.#core);
    this.#core.close();
  }

  /** The async iterator protocol: the source is its own iterator. */
  next(): Promise<IteratorResult<SseEvent, undefined>> {
    const core = this.#core;
    const event = core.batch.take();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    return core.next(this.#take);
  }

  /** Called when a for-await loop is left early: closes the source. */
  async return(): Promise<IteratorResult<SseEvent, undefined>> {
    this.close();
    return DONE;
  }

  /**
   * The same stream, one step per chunk (per 64 KiB of a larger one): each step yields every
   * event parsed out of what arrived, as an array. Shares the source's state with the per-event
   * iterator; leaving the loop closes the source.
   */
  batches(): AsyncIterable<SseEvent[]> & AsyncIterator<SseEvent[], undefined, undefined> {
    const source = this;
    const core = this.#core;
    const take = (): SseEvent[] | undefined => {
      const events = core.batch.takeAll();
      return events.length > 0 ? events : undefined;
    };
    return {
      next: () => core.next(take),
      async return() {
        source.close();
        return DONE;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using source = new RustEventSource(...)`: closes the source. */
  async [asyncDispose](): Promise<void> {
    this.close();
  }
}
