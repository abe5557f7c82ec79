// Wrong options (issue 9, cases 4 and 5): the constructor validates every option in one place and
// throws synchronously, a TypeError for a wrong type and a RangeError for a number out of range,
// each message naming the option and the value, with the package prefix once. Shared by the Node
// and browser projects.
//
// The rules (the issue, the WHATWG standards, and /work/coord/CONTRACT.md's "Validation rules"):
// - `init` is a dictionary (WebIDL): undefined or null mean no options; another non-object is a
//   TypeError. An option left undefined takes its default.
// - Numbers are JS numbers, not strings ("100" is a TypeError); NaN and negatives are RangeErrors.
//   Delays (`retryDelay`, `maxRetryDelay`, `minRetryDelay`, `idleTimeout`) take fractions (cut to
//   whole ms) and Infinity. Counts and sizes are integers (`maxRetries`, `maxEventBytes`, the
//   `retryStatuses` entries): a fraction is a RangeError; `maxRetries` and `maxEventBytes` take
//   Infinity; `maxEventBytes` is at least 1; a status is 100 to 599.
// - `lastEventId` is a string that can be sent as `Last-Event-ID` and could be an event stream's
//   ID: no CR or LF (a header value cannot hold them) and no NUL (the standard ignores an `id`
//   containing one). Anything else is a TypeError.
// - `signal` is an AbortSignal, `fetch`, `onOpen` and `onRetry` are functions, `reconnect` and
//   `backoff` are booleans, `method` a string, `retryStatuses` an array, `headers` what
//   `new Headers` takes (or a function), `body` what fetch takes (string, Blob, BufferSource,
//   FormData, URLSearchParams, ReadableStream) or null.
// - A message shows a string value JSON-quoted, a number as String() does, objects as "an object".
// - onRetry answers a non-negative number, `false` (stop) or nothing (keep the planned delay);
//   any other answer (-1, NaN, "1000", true, null, an object) ends the iteration with a TypeError.
import { describe, expect, it } from "vitest";
import { RustEventSource, SseParser } from "../pkg/index.js";
import { collect, connect, origin, rejection, serverStats, uniqueKey } from "./harness.ts";

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

// [option, value, how the message shows the value (when there is one obvious way)]
const WRONG_TYPES: [string, unknown, string?][] = [
  ["method", 42, "42"],
  ["headers", 42, "42"],
  ["headers", [["bad name", "x"]]],
  ["lastEventId", 42, "42"],
  ["reconnect", "yes", "yes"],
  ["retryDelay", "100", "100"],
  ["backoff", 1, "1"],
  ["maxRetryDelay", "1000", "1000"],
  ["maxRetries", "3", "3"],
  ["retryStatuses", "abc", "abc"],
  ["retryStatuses", ["429"]],
  ["idleTimeout", "500", "500"],
  ["maxEventBytes", "1024", "1024"],
  ["minRetryDelay", "100", "100"],
  ["signal", {}, "an object"],
  ["fetch", 42, "42"],
  ["onOpen", 42, "42"],
  ["onRetry", "later", "later"],
  ["credentials", "everything", '"everything"'],
];

const OUT_OF_RANGE: [string, unknown, string][] = [
  ["retryDelay", -5, "-5"],
  ["retryDelay", Number.NaN, "NaN"],
  ["maxRetryDelay", -1, "-1"],
  ["maxRetries", -1, "-1"],
  ["maxRetries", 1.5, "1.5"],
  ["maxRetries", Number.NaN, "NaN"],
  ["retryStatuses", [429.5], "429.5"],
  ["retryStatuses", [-1], "-1"],
  ["retryStatuses", [99], "99"],
  ["retryStatuses", [600], "600"],
  ["idleTimeout", -1, "-1"],
  ["idleTimeout", Number.NaN, "NaN"],
  ["minRetryDelay", -1, "-1"],
  ["minRetryDelay", Number.NaN, "NaN"],
];

