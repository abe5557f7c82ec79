// Resource safety: every way of closing a source releases its connection for good, nothing
// accumulates over many sources, a slow consumer slows the server down, hostile input stays
// bounded, and the package works in a worker and with several sources at once. Shared by the Node
// and browser projects (the worker case is browser-only), against js-tests/server.mjs.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RustEventSource } from "../pkg/index.js";
import {
  collect,
  connect,
  crossOrigin,
  expectServerClosed,
  expectSseError,
  inBrowser,
  origin,
  serverStats,
  sleep,
  timeout,
  uniqueKey,
  waitForServerOpen,
  type KeyStats,
  type SseEvent,
} from "./harness.ts";
import { canForceGc, forceGc, jsHeapBytes, wasmMemoryBytes, watchUnhandledRejections } from "./runtime-probes.ts";

const CLOSED = RustEventSource.CLOSED;
const DONE = { done: true, value: undefined };
const KiB = 1024;
const MiB = 1024 * KiB;

/** /stats of the routes that count what they wrote (/flood). */
type FloodStats = KeyStats & { written?: number; finished?: boolean };

async function floodStats(key: string): Promise<FloodStats> {
  const stats = await serverStats(key);
  expect(stats).not.toBeNull();
  return stats as FloodStats;
}

/**
 * An endless stream, one event `data: <tag>:i` every `interval` ms (see /stream). The close cases
 * use 1.5 s: the first chunk then holds only the first event, so a step asked for after it is
 * really pending when the source closes; and no data arrives within the 1 s in which the server
 * must see the close, so the close comes from the close path itself (freeing the Rust state once a
 * pending step settles would close the connection too, but only when data arrives).
 */
function streamUrl(key: string, { interval = 1_500, tag = "s", at = origin } = {}) {
  return `${at}/stream?key=${key}&interval=${interval}&tag=${tag}`;
}

/** `bytes` as standard base64, for /bytes. */
function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Concatenates strings (as UTF-8) and byte arrays into one body. */
function wire(...parts: (string | number[])[]): Uint8Array {
  const encoder = new TextEncoder();
  const chunks = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : Uint8Array.from(part)));
  const body = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/** The wasm instance still works: a new source reads a whole stream. */
async function expectUsable() {
  const events = await collect(connect(`${origin}/counter?n=3`, { reconnect: false }));
  expect(events.map((event) => event.data)).toEqual(["1", "2", "3"]);
}

// No case may leave a promise rejection unhandled (a cancelled body, an aborted fetch).
let unhandled: ReturnType<typeof watchUnhandledRejections>;
beforeEach(() => {
  unhandled = watchUnhandledRejections();
});
afterEach(async () => {
  // Unhandled rejections are reported after the microtasks of a task have run.
  await sleep(20);
  unhandled.stop();
  expect(unhandled.reasons).toEqual([]);
});

/**
 * Right after a source was closed (by whatever means) while its stream was still going: the
 * server sees the connection closed within 1 s, the step that was `pending` (if any) ends with
 * `done`, no request follows within another 500 ms, and the source yields nothing more.
 */
async function expectClosedForGood(
  key: string,
  source: RustEventSource,
  pending?: Promise<IteratorResult<SseEvent, undefined>>,
) {
  await expectServerClosed(key, 1_000);
  if (pending) await expect(pending).resolves.toEqual(DONE);
  await sleep(500);
  const stats = await serverStats(key);
  expect(stats?.requests).toBe(1);
  expect(stats?.attempts).toHaveLength(1);
  expect(stats?.open).toBe(0);
  expect(source.readyState).toBe(CLOSED);
  // /stream would have sent another event meanwhile: it does not come out.
  await expect(source.next()).resolves.toEqual(DONE);
  await expect(source.batches().next()).resolves.toEqual(DONE);
}

/** Opens a source, reads its first event and returns that event; the source is then unreachable. */
async function readOneAndDrop(url: string): Promise<SseEvent | undefined> {
  const source = new RustEventSource(url);
  const step = await source.next();
  return step.value;
}

