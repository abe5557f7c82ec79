// The Node side of the benchmark, in its own process (forked by run.js with --expose-gc), so
// that the server and Playwright in run.js do not share its event loop. Takes one job per IPC
// message, { id, job, args }, and answers { id, result } or { id, error }.
import { getHeapStatistics } from "node:v8";
import { createParser } from "eventsource-parser";
import { EventSource as EventSourceNpm } from "eventsource";
import { createEventSource } from "eventsource-client";

import { RustEventSource, SseParser, wasmMemoryBytes } from "../pkg/index.js";
import * as work from "./lib/work.js";

const libs = {
  RustEventSource,
  SseParser,
  createParser,
  EventSourceNpm,
  createEventSource,
  now: () => performance.timeOrigin + performance.now(),
  heapUsed: () => getHeapStatistics().used_heap_size,
  wasmMemoryBytes,
};

const jobs = {
  parseShape: (args) => work.parseShape(libs, args),
  endToEndShape: (args) => work.endToEndShape(libs, args),
  latency: (args) => work.latency(libs, args),
  clientNames: () => work.clientNames(libs),
  /** Heap after a full GC (twice, letting finalizers run between), and our wasm memory. */
  async heap() {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    globalThis.gc();
    return { heap: libs.heapUsed(), wasm: libs.wasmMemoryBytes() };
  },
  warmOurs: () => work.warmOurs(libs),
  openCloseCycles: (args) => work.openCloseCycles(libs, args),
};

process.on("message", async ({ id, job, args }) => {
  try {
    process.send({ id, result: await jobs[job](args) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => process.exit(0));
