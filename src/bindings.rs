//! The JS face of the client: a handle the wrapper in `pkg-template/index.js` drives.
//!
//! Not the public API: the wrapper turns batches into event objects, failures into `SseError`s,
//! and adds the async iterator. Errors cross as plain objects `{ kind, message, ... }` so the
//! wrapper can build one error class in one place.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect, Uint32Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{Headers, RequestCredentials};

use crate::client::{Client, Failure, Request, Step};
use crate::policy::Reconnect;

/// One event source's Rust state. Dropping it (or `free()`) closes the source.
#[wasm_bindgen]
pub struct SseClient {
    client: Rc<Client>,
}

#[wasm_bindgen]
impl SseClient {
    /// Creates a source; nothing is sent until the first `nextBatch()`.
    ///
    /// `url` must be absolute (the wrapper resolves it); `headers` is copied on every attempt;
    /// `body` is `undefined` or any fetch `BodyInit`.
    ///
    /// # Errors
    /// A `TypeError` when `credentials` is not `"omit"`, `"same-origin"` or `"include"`.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: String,
        method: String,
        headers: Headers,
        body: JsValue,
        credentials: &str,
        last_event_id: &str,
        reconnect: bool,
        retry_delay_ms: f64,
        max_event_bytes: f64,
        fetch: Option<Function>,
    ) -> Result<SseClient, JsValue> {
        let credentials = match credentials {
            "omit" => RequestCredentials::Omit,
            "same-origin" => RequestCredentials::SameOrigin,
            "include" => RequestCredentials::Include,
            other => {
                return Err(js_sys::TypeError::new(&format!("invalid credentials mode {other:?}")).into())
            }
        };
        let request = Request { url, method, headers, body, credentials, fetch };
        let reconnect = Reconnect::new(reconnect, to_count(retry_delay_ms) as u64);
        let client = Client::new(request, last_event_id, reconnect, to_count(max_event_bytes));
        Ok(SseClient { client: Rc::new(client) })
    }

    /// Resolves to `[text, lens]` (see `batch.rs`) with at least one event, or to `undefined`
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
                    let lens = Uint32Array::from(&batch.lens[..]);
                    Ok(Array::of2(&JsValue::from_str(&batch.text), &lens).into())
                }
                Err(failure) => Err(failure_to_js(failure)),
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

/// A non-negative integer from a JS number; NaN and negatives are 0, huge values saturate.
fn to_count(value: f64) -> usize {
    if value.is_nan() || value <= 0.0 {
        0
    } else {
        value.min(usize::MAX as f64) as usize
    }
}

fn failure_to_js(failure: Failure) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    };
    set("kind", failure.kind.as_str().into());
    set("message", failure.message.into());
    if let Some(status) = failure.status {
        set("status", status.into());
    }
    if let Some(status_text) = failure.status_text {
        set("statusText", status_text.into());
    }
    if let Some(body) = failure.body {
        set("body", body.into());
    }
    if !failure.cause.is_undefined() {
        set("cause", failure.cause);
    }
    object.into()
}
