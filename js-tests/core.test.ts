// The shared cases: the same file runs in the `node` and the `browser` project against the real
// server of js-tests/server.mjs. Every stream that ends is read with `reconnect: false`, so these
// cases do not depend on reconnection. The ways of closing a source are in safety.test.ts; the
// status, 204 and MIME rules (which the Rust policy tests cover case by case) in reconnect.test.ts.
import { describe, expect, it } from "vitest";
import { RustEventSource } from "../pkg/index.js";
import {
  collect,
  connect,
  crossOrigin,
  deadOrigin,
  expectServerClosed,
  expectSseError,
  inBrowser,
  iterate,
  origin,
  serverStats,
  timeout,
  uniqueKey,
  waitForServerOpen,
} from "./harness.ts";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** The first event of a stream that sends exactly one, read to the end. */
async function only(url: string, options: Record<string, unknown> = {}) {
  const events = await collect(connect(url, { reconnect: false, ...options }));
  expect(events).toHaveLength(1);
  return events[0]!;
}

/** The request the server saw, as /echo reports it. */
async function echo(url: string, options: Record<string, unknown> = {}) {
  const event = await only(url, options);
  return JSON.parse(event.data) as {
    method: string;
    headers: Record<string, string>;
    body: string;
    url: string;
  };
}

describe("events", () => {
  it("yields the counter's events in order, as plain objects with their ids", async () => {
    const source = connect(`${origin}/counter?n=5`, { reconnect: false });
    const events = await collect(source);
    expect(events.map(({ type, data, lastEventId }) => ({ type, data, lastEventId }))).toEqual(
      [1, 2, 3, 4, 5].map((i) => ({ type: "message", data: String(i), lastEventId: String(i) })),
    );
    for (const event of events) expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(source.lastEventId).toBe("5");
    expect(source.readyState).toBe(CLOSED);
  });

  it("batches(): a chunk of 1 MB is handed over 64 KiB at a time, in order, none lost", async () => {
    // 10,000 events of exactly 100 bytes: a 64 KiB slice completes at most 656 of them.
    const id = (i: number) => String(i).padStart(4, "0");
    const data = (i: number) => String(i).padStart(85, "x");
    const text = Array.from({ length: 10_000 }, (_, i) => `id:${id(i)}\ndata:${data(i)}\n\n`).join("");
    // One chunk: the body's stream enqueues the whole text at once.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
    const oneChunk = async () => new Response(body, { headers: { "Content-Type": "text/event-stream" } });
    const source = connect(`${origin}/counter?n=1`, { fetch: oneChunk, reconnect: false });
    const sizes: number[] = [];
    const got: string[] = [];
    for await (const batch of source.batches()) {
      sizes.push(batch.length);
      for (const event of batch) got.push(event.data);
      // The ID of the last event yielded, while the rest of the chunk waits.
      expect(source.lastEventId).toBe(batch.at(-1)?.lastEventId);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(656);
    expect(sizes.length).toBeGreaterThanOrEqual(16);
    expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => data(i)));
    expect(source.lastEventId).toBe("9999");
  });

  it("yields an event within 100 ms of its last byte, long before the response ends", async () => {
    const key = uniqueKey("trickle");
    const steps = iterate(connect(`${origin}/trickle?key=${key}&interval=50&hold=3000`));
    const first = await steps.next();
    const receivedAt = Date.now();
    expect(first).toEqual({ done: false, value: expect.objectContaining({ data: "hello" }) });
    const stats = await serverStats(key);
    expect(stats?.lastByteAt).toEqual(expect.any(Number));
    expect(receivedAt - stats!.lastByteAt!).toBeLessThan(100);
    // The server holds the response open for 3 s after the last byte: still open now.
    expect(stats?.open).toBe(1);
  });

  it("dispatches on a lone CR at the end of a chunk without waiting for more bytes", async () => {
    const key = uniqueKey("cr-end");
    const steps = iterate(connect(`${origin}/cr-end?key=${key}&hold=5000`));
    const first = await Promise.race([steps.next(), timeout(1_500)]);
    expect(first).toEqual({ done: false, value: expect.objectContaining({ data: "cr" }) });
  });
});

