// A dedicated worker for safety.test.ts: imports the package, reads `count` events from `url`
// with for-await, then leaves the loop (which closes the source) and reports to the page:
// `{ kind: "event", event }` per event, then `{ kind: "done", inWorker, readyState }`, or
// `{ kind: "error", message }`.
import { RustEventSource } from "../pkg/index.js";

self.onmessage = async (message: MessageEvent<{ url: string; count: number }>) => {
  const { url, count } = message.data;
  try {
    const source = new RustEventSource(url);
    let seen = 0;
    for await (const event of source) {
      self.postMessage({ kind: "event", event });
      seen += 1;
      if (seen >= count) break;
    }
    const inWorker =
      typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function" &&
      typeof (globalThis as { document?: unknown }).document === "undefined";
    self.postMessage({ kind: "done", inWorker, readyState: source.readyState });
  } catch (error) {
    self.postMessage({ kind: "error", message: String(error) });
  }
};
