//! wasm-bindgen tests in headless Chromium: the Rust face ([`EventSource`]) against the real test
//! server (`js-tests/server.mjs`), and drop-observer tests of the body reader and the timer
//! (`web/internals.rs`).
//!
//! Run by `scripts/rust-browser-tests.sh` (part of `npm test`), which starts the server and
//! builds this with `SSE_TEST_ORIGIN` set to its origin and `--features test-support` (the hooks
//! of `src/test_hooks.rs`). The page runs on the test runner's own origin, so every request here
//! is cross-origin: the server answers CORS, preflights included.
#![cfg(target_arch = "wasm32")]
// Tests may format (clippy.toml).
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

#[cfg(not(feature = "test-support"))]
compile_error!("the wasm tests need `--features test-support` (see scripts/rust-browser-tests.sh)");

#[path = "web/internals.rs"]
mod internals;

use std::time::Duration;

use futures::future::{select, Either};
use futures::StreamExt;
use js_sys::{Function, Promise, Reflect};
use rust_eventsource::{Error, Event, EventSource, ReadyState};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The test server's origin, compiled in: the tests that need the server fail without it.
const ORIGIN: Option<&str> = option_env!("SSE_TEST_ORIGIN");

/// The test server's URL for `path` (path and query).
fn url(path: &str) -> String {
    let Some(origin) = ORIGIN else {
        panic!("SSE_TEST_ORIGIN: build these tests with the test server's origin (scripts/rust-browser-tests.sh)")
    };
    [origin, path].concat()
}

/// A key of the server's records no other test uses.
fn key(name: &str) -> String {
    [name, "-", &((js_sys::Math::random() * 1e12) as u64).to_string()].concat()
}

/// A JS function of `args` (comma-separated) with `body`.
pub(crate) fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

/// Waits `ms` on the page's own timer (not the crate's).
pub(crate) async fn delay(ms: u32) {
    let promise: Promise = js("ms", "return new Promise((resolve) => setTimeout(resolve, ms))")
        .call1(&JsValue::NULL, &ms.into())
        .unwrap()
        .unchecked_into();
    JsFuture::from(promise).await.unwrap();
}

/// `performance.now()`, in milliseconds.
pub(crate) fn now() -> f64 {
    js("", "return performance.now()").call0(&JsValue::NULL).unwrap().as_f64().unwrap()
}

pub(crate) fn get(value: &JsValue, name: &str) -> JsValue {
    Reflect::get(value, &name.into()).unwrap()
}

/// The server's record for `key` (`/stats?key=`): requests, open, closed, headers, attempts.
async fn stats(key: &str) -> JsValue {
    let promise: Promise = js("url", "return fetch(url).then((response) => response.json())")
        .call1(&JsValue::NULL, &url(&["/stats?key=", key].concat()).into())
        .unwrap()
        .unchecked_into();
    JsFuture::from(promise).await.unwrap()
}

fn number(value: &JsValue, name: &str) -> f64 {
    get(value, name).as_f64().unwrap_or_else(|| panic!("{name} is not a number in the server's record"))
}

/// Every item of `source` until it ends, with a deadline so that a stream that never ends fails
/// the test instead of hanging it.
async fn collect(source: &mut EventSource) -> Vec<Result<Event, Error>> {
    let mut items = Vec::new();
    loop {
        match select(source.next(), Box::pin(delay(10_000))).await {
            Either::Left((Some(item), _)) => items.push(item),
            Either::Left((None, _)) => return items,
            Either::Right(_) => panic!("the stream did not end within 10 s; so far: {items:?}"),
        }
    }
}

fn event(event_type: &str, data: &str, last_event_id: &str) -> Event {
    Event { event_type: event_type.into(), data: data.into(), last_event_id: last_event_id.into() }
}

/// Waits until the server's record for `key` shows every response closed (and at least one),
/// failing after `within_ms` from `since` (a [`now`] reading). Returns the record.
async fn closed_within(key: &str, since: f64, within_ms: f64) -> JsValue {
    loop {
        let record = stats(key).await;
        let elapsed = now() - since;
        if !record.is_null() && number(&record, "open") == 0.0 && number(&record, "closed") >= 1.0 {
            return record;
        }
        assert!(elapsed < within_ms, "the server still saw the connection open {elapsed} ms later");
        delay(20).await;
    }
}

