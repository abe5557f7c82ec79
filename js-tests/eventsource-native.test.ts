// The package's EventSource next to the browser's own on the same routes of the test server, in
// Chromium: the same events, in the same order, with the same readyState at each.
import { afterEach, describe, expect, it } from "vitest";
import { EventSource as RustEventSource } from "../pkg/index.js";
import { type ListenerSource, RECONNECTING_SEQUENCE, record, settled } from "./eventsource-recorder.ts";
import { inBrowser, origin } from "./harness.ts";

const opened: ListenerSource[] = [];

afterEach(() => {
  for (const source of opened.splice(0)) source.close();
});

type Make = (url: string) => ListenerSource;

const faces: [string, Make][] = [
  ["native", (url) => new globalThis.EventSource(url)],
  ["rust-eventsource", (url) => new RustEventSource(url)],
];

/**
 * Runs `scenario` with the native EventSource and with the package's on the same URL, one after
 * the other; returns what each recorded.
 */
async function both(
  url: string,
  scenario: (source: ListenerSource) => Promise<string[]>,
): Promise<{ native: string[]; ours: string[] }> {
  const results: string[][] = [];
  for (const [, make] of faces) {
    const source = make(url);
    opened.push(source);
    results.push(await scenario(source));
    source.close();
  }
  return { native: results[0]!, ours: results[1]! };
}

describe.runIf(inBrowser)("EventSource next to the native one (Chromium)", () => {
  it("open, messages, error (CONNECTING) before each reconnection, error (CLOSED) on a 204", async () => {
    const { native, ours } = await both(`${origin}/reconnect?n=2&total=4&retry=50`, (source) =>
      settled(record(source), 9),
    );
    expect(ours).toEqual(native);
    expect(ours).toEqual(RECONNECTING_SEQUENCE);
  });

  it("named events go to their listeners, not to onmessage", async () => {
    const { native, ours } = await both(`${origin}/named`, async (source) => {
      const lines = record(source, ["greeting", "bye"]);
      source.onmessage = (event: MessageEvent) => lines.push(`onmessage ${event.data}`);
      return settled(lines, 6);
    });
    expect(ours).toEqual(native);
    expect(ours).toEqual([
      "open OPEN",
      "greeting hi id=",
      "message plain id=",
      "onmessage plain",
      "bye x id=",
      "error CONNECTING",
    ]);
  });

  it("onmessage and addEventListener('message') in the order they were added", async () => {
    const { native, ours } = await both(`${origin}/counter?n=2`, async (source) => {
      const calls: string[] = [];
      source.addEventListener("message", (event) => calls.push(`listener ${(event as MessageEvent).data}`));
      source.onmessage = (event: MessageEvent) => calls.push(`onmessage ${event.data}`);
      source.addEventListener("message", {
        handleEvent: (event) => calls.push(`object ${(event as MessageEvent).data}`),
      });
      source.onmessage = (event: MessageEvent) => calls.push(`replaced ${event.data}`);
      return settled(calls, 6);
    });
    expect(ours).toEqual(native);
    expect(ours).toEqual(["listener 1", "replaced 1", "object 1", "listener 2", "replaced 2", "object 2"]);
  });

  for (const [what, path] of [
    ["a status", "/status?code=401&body=nope"],
    ["a wrong MIME type", "/type?ct=text/html"],
    ["a 204", "/no-content"],
  ]) {
    it(`${what} fails for good: one error (CLOSED)`, async () => {
      const { native, ours } = await both(`${origin}${path}`, (source) => settled(record(source), 1, 8_000, 300));
      expect(ours).toEqual(native);
      expect(ours).toEqual(["error CLOSED"]);
    });
  }

  it("a dropped connection: error (CONNECTING), then a reconnection", async () => {
    const { native, ours } = await both(`${origin}/drop`, (source) => settled(record(source), 3));
    expect(ours).toEqual(native);
    expect(ours).toEqual(["open OPEN", "message before-drop id=1", "error CONNECTING"]);
  });

  it("close() inside onmessage, onopen and onerror: nothing after it", async () => {
    const inMessage = await both(`${origin}/stream?interval=20`, async (source) => {
      const lines = record(source);
      source.onmessage = () => source.close();
      return settled(lines, 2, 8_000, 300);
    });
    expect(inMessage.ours).toEqual(inMessage.native);
    expect(inMessage.ours).toEqual(["open OPEN", "message s:1 id=1"]);

    const inOpen = await both(`${origin}/counter?n=3`, async (source) => {
      const lines = record(source);
      source.onopen = () => source.close();
      return settled(lines, 1, 8_000, 300);
    });
    expect(inOpen.ours).toEqual(inOpen.native);
    expect(inOpen.ours).toEqual(["open OPEN"]);

    const inError = await both(`${origin}/reconnect?n=1&total=5&retry=50`, async (source) => {
      const lines = record(source);
      source.onerror = () => source.close();
      return settled(lines, 3, 8_000, 300);
    });
    expect(inError.ours).toEqual(inError.native);
    expect(inError.ours).toEqual(["open OPEN", "message 1 id=1", "error CONNECTING"]);
  });
});
