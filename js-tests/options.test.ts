// Wrong options (issue 9, cases 4 and 5): the constructor validates every option in one place and
// throws synchronously, a TypeError for a wrong type and a RangeError for a number out of range,
// each message naming the option and the value, with the package prefix once. Shared by the Node
// and browser projects.
//
// The rules, from the issue and the WHATWG standards:
// - `init` is a dictionary (WebIDL): undefined or null mean no options; another non-object is a
//   TypeError.
// - Numbers are JS numbers, not strings ("100" is a TypeError); NaN and negatives are RangeErrors.
//   Counts and sizes are integers (`maxRetries`, `maxEventBytes`, the `retryStatuses` entries): a
//   fraction is a RangeError. `maxEventBytes` is at least 1. `maxRetries` and `idleTimeout` take
//   Infinity (no limit, off).
// - `lastEventId` is a string that can be sent as `Last-Event-ID` and could be an event stream's
//   ID: no CR or LF (a header value cannot hold them) and no NUL (the standard ignores an `id`
//   containing one). Anything else is a TypeError.
// - `signal` is an AbortSignal, `fetch`, `onOpen` and `onRetry` are functions, `reconnect` and
//   `backoff` are booleans, `method` a string, `retryStatuses` an array.
// - onRetry answers a non-negative number, `false` (stop) or nothing (keep the planned delay);
//   any other answer ends the iteration with a TypeError.
import { describe, expect, it } from "vitest";
import { RustEventSource } from "../pkg/index.js";
import { origin } from "./harness.ts";

const PREFIX = "rust-eventsource: ";

/** `new RustEventSource(url, init)` with any init, closed at once if it was created. */
function construct(init: unknown): () => void {
  return () => {
    new RustEventSource(`${origin}/counter?n=1`, init as never).close();
  };
}

/** A value as a test name shows it: NaN as NaN (JSON would say null), strings quoted. */
function show(value: unknown): string {
  return typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
}

/** What `fn` throws (fails the test if it does not throw). */
// biome-ignore lint/suspicious/noExplicitAny: the tests read fields of whatever was thrown
function thrown(fn: () => void): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** The error is `type`, its message has the prefix exactly once and names the option and value. */
function expectRefusal(error: unknown, type: typeof TypeError | typeof RangeError, option: string, shown?: string) {
  expect(error).toBeInstanceOf(type);
  const message = (error as Error).message;
  expect(message.startsWith(PREFIX), message).toBe(true);
  expect(message.indexOf("rust-eventsource:", 1), message).toBe(-1);
  expect(message).toContain(option);
  if (shown !== undefined) expect(message).toContain(shown);
}

describe("5. every option of the wrong type or out of range throws at construction", () => {
  it(`credentials: ${show("everything")} -> TypeError naming credentials`, () => {
    expectRefusal(thrown(construct({ credentials: "everything" })), TypeError, "credentials", "everything");
  });

  it("every option at a valid value, including the edges (0, Infinity, empty), constructs", () => {
    const valid: Record<string, unknown> = {
      method: "GET",
      headers: [["x-a", "1"]],
      body: undefined,
      credentials: "include",
      lastEventId: "",
      reconnect: true,
      retryDelay: 0,
      backoff: false,
      maxRetryDelay: 0,
      maxRetries: Number.POSITIVE_INFINITY,
      retryStatuses: [],
      idleTimeout: Number.POSITIVE_INFINITY,
      maxEventBytes: 1,
      minRetryDelay: 0,
      signal: new AbortController().signal,
      fetch: (input: string, init: RequestInit) => fetch(input, init),
      onOpen: () => {},
      onRetry: () => undefined,
    };
    expect(construct(valid)).not.toThrow();
    expect(construct({ maxRetries: 0, idleTimeout: 0, retryStatuses: [429, 503], lastEventId: "42" })).not.toThrow();
  });
});
