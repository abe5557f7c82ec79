// The example Rust wasm app (src/lib.rs, built into pkg/ by `wasm-pack build --dev --target web`)
// in headless Chromium, against the real test SSE server (js-tests/server.mjs): the page streams
// events and the app writes them into the DOM. Run by scripts/rust-browser-tests.sh after the
// build: `node --test-reporter=spec examples/rust-app/test.mjs`.
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startServer } from "../../js-tests/server.mjs";
import { appResult, launch, serveStatic } from "../../packaging/lib/browser.mjs";

const APP = dirname(fileURLToPath(import.meta.url));

/** @type {Awaited<ReturnType<typeof startServer>>} */
let sse;
/** @type {{ origin: string, close: () => Promise<unknown> }} */
let site;
/** @type {import("playwright").Browser} */
let browser;

before(async () => {
  [sse, site, browser] = await Promise.all([startServer(), serveStatic(APP), launch()]);
});

after(async () => {
  await browser?.close();
  await site?.close();
  await sse?.close();
});

/**
 * Opens the app on `url` (a path of the SSE server); returns what the page reported.
 * @param {string} url
 */
function open(url) {
  return appResult(browser, `${site.origin}/?url=${encodeURIComponent(`${sse.origin}${url}`)}`);
}

test("the app streams events into the page, resuming after event 41 with its token", async () => {
  // /reconnect continues after the Last-Event-ID: one event per connection (`retry: 50` between
  // them), then 204 once event 44 was sent, which ends the app's `while let` loop.
  const key = `rust-app-${Date.now()}`;
  const { result, problems } = await open(`/reconnect?key=${key}&n=1&total=44&retry=50`);
  assert.deepEqual(problems, []);
  const events = ["42", "43", "44"].map((id) => ({ type: "message", id, data: id }));
  assert.deepEqual(result, { count: 3, events });
  const record = await (await fetch(`${sse.origin}/stats?key=${key}`)).json();
  assert.deepEqual(
    record.attempts.map((/** @type {{ lastEventId: string, authorization: string }} */ attempt) => [
      attempt.lastEventId,
      attempt.authorization,
    ]),
    ["41", "42", "43", "44"].map((id) => [id, "Bearer t0ken"]),
  );
});

test("the app reports the stream's error", async () => {
  const { result, problems } = await open("/status?code=401&body=nope");
  // Chromium logs the failed response itself.
  assert.deepEqual(
    problems.filter((problem) => !/status of 401/.test(problem)),
    [],
  );
  assert.deepEqual(result.events, []);
  assert.match(result.error, /401/);
});
