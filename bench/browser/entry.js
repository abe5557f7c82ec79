// The bench page: the clients as Chromium runs them, exposed as globalThis.bench for run.js.
import { RustEventSource, SseParser } from "/pkg/index.js";
import { initSync } from "/pkg/wasm/rust_eventsource.js";
import { createParser } from "eventsource-parser";
import { EventSource as EventSourceNpm } from "eventsource";
import { createEventSource } from "eventsource-client";
import { fetchEventSource } from "@microsoft/fetch-event-source";
import * as work from "../lib/work.js";

const libs = {
  RustEventSource,
  SseParser,
  createParser,
  EventSourceNpm,
  createEventSource,
  fetchEventSource,
  NativeEventSource: globalThis.EventSource,
  now: () => performance.timeOrigin + performance.now(),
  heapUsed: () => performance.memory.usedJSHeapSize,
  wasmMemoryBytes,
};

/** Our wasm memory, once our package has loaded the wasm (initSync then returns its exports). */
function wasmMemoryBytes() {
  try {
    return initSync().memory.buffer.byteLength;
  } catch {
    return 0; // not loaded yet: initSync() without a module throws before doing anything
  }
}

globalThis.bench = { libs, work };
globalThis.benchReady = true;