#[wasm_bindgen_test]
async fn events_carry_their_type_data_and_last_event_id() {
    let mut source = EventSource::builder(&url("/named")).reconnect(false).build().unwrap();
    let items: Vec<Event> = collect(&mut source).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(items, [event("greeting", "hi", ""), event("message", "plain", ""), event("bye", "x", "")]);
    assert_eq!(source.ready_state(), ReadyState::Closed);

    let mut source = EventSource::builder(&url("/counter?n=3")).reconnect(false).build().unwrap();
    let items: Vec<Event> = collect(&mut source).await.into_iter().map(Result::unwrap).collect();
    assert_eq!(items, [event("message", "1", "1"), event("message", "2", "2"), event("message", "3", "3")]);
    assert_eq!(source.last_event_id(), "3");
}

#[wasm_bindgen_test]
async fn custom_headers_and_the_last_event_id_reach_the_server() {
    let key = key("headers");
    let mut source = EventSource::builder(&url(&["/echo?key=", &key].concat()))
        .header("Authorization", "Bearer t0ken")
        .header("X-Client", "rust-face")
        .last_event_id("41")
        .reconnect(false)
        .build()
        .unwrap();
    let items = collect(&mut source).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let echo = js_sys::JSON::parse(&items[0].as_ref().unwrap().data).unwrap();
    assert_eq!(get(&echo, "method"), "GET");
    let record = stats(&key).await;
    // What the endpoint echoed and what the server recorded are the request's headers.
    for headers in [get(&echo, "headers"), get(&record, "headers")] {
        assert_eq!(get(&headers, "authorization"), "Bearer t0ken");
        assert_eq!(get(&headers, "x-client"), "rust-face");
        assert_eq!(get(&headers, "last-event-id"), "41");
        assert_eq!(get(&headers, "accept"), "text/event-stream");
    }
}

