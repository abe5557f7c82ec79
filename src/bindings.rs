//! The JS faces' handles into the engine: what the TypeScript wrapper drives.
//!
//! Not the public API: the wrapper turns batches into event objects, failures into `SseError`s,
//! and adds the async iterator and the listener face. Options cross once, as the caller's init
//! object, read and checked by [`Options::from_js`]. Errors cross once: a wrong option as a JS
//! `TypeError` / `RangeError` / `SyntaxError`, a stream failure as a plain object
//! `{ kind, message, ... }` from which the wrapper builds one error class in one place.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::*;

use crate::batch::{Batch, ID_UNCHANGED};
use crate::error::Error;
use crate::options::{parser_options, Options};
use crate::parser::Parser;
use crate::source::Source;

#[wasm_bindgen(typescript_custom_section)]
const CALLBACK_TYPES: &str = r#"
/**
 * Headers as `fetch` takes them: a `Headers`, a record or name/value pairs (readonly arrays too).
 * Spelled out rather than the DOM lib's `HeadersInit`, which a Node-only project lacks.
 */
export type SseHeadersInit = Headers | Readonly<Record<string, string>> | readonly (readonly [string, string])[];
/** 0 CONNECTING, 1 OPEN, 2 CLOSED, as `EventSource.readyState`. */
export type ReadyState = 0 | 1 | 2;
/** Called when a response is accepted, before its body is read; may throw (or reject) to stop. */
export type OnOpen = (response: Response) => void | Promise<void>;
/**
 * Called before each wait to reconnect, with the error of the failed attempt (null after a
 * connection that ended), the attempt number (1 for the first reconnection after a connection
 * that delivered events) and the planned delay in ms. Returns a new delay, `false` to stop, or
 * nothing to keep the planned delay.
 */
export type OnRetry = (
  error: (Error & SseErrorFields) | null,
  attempt: number,
  delay: number,
) => number | false | undefined | void | Promise<number | false | undefined | void>;
/** What an `SseError`'s `kind` says went wrong. */
export type SseErrorKind = "status" | "content-type" | "network" | "event-too-large";
/** The fields an `SseError` adds to `Error`. */
export interface SseErrorFields {
  /** What went wrong. */
  kind: SseErrorKind;
  /** The response status (kinds "status" and "content-type"). */
  status?: number;
  /** The response status text (kinds "status" and "content-type"). */
  statusText?: string;
  /** The first 64 KiB of the response body (kinds "status" and "content-type"). */
  body?: string;
  /** The response's Content-Type, or null when it had none (kind "content-type"). */
  contentType?: string | null;
}
"#;

/// A wrong option as the JS error its kind calls for, with the package prefix once.
fn option_error(error: Error) -> JsValue {
    let message = ["rust-eventsource: ", &error.message()].concat();
    match error {
        Error::InvalidUrl { .. } => js_sys::SyntaxError::new(&message).into(),
        Error::InvalidOption { out_of_range: true, .. } => js_sys::RangeError::new(&message).into(),
        _ => js_sys::TypeError::new(&message).into(),
    }
}

/// One event source's engine state. Dropping it (or `free()`) closes the source.
#[wasm_bindgen]
pub struct SseClient {
    source: Rc<Source<Batch>>,
}

#[wasm_bindgen]
impl SseClient {
    /// Creates a source of `url` with the caller's init object (see `RustEventSourceInit`);
    /// nothing is sent until the first `nextBatch()`.
    ///
    /// # Errors
    /// A `SyntaxError` for an invalid URL, a `TypeError` for an option of the wrong type, a
    /// `RangeError` for a number out of range; each message names the option and the value.
    #[wasm_bindgen(constructor)]
    pub fn new(url: &str, init: JsValue) -> Result<SseClient, JsValue> {
        let options = Options::from_js(url, &init).map_err(option_error)?;
        Ok(SseClient { source: Rc::new(Source::new(options)) })
    }

