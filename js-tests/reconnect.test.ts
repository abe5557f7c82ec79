// Connection semantics (WHATWG HTML "Server-sent events", processing model) and the controls
// beyond the spec. Shared by the Node and browser projects, against js-tests/server.mjs. What a
// route yields and how it ends (reconnection with Last-Event-ID, statuses, MIME types, 204) is in
// protocol.test.ts, run through both faces; here are the timings, the readyState and the controls.
import { describe, expect, it, vi } from "vitest";
import { RustEventSource, SseError } from "../pkg/index.js";
import {
  collect,
  connect,
  crossOrigin,
  deadOrigin,
  expectServerClosed,
  expectSseError,
  iterate,
  origin,
  rejection,
  serverStats,
  sleep,
  uniqueKey,
  waitForServerOpen,
} from "./harness.ts";

const FAST = { retryDelay: 20 };

async function attempts(key: string) {
  return (await serverStats(key))?.attempts ?? [];
}

describe("reconnection (spec behaviour for GET)", () => {
  it("waits the reconnection time, replaced by a retry: field", async () => {
    const key = uniqueKey("retry");
    // retryDelay 5000 would time the test out; the server's `retry: 300` replaces it.
    const events = await collect(connect(`${origin}/reconnect?key=${key}&n=1&total=2&retry=300`, { retryDelay: 5000 }));
    expect(events.map((e) => e.data)).toEqual(["1", "2"]);
    const [first, second] = await attempts(key);
    const gap = second!.at - first!.at;
    expect(gap).toBeGreaterThanOrEqual(290);
    expect(gap).toBeLessThan(2000);
  });

  it("uses retryDelay until the server says otherwise", async () => {
    const key = uniqueKey("delay");
    await collect(connect(`${origin}/reconnect?key=${key}&n=1&total=2`, { retryDelay: 250 }));
    const [first, second] = await attempts(key);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(240);
  });

  it("moves readyState CONNECTING -> OPEN -> CONNECTING (waiting) -> OPEN -> CLOSED", async () => {
    const key = uniqueKey("states");
    const source = connect(`${origin}/reconnect?key=${key}&n=1&total=2`, { retryDelay: 400 });
    expect(source.readyState).toBe(RustEventSource.CONNECTING);
    const steps = iterate(source);
    expect((await steps.next()).value?.data).toBe("1");
    expect(source.readyState).toBe(RustEventSource.OPEN);
    const second = steps.next();
    // The first body has ended; the client waits 400 ms before reconnecting.
    await vi.waitFor(() => expect(source.readyState).toBe(RustEventSource.CONNECTING), { timeout: 1000, interval: 5 });
    expect((await second).value?.data).toBe("2");
    expect(source.readyState).toBe(RustEventSource.OPEN);
    expect((await steps.next()).done).toBe(true); // the 204
    expect(source.readyState).toBe(RustEventSource.CLOSED);
  });
});

