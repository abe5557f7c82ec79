// The types of what crosses into Rust: the options, the event, the error kinds, the callbacks.
// Generated from the Rust types (tsify derives and wasm-bindgen's typescript_custom_section in
// src/options.rs, src/event_source.rs and src/bindings.rs); scripts/build.mjs cuts them out of the
// wasm glue's .d.ts into ./wasm/types.d.ts, so that the package's types do not pull in the glue's.
export type {
  OnOpen,
  OnRetry,
  ReadyState,
  RustEventSourceInit,
  SseErrorFields,
  SseErrorKind,
  SseEvent,
  SseHeadersInit,
  SseParserInit,
} from "./wasm/types.js";
