// The listener face (EventSource): the cases of its own, in Node and in Chromium, against the
// real test server. The protocol itself (parsing, reconnection, errors) is the engine's, shared
// with RustEventSource and tested through both faces elsewhere.
import { afterEach, describe, expect, it } from "vitest";
import { EventSource, SseError } from "../pkg/index.js";
import { RECONNECTING_SEQUENCE, record, settled } from "./eventsource-recorder.ts";
import {
  expectServerClosed,
  inBrowser,
  origin,
  serverStats,
  timeout,
  uniqueKey,
  waitForServerOpen,
} from "./harness.ts";

const sources: EventSource[] = [];

/** `new EventSource(url, init)`, closed after the test whatever happens. */
function open(url: string, init?: ConstructorParameters<typeof EventSource>[1]): EventSource {
  const source = new EventSource(url, init);
  sources.push(source);
  return source;
}

afterEach(() => {
  for (const source of sources.splice(0)) source.close();
});

describe("EventSource", () => {
  it("has the standard interface: constants on the class and instances, url, withCredentials, readyState", () => {
    expect([EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED]).toEqual([0, 1, 2]);
    const source = open(`${origin}/counter?n=1`);
    expect(source).toBeInstanceOf(EventTarget);
    expect([source.CONNECTING, source.OPEN, source.CLOSED]).toEqual([0, 1, 2]);
    expect(source.url).toBe(`${origin}/counter?n=1`);
    expect(source.withCredentials).toBe(false);
    expect(source.readyState).toBe(EventSource.CONNECTING);
    expect([source.onopen, source.onmessage, source.onerror]).toEqual([null, null, null]);
    expect(open(`${origin}/counter?n=1`, { withCredentials: true }).withCredentials).toBe(true);
    expect(open(`${origin}/counter?n=1`, null).withCredentials).toBe(false);
    expect(() => new EventSource("http://[bad")).toThrow(SyntaxError);
  });

  it("dispatches open, the messages, an error (CONNECTING) before each reconnection, and a last error (CLOSED)", async () => {
    // Two events per connection, then the body ends; once 4 were sent the server answers 204.
    const source = open(`${origin}/reconnect?n=2&total=4&retry=50`);
    const lines = record(source);
    expect(await settled(lines, 9)).toEqual(RECONNECTING_SEQUENCE);
    expect(source.readyState).toBe(EventSource.CLOSED);
  });

  it("dispatches MessageEvents with data, lastEventId and origin", async () => {
    const source = open(`${origin}/counter?n=2`);
    const events: MessageEvent[] = [];
    source.onmessage = (event) => events.push(event);
    await settled(events, 2);
    source.close();
    for (const event of events) {
      expect(event).toBeInstanceOf(MessageEvent);
      expect(event.type).toBe("message");
      expect(event.origin).toBe(origin);
    }
    expect(events.map((event) => [event.data, event.lastEventId])).toEqual([
      ["1", "1"],
      ["2", "2"],
    ]);
  });

  it("onmessage and addEventListener('message') both get messages, in the order they were added", async () => {
    const source = open(`${origin}/counter?n=2`);
    const calls: string[] = [];
    source.addEventListener("message", (event) => calls.push(`listener ${event.data}`));
    source.onmessage = function (event) {
      expect(this).toBe(source);
      calls.push(`onmessage ${event.data}`);
    };
    source.addEventListener("message", {
      handleEvent: (event: MessageEvent) => calls.push(`object ${event.data}`),
    });
    // Replacing the handler keeps its place among the listeners.
    const replaced = source.onmessage;
    source.onmessage = (event) => calls.push(`replaced ${event.data}`);
    expect(source.onmessage).not.toBe(replaced);
    await settled(calls, 6);
    expect(calls).toEqual(["listener 1", "replaced 1", "object 1", "listener 2", "replaced 2", "object 2"]);
  });

  it("onmessage set to null stops; set again, it comes after the other listeners", async () => {
    const source = open(`${origin}/stream?interval=200&n=3`);
    const calls: string[] = [];
    source.onmessage = (event) => {
      calls.push(`first ${event.data}`);
      source.onmessage = null;
      setTimeout(() => {
        source.onmessage = (again) => calls.push(`again ${again.data}`);
      });
    };
    source.addEventListener("message", (event) => calls.push(`listener ${event.data}`));
    expect(await settled(calls, 6)).toEqual([
      "first s:1",
      "listener s:1",
      "listener s:2",
      "again s:2",
      "listener s:3",
      "again s:3",
    ]);
  });

  it("named events reach their listeners, not onmessage", async () => {
    const source = open(`${origin}/named`);
    const lines = record(source, ["greeting", "bye"]);
    const onmessage: string[] = [];
    source.onmessage = (event) => onmessage.push(event.data);
    // The body ends after the three: an error (CONNECTING) before the reconnection.
    expect(await settled(lines, 5)).toEqual([
      "open OPEN",
      "greeting hi id=",
      "message plain id=",
      "bye x id=",
      "error CONNECTING",
    ]);
    expect(onmessage).toEqual(["plain"]);
  });

  it("close() inside a handler: no event after it, and the connection closes", async () => {
    const key = uniqueKey("es-close-in-handler");
    const source = open(`${origin}/stream?key=${key}&interval=20`);
    const lines = record(source);
    source.onmessage = () => source.close();
    // The recorder's listener was added first: it saw the event; nothing after close() is seen.
    expect(await settled(lines, 2, 8_000, 300)).toEqual(["open OPEN", "message s:1 id=1"]);
    expect(source.readyState).toBe(EventSource.CLOSED);
    await expectServerClosed(key);
  });

  it("close() inside onopen: no message and no error", async () => {
    const source = open(`${origin}/counter?n=3`);
    const lines = record(source);
    source.onopen = () => source.close();
    expect(await settled(lines, 1, 8_000, 300)).toEqual(["open OPEN"]);
    expect(source.readyState).toBe(EventSource.CLOSED);
  });

  it("close() inside onerror before a reconnection: no reconnection", async () => {
    const key = uniqueKey("es-close-in-onerror");
    const source = open(`${origin}/reconnect?key=${key}&n=1&total=5&retry=50`);
    const lines = record(source);
    source.onerror = () => source.close();
    expect(await settled(lines, 3, 8_000, 300)).toEqual(["open OPEN", "message 1 id=1", "error CONNECTING"]);
    expect(source.readyState).toBe(EventSource.CLOSED);
    expect((await serverStats(key))?.attempts).toHaveLength(1);
  });

  it("a status fails for good: one error (CLOSED) carrying the SseError with status and body", async () => {
    const source = open(`${origin}/status?code=401&body=nope`);
    const errors: Event[] = [];
    const lines = record(source);
    source.onerror = (event) => errors.push(event);
    expect(await settled(lines, 1, 8_000, 300)).toEqual(["error CLOSED"]);
    const error = (errors[0] as Event & { error: unknown }).error;
    expect(error).toBeInstanceOf(SseError);
    expect(error).toMatchObject({ kind: "status", status: 401, body: "nope" });
  });

  it("a wrong MIME type and a 204 fail for good too", async () => {
    const wrong = record(open(`${origin}/type?ct=text/html`));
    const noContent = open(`${origin}/no-content`);
    const stopped = record(noContent);
    const errors: unknown[] = [];
    noContent.addEventListener("error", (event) => errors.push(event.error));
    expect(await settled(wrong, 1, 8_000, 300)).toEqual(["error CLOSED"]);
    expect(await settled(stopped, 1, 8_000, 300)).toEqual(["error CLOSED"]);
    expect(errors).toEqual([undefined]);
  });

  it("the error before a reconnection carries the network error", async () => {
    const source = open(`${origin}/drop`, { retryDelay: 5_000 });
    const errors: unknown[] = [];
    const lines = record(source);
    source.addEventListener("error", (event) => errors.push(event.error));
    expect(await settled(lines, 3)).toEqual(["open OPEN", "message before-drop id=1", "error CONNECTING"]);
    expect(errors[0]).toBeInstanceOf(SseError);
    expect(errors[0]).toMatchObject({ kind: "network" });
  });

  it("maxRetries: errors (CONNECTING) while retrying, then one error (CLOSED)", async () => {
    const key = uniqueKey("es-max-retries");
    const source = open(`${origin}/sequence?key=${key}&steps=503`, {
      retryStatuses: [503],
      maxRetries: 2,
      retryDelay: 10,
    });
    const lines = record(source);
    expect(await settled(lines, 3, 8_000, 300)).toEqual(["error CONNECTING", "error CONNECTING", "error CLOSED"]);
    expect((await serverStats(key))?.attempts).toHaveLength(3);
  });

  it("the package's options: headers, method and body; a POST ends with an error (CLOSED), not re-sent", async () => {
    const source = open(`${origin}/echo`, {
      method: "POST",
      headers: async () => ({ Authorization: "Bearer es" }),
      body: "hello",
    });
    const lines: string[] = [];
    source.onmessage = (event) => {
      const request = JSON.parse(event.data) as { method: string; body: string; headers: Record<string, string> };
      lines.push(`${request.method} ${request.body} ${request.headers.authorization}`);
    };
    source.onerror = () => lines.push(`error ${source.readyState}`);
    expect(await settled(lines, 2, 8_000, 300)).toEqual(["POST hello Bearer es", "error 2"]);
  });

  it("an aborted signal closes it like close(): no event", async () => {
    const key = uniqueKey("es-signal");
    const controller = new AbortController();
    const source = open(`${origin}/hang?key=${key}`, { signal: controller.signal });
    const lines = record(source);
    await waitForServerOpen(key);
    controller.abort();
    await expectServerClosed(key);
    expect(await settled(lines, 1, 8_000, 300)).toEqual(["open OPEN"]);
    expect(source.readyState).toBe(EventSource.CLOSED);
  });

  it.runIf(inBrowser)("works in a dedicated worker", async () => {
    const worker = new Worker(new URL("./eventsource-worker.ts", import.meta.url), { type: "module" });
    try {
      const lines = new Promise<string[]>((resolve) => {
        worker.onmessage = (event: MessageEvent<string[]>) => resolve(event.data);
      });
      worker.postMessage({ url: `${origin}/counter?n=2`, count: 4 });
      expect(await Promise.race([lines, timeout(10_000)])).toEqual([
        "open 1",
        "message 1 id=1",
        "message 2 id=2",
        "error 0",
      ]);
    } finally {
      worker.terminate();
    }
  });
});