describe("4. maxEventBytes must be a whole number of at least 1", () => {
  for (const value of [0, -1, Number.NaN, 1.5]) {
    it(`maxEventBytes: ${value} -> RangeError naming maxEventBytes and ${value}`, () => {
      expectRefusal(thrown(construct({ maxEventBytes: value })), RangeError, "maxEventBytes", String(value));
    });
  }

  it("SseParser.create: maxEventBytes 0 or NaN -> RangeError; a string -> TypeError", async () => {
    expectRefusal(await rejection(SseParser.create({ maxEventBytes: 0 })), RangeError, "maxEventBytes", "0");
    expectRefusal(await rejection(SseParser.create({ maxEventBytes: Number.NaN })), RangeError, "maxEventBytes", "NaN");
    const text = { maxEventBytes: "1024" } as never;
    expectRefusal(await rejection(SseParser.create(text)), TypeError, "maxEventBytes", "1024");
  });
});

describe("5. every option of the wrong type or out of range throws at construction", () => {
  for (const [option, value, shown] of WRONG_TYPES) {
    it(`${option}: ${show(value)} -> TypeError naming ${option}`, () => {
      // A string is shown JSON-quoted ("100"), so it reads apart from a number.
      const quoted = typeof value === "string" ? JSON.stringify(value) : shown;
      expectRefusal(thrown(construct({ [option]: value })), TypeError, option, quoted);
    });
  }

  for (const [option, value, shown] of OUT_OF_RANGE) {
    it(`${option}: ${show(value)} -> RangeError naming ${option}`, () => {
      expectRefusal(thrown(construct({ [option]: value })), RangeError, option, shown);
    });
  }

  for (const value of [42, {}]) {
    it(`body: ${show(value)} on a POST -> TypeError naming body`, () => {
      const shown = typeof value === "number" ? "42" : "an object";
      expectRefusal(thrown(construct({ method: "POST", body: value })), TypeError, "body", shown);
    });
  }

  for (const value of ["a\nb", "a\rb", "a\0b"]) {
    it(`lastEventId: ${JSON.stringify(value)} (CR, LF or NUL) -> TypeError naming lastEventId`, () => {
      expectRefusal(thrown(construct({ lastEventId: value })), TypeError, "lastEventId");
    });
  }

  it("init null or undefined means no options; a non-object init (42, 'abc') is a TypeError", async () => {
    for (const init of [null, undefined]) {
      const source = new RustEventSource(`${origin}/counter?n=2`, init as never);
      try {
        expect((await collect(source, 2)).map((e) => e.data)).toEqual(["1", "2"]);
      } finally {
        source.close();
      }
    }
    for (const init of [42, "abc"]) {
      const error = thrown(construct(init));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message.startsWith(PREFIX), error.message).toBe(true);
      expect(error.message.indexOf("rust-eventsource:", 1), error.message).toBe(-1);
    }
  });

  it("a refused option makes no request", async () => {
    const key = uniqueKey("refused-option");
    expect(() => new RustEventSource(`${origin}/counter?key=${key}`, { retryDelay: -5 })).toThrow(RangeError);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await serverStats(key)).toBeNull();
  });

  it("SseParser.create: lastEventId 42 or containing NUL -> TypeError naming lastEventId", async () => {
    const init = { lastEventId: 42 } as never;
    expectRefusal(await rejection(SseParser.create(init)), TypeError, "lastEventId", "42");
    expectRefusal(await rejection(SseParser.create({ lastEventId: "a\0b" })), TypeError, "lastEventId");
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
    const edges = { retryDelay: 2.5, maxRetryDelay: Number.POSITIVE_INFINITY, maxEventBytes: Number.POSITIVE_INFINITY };
    expect(construct(edges)).not.toThrow();
    expect(construct({ method: "POST", body: new Uint16Array([1, 2]) })).not.toThrow();
    expect(construct({ method: "POST", body: null })).not.toThrow();
    // Every option present but undefined: every default.
    expect(construct(Object.fromEntries(Object.keys(valid).map((name) => [name, undefined])))).not.toThrow();
  });
});

describe("5. onRetry answers a non-negative number, false or nothing; anything else is a TypeError", () => {
  for (const answer of ["1000", true, null, {}, -1, Number.NaN]) {
    it(`onRetry returning ${show(answer)} ends the iteration with a TypeError naming onRetry`, async () => {
      const key = uniqueKey("on-retry-answer");
      const source = connect(`${origin}/reconnect?key=${key}&n=1&total=3`, {
        retryDelay: 10,
        onRetry: (() => answer) as never,
      });
      const events: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const event of source) events.push(event.data);
        })(),
      );
      expectRefusal(error, TypeError, "onRetry");
      expect(events).toEqual(["1"]);
      expect((await serverStats(key))?.attempts).toHaveLength(1);
    });
  }
});
