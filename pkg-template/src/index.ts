// The package's entry: its public surface. Importing it loads the wasm (load.ts).
export { SseError } from "./errors.js";
export {
  EventSource,
  type EventSourceErrorEvent,
  type EventSourceEventMap,
  type EventSourceInit,
} from "./eventsource.js";
export { wasmMemoryBytes } from "./load.js";
export { SseParser } from "./parser.js";
export { RustEventSource } from "./source.js";
export type {
  OnOpen,
  OnRetry,
  ReadyState,
  RustEventSourceInit,
  SseErrorKind,
  SseEvent,
  SseHeadersInit,
  SseParserInit,
} from "./types.js";
