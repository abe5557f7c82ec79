// @ts-check
// The page of the Vite and webpack apps: streams from the test SSE server given as `?server=`
// (another origin: CORS, preflights) in the page and in a dedicated module worker, then writes
// everything it saw as JSON into <body data-result>, where the packaging test reads it.
import { SseError } from "rust-eventsource";
import { collect } from "./stream.js";

const server = new URLSearchParams(location.search).get("server") ?? "";

/** Runs the worker: it streams the same endpoint and posts what it got. */
function inWorker() {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (message) => {
      worker.terminate();
      resolve(message.data);
    };
    worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
    worker.postMessage(server);
  });
}

async function run() {
  const page = await collect(`${server}/counter?n=5&interval=10`);
  const echo = await collect(`${server}/echo`, {
    method: "POST",
    headers: { Authorization: "Bearer packaging", "Content-Type": "application/json" },
    body: JSON.stringify({ hello: "world" }),
  });
  let statusError = null;
  try {
    await collect(`${server}/status?code=401&body=nope`);
  } catch (error) {
    if (!(error instanceof SseError)) throw error;
    statusError = { name: error.name, kind: error.kind, status: error.status, body: error.body };
  }
  const worker = await inWorker();
  const first = echo.events[0];
  return { page, echo: first && JSON.parse(first.data), statusError, worker };
}

run().then(
  (result) => {
    document.body.dataset.result = JSON.stringify(result);
    document.body.textContent = `ok: ${result.page.events.length} events in the page, ${result.worker.events?.length} in the worker`;
  },
  (error) => {
    document.body.dataset.result = JSON.stringify({ error: String(error?.stack ?? error) });
    document.body.textContent = `failed: ${error}`;
  },
);
