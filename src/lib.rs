//! rust-eventsource: a Server-Sent Events client over `fetch` and `ReadableStream`.
#![deny(missing_docs)]

pub mod parser;