describe("beyond the spec", () => {
  it("does not re-send a POST unless reconnect: true", async () => {
    const key = uniqueKey("post");
    const url = `${origin}/reconnect?key=${key}&n=1&total=3`;
    const once = await collect(connect(url, { ...FAST, method: "POST", body: "{}" }));
    expect(once.map((e) => e.data)).toEqual(["1"]);
    await sleep(150);
    expect(await attempts(key)).toHaveLength(1);

    const again = await collect(connect(`${url}&again`, { ...FAST, method: "POST", body: "{}", reconnect: true }));
    expect(again.map((e) => e.data)).toEqual(["1", "2", "3"]);
  });

  it("calls a headers function before every attempt", async () => {
    const key = uniqueKey("token");
    let calls = 0;
    const events = await collect(
      connect(`${crossOrigin}/reconnect?key=${key}&n=1&total=3`, {
        ...FAST,
        headers: async () => ({ Authorization: `Bearer token-${++calls}` }),
      }),
    );
    expect(events).toHaveLength(3);
    expect((await attempts(key)).map((a) => a.authorization)).toEqual([
      "Bearer token-1",
      "Bearer token-2",
      "Bearer token-3",
      "Bearer token-4",
    ]);
  });

  it("ends with the caller's own error when the headers function throws", async () => {
    const oops = new Error("no token");
    const error = await rejection(
      collect(
        connect(`${origin}/counter?n=1`, {
          headers: () => {
            throw oops;
          },
        }),
      ),
    );
    expect(error).toBe(oops);
  });

  it("grows the delay with backoff, caps it, and ends after maxRetries with the last error", async () => {
    const calls: [number, number][] = [];
    const source = connect(`${deadOrigin}/nothing`, {
      retryDelay: 20,
      // Lowers the floor on delays after failed attempts (100 ms by default) to see the backoff alone.
      minRetryDelay: 0,
      backoff: true,
      maxRetryDelay: 80,
      maxRetries: 5,
      onRetry: (error, attempt, delay) => {
        expect(error).toBeInstanceOf(SseError);
        expect(error?.kind).toBe("network");
        calls.push([attempt, delay]);
      },
    });
    await expectSseError(collect(source), "network");
    expect(calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4, 5]);
    // Equal jitter: each delay is between half and all of 20, 40, 80, 80, 80.
    const full = [20, 40, 80, 80, 80];
    calls.forEach(([, delay], i) => {
      expect(delay).toBeGreaterThanOrEqual(full[i]! / 2);
      expect(delay).toBeLessThanOrEqual(full[i]!);
    });
  });

  it("honours Retry-After on a listed status and resets the attempt count after an open", async () => {
    const key = uniqueKey("retry-after");
    const delays: number[] = [];
    const source = connect(`${origin}/sequence?key=${key}&steps=503,503,200,204&retryAfter=1`, {
      retryDelay: 10,
      retryStatuses: [503],
      onRetry: (error, _attempt, delay) => {
        delays.push(delay);
        if (error) expect(error.status).toBe(503);
        return delay === 1000 ? 50 : undefined; // keep the test fast, and prove the hook can change it
      },
    });
    const events = await collect(source);
    expect(events.map((e) => e.data)).toEqual(["attempt 3"]);
    expect(delays).toEqual([1000, 1000, 10]);
    const at = (await attempts(key)).map((a) => a.at);
    expect(at).toHaveLength(4);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(45);
  });

  it("stops when onRetry returns false", async () => {
    const key = uniqueKey("no-retry");
    const events = await collect(
      connect(`${origin}/reconnect?key=${key}&n=1&total=5`, { ...FAST, onRetry: () => false }),
    );
    expect(events.map((e) => e.data)).toEqual(["1"]);
    expect(await attempts(key)).toHaveLength(1);
  });

  it("lets onOpen see the response and refuse it", async () => {
    const seen: [number, number][] = [];
    const source: RustEventSource = connect(`${origin}/counter?n=2`, {
      reconnect: false,
      // readyState is already OPEN here, as in EventSource's open event.
      onOpen: (response) => void seen.push([response.status, source.readyState]),
    });
    const events = await collect(source);
    expect(events).toHaveLength(2);
    expect(seen).toEqual([[200, RustEventSource.OPEN]]);

    const key = uniqueKey("refused");
    const refusal = new Error("refused");
    const error = await rejection(
      collect(
        connect(`${origin}/hang?key=${key}`, {
          onOpen: async () => {
            throw refusal;
          },
        }),
      ),
    );
    expect(error).toBe(refusal);
    await expectServerClosed(key);
  });

  it("treats an idle connection as lost after idleTimeout, and reconnects", async () => {
    const key = uniqueKey("idle");
    const source = connect(`${origin}/reconnect?key=${key}&n=1&total=2&mode=hang`, { ...FAST, idleTimeout: 300 });
    const events = await collect(source, 2);
    expect(events.map((e) => e.data)).toEqual(["1", "2"]);
    const [first, second] = await attempts(key);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(290);
  });

  it("an idle timeout without reconnection rejects with kind network and closes the connection", async () => {
    const key = uniqueKey("idle-fatal");
    const source = connect(`${origin}/hang?key=${key}`, { reconnect: false, idleTimeout: 1000 });
    await waitForServerOpen(key);
    const error = await expectSseError(collect(source), "network");
    expect(error.message).toMatch(/idleTimeout/);
    await expectServerClosed(key);
  });
});
