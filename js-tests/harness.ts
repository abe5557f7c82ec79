// What the shared cases need around the package: the server's origins, its per-key connection
// records, and small ways to drive a source. Runs unchanged in Node and in the browser.
import { afterEach, expect, inject, vi } from "vitest";
import { RustEventSource, SseError } from "../pkg/index.js";

export const origin = inject("origin");
export const crossOrigin = inject("crossOrigin");
export const deadOrigin = inject("deadOrigin");

/** True in the browser project (Chromium), false under Node. */
export const inBrowser = typeof window !== "undefined" && typeof document !== "undefined";

/** A server-side record of the connections made with one `key=` (see js-tests/server.mjs). */
export interface KeyStats {
  requests: number;
  open: number;
  closed: number;
  closedBeforeEnd: number;
  lastByteAt: number | null;
  headers: Record<string, string> | null;
  attempts: { at: number; path: string; lastEventId: string | null; authorization: string | null }[];
}

let keys = 0;

/** A key no other test uses, to find this test's connection in the server's records. */
export function uniqueKey(name: string): string {
  keys += 1;
  return `${name}-${keys}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The server's record for `key`, or null if no request with that key has reached it. */
export async function serverStats(key: string): Promise<KeyStats | null> {
  const response = await fetch(`${origin}/stats?key=${encodeURIComponent(key)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as KeyStats | null;
}

/** Waits until the server has a response open for `key`. */
export async function waitForServerOpen(key: string): Promise<void> {
  await vi.waitFor(
    async () => {
      const stats = await serverStats(key);
      expect(stats?.open).toBe(1);
    },
    { timeout: 5_000, interval: 20 },
  );
}

/** Asserts that, within `ms` (1 s), the server sees `key`'s response closed before it ended it. */
export async function expectServerClosed(key: string, ms = 1_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const stats = await serverStats(key);
      expect(stats).not.toBeNull();
      expect(stats?.open).toBe(0);
      expect(stats?.closedBeforeEnd).toBe(1);
    },
    { timeout: ms, interval: 20 },
  );
}

/** An event as the package yields it: a plain object of strings. */
export interface SseEvent {
  type: string;
  data: string;
  lastEventId: string;
}

const sources: RustEventSource[] = [];

// A failing test must not leave a connection open for the next one (Chromium allows only six
// per host and port).
afterEach(() => {
  for (const source of sources.splice(0)) source.close();
});

/** `new RustEventSource(url, options)`, closed after the test whatever happens. */
export function connect(url: string, options?: ConstructorParameters<typeof RustEventSource>[1]): RustEventSource {
  const source = new RustEventSource(url, options);
  sources.push(source);
  return source;
}

/** The source's async iterator, for tests that step it by hand. */
export function iterate(source: RustEventSource): AsyncIterator<SseEvent> {
  return (source as unknown as AsyncIterable<SseEvent>)[Symbol.asyncIterator]();
}

/** All events until the iteration ends (or `limit` events, then `break`). */
export async function collect(source: RustEventSource, limit = Number.POSITIVE_INFINITY): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of source as unknown as AsyncIterable<SseEvent>) {
    events.push(event);
    if (events.length >= limit) break;
  }
  return events;
}

/**
 * The reason `promise` rejects with; fails the test if it fulfils instead. For errors that are not
 * the package's own (a caller's callback threw); an `SseError` is {@link expectSseError}'s.
 */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (reason: unknown) => reason,
  );
}

/**
 * Asserts that `promise` rejects with an `SseError` (an `Error` named "SseError") of `kind`, and
 * returns it, typed, for the checks of the fields that kind carries.
 */
export async function expectSseError(promise: Promise<unknown>, kind: SseError["kind"]): Promise<SseError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(SseError);
  expect(error).toBeInstanceOf(Error);
  const sseError = error as SseError;
  expect(sseError.name).toBe("SseError");
  expect(sseError.kind, sseError.message).toBe(kind);
  return sseError;
}

/** Resolves after `ms`: a pause in which something must (not) happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves to `"timeout"` after `ms`, for racing a step that must not take that long. */
export function timeout(ms: number): Promise<"timeout"> {
  return sleep(ms).then(() => "timeout" as const);
}