describe("one close path", () => {
  it("close() with a step pending: the step ends done, the connection closes, no reconnection", async () => {
    const key = uniqueKey("close");
    const source = connect(streamUrl(key));
    const first = await source.next();
    expect(first).toEqual({ done: false, value: { type: "message", data: "s:1", lastEventId: "1" } });
    const pending = source.next();
    source.close();
    await expectClosedForGood(key, source, pending);
    // Idempotent: closing again changes nothing.
    source.close();
    expect(source.readyState).toBe(CLOSED);
    await expect(source.next()).resolves.toEqual(DONE);
  });

  it("close() right after construction: no request reaches the server", async () => {
    const key = uniqueKey("close-at-once");
    const source = connect(streamUrl(key));
    source.close();
    await expect(source.next()).resolves.toEqual(DONE);
    await sleep(500);
    expect(await serverStats(key)).toBeNull();
  });

  it("close() drops the events left in the current batch", async () => {
    const key = uniqueKey("close-batch");
    const body = wire("data: 1\n\ndata: 2\n\ndata: 3\n\n");
    const source = connect(`${origin}/bytes?key=${key}&hold=10000&b64=${encodeURIComponent(base64(body))}`);
    // One write of three events: one chunk, one batch.
    await expect(source.next()).resolves.toMatchObject({ done: false, value: { data: "1" } });
    source.close();
    await expect(source.next()).resolves.toEqual(DONE);
    await expectServerClosed(key);
  });

  it("close() while waiting to reconnect: the step ends done, the timer is cleared, no request follows", async () => {
    const key = uniqueKey("close-wait");
    // One event, then the body ends: the client waits 300 ms before reconnecting.
    const source = connect(`${origin}/reconnect?key=${key}&n=1&total=5`, { retryDelay: 300 });
    await expect(source.next()).resolves.toMatchObject({ done: false, value: { data: "1" } });
    const pending = source.next();
    await vi.waitFor(() => expect(source.readyState).toBe(RustEventSource.CONNECTING), { timeout: 1000, interval: 5 });
    source.close();
    expect(await Promise.race([pending, timeout(1000)])).toEqual(DONE);
    expect(source.readyState).toBe(CLOSED);
    await sleep(500);
    expect((await serverStats(key))?.attempts).toHaveLength(1);
  });

  it("break out of for await: the connection closes, no reconnection", async () => {
    const key = uniqueKey("break");
    const source = connect(streamUrl(key));
    const seen: string[] = [];
    for await (const event of source) {
      seen.push(event.data);
      break;
    }
    expect(seen).toEqual(["s:1"]);
    await expectClosedForGood(key, source);
  });

  it("signal abort with a step pending: the step ends done, the connection closes, no reconnection", async () => {
    const key = uniqueKey("abort");
    const controller = new AbortController();
    const source = connect(streamUrl(key), { signal: controller.signal });
    await expect(source.next()).resolves.toMatchObject({ done: false, value: { data: "s:1" } });
    const pending = source.next();
    controller.abort();
    await expectClosedForGood(key, source, pending);
  });

  it("a signal aborted before construction: no request reaches the server", async () => {
    const key = uniqueKey("pre-aborted");
    const source = connect(streamUrl(key), { signal: AbortSignal.abort() });
    expect(source.readyState).toBe(CLOSED);
    await expect(source.next()).resolves.toEqual(DONE);
    await sleep(500);
    expect(await serverStats(key)).toBeNull();
    await expect(source.next()).resolves.toEqual(DONE);
  });

  it("source[Symbol.asyncDispose](): the connection closes, no reconnection", async () => {
    const key = uniqueKey("dispose");
    const source = connect(streamUrl(key));
    await expect(source.next()).resolves.toMatchObject({ done: false, value: { data: "s:1" } });
    const pending = source.next();
    await source[Symbol.asyncDispose]();
    await expectClosedForGood(key, source, pending);
  });

  it("await using: leaving the block closes the connection, no reconnection", async () => {
    const key = uniqueKey("using");
    let escaped: RustEventSource | undefined;
    {
      await using source = new RustEventSource(streamUrl(key));
      escaped = source;
      await expect(source.next()).resolves.toMatchObject({ done: false, value: { data: "s:1" } });
    }
    await expectClosedForGood(key, escaped);
  });

  it.skipIf(!canForceGc)(
    "garbage collection of an unreachable source closes its connection, no reconnection",
    async () => {
      const key = uniqueKey("gc");
      const first = await readOneAndDrop(streamUrl(key));
      expect(first).toEqual({ type: "message", data: "s:1", lastEventId: "1" });
      await waitForServerOpen(key);
      // The FinalizationRegistry's callback runs in a task after the collection that found the
      // source unreachable; collect again until the server sees the close, for at most 1 s.
      const started = Date.now();
      let stats: KeyStats | null = null;
      while (Date.now() - started < 1_000) {
        await forceGc();
        await sleep(50);
        stats = await serverStats(key);
        if (stats?.open === 0) break;
      }
      expect(stats?.open).toBe(0);
      expect(stats?.closedBeforeEnd).toBe(1);
      await sleep(500);
      const later = await serverStats(key);
      expect(later?.requests).toBe(1);
      expect(later?.attempts).toHaveLength(1);
    },
  );
});

