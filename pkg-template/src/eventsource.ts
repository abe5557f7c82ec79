// EventSource: the WHATWG listener interface on the same client as RustEventSource. It consumes a
// RustEventSource (its iterator for the events, its onOpen and onRetry hooks for `open` and the
// reconnection `error`s), so parsing, reconnection and every limit are the engine's.
// https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface
import { RustEventSource } from "./source.js";
import type { ReadyState, RustEventSourceInit } from "./types.js";

/** Options of {@link EventSource}: the standard `withCredentials`, plus the package's options. */
export interface EventSourceInit
  extends Pick<
    RustEventSourceInit,
    | "headers"
    | "method"
    | "body"
    | "fetch"
    | "lastEventId"
    | "retryDelay"
    | "backoff"
    | "maxRetryDelay"
    | "minRetryDelay"
    | "maxRetries"
    | "retryStatuses"
    | "idleTimeout"
    | "maxEventBytes"
    | "signal"
  > {
  /** Send cookies and HTTP authentication cross-origin (fetch credentials `"include"`). Default `false`. */
  withCredentials?: boolean | undefined;
}

/**
 * The `error` event of an {@link EventSource}: before each reconnection (`readyState`
 * CONNECTING), and once when it fails for good (`readyState` CLOSED).
 */
export interface EventSourceErrorEvent extends Event {
  /**
   * What went wrong: an `SseError` (with `kind`, and for a status its `status` and `body`), the
   * error thrown by a `headers` function, or undefined when the stream ended without an error
   * (the server ended a body, or answered 204).
   */
  readonly error: unknown;
}

/** The events of an {@link EventSource} by type; any other type is a named event (a MessageEvent). */
export interface EventSourceEventMap {
  open: Event;
  message: MessageEvent;
  error: EventSourceErrorEvent;
}

type Handler<E> = ((this: EventSource, event: E) => unknown) | null;
type Listener<E> = ((this: EventSource, event: E) => unknown) | { handleEvent(event: E): unknown };
// Spelled out: a Node-only project (no "DOM" in `lib`) has no global AddEventListenerOptions.
type ListenerOptions =
  | boolean
  | {
      capture?: boolean;
      once?: boolean;
      passive?: boolean;
      signal?: AbortSignal;
    };

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/**
 * A drop-in for the standard `EventSource` (same events, attributes and order), with the package's
 * options: headers, method, body, backoff, limits. The `error` event carries what went wrong as
 * `event.error`.
 */
