//! rust-eventsource: a Server-Sent Events client over `fetch` and `ReadableStream`, with a
//! parser that follows the WHATWG HTML standard,
//! [§9.2 "Server-sent events"](https://html.spec.whatwg.org/multipage/server-sent-events.html).
//!
//! One engine, two faces: Rust code compiled to wasm32 uses [`EventSource`], a
//! [`futures::Stream`] of [`Event`]s; JS and TypeScript use the npm package built from this
//! crate (`RustEventSource`, the listener-style `EventSource`, `SseParser`), which drives the same
//! engine through the bindings.
//!
//! ```no_run
//! use futures::StreamExt;
//! use rust_eventsource::{Error, Event, EventSource};
//!
//! # async fn run() -> Result<(), Error> {
//! let mut source = EventSource::builder("https://api.example.com/feed")
//!     .header("Authorization", "Bearer t0ken")
//!     .last_event_id("41")
//!     .build()?; // Err(Error) for an invalid URL or header
//! while let Some(item) = source.next().await {
//!     let event: Event = item?;
//!     println!("{} {} {}", event.event_type, event.data, event.last_event_id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The stream reconnects with `Last-Event-ID`, honours `retry:`, fails on a status other than
//! 200 or a MIME type other than `text/event-stream`, ends on 204, and closes the connection when
//! dropped. The body is read through wasm-streams.
//!
//! Layers, each using only the ones before it: [`parser`] (bytes to events, no IO), [`policy`]
//! (pure connection decisions), [`batch`] (events packed for JS), `body`, `timer`, `signal`,
//! `request` (fetch and streams), [`options`], `source` (the reconnecting engine),
//! [`EventSource`] (the Rust face) and `bindings` (the JS faces' handles).

// The library formats no text with core::fmt (clippy.toml says why); its tests may.
#![cfg_attr(test, allow(clippy::disallowed_macros, clippy::disallowed_methods))]
#![deny(missing_docs)]

pub mod batch;
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod chunking;
pub mod parser;
pub mod policy;

// Everything that touches JS: on with the default feature `js`. Without it the crate is the
// parser, the policy and the batch packing alone, which is what the fuzz crate builds (natively,
// without compiling the wasm-bindgen and web-sys stack twice).
#[cfg(feature = "js")]
mod drive;
#[cfg(feature = "js")]
mod error;
#[cfg(feature = "js")]
mod event_source;
#[cfg(feature = "js")]
pub mod options;

#[cfg(feature = "js")]
mod bindings;
#[cfg(feature = "js")]
mod body;
#[cfg(feature = "js")]
mod request;
#[cfg(feature = "js")]
mod signal;
#[cfg(feature = "js")]
mod source;
#[cfg(feature = "js")]
mod sys;
#[cfg(all(feature = "js", feature = "test-support"))]
#[doc(hidden)]
pub mod test_hooks;
#[cfg(feature = "js")]
mod timer;

#[cfg(feature = "js")]
pub use error::Error;
#[cfg(feature = "js")]
pub use event_source::{Event, EventSource, EventSourceBuilder, ReadyState};