describe("no leaks", () => {
  it.skipIf(!canForceGc)(
    "1000 open -> read one event -> close cycles: JS heap and wasm memory stop growing, no connection left",
    async () => {
      const key = uniqueKey("cycles");
      // One event at once, then silence: only close() ends each connection.
      const url = streamUrl(key, { interval: 60_000 });
      const handles: WeakRef<RustEventSource>[] = [];
      async function cycles(count: number) {
        for (let i = 0; i < count; i++) {
          // Not through connect(): the harness's list would keep every source alive.
          const source = new RustEventSource(url);
          handles.push(new WeakRef(source));
          const step = await source.next();
          if (step.done || step.value.data !== "s:1") throw new Error(`cycle ${i}: ${JSON.stringify(step)}`);
          source.close();
        }
      }
      /** Once the server saw every connection closed: collects garbage, then measures. */
      async function settled(requests: number) {
        await vi.waitFor(
          async () => {
            const stats = await serverStats(key);
            expect(stats?.requests).toBe(requests);
            expect(stats?.open).toBe(0);
            expect(stats?.closedBeforeEnd).toBe(requests);
          },
          { timeout: 5_000, interval: 20 },
        );
        // Several rounds: what the FinalizationRegistry callbacks of one collection (wasm-bindgen
        // frees Rust state in them) release goes in the next.
        for (let round = 0; round < 3; round++) {
          await forceGc();
          await sleep(30);
        }
        return { heap: await jsHeapBytes(), wasm: wasmMemoryBytes() };
      }

      await cycles(100);
      const warm = await settled(100);
      await cycles(900);
      const after = await settled(1000);
      const grown = `JS heap ${warm.heap} -> ${after.heap} B, wasm memory ${warm.wasm} -> ${after.wasm} B`;
      expect(after.heap - warm.heap, grown).toBeLessThan(1 * MiB);
      expect(after.wasm, grown).toBe(warm.wasm);
      // Nothing holds on to a closed source (a listener, a registry, a pending promise).
      expect(handles.filter((handle) => handle.deref() !== undefined)).toHaveLength(0);
    },
    60_000,
  );
});

describe("backpressure", () => {
  it("a consumer that pauses stalls the server's writes; resumed, the data is complete and in order", async () => {
    const key = uniqueKey("flood");
    const size = 1000;
    const filler = "z".repeat(size);
    const source = connect(`${origin}/flood?key=${key}&size=${size}`, { reconnect: false });
    await expect(source.next()).resolves.toEqual({
      done: false,
      value: { type: "message", data: `1:${filler}`, lastEventId: "1" },
    });
    // The consumer pauses 1 s. Socket buffers and the body stream's queue fill up, then the
    // server's write() says "full" and no 'drain' comes: the count stops.
    await sleep(600);
    const during = (await floodStats(key)).written ?? 0;
    await sleep(400);
    const paused = (await floodStats(key)).written ?? 0;
    const counts = `written while paused: ${during} -> ${paused} B`;
    expect(paused, counts).toBeLessThan(16 * MiB);
    expect(paused - during, counts).toBeLessThan(256 * KiB);

    // Resumed: read past everything written during the pause and well beyond.
    const eventBytes = `id: 0000\ndata: 0000:${filler}\n\n`.length;
    const until = Math.ceil(paused / eventBytes) + 5_000;
    for (let i = 2; i <= until; i++) {
      const step = await source.next();
      if (step.done || step.value.data !== `${i}:${filler}` || step.value.lastEventId !== String(i)) {
        expect.fail(`event ${i}: ${JSON.stringify(step).slice(0, 200)}`);
      }
    }
    expect((await floodStats(key)).written).toBeGreaterThan(paused + 4 * MiB);
    source.close();
    await expectServerClosed(key);
  });
});

