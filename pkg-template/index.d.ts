/** One Server-Sent Event, as a plain object (nothing to free). */
export interface SseEvent {
  /** The `event` field of the block, or `"message"` when it had none. */
  readonly type: string;
  /** The `data` lines joined with `"\n"`. */
  readonly data: string;
  /** The last event ID when this event was dispatched (it persists across events without `id`). */
  readonly lastEventId: string;
}

/** Options of {@link RustEventSource}. All are optional. */
export interface RustEventSourceInit {
  /** HTTP method. Default `"GET"`. */
  method?: string;
  /** Headers sent with every request. `Accept: text/event-stream` is always set. */
  headers?: HeadersInit;
  /** Request body; not allowed with GET or HEAD. */
  body?: string | Uint8Array | ArrayBuffer | Blob | FormData | URLSearchParams | null;
  /** Fetch credentials mode. Default `"same-origin"`. */
  credentials?: RequestCredentials;
  /** Sent as `Last-Event-ID` on the first request when non-empty. Default `""`. */
  lastEventId?: string;
  /**
   * Reconnect after a network error or the end of the body, as `EventSource` does.
   * Default `true` for GET, `false` for any other method (a POST is never re-sent by surprise).
   */
  reconnect?: boolean;
  /** The initial reconnection delay in milliseconds; a `retry:` field replaces it. Default `3000`. */
  retryDelay?: number;
  /** The most bytes one line or the data of one event may take. Default 8 MiB. */
  maxEventBytes?: number;
  /** Aborting it closes the source, like {@link RustEventSource.close}. */
  signal?: AbortSignal;
  /** A `fetch`-compatible function used instead of the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
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
  constructor(kind: SseErrorKind, message: string, details?: { status?: number; statusText?: string; body?: string; cause?: unknown });
}

/**
 * A Server-Sent Events client over `fetch`: custom headers, any method and body, and
 * `for await (const event of source)`. Connects on construction.
 */
export class RustEventSource implements AsyncIterableIterator<SseEvent>, AsyncDisposable {
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
  batches(): AsyncIterableIterator<SseEvent[], undefined>;
  next(): Promise<IteratorResult<SseEvent, undefined>>;
  return(): Promise<IteratorResult<SseEvent, undefined>>;
  [Symbol.asyncIterator](): this;
  [Symbol.asyncDispose](): Promise<void>;
}
