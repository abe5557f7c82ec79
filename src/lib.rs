//! rust-eventsource: a Server-Sent Events client over `fetch` and `ReadableStream`, with a
//! parser that follows the WHATWG HTML standard,
//! [§9.2 "Server-sent events"](https://html.spec.whatwg.org/multipage/server-sent-events.html).
//!
//! Layers, each using only the ones before it: [`parser`] (bytes to events, no IO), [`policy`]
//! (pure connection decisions), [`batch`] (events packed for JS), `client` (fetch, streams,
//! timers), `bindings` (the handle the JS wrapper drives).
#![deny(missing_docs)]

pub mod batch;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod chunking;
pub mod error;
pub mod parser;
pub mod policy;

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod body;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
mod sys;
#[cfg(target_arch = "wasm32")]
mod timer;