describe("bounded memory under hostile input", () => {
  async function expectTooLarge(key: string, url: string, maxEventBytes: number | undefined, total: number) {
    const started = Date.now();
    const source = connect(url, { reconnect: false, ...(maxEventBytes === undefined ? {} : { maxEventBytes }) });
    await expectSseError(source.next(), "event-too-large");
    const elapsed = Date.now() - started;
    expect(source.readyState).toBe(CLOSED);
    await expectServerClosed(key);
    const written = (await floodStats(key)).written ?? 0;
    const limit = maxEventBytes ?? 8 * MiB;
    const seen = `limit ${limit} B: error after ${elapsed} ms, the server wrote ${written} B`;
    expect(written, seen).toBeGreaterThan(limit);
    // The client stopped reading soon after the limit: far below what the server had to send.
    expect(written, seen).toBeLessThan(Math.min(total / 2, limit + 48 * MiB));
    expect(elapsed, seen).toBeLessThan(10_000);
    await expectUsable();
  }

  it("a 1 GiB line without an end, maxEventBytes 1 MiB: event-too-large, request aborted", async () => {
    const key = uniqueKey("gib-line");
    const total = 1024 * MiB;
    await expectTooLarge(key, `${origin}/flood?key=${key}&shape=line&total=${total}`, 1 * MiB, total);
  });

  it("a 64 MiB line without an end, default maxEventBytes (8 MiB): event-too-large, request aborted", async () => {
    const key = uniqueKey("64mib-line");
    const total = 64 * MiB;
    await expectTooLarge(key, `${origin}/flood?key=${key}&shape=line&total=${total}`, undefined, total);
  });

  it("millions of comment lines and empty lines between events: only the events come out", async () => {
    const cases = [
      { unit: ": a comment line\n", count: 1_000_000 },
      { unit: ":\n", count: 2_000_000 },
      { unit: "\n", count: 3_000_000 },
      { unit: "\r\n", count: 1_000_000 },
      { unit: "\r", count: 1_000_000 },
    ];
    for (const { unit, count } of cases) {
      const query = new URLSearchParams({
        head: "id: 1\ndata: before\n\n",
        unit,
        count: String(count),
        tail: "id: 2\ndata: after\n\n",
      });
      const events = await collect(connect(`${origin}/repeat?${query}`, { reconnect: false, maxEventBytes: 1 * KiB }));
      expect(events, JSON.stringify(unit)).toEqual([
        { type: "message", data: "before", lastEventId: "1" },
        { type: "message", data: "after", lastEventId: "2" },
      ]);
    }
    await expectUsable();
  });

  it("a million events in a row are all yielded, in order", async () => {
    const query = new URLSearchParams({ unit: "data: x\n\n", count: "1000000", tail: "id: end\ndata: last\n\n" });
    let count = 0;
    let last: SseEvent | undefined;
    for await (const event of connect(`${origin}/repeat?${query}`, { reconnect: false })) {
      if (event.data === "x") count += 1;
      last = event;
    }
    expect(count).toBe(1_000_000);
    expect(last).toEqual({ type: "message", data: "last", lastEventId: "end" });
  });

  it("huge retry: values wait (at most the timer's limit) instead of reconnecting at once", async () => {
    const values = ["99999999999999999999999", "18446744073709551616", "2147483648"];
    const keys = values.map((value) => uniqueKey(`retry-${value.length}`));
    const sources = values.map((value, i) => {
      const body = wire(`retry: ${value}\ndata: after retry\n\n`);
      // The body ends at once: the client then waits the reconnection time before trying again.
      return connect(`${origin}/bytes?key=${keys[i]}&b64=${encodeURIComponent(base64(body))}`, { retryDelay: 10 });
    });
    const pending = await Promise.all(
      sources.map(async (source) => {
        await expect(source.next()).resolves.toMatchObject({ done: false, value: { data: "after retry" } });
        // Wrapped: an async function returning the step itself would wait for it.
        return { step: source.next() };
      }),
    ).then((wrapped) => wrapped.map(({ step }) => step));
    let settled = false;
    void Promise.race(pending).then(() => (settled = true));
    await sleep(500);
    for (const key of keys) expect((await serverStats(key))?.requests, key).toBe(1);
    expect(settled).toBe(false);
    for (const source of sources) source.close();
    for (const step of pending) expect(await Promise.race([step, timeout(2_000)])).toEqual(DONE);
    await expectUsable();
  });

  it("huge delays from the options and hooks wait, instead of overflowing the timer and firing at once", async () => {
    // setTimeout takes a signed 32-bit delay: in browsers a larger one becomes 0 ms, in Node 1 ms
    // (with a TimeoutOverflowWarning). `idleTimeout: Infinity` would then end every connection as
    // idle at once, and a large onRetry delay would reconnect at once.
    const cases = [
      { name: "idleTimeout Infinity", options: { idleTimeout: Infinity }, query: "interval=100000" },
      { name: "idleTimeout 2**32", options: { idleTimeout: 2 ** 32 }, query: "interval=100000" },
      { name: "onRetry 2**31", options: { onRetry: () => 2 ** 31 }, query: "n=1" },
      { name: "onRetry 1e15", options: { onRetry: () => 1e15 }, query: "n=1" },
    ];
    const results = await Promise.all(
      cases.map(async ({ name, options, query }) => {
        const key = uniqueKey("huge-delay");
        const source = connect(`${origin}/stream?key=${key}&${query}`, { retryDelay: 20, ...options });
        const first = await Promise.race([source.next(), timeout(3_000)]);
        // A step pending: the client is reading (idle timer) or, after the body's end, waiting to
        // reconnect (onRetry's delay).
        const pending = source.next();
        await sleep(600);
        const requests = (await serverStats(key))?.requests;
        source.close();
        await Promise.race([pending, timeout(1_000)]);
        return { name, first: first === "timeout" ? "timeout" : first.value?.data, requests };
      }),
    );
    expect(results).toEqual(cases.map(({ name }) => ({ name, first: "s:1", requests: 1 })));
  });

  it("invalid UTF-8, NUL bytes and BOMs, split at every byte: spec results, no panic", async () => {
    const BOM = [0xef, 0xbb, 0xbf];
    const body = wire(
      BOM, // stripped: the stream's leading BOM
      "data: a",
      [0xff],
      "b",
      [0xc3],
      "(\n\n", // invalid bytes: one U+FFFD each
      "data: ",
      [0xe2, 0x82],
      "\n\n", // a truncated 3-byte sequence at a line end: one U+FFFD
      "data: ",
      [0xf0, 0x9f, 0x8e],
      "x\n\n", // a truncated 4-byte sequence before ASCII
      "data: ",
      [0xed, 0xa0, 0x80],
      "\n\n", // an encoded surrogate: three U+FFFD
      "data: nul",
      [0x00],
      "byte\n\n", // NUL is data like any other
      "id: x",
      [0x00],
      "y\ndata: id with NUL ignored\n\n", // an id containing NUL is ignored
      "event: t",
      [0x00],
      "\ndata: typed\n\n",
      "data: ",
      BOM,
      "kept\n\n", // a BOM inside a value is a character (U+FEFF)
      BOM,
      "data: not a data field\n\n", // a BOM mid-stream starts the field name "\uFEFFdata"
      "id: 7\ndata: end\n\n",
    );
    const expected = [
      { type: "message", data: "a\uFFFDb\uFFFD(", lastEventId: "" },
      { type: "message", data: "\uFFFD", lastEventId: "" },
      { type: "message", data: "\uFFFDx", lastEventId: "" },
      { type: "message", data: "\uFFFD\uFFFD\uFFFD", lastEventId: "" },
      { type: "message", data: "nul\u0000byte", lastEventId: "" },
      { type: "message", data: "id with NUL ignored", lastEventId: "" },
      { type: "t\u0000", data: "typed", lastEventId: "" },
      { type: "message", data: "\uFEFFkept", lastEventId: "" },
      { type: "message", data: "end", lastEventId: "7" },
    ];
    // The decoder the spec names gives the same characters.
    expect(new TextDecoder().decode(Uint8Array.of(0x61, 0xff, 0x62, 0xc3, 0x28))).toBe(expected[0]!.data);
    const b64 = encodeURIComponent(base64(body));
    for (const chunk of [1, 2, 3, 0]) {
      const events = await collect(connect(`${origin}/bytes?chunk=${chunk}&b64=${b64}`, { reconnect: false }));
      expect(events, `chunk ${chunk}`).toEqual(expected);
    }
    await expectUsable();
  });
});

