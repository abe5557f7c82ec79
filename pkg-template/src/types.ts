// The types of what crosses into Rust: the options, the event, the error kinds, the callbacks.
// Interim, written by hand: once the Rust side generates them (tsify, see CONTRACT.md), this file
// re-exports them from ./wasm/rust_eventsource.js instead.
import type { SseError } from "./errors.js";

/** One Server-Sent Event, as a plain object (nothing to free). */
export interface SseEvent {
  /** The `event` field of the block, or `"message"` when it had none. */
  readonly type: string;
  /** The `data` lines joined with `"\n"`. */
  readonly data: string;
  /** The last event ID when this event was dispatched (it persists across events without `id`). */
  readonly lastEventId: string;
}

/** What went wrong: see the README's "Errors" section. */
export type SseErrorKind = "status" | "content-type" | "network" | "event-too-large";

/** `readyState`: 0 CONNECTING, 1 OPEN, 2 CLOSED. */
export type ReadyState = 0 | 1 | 2;

/**
 * Headers as `fetch` takes them: a `Headers`, a record or name/value pairs (readonly arrays
 * too). Spelled out rather than the DOM lib's `HeadersInit`, which a Node-only project (no `"DOM"`
 * in `lib`) lacks.
 */
export type SseHeadersInit = Headers | Readonly<Record<string, string>> | readonly (readonly [string, string])[];

/**
 * {@link RustEventSourceInit.onOpen}: called with each accepted response (status 200,
 * `text/event-stream`) before its body is read. Throwing (or rejecting) refuses it: the iteration
 * ends with that error.
 */
export type OnOpen = (response: Response) => void | Promise<void>;

/**
 * {@link RustEventSourceInit.onRetry}: called before each wait to reconnect. `error` is null after
 * the body ended normally; `attempt` is 1 for the first reconnection after a success, +1 per
 * consecutive failure; `delay` is the planned wait in ms. Return a number to change the delay,
 * `false` to stop (the iteration ends, with `error` if there is one). Throwing ends it with that
 * error.
 */
export type OnRetry = (
  error: SseError | null,
  attempt: number,
  delay: number,
) => number | false | undefined | Promise<number | false | undefined>;

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
  /** Request body (any `BufferSource`, as `fetch` takes); not allowed with GET or HEAD. */
  body?: string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | null | undefined;
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
  retryStatuses?: readonly number[] | undefined;
  /**
   * Milliseconds without a byte (comments count) after which the connection counts as lost:
   * a network error, followed by a reconnection when `reconnect` allows. `0` (default) and
   * `Infinity` are off.
   */
  idleTimeout?: number | undefined;
  /**
   * The least wait in ms before reconnecting after a connection that delivered no event or a
   * failed attempt (default 100); 0 removes the floor.
   */
  minRetryDelay?: number | undefined;
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
  onOpen?: OnOpen | undefined;
  /**
   * Called before each wait to reconnect: `error` is null after the body ended normally;
   * `attempt` is 1 for the first reconnection after a success, +1 per consecutive failure;
   * `delay` is the planned wait in ms. Return a number to change the delay, `false` to stop
   * (the iteration ends, with `error` if there is one). Throwing ends it with that error.
   */
  onRetry?: OnRetry | undefined;
}

/** Options of {@link SseParser.create}. */
export interface SseParserInit {
  /** The most bytes one line or the data of one event may take. Default 8 MiB. */
  maxEventBytes?: number | undefined;
  /** The last event ID to start from. Default `""`. */
  lastEventId?: string | undefined;
}