export class EventSource extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSED = CLOSED;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSED: 2;

  #source: RustEventSource;
  #readyState: ReadyState = CONNECTING;
  #withCredentials: boolean;
  #origin: string;
  #signal: AbortSignal | undefined;
  #handlers = new Map<string, { handler: unknown; listener: (event: Event) => void }>();

  /**
   * Connects at once.
   * @throws {SyntaxError} when `url` is not a valid URL.
   * @throws {TypeError} for an invalid option (as {@link RustEventSource} does).
   */
  constructor(url: string | URL, init?: EventSourceInit | null) {
    super();
    const { withCredentials, ...options } = init ?? {};
    this.#withCredentials = Boolean(withCredentials);
    this.#signal = options.signal;
    this.#source = new RustEventSource(url, {
      ...options,
      credentials: this.#withCredentials ? "include" : "same-origin",
      // Dispatched from a microtask that the engine awaits: outside the engine's call, before it
      // reads the body or waits.
      onOpen: (response) => Promise.resolve().then(() => this.#announce(response)),
      onRetry: (error) =>
        Promise.resolve().then(() => {
          this.#reconnecting(error);
          return undefined; // the engine's delay
        }),
    });
    this.#origin = new URL(this.#source.url).origin;
    void this.#run();
  }

  /** 0 CONNECTING (also while waiting to reconnect), 1 OPEN, 2 CLOSED. */
  get readyState(): ReadyState {
    return this.#readyState;
  }

  /** The absolute URL requested. */
  get url(): string {
    return this.#source.url;
  }

  /** Whether cookies and HTTP authentication are sent cross-origin. */
  get withCredentials(): boolean {
    return this.#withCredentials;
  }

  /** Called with the `open` event. */
  get onopen(): Handler<Event> {
    return this.#handler("open") as Handler<Event>;
  }
  set onopen(handler: Handler<Event>) {
    this.#setHandler("open", handler);
  }

  /** Called with each event of type `message` (not with named events: use addEventListener). */
  get onmessage(): Handler<MessageEvent> {
    return this.#handler("message") as Handler<MessageEvent>;
  }
  set onmessage(handler: Handler<MessageEvent>) {
    this.#setHandler("message", handler);
  }

  /** Called with each `error` event. */
  get onerror(): Handler<EventSourceErrorEvent> {
    return this.#handler("error") as Handler<EventSourceErrorEvent>;
  }
  set onerror(handler: Handler<EventSourceErrorEvent>) {
    this.#setHandler("error", handler);
  }

  /** Aborts the connection; no event is dispatched after this. Idempotent. */
  close(): void {
    this.#readyState = CLOSED;
    this.#source.close();
  }

  override addEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: Listener<EventSourceEventMap[K]> | null,
    options?: ListenerOptions,
  ): void;
  override addEventListener(type: string, listener: Listener<MessageEvent> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: Listener<Event> | null, options?: ListenerOptions): void;
  override addEventListener(type: string, listener: unknown, options?: ListenerOptions): void {
    super.addEventListener(type, listener as EventListener | null, options);
  }

  override removeEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: Listener<EventSourceEventMap[K]> | null,
    options?: ListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: Listener<MessageEvent> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: Listener<Event> | null, options?: ListenerOptions): void;
  override removeEventListener(type: string, listener: unknown, options?: ListenerOptions): void {
    super.removeEventListener(type, listener as EventListener | null, options);
  }

  /** The engine accepted a response: OPEN, then `open` ("announce the connection"). */
  #announce(response: Response): void {
    if (this.#readyState === CLOSED) return;
    // Events come from the origin of the final URL, after redirects.
    if (response.url) this.#origin = new URL(response.url).origin;
    this.#readyState = OPEN;
    this.dispatchEvent(new Event("open"));
  }

  /** The engine is about to wait and reconnect: CONNECTING, then `error`. */
  #reconnecting(error: unknown): void {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CONNECTING;
    this.#dispatchError(error ?? undefined);
  }

  #dispatchError(error: unknown): void {
    const event = new Event("error");
    Object.defineProperty(event, "error", { value: error, enumerable: true });
    this.dispatchEvent(event);
  }

  /** Dispatches the events; when the engine ends (not by close()), CLOSED and a last `error`. */
  async #run(): Promise<void> {
    let error: unknown;
    try {
      for await (const event of this.#source) {
        if (this.#readyState === CLOSED) return;
        this.dispatchEvent(
          new MessageEvent(event.type, { data: event.data, lastEventId: event.lastEventId, origin: this.#origin }),
        );
      }
    } catch (caught) {
      error = caught;
    }
    // A close() or an aborted signal ends the source without an event, as close() does.
    if (this.#readyState === CLOSED || (this.#signal?.aborted && error === undefined)) {
      this.#readyState = CLOSED;
      return;
    }
    this.#readyState = CLOSED;
    this.#dispatchError(error);
  }

  #handler(type: string): unknown {
    return this.#handlers.get(type)?.handler ?? null;
  }

  /**
   * An event handler attribute: its listener is added when first set, keeps its place among the
   * listeners while it is replaced, and is removed when set to null (as in the HTML standard).
   */
  #setHandler(type: string, handler: unknown): void {
    const current = this.#handlers.get(type);
    if (typeof handler !== "function" && (typeof handler !== "object" || handler === null)) {
      if (current) {
        super.removeEventListener(type, current.listener);
        this.#handlers.delete(type);
      }
      return;
    }
    if (current) {
      current.handler = handler;
      return;
    }
    const entry = {
      handler,
      listener: (event: Event) => {
        const called = entry.handler;
        if (typeof called === "function") called.call(this, event);
      },
    };
    this.#handlers.set(type, entry);
    super.addEventListener(type, entry.listener);
  }
}

// The constants on instances too, as the standard's interface has them (on the prototype).
for (const [name, value] of [
  ["CONNECTING", CONNECTING],
  ["OPEN", OPEN],
  ["CLOSED", CLOSED],
] as const) {
  Object.defineProperty(EventSource.prototype, name, { value, enumerable: true });
}