describe("everywhere a fetch exists", () => {
  it("five sources open at once stay independent; closing one leaves the others' events intact", async () => {
    const keys = [0, 1, 2, 3, 4].map((i) => uniqueKey(`five-${i}`));
    // Three on one origin and two on the other: Chromium allows six connections per origin, and
    // the checks below need one more to ask for /stats.
    const sources = keys.map((key, i) =>
      connect(streamUrl(key, { interval: 15, tag: `src${i}`, at: i < 3 ? origin : crossOrigin })),
    );
    const read = async (source: RustEventSource, count: number) => {
      const events: SseEvent[] = [];
      for (let i = 0; i < count; i++) {
        const step = await source.next();
        if (step.done) break;
        events.push(step.value);
      }
      return events;
    };
    const expectRun = (events: SseEvent[], i: number, from: number, to: number) => {
      const ids = Array.from({ length: to - from + 1 }, (_, k) => from + k);
      expect(events.map((event) => event.data)).toEqual(ids.map((id) => `src${i}:${id}`));
      expect(events.map((event) => event.lastEventId)).toEqual(ids.map(String));
    };
    const firsts = await Promise.all(sources.map((source) => read(source, 3)));
    for (const [i, events] of firsts.entries()) expectRun(events, i, 1, 3);

    // The others' steps are pending when the third closes. Its own read starts after close(): a
    // step taken before it may already be answered from the batch in hand (under load it often
    // is), and close() only drops what no step has taken.
    const pending = new Map(sources.flatMap((source, i) => (i === 2 ? [] : [[i, read(source, 10)] as const])));
    sources[2]!.close();
    pending.set(2, read(sources[2]!, 10));
    const rest = await Promise.all(sources.map((_, i) => pending.get(i)!));
    for (const [i, events] of rest.entries()) {
      if (i === 2) expect(events).toEqual([]);
      else expectRun(events, i, 4, 13);
    }
    await expectServerClosed(keys[2]!);
    for (const [i, key] of keys.entries()) if (i !== 2) expect((await serverStats(key))?.open, key).toBe(1);
    for (const source of sources) source.close();
    for (const key of keys) await vi.waitFor(async () => expect((await serverStats(key))?.open).toBe(0));
  });

  it.runIf(inBrowser)("a dedicated Web Worker imports the package and streams events to the page", async () => {
    const key = uniqueKey("worker");
    const worker = new Worker(new URL("./sse-worker.ts", import.meta.url), { type: "module" });
    try {
      const messages: { kind: string; message?: string; event?: SseEvent }[] = [];
      const finished = new Promise<void>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent) => {
          messages.push(event.data);
          if (event.data.kind === "done") resolve();
          if (event.data.kind === "error") reject(new Error(event.data.message));
        };
        worker.onerror = (event) => reject(new Error(`worker error: ${event.message}`));
      });
      worker.postMessage({ url: streamUrl(key, { interval: 20, tag: "worker" }), count: 5 });
      await Promise.race([finished, timeout(10_000).then(() => expect.fail("the worker did not finish"))]);
      const events = messages.filter((message) => message.kind === "event").map((message) => message.event);
      expect(events).toEqual(
        [1, 2, 3, 4, 5].map((i) => ({ type: "message", data: `worker:${i}`, lastEventId: String(i) })),
      );
      const done = messages.find((message) => message.kind === "done");
      expect(done).toEqual({ kind: "done", inWorker: true, readyState: CLOSED });
      // The worker left its loop with `break`: the connection closed from inside the worker.
      await expectServerClosed(key);
    } finally {
      worker.terminate();
    }
  });
});
