// `AsyncDisposable` and `Symbol.asyncDispose` (await using) come from this lib; without the
// reference, a project whose `lib` lacks it fails to type-check this file.
/// <reference lib="esnext.disposable" />
/** One Server-Sent Event, as a plain object (nothing to free). */
export interface SseEvent {
  /** The `event` field of the block, or `"message"` when it had none. */
  readonly type: string;
  /** The `data` lines joined with `"\n"`. */
  readonly data: string;
  /** The last event ID when this event was dispatched (it persists across events without `id`). */
  readonly lastEventId: string;
}

/**
 * Headers as `fetch` takes them: a `Headers`, a record or name/value pairs. Spelled out rather
 * than the DOM lib's `HeadersInit`, which a Node-only project (no `"DOM"` in `lib`) lacks.
 */
export type SseHeadersInit = Headers | Record<string, string> | [string, string][];

/** Options of {@link RustEventSource}. All are optional. */
export interface RustEventSourceInit {
  /** HTTP method. Default `"GET"`. */
  method?: string | undefined;
  /**
   * Headers sent with every request, or a function (sync or async) called before every attempt
   * that returns them, so a token can be refreshed between reconnections.
   * `Accept: text/event-stream` is always set, and `Last-Event-ID` when there is one.
   */
  headers?: SseHeadersInit | (() => SseHeadersInit | Promise<SseHeadersInit>) | undefined;
  /** Request body; not allowed with GET or HEAD. */
  body?: string | Uint8Array | ArrayBuffer | Blob | FormData | URLSearchParams | null | undefined;
  /** Fetch credentials mode. Default `"same-origin"`. */
  credentials?: "omit" | "same-origin" | "include" | undefined;
  /** Sent as `Last-Event-ID` on the first request when non-empty. Default `""`. */
  lastEventId?: string | undefined;
  /**
   * Reconnect after a network error or the end of the body, as `EventSource` does.
   * Default `true` for GET, `false` for any other method (a POST is never re-sent by surprise).
   */
  reconnect?: boolean | undefined;
  /** The initial reconnection delay in milliseconds; a `retry:` field replaces it. Default `3000`. */
  retryDelay?: number | undefined;
  /**
   * Double the delay after each consecutive failed attempt (with jitter: half fixed, half random),
   * up to `maxRetryDelay`; back to `retryDelay` once a response is accepted. Default `false`.
   */
  backoff?: boolean | undefined;
  /** The cap of the backoff, in milliseconds. Default `30000`. A larger `retry:` is still honoured. */
  maxRetryDelay?: number | undefined;
  /**
   * How many consecutive failed attempts are retried; the next failure ends the iteration with
   * its error. Default `Infinity`.
   */
  maxRetries?: number | undefined;
  /**
   * Statuses answered by retrying instead of failing (e.g. `[429, 503]`), honouring
   * `Retry-After` (seconds or an HTTP date). They count as failed attempts. Default `[]`.
   */
  retryStatuses?: number[] | undefined;
  /**
   * Milliseconds without a byte (comments count) after which the connection counts as lost:
   * a network error, followed by a reconnection when `reconnect` allows. `0` (default) and
   * `Infinity` are off.
   */
  idleTimeout?: number | undefined;
  /** The most bytes one line or the data of one event may take. Default 8 MiB. */
  maxEventBytes?: number | undefined;
  /** Aborting it closes the source, like {@link RustEventSource.close}. */
  signal?: AbortSignal | undefined;
  /** A `fetch`-compatible function used instead of the global `fetch`. */
  fetch?: ((input: string, init: RequestInit) => Promise<Response>) | undefined;
  /**
   * Called with each accepted response (status 200, `text/event-stream`) before its body is read.
   * Throwing (or rejecting) refuses it: the iteration ends with that error.
   */
  onOpen?: ((response: Response) => void | Promise<void>) | undefined;
  /**
   * Called before each wait to reconnect: `error` is null after the body ended normally;
   * `attempt` is 1 for the first reconnection after a success, +1 per consecutive failure;
   * `delay` is the planned wait in ms. Return a number to change the delay, `false` to stop
   * (the iteration ends, with `error` if there is one). Throwing ends it with that error.
   */
  onRetry?:
    | ((
        error: SseError | null,
        attempt: number,
        delay: number,
      ) => number | false | undefined | Promise<number | false | undefined>)
    | undefined;
}

/** What went wrong: see the README's "Errors" section. */
export type SseErrorKind = "status" | "content-type" | "network" | "event-too-large";

/** The error a failed source rejects its pending step with. */
export class SseError extends Error {
  readonly name: "SseError";
  readonly kind: SseErrorKind;
  /** For kind `"status"`: the response status. */
  readonly status?: number;
  /** For kind `"status"`: the response status text. */
  readonly statusText?: string;
  /** For kind `"status"`: the first 64 KiB of the response body. */
  readonly body?: string;
  constructor(
    kind: SseErrorKind,
    message: string,
    details?: { status?: number; statusText?: string; body?: string; cause?: unknown },
  );
}

/**
 * A Server-Sent Events client over `fetch`: custom headers, any method and body, and
 * `for await (const event of source)`. Connects on construction.
 */
export class RustEventSource
  implements AsyncIterable<SseEvent>, AsyncIterator<SseEvent, undefined, undefined>, AsyncDisposable
{
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  /** @throws {SyntaxError} when `url` is not a valid URL. */
  constructor(url: string | URL, init?: RustEventSourceInit);
  /** 0 CONNECTING, 1 OPEN, 2 CLOSED. */
  readonly readyState: 0 | 1 | 2;
  /** The absolute URL requested. */
  readonly url: string;
  /** The last event ID of the stream as far as it has been consumed. */
  readonly lastEventId: string;
  /** Aborts the request; pending and later steps finish with `done: true`. Idempotent. */
  close(): void;
  /**
   * The same stream, one step per chunk: each step yields every event parsed out of what
   * arrived. Shares state with the per-event iterator; leaving the loop closes the source.
   */
  batches(): AsyncIterable<SseEvent[]> & AsyncIterator<SseEvent[], undefined, undefined>;
  next(): Promise<IteratorResult<SseEvent, undefined>>;
  return(): Promise<IteratorResult<SseEvent, undefined>>;
  [Symbol.asyncIterator](): this;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link SseParser.create}. */
export interface SseParserInit {
  /** The most bytes one line or the data of one event may take. Default 8 MiB. */
  maxEventBytes?: number | undefined;
  /** The last event ID to start from. Default `""`. */
  lastEventId?: string | undefined;
}

/**
 * The parser alone, for bytes from elsewhere (a WebSocket, a file, your own fetch loop).
 * Nothing to free: it is reclaimed with the object.
 */
export class SseParser {
  private constructor();
  /** Loads the wasm (once) and makes a parser. */
  static create(init?: SseParserInit): Promise<SseParser>;
  /**
   * Parses one chunk of the stream; returns the events it completed, in order.
   * @throws {SseError} kind `"event-too-large"`; the parser then throws until {@link SseParser.reset}.
   */
  feed(chunk: Uint8Array): SseEvent[];
  /** The end of a stream (before the next connection's bytes): drops an unfinished event. */
  reset(): void;
  /** The last event ID string. */
  readonly lastEventId: string;
  /** The last valid `retry:` value seen, in milliseconds, or undefined. */
  readonly retry: number | undefined;
}

/**
 * The size of the package's wasm memory in bytes (0 before the first source or parser loaded
 * it). One memory serves every source; it grows but never shrinks, so a steady value across many
 * sources shows that nothing accumulates.
 */
export function wasmMemoryBytes(): number;