describe("the source", () => {
  it("exposes readyState constants and moves CONNECTING -> OPEN -> CLOSED", async () => {
    expect(RustEventSource.CONNECTING).toBe(CONNECTING);
    expect(RustEventSource.OPEN).toBe(OPEN);
    expect(RustEventSource.CLOSED).toBe(CLOSED);

    const key = uniqueKey("ready-state");
    const source = connect(`${origin}/hang?key=${key}`);
    expect(source.readyState).toBe(CONNECTING);
    const pending = iterate(source).next();
    await waitForServerOpen(key);
    await expect.poll(() => source.readyState, { timeout: 2_000 }).toBe(OPEN);
    source.close();
    expect(source.readyState).toBe(CLOSED);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it("reports its url", () => {
    const url = `${origin}/counter?n=1`;
    const source = connect(url, { reconnect: false });
    expect(source.url).toBe(url);
  });

  it("throws a TypeError synchronously for a body on GET or an unknown credentials mode", () => {
    expect(() => new RustEventSource(`${origin}/counter`, { body: "x" })).toThrow(TypeError);
    expect(() => new RustEventSource(`${origin}/counter`, { credentials: "sometimes" as unknown as "omit" })).toThrow(
      TypeError,
    );
  });

  it("throws a SyntaxError synchronously for an invalid URL", () => {
    expect(() => new RustEventSource("http://[")).toThrow(SyntaxError);
    expect(() => new RustEventSource("http://example.com:notaport/")).toThrow(SyntaxError);
  });
});

describe("the request", () => {
  it("sends Accept, custom headers and Authorization cross-origin", async () => {
    const request = await echo(`${crossOrigin}/echo?q=1`, {
      headers: { "X-Custom": "custom value", Authorization: "Bearer secret-token" },
    });
    expect(request.method).toBe("GET");
    expect(request.url).toBe("/echo?q=1");
    expect(request.headers.accept).toBe("text/event-stream");
    expect(request.headers["x-custom"]).toBe("custom value");
    expect(request.headers.authorization).toBe("Bearer secret-token");
    expect(request.headers["last-event-id"]).toBeUndefined();
  });

  it("POSTs a JSON body", async () => {
    const body = JSON.stringify({ hello: "w\u00f6rld", n: [1, 2] });
    const request = await echo(`${crossOrigin}/echo`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/json" },
    });
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toBe(body);
  });

  it("sends the lastEventId option as Last-Event-ID and starts from it", async () => {
    const source = connect(`${origin}/echo`, { reconnect: false, lastEventId: "abc-42" });
    expect(source.lastEventId).toBe("abc-42");
    const events = await collect(source);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data).headers["last-event-id"]).toBe("abc-42");
    // The event has no id field, so it carries the last event ID it started from.
    expect(events[0]!.lastEventId).toBe("abc-42");
    expect(source.lastEventId).toBe("abc-42");
  });

  it.skipIf(!inBrowser)(
    "sends cookies cross-origin with credentials: include, not with omit (browser only: Node's fetch has no cookie jar)",
    async () => {
      const set = await fetch(`${origin}/cookie/set`, { credentials: "include" });
      expect(set.status).toBe(200);
      const included = await only(`${crossOrigin}/cookie/echo`, { credentials: "include" });
      expect(JSON.parse(included.data).cookie).toContain("sse_test=1");
      const omitted = await only(`${crossOrigin}/cookie/echo`, { credentials: "omit" });
      expect(JSON.parse(omitted.data).cookie).toBeNull();
    },
  );

  it("calls the fetch option with a GET for text/event-stream, no-store, and reads its response", async () => {
    const requests: Request[] = [];
    const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return new Response("data: from the fake fetch\n\n", {
        headers: { "Content-Type": "text/event-stream" },
      });
    };
    const url = `${origin}/counter?n=3`;
    const events = await collect(connect(url, { fetch: fakeFetch, reconnect: false, headers: { "X-Custom": "1" } }));
    expect(events.map((event) => event.data)).toEqual(["from the fake fetch"]);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.url).toBe(url);
    expect(request.method).toBe("GET");
    expect(request.headers.get("accept")).toBe("text/event-stream");
    expect(request.headers.get("x-custom")).toBe("1");
    expect(request.cache).toBe("no-store");
  });
});

describe("errors", () => {
  it("rejects with kind status, the status, its text and the body for a non-200 answer", async () => {
    const source = connect(`${origin}/status?code=404&body=${encodeURIComponent("not here")}`, {
      reconnect: false,
    });
    const steps = iterate(source);
    const error = await expectSseError(steps.next(), "status");
    expect(error.status).toBe(404);
    expect(error.statusText).toBe("Not Found");
    expect(error.body).toBe("not here");
    expect(error.message).toEqual(expect.any(String));
    expect(source.readyState).toBe(CLOSED);
    await expect(steps.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it("keeps only the first 64 KiB of a long error body, and a custom reason phrase", async () => {
    const error = await expectSseError(
      iterate(
        connect(`${origin}/status?code=503&text=${encodeURIComponent("Come Back Later")}&size=200000`, {
          reconnect: false,
        }),
      ).next(),
      "status",
    );
    expect(error.status).toBe(503);
    expect(error.statusText).toBe("Come Back Later");
    expect(error.body).toHaveLength(64 * 1024);
    expect(error.body?.startsWith("BEGINxxx")).toBe(true);
  });

  it("rejects with kind content-type for text/plain and cancels the body", async () => {
    const key = uniqueKey("wrong-type");
    const source = connect(`${origin}/wrong-type?key=${key}`, { reconnect: false });
    await expectSseError(iterate(source).next(), "content-type");
    expect(source.readyState).toBe(CLOSED);
    await expectServerClosed(key);
  });

  it("rejects the pending step with kind network when the connection drops mid-body", async () => {
    const steps = iterate(connect(`${origin}/drop`, { reconnect: false }));
    const first = await steps.next();
    expect(first).toEqual({ done: false, value: expect.objectContaining({ data: "before-drop", lastEventId: "1" }) });
    await expectSseError(steps.next(), "network");
  });

  it("rejects with kind network when the connection is refused", async () => {
    const source = connect(`${deadOrigin}/counter`, { reconnect: false });
    await expectSseError(iterate(source).next(), "network");
    expect(source.readyState).toBe(CLOSED);
  });

  it("rejects with kind event-too-large for an event of short lines over maxEventBytes", async () => {
    // Control: 10 lines of 100 bytes fit (the server then holds the response open).
    const fits = iterate(connect(`${origin}/big-event?lines=10&size=100`, { maxEventBytes: 4096 }));
    const first = await fits.next();
    expect(first.value?.data).toHaveLength(10 * 100 + 9);

    const key = uniqueKey("big-event");
    const steps = iterate(
      connect(`${origin}/big-event?lines=100&size=100&key=${key}`, { reconnect: false, maxEventBytes: 4096 }),
    );
    await expectSseError(steps.next(), "event-too-large");
    await expectServerClosed(key);
  });
});
