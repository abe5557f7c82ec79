// Misbehaving servers (issue 9): every case ends bounded, with a clear error. The hostile servers
// are routes of js-tests/server.mjs (/stalled-status, /no-headers, /empty, ...). Shared by the
// Node and browser projects. The numbers are the cases; the wrong options (cases 4 and 5)
// are in options.test.ts.
import { describe, expect, it } from "vitest";
import {
  collect,
  connect,
  expectServerClosed,
  iterate,
  origin,
  serverStats,
  timeout,
  uniqueKey,
  waitForServerOpen,
} from "./harness.ts";

const DONE = { done: true, value: undefined };

/** Options the package's types may not list yet (`minRetryDelay`), or on purpose wrong. */
function open(url: string, init: Record<string, unknown>) {
  return connect(url, init as Parameters<typeof connect>[1]);
}

async function attempts(key: string) {
  return (await serverStats(key))?.attempts ?? [];
}

describe("1. a non-200 answer whose body never ends", () => {
  it("without idleTimeout, close() still ends the pending step with done and closes the connection", async () => {
    const key = uniqueKey("stalled-status-close");
    const source = open(`${origin}/stalled-status?key=${key}`, {});
    const pending = iterate(source).next();
    await waitForServerOpen(key);
    await timeout(100);
    source.close();
    expect(await Promise.race([pending, timeout(2_000)])).toEqual(DONE);
    await expectServerClosed(key);
  });
});

describe("2. a server that accepts the connection and never sends headers", () => {
  it("headers that come within idleTimeout are fine: the stream is read", async () => {
    const events = await collect(open(`${origin}/no-headers?after=200`, { idleTimeout: 2_000, reconnect: false }));
    expect(events.map((e) => e.data)).toEqual(["late"]);
  });

  it("without idleTimeout, close() while waiting for headers ends the step with done and closes the connection", async () => {
    const key = uniqueKey("no-headers-close");
    const source = open(`${origin}/no-headers?key=${key}`, {});
    const pending = iterate(source).next();
    await waitForServerOpen(key);
    source.close();
    expect(await Promise.race([pending, timeout(2_000)])).toEqual(DONE);
    await expectServerClosed(key);
  });
});

describe("3. reconnection storms: a floor under the delay after a connection without events", () => {
  // /empty answers 200 and ends at once: without a floor, retryDelay 0 makes hundreds of requests
  // a second. The default floor (minRetryDelay) is 100 ms; timer and loopback jitter allowed for.
  it("no floor after a connection that delivered an event: retryDelay 0 reconnects without it", async () => {
    const key = uniqueKey("events-zero");
    const source = open(`${origin}/reconnect?key=${key}&n=1&total=6`, { retryDelay: 0 });
    expect((await collect(source)).map((e) => e.data)).toEqual(["1", "2", "3", "4", "5", "6"]);
    const at = (await attempts(key)).map((a) => a.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeLessThan(95);
  });
});

describe("8. the signal: a TimeoutError reason rejects, a plain abort ends with done", () => {
  it("abort(reason) with a reason other than a TimeoutError ends with done, as abort() does", async () => {
    const key = uniqueKey("signal-reason");
    const controller = new AbortController();
    const source = open(`${origin}/hang?key=${key}`, { signal: controller.signal });
    const pending = iterate(source).next();
    await waitForServerOpen(key);
    controller.abort(new Error("the user left"));
    expect(await Promise.race([pending, timeout(2_000)])).toEqual(DONE);
    await expectServerClosed(key);
  });
});
