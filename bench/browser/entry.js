// The bench page: the clients as Chromium runs them, exposed as globalThis.bench for run.js.
import { RustEventSource, SseParser, wasmMemoryBytes } from "/pkg/index.js";
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

globalThis.bench = { libs, work };
globalThis.benchReady = true;
