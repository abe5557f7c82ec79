//! The JS face of the client: a handle the wrapper in `pkg-template/index.js` drives.
//!
//! Not the public API: the wrapper turns batches into event objects, failures into `SseError`s,
//! and adds the async iterator. Errors cross as plain objects `{ kind, message, ... }` so the
//! wrapper can build one error class in one place.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::RequestCredentials;

use crate::batch::Batch;
use crate::client::{whole_number, Client, Failure, Hooks, Request, Step};
use crate::parser::Parser;
use crate::policy::RetryOptions;

/// One event source's Rust state. Dropping it (or `free()`) closes the source.
#[wasm_bindgen]
pub struct SseClient {
    client: Rc<Client>,
}

#[wasm_bindgen]
impl SseClient {
    /// Creates a source; nothing is sent until the first `nextBatch()`.
    ///
    /// `url` must be absolute (the wrapper resolves it). `options` is the wrapper's normalised
    /// object: `method`, `headers` (a `Headers` or a function), `body`, `credentials`,
    /// `lastEventId`, `reconnect`, `retryDelay`, `backoff`, `maxRetryDelay`, `maxRetries`,
    /// `retryStatuses`, `idleTimeout`, `maxEventBytes`, `fetch`, `onOpen`, `onRetry`.
    ///
    /// # Errors
    /// A `TypeError` when `credentials` is not `"omit"`, `"same-origin"` or `"include"`.
    #[wasm_bindgen(constructor)]
    pub fn new(url: String, options: &Object) -> Result<SseClient, JsValue> {
        let get = |key: &str| Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let number = |key: &str, default: f64| get(key).as_f64().unwrap_or(default);
        let function = |key: &str| get(key).dyn_into::<Function>().ok();
        let credentials = match get("credentials").as_string().as_deref().unwrap_or("same-origin") {
            "omit" => RequestCredentials::Omit,
            "same-origin" => RequestCredentials::SameOrigin,
            "include" => RequestCredentials::Include,
            other => return Err(js_sys::TypeError::new(&["invalid credentials mode \"", other, "\""].concat()).into()),
        };
        let retry_statuses = match get("retryStatuses").dyn_into::<js_sys::Array>() {
            Ok(array) => array.iter().filter_map(|v| v.as_f64()).map(|v| v as u16).collect(),
            Err(_) => Vec::new(),
        };
        let request = Request {
            url,
            method: get("method").as_string().unwrap_or_else(|| "GET".into()),
            headers: get("headers"),
            body: get("body"),
            credentials,
            fetch: function("fetch"),
            retry_statuses,
            // Infinity, like 0, means no idle timeout.
            idle_timeout_ms: Some(number("idleTimeout", 0.0)).filter(|ms| ms.is_finite()).map_or(0, whole_number),
            hooks: Hooks { on_open: function("onOpen"), on_retry: function("onRetry") },
        };
        let max_retries = number("maxRetries", f64::INFINITY);
        let retry = RetryOptions {
            enabled: get("reconnect").as_bool().unwrap_or(true),
            delay_ms: whole_number(number("retryDelay", 3000.0)),
            backoff: get("backoff").as_bool().unwrap_or(false),
            max_delay_ms: whole_number(number("maxRetryDelay", 30_000.0)),
            max_retries: max_retries.is_finite().then(|| whole_number(max_retries).min(u32::MAX as u64) as u32),
        };
        let last_event_id = get("lastEventId").as_string().unwrap_or_default();
        let max_event_bytes = whole_number(number("maxEventBytes", 8.0 * 1024.0 * 1024.0)) as usize;
        let client = Client::new(request, &last_event_id, retry, max_event_bytes);
        Ok(SseClient { client: Rc::new(client) })
    }

    /// Resolves to `[text, lensPtr, lensCount]` (see `batch.rs` and [`batch_to_js`]) with at
    /// least one event, or to `undefined`
    /// when the stream is over; rejects with `{ kind, message, status?, statusText?, body?,
    /// cause? }` when it failed. The source is closed after `undefined` or a rejection.
    #[wasm_bindgen(js_name = nextBatch)]
    pub fn next_batch(&self) -> js_sys::Promise {
        let client = Rc::clone(&self.client);
        future_to_promise(async move {
            match Rc::clone(&client).next_batch().await {
                Ok(Step::Done) => Ok(JsValue::UNDEFINED),
                Ok(Step::Events) => {
                    let batch = client.batch.borrow();
                    Ok(batch_to_js(&batch))
                }
                Err(failure) => Err(failure.to_js()),
            }
        })
    }

    /// 0 CONNECTING, 1 OPEN, 2 CLOSED.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u8 {
        self.client.ready_state() as u8
    }

    /// The last event ID string, as far as the stream has been parsed.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.client.last_event_id()
    }

    /// Aborts the request and ends a pending `nextBatch()` with `undefined`. Idempotent.
    pub fn close(&self) {
        self.client.close();
    }
}

impl Drop for SseClient {
    fn drop(&mut self) {
        self.client.close();
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
    /// A parser that fails a line or event over `max_event_bytes`, starting from
    /// `last_event_id`.
    #[wasm_bindgen(constructor)]
    pub fn new(max_event_bytes: f64, last_event_id: &str) -> SseParser {
        let mut parser = Parser::new(whole_number(max_event_bytes) as usize);
        parser.set_last_event_id(last_event_id);
        SseParser { parser, batch: Batch::default() }
    }

    /// Parses one chunk: `undefined` when it completed no event, else
    /// `[text, lensPtr, lensCount]` (see [`batch_to_js`]).
    ///
    /// # Errors
    /// `{ kind: "event-too-large", message }` when a line or event passed the limit; the parser
    /// then fails every chunk until `reset()`.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<JsValue, JsValue> {
        self.batch.clear();
        if let Err(error) = self.parser.feed(chunk, &mut self.batch) {
            return Err(Failure::event_too_large(error).to_js());
        }
        if self.batch.is_empty() {
            return Ok(JsValue::UNDEFINED);
        }
        Ok(batch_to_js(&self.batch))
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

/// A batch for JS: `[text, lensPtr, lensCount]`. The lengths are not copied into a new JS array
/// (that copy cost a sixth of the time on small events): JS reads them straight from wasm memory
/// at `lensPtr` (a byte offset; `lensCount` u32 values) before its next call into wasm, which
/// is before they can move or change. The wrapper copies them when it keeps them longer.
fn batch_to_js(batch: &Batch) -> JsValue {
    let ptr = batch.lens.as_ptr() as usize as f64;
    let count = batch.lens.len() as f64;
    Array::of3(&JsValue::from_str(&batch.text), &ptr.into(), &count.into()).into()
}