#[wasm_bindgen_test]
async fn it_reconnects_with_last_event_id_after_the_body_ends() {
    // Each connection sends `retry: 50` and two events, then ends; the server answers 204 once
    // five were sent.
    let key = key("reconnect");
    let path = ["/reconnect?key=", &key, "&n=2&total=5&retry=50"].concat();
    let mut source = EventSource::builder(&url(&path)).build().unwrap();
    let items: Vec<Event> = collect(&mut source).await.into_iter().map(Result::unwrap).collect();
    let ids: Vec<&str> = items.iter().map(|event| event.last_event_id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert!(items.iter().all(|event| event.data == event.last_event_id && event.event_type == "message"));
    assert_eq!(source.ready_state(), ReadyState::Closed);

    let attempts: js_sys::Array = get(&stats(&key).await, "attempts").unchecked_into();
    let sent: Vec<JsValue> = attempts.iter().map(|attempt| get(&attempt, "lastEventId")).collect();
    assert_eq!(sent, [JsValue::NULL, "2".into(), "4".into(), "5".into()]);
    // `retry: 50` replaced the default 3 s (the margin is for a loaded machine).
    let at: Vec<f64> = attempts.iter().map(|attempt| number(&attempt, "at")).collect();
    for pair in at.windows(2) {
        assert!(pair[1] - pair[0] < 2_000.0, "reconnected {} ms later, not after retry: 50", pair[1] - pair[0]);
    }
}

#[wasm_bindgen_test]
async fn an_error_status_ends_the_stream_with_its_status_and_body() {
    let mut source = EventSource::new(&url("/status?code=401&text=Unauthorized&body=no%20entry")).unwrap();
    let mut items = collect(&mut source).await;
    assert_eq!(items.len(), 1, "one error, then the end: {items:?}");
    let error = items.pop().unwrap().unwrap_err();
    let Error::Status { status, status_text, body } = &error else { panic!("not a status error: {error:?}") };
    assert_eq!((*status, status_text.as_str(), body.as_str()), (401, "Unauthorized", "no entry"));
    assert!(error.to_string().contains("401"), "{error}");
    assert_eq!(error.kind(), "status");
    assert_eq!(source.ready_state(), ReadyState::Closed);
}

#[wasm_bindgen_test]
async fn another_mime_type_ends_the_stream_with_an_error_and_204_ends_it_without() {
    let mut source = EventSource::new(&url("/type?ct=text/plain")).unwrap();
    let mut items = collect(&mut source).await;
    assert_eq!(items.len(), 1, "one error, then the end: {items:?}");
    let error = items.pop().unwrap().unwrap_err();
    let Error::ContentType { content_type, status, body, .. } = &error else { panic!("{error:?}") };
    assert_eq!((content_type.as_deref(), *status, body.as_str()), (Some("text/plain"), 200, "data: typed\n\n"));

    let mut source = EventSource::new(&url("/no-content")).unwrap();
    assert!(collect(&mut source).await.is_empty());
    assert_eq!(source.ready_state(), ReadyState::Closed);
}

#[wasm_bindgen_test]
async fn an_invalid_url_is_an_error_from_build() {
    let error = EventSource::builder("http://[::1").build().err().expect("an invalid URL must not build");
    assert!(matches!(error, Error::InvalidUrl { ref url } if url == "http://[::1"), "{error:?}");
}

#[wasm_bindgen_test]
async fn invalid_options_are_errors_from_build() {
    let base = || EventSource::builder("http://127.0.0.1:9/never-connected");
    let cases = [
        ("a header name fetch refuses", base().header("bad name", "v").build().err()),
        ("a header value with LF", base().header("X-A", "a\nb").build().err()),
        ("a last event ID with LF", base().last_event_id("4\n2").build().err()),
        ("a body with GET", base().body("x").build().err()),
        ("max_event_bytes(0)", base().max_event_bytes(0).build().err()),
    ];
    for (case, error) in cases {
        let error = error.unwrap_or_else(|| panic!("{case}: built"));
        assert!(matches!(error, Error::InvalidOption { .. }), "{case}: {error:?}");
        assert_eq!(error.kind(), "option");
    }
}

/// A source on `/stream` (an event every 50 ms, forever) that has read one event.
async fn streaming(key: &str) -> EventSource {
    let path = ["/stream?key=", key, "&interval=50"].concat();
    let mut source = EventSource::builder(&url(&path)).retry_delay(Duration::from_millis(50)).build().unwrap();
    let first = source.next().await.expect("an event").unwrap();
    assert_eq!(first, event("message", "s:1", "1"));
    assert_eq!(source.ready_state(), ReadyState::Open);
    source
}

/// After the source was closed at `since`: the server saw its one connection closed within 1 s,
/// and no other request follows (a reconnection would come 50 ms after).
async fn closed_for_good(key: &str, since: f64) {
    closed_within(key, since, 1_000.0).await;
    delay(500).await;
    let record = stats(key).await;
    assert_eq!(number(&record, "requests"), 1.0, "a reconnection followed the close");
    assert_eq!(get(&record, "attempts").unchecked_into::<js_sys::Array>().length(), 1);
}

#[wasm_bindgen_test]
async fn dropping_the_stream_closes_the_connection() {
    let key = key("drop");
    let source = streaming(&key).await;
    drop(source);
    closed_for_good(&key, now()).await;
}

#[wasm_bindgen_test]
async fn close_ends_the_stream_and_closes_the_connection() {
    let key = key("close");
    let mut source = streaming(&key).await;
    source.close();
    let since = now();
    assert_eq!(source.ready_state(), ReadyState::Closed);
    // Events the server sent meanwhile are not delivered after close().
    assert!(source.next().await.is_none());
    closed_for_good(&key, since).await;
}

#[wasm_bindgen_test]
async fn dropping_the_stream_while_it_waits_for_the_response_aborts_the_request() {
    // /no-headers accepts the request and answers nothing until the client goes away.
    let key = key("drop-connecting");
    let path = ["/no-headers?key=", &key].concat();
    let mut source = EventSource::builder(&url(&path)).retry_delay(Duration::from_millis(50)).build().unwrap();
    // Poll the stream once (the request goes out), then let it wait while the server records it.
    let next = source.next();
    match select(next, Box::pin(delay(1))).await {
        Either::Left((item, _)) => panic!("the stream yielded {item:?} without a response"),
        Either::Right(_) => {}
    }
    let start = now();
    while stats(&key).await.is_null() {
        assert!(now() - start < 5_000.0, "the request did not reach the server");
        delay(20).await;
    }
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    drop(source);
    closed_for_good(&key, now()).await;
}

#[wasm_bindgen_test]
async fn close_discards_the_events_not_yet_taken() {
    // Three events in one chunk: the first step parses all three, the stream hands out one.
    let text = "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n";
    let path = ["/raw?text=", &String::from(js_sys::encode_uri_component(text))].concat();
    let mut source = EventSource::builder(&url(&path)).reconnect(false).build().unwrap();
    assert_eq!(source.next().await.unwrap().unwrap(), event("message", "a", "1"));
    source.close();
    let rest = collect(&mut source).await;
    assert!(rest.is_empty(), "events after close(): {rest:?}");
}
