//! One attempt's request: its headers, the `fetch` call, and what a failed response says.
//!
//! Follows the WHATWG HTML standard,
//! [§9.2.3 "Processing model"](https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model):
//! `Accept: text/event-stream`, no caching, `Last-Event-ID` when the last event ID is not empty.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Headers, RequestCache, RequestInit};

use crate::error::Error;
use crate::options::Options;
use crate::policy::retry_after_seconds;
use crate::sys;

/// How many bytes of a failed response's body the error carries.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The headers of one attempt: the caller's `given` (a `HeadersInit`), then `Accept` and
/// `Last-Event-ID`.
///
/// # Errors
/// The `TypeError` of `new Headers(given)`, as thrown.
pub(crate) fn headers(given: &JsValue, last_event_id: &str) -> Result<Headers, JsValue> {
    let headers = Headers::new_with_headers(given.unchecked_ref())?;
    let _ = headers.set("accept", "text/event-stream");
    if !last_event_id.is_empty() {
        // "If the event source's last event ID string is not the empty string, set
        // `Last-Event-ID`". Options refuse IDs with CR, LF or NUL, and the parser never makes one.
        let _ = headers.set("last-event-id", last_event_id);
    }
    Ok(headers)
}

/// Starts `fetch` (the global one, or the caller's) with an abort controller of its own.
pub(crate) fn fetch(options: &Options, headers: &Headers) -> (Promise, Option<AbortController>) {
    let init = RequestInit::new();
    init.set_method(&options.method);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(options.credentials);
    if !options.body.is_undefined() {
        init.set_body(&options.body);
    }
    init.set_headers(headers);
    let controller = AbortController::new().ok();
    if let Some(controller) = &controller {
        init.set_signal(Some(&controller.signal()));
    }
    let promise = match &options.fetch {
        None => sys::global_fetch(&options.url, &init),
        Some(fetch) => match fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(&options.url), &init) {
            Ok(value) => Promise::resolve(&value),
            Err(error) => Promise::reject(&error),
        },
    };
    (promise, controller)
}

/// A network failure: `what` failed, followed by the innermost cause's message (Node's `fetch
/// failed` hides `connect ECONNREFUSED ...` two causes deep).
pub(crate) fn network(what: &str, cause: JsValue) -> Error {
    let message = match js_message(&cause) {
        Some(detail) => [what, ": ", &detail].concat(),
        None => what.to_owned(),
    };
    Error::Network { message, cause }
}

/// The message of a JS error followed by that of its innermost `cause`, when it has one that
/// says more: `fetch failed: connect ECONNREFUSED 127.0.0.1:9`.
pub(crate) fn js_message(error: &JsValue) -> Option<String> {
    let outer = own_message(error)?;
    let mut innermost = None;
    let mut current = error.clone();
    // A bounded walk: a cause chain can be cyclic.
    for _ in 0..8 {
        let cause = Reflect::get(&current, &JsValue::from_str("cause")).unwrap_or(JsValue::UNDEFINED);
        if !cause.is_object() {
            break;
        }
        if let Some(message) = own_message(&cause) {
            innermost = Some(message);
        }
        current = cause;
    }
    Some(match innermost {
        Some(inner) if !outer.ends_with(&inner) => [&outer, ": ", &inner].concat(),
        _ => outer,
    })
}

/// `error.message`, or else its `code` (Node's errors without a message), when it is an object.
fn own_message(error: &JsValue) -> Option<String> {
    if !error.is_object() {
        return error.as_string();
    }
    let get = |key: &str| Reflect::get(error, &JsValue::from_str(key)).ok().and_then(|v| v.as_string());
    get("message").filter(|m| !m.is_empty()).or_else(|| get("code").filter(|c| !c.is_empty()))
}

/// A `Retry-After` value in milliseconds: delay-seconds, or an HTTP date from now.
pub(crate) fn retry_after_ms(value: &str) -> Option<u64> {
    retry_after_seconds(value).or_else(|| {
        let at = js_sys::Date::parse(value);
        (!at.is_nan()).then(|| (at - js_sys::Date::now()).max(0.0) as u64)
    })
}

/// The first [`ERROR_BODY_LIMIT`] bytes of a body, decoded; a character cut at the end is left
/// out rather than shown as U+FFFD.
pub(crate) fn decode_prefix(mut bytes: Vec<u8>) -> String {
    bytes.truncate(ERROR_BODY_LIMIT);
    let valid = match std::str::from_utf8(&bytes) {
        Ok(_) => bytes.len(),
        Err(error) if error.error_len().is_none() => error.valid_up_to(),
        Err(_) => bytes.len(),
    };
    String::from_utf8_lossy(&bytes[..valid]).into_owned()
}