    /// The absolute URL requested.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.source.url().to_owned()
    }

    /// Runs one step, then calls `done` with `true` when a batch with at least one event is
    /// described at [`batch_view`] (see [`describe`]), with `undefined` when the stream is over,
    /// or with `{ kind, message, status?, statusText?, body?, cause? }` when it failed. The source
    /// is closed after `undefined` or a failure.
    ///
    /// A callback rather than a promise: a promise made in Rust per step (`future_to_promise`)
    /// cost its construction, its resolving functions' handles and a microtask hop before the
    /// wrapper's own promise chain saw the result. The step runs as a [`crate::drive`] task,
    /// polled right in the read callback that wakes it.
    #[wasm_bindgen(js_name = nextBatch)]
    pub fn next_batch(&self, done: js_sys::Function) {
        let source = Rc::clone(&self.source);
        crate::drive::spawn(async move {
            let result = match source.step().await {
                Ok(true) => {
                    describe(&source.sink.borrow());
                    JsValue::TRUE
                }
                Ok(false) => JsValue::UNDEFINED,
                Err(error) => error.to_js(),
            };
            // The wrapper's callback does not throw.
            let _ = done.call1(&JsValue::UNDEFINED, &result);
        });
    }

    /// 0 CONNECTING, 1 OPEN, 2 CLOSED.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u8 {
        self.source.ready_state() as u8
    }

    /// The last event ID string, as far as the stream has been parsed.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.source.last_event_id()
    }

    /// Aborts the request and ends a pending `nextBatch()` with `undefined`. Idempotent.
    pub fn close(&self) {
        self.source.close();
    }
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// The parser alone, for bytes that arrive some other way: `feed` a chunk, get its events.
/// Crosses the boundary once per chunk, like the source does.
#[wasm_bindgen]
pub struct SseParser {
    parser: Parser,
    batch: Batch,
}

#[wasm_bindgen]
impl SseParser {
    /// A parser with the caller's `{ maxEventBytes?, lastEventId? }` (see `SseParserInit`).
    ///
    /// # Errors
    /// A `TypeError` or `RangeError` for a wrong option, as for a source.
    #[wasm_bindgen(constructor)]
    pub fn new(init: JsValue) -> Result<SseParser, JsValue> {
        let (max_event_bytes, last_event_id) = parser_options(&init).map_err(option_error)?;
        let mut parser = Parser::new(max_event_bytes);
        parser.set_last_event_id(&last_event_id);
        Ok(SseParser { parser, batch: Batch::default() })
    }

    /// Parses one chunk: `false` when it completed no event, else `true`, its events described at
    /// [`batch_view`] (see [`describe`]).
    ///
    /// # Errors
    /// `{ kind: "event-too-large", message }` when a line or event passed the limit; the parser
    /// then fails every chunk until `reset()`.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<bool, JsValue> {
        self.batch.clear();
        if let Err(error) = self.parser.feed(chunk, &mut self.batch) {
            return Err(Error::from(error).to_js());
        }
        if self.batch.is_empty() {
            return Ok(false);
        }
        describe(&self.batch);
        Ok(true)
    }

    /// The end of a stream: an unfinished event is dropped; the last event ID is kept.
    pub fn reset(&mut self) {
        self.parser.end_of_stream();
    }

    /// The last `retry:` value seen (ms), or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn retry(&self) -> Option<f64> {
        self.batch.retry.map(|ms| ms as f64)
    }

    /// The last event ID string.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().to_owned()
    }
}

/// The last batch handed to JS: `[textPtr, textLen, lensPtr, lensCount, ascii]`, u32 each, at a
/// fixed place in wasm memory that JS reads (a view made once) rather than a JS array made per
/// batch: the array and its five numbers cost a few microseconds per step in Node. Atomics only
/// to be a safe `static`: the wasm is single-threaded, so these are plain loads and stores.
static BATCH_VIEW: [AtomicU32; 5] = [const { AtomicU32::new(0) }; 5];

/// Where [`BATCH_VIEW`] lies in wasm memory (a byte offset; `AtomicU32` has `u32`'s layout).
#[wasm_bindgen(js_name = batchView)]
pub fn batch_view() -> u32 {
    BATCH_VIEW.as_ptr() as usize as u32
}

/// Describes `batch` at [`BATCH_VIEW`]. Neither the text nor the lengths are copied into JS values
/// here: JS reads both straight from wasm memory (byte offsets; `textLen` UTF-8 bytes, `lensCount`
/// u32 values) before its next call into this source or parser, which is before they can move or
/// change. The lengths' copy into a JS array cost a sixth of the time on small events; the text is
/// decoded by the wrapper, which has faster ways than wasm-bindgen's `TextDecoder` in Node
/// (`Buffer`, latin1 for ASCII text).
///
/// `ascii` (1 or 0) says that the text is all ASCII: its UTF-16 lengths add up to its UTF-8 length
/// (any other character is longer in UTF-8 than in UTF-16), a sum over three numbers per event
/// rather than a scan of the text.
fn describe(batch: &Batch) {
    let units: u64 = batch.lens.iter().filter(|&&len| len != ID_UNCHANGED).map(|&len| u64::from(len)).sum();
    let ascii = units == batch.text.len() as u64;
    // Wasm32 addresses and lengths fit in u32.
    let fields = [
        batch.text.as_ptr() as usize,
        batch.text.len(),
        batch.lens.as_ptr() as usize,
        batch.lens.len(),
        usize::from(ascii),
    ];
    for (slot, value) in BATCH_VIEW.iter().zip(fields) {
        slot.store(value as u32, Ordering::Relaxed);
    }
}
