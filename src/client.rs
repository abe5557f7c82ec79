//! The connection: fetch, response checks, body reading through `ReadableStream`, reconnection.
//!
//! Follows the WHATWG HTML standard,
//! [§9.2.3 "Processing model"](https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model).
//! The caller pulls: [`Client::next_batch`] reads chunks only until it has events to hand back,
//! so a consumer that stops asking stops the reading (backpressure).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use wasm_streams::readable::IntoStream;
use web_sys::{AbortController, Headers, RequestCache, RequestCredentials, RequestInit, Response};

use crate::batch::Batch;
use crate::error::ErrorKind;
use crate::parser::Parser;
use crate::policy::{judge, Reconnect, Verdict};
use crate::sys;
use crate::timer::Sleep;

/// `readyState` values, as `EventSource` numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ReadyState {
    /// Connecting or waiting to reconnect.
    Connecting = 0,
    /// A valid response arrived; its body is being read.
    Open = 1,
    /// Closed by the caller, by the server (204) or by a fatal error.
    Closed = 2,
}

/// How many bytes of a failed response's body the error carries.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What the caller asked for, fixed for the life of the source.
pub struct Request {
    /// The absolute URL, resolved by the caller.
    pub url: String,
    /// The HTTP method.
    pub method: String,
    /// Headers sent on every attempt, before `Accept` and `Last-Event-ID` are set.
    pub headers: Headers,
    /// The request body, or `undefined`.
    pub body: JsValue,
    /// The fetch credentials mode.
    pub credentials: RequestCredentials,
    /// A `fetch`-compatible function to call instead of the global `fetch`.
    pub fetch: Option<Function>,
}

/// A failure that ends the stream, with what JS shows on the `SseError`.
#[derive(Debug)]
pub struct Failure {
    /// The `SseError.kind`.
    pub kind: ErrorKind,
    /// A sentence for `SseError.message`.
    pub message: String,
    /// The response status, for [`ErrorKind::Status`].
    pub status: Option<u16>,
    /// The response status text, for [`ErrorKind::Status`].
    pub status_text: Option<String>,
    /// The first 64 KiB of the response body, for [`ErrorKind::Status`].
    pub body: Option<String>,
    /// The JS error behind it (a fetch `TypeError`, a stream error).
    pub cause: JsValue,
}

impl Failure {
    fn new(kind: ErrorKind, message: String) -> Failure {
        Failure { kind, message, status: None, status_text: None, body: None, cause: JsValue::UNDEFINED }
    }

    fn network(message: &str, cause: JsValue) -> Failure {
        let detail = cause
            .dyn_ref::<js_sys::Error>()
            .map(|e| format!(": {}", String::from(e.message())))
            .unwrap_or_default();
        Failure { cause, ..Failure::new(ErrorKind::Network, format!("{message}{detail}")) }
    }
}

/// What one step of the source produced.
pub enum Step {
    /// Events parsed out of one or more chunks; never empty.
    Events,
    /// The stream is over (closed, 204, or end of body without reconnection).
    Done,
}

/// The state of one source, shared between the JS handle and the pending step.
pub struct Client {
    request: Request,
    state: Cell<ReadyState>,
    closed: CloseSignal,
    /// Set while a step runs: steps must not overlap.
    busy: Cell<bool>,
    /// Aborts the current request, if any.
    controller: RefCell<Option<AbortController>>,
    /// The body being read, between steps. A running step holds it instead.
    body: RefCell<Option<IntoStream<'static>>>,
    parser: RefCell<Parser>,
    reconnect: Cell<Reconnect>,
    /// The events of the last step, read by the bindings.
    pub batch: RefCell<Batch>,
    /// The last chunk, copied out of JS memory; reused to avoid an allocation per chunk.
    chunk: RefCell<Vec<u8>>,
}

impl Client {
    /// A source that has not started yet: the first [`Client::next_batch`] connects.
    pub fn new(request: Request, last_event_id: &str, reconnect: Reconnect, max_event_bytes: usize) -> Client {
        let mut parser = Parser::new(max_event_bytes);
        parser.set_last_event_id(last_event_id);
        Client {
            request,
            state: Cell::new(ReadyState::Connecting),
            closed: CloseSignal::default(),
            busy: Cell::new(false),
            controller: RefCell::new(None),
            body: RefCell::new(None),
            parser: RefCell::new(parser),
            reconnect: Cell::new(reconnect),
            batch: RefCell::new(Batch::default()),
            chunk: RefCell::new(Vec::new()),
        }
    }

    /// The current `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.state.get()
    }

    /// The last event ID string, as far as the stream has been parsed.
    pub fn last_event_id(&self) -> String {
        self.parser.borrow().last_event_id().to_owned()
    }

    /// Closes the source: aborts the request, cancels the body reader, wakes a pending step
    /// (which then ends with [`Step::Done`]). Idempotent.
    pub fn close(&self) {
        self.state.set(ReadyState::Closed);
        if self.closed.set() {
            return;
        }
        self.abort_request();
    }

    fn abort_request(&self) {
        if let Some(body) = self.body.borrow_mut().take() {
            discard(body);
        }
        if let Some(controller) = self.controller.borrow_mut().take() {
            controller.abort();
        }
    }

    /// Reads until at least one event is in [`Client::batch`], the stream ends, or it fails.
    /// Connects first when no response is open, and reconnects as the policy says.
    ///
    /// # Errors
    /// A [`Failure`] that ended the stream; the source is then closed.
    pub async fn next_batch(self: Rc<Self>) -> Result<Step, Failure> {
        if self.busy.replace(true) {
            return Err(Failure::new(ErrorKind::Network, "a step of this source is already pending".into()));
        }
        self.batch.borrow_mut().clear();
        let result = self.run().await;
        self.busy.set(false);
        match result {
            Ok(Step::Events) => Ok(Step::Events),
            Ok(Step::Done) | Err(_) => {
                self.close();
                result
            }
        }
    }

    async fn run(&self) -> Result<Step, Failure> {
        loop {
            if self.closed.is_set() {
                return Ok(Step::Done);
            }
            let taken = self.body.borrow_mut().take();
            let mut body = match taken {
                Some(body) => body,
                None => match self.connect().await? {
                    Some(body) => body,
                    None => return Ok(Step::Done),
                },
            };
            let read = match select(body.next(), self.closed.wait()).await {
                Either::Left((read, _)) => Some(read),
                Either::Right(_) => None,
            };
            let Some(read) = read else {
                discard(body);
                return Ok(Step::Done);
            };
            let lost = match read {
                Some(Ok(chunk)) => {
                    *self.body.borrow_mut() = Some(body);
                    if self.parse(chunk.unchecked_ref())? {
                        return Ok(Step::Events);
                    }
                    continue;
                }
                Some(Err(error)) => {
                    if self.closed.is_set() {
                        return Ok(Step::Done);
                    }
                    Some(Failure::network("the connection broke while reading the stream", error))
                }
                None => None,
            };
            // The body ended or broke: the unfinished event is dropped.
            self.parser.borrow_mut().end_of_stream();
            self.controller.borrow_mut().take();
            if !self.reconnect.get().enabled {
                return match lost {
                    Some(failure) => Err(failure),
                    None => Ok(Step::Done),
                };
            }
            self.wait_to_reconnect().await;
        }
    }

    /// Parses one chunk into the batch. Returns whether the batch has events.
    fn parse(&self, chunk: &Uint8Array) -> Result<bool, Failure> {
        let mut bytes = self.chunk.borrow_mut();
        let len = chunk.length() as usize;
        bytes.clear();
        bytes.reserve(len);
        let filled = chunk.copy_to_uninit(&mut bytes.spare_capacity_mut()[..len]).len();
        // SAFETY: `copy_to_uninit` initialised the first `filled` (== len) spare bytes.
        unsafe { bytes.set_len(filled) };
        let mut batch = self.batch.borrow_mut();
        let parsed = self.parser.borrow_mut().feed(&bytes, &mut *batch);
        if bytes.capacity() > 1 << 20 {
            *bytes = Vec::new();
        }
        if let Some(delay) = batch.retry.take() {
            let mut policy = self.reconnect.get();
            policy.set_delay(delay);
            self.reconnect.set(policy);
        }
        match parsed {
            Ok(()) => Ok(!batch.is_empty()),
            // Events parsed before the error are lost with it: the stream is unusable.
            Err(error) => Err(Failure::new(ErrorKind::EventTooLarge, error.to_string())),
        }
    }

    /// "Reestablish the connection": CONNECTING, then wait the reconnection time (or until
    /// closed).
    async fn wait_to_reconnect(&self) {
        self.state.set(ReadyState::Connecting);
        let sleep = pin!(Sleep::new(self.reconnect.get().delay_ms()));
        select(sleep, self.closed.wait()).await;
    }

    /// One attempt: fetch, then judge the response. `Ok(None)` when the stream is over without
    /// error (closed meanwhile, or 204).
    async fn connect(&self) -> Result<Option<IntoStream<'static>>, Failure> {
        loop {
            self.state.set(ReadyState::Connecting);
            let response = match self.fetch().await {
                Fetched::Closed => return Ok(None),
                Fetched::Response(response) => response,
                Fetched::Failed(failure) => {
                    if !self.reconnect.get().enabled {
                        return Err(failure);
                    }
                    self.wait_to_reconnect().await;
                    if self.closed.is_set() {
                        return Ok(None);
                    }
                    continue;
                }
            };
            let content_type = response.headers().get("content-type").ok().flatten();
            let body = response.body().map(|raw| {
                wasm_streams::ReadableStream::from_raw(raw.unchecked_into()).into_stream()
            });
            match judge(response.status(), content_type.as_deref()) {
                Verdict::Open => {
                    self.state.set(ReadyState::Open);
                    // A 200 without a body is an empty stream: read nothing, end at once.
                    return Ok(Some(body.unwrap_or_else(empty_stream)));
                }
                Verdict::Stop => {
                    if let Some(body) = body {
                        discard(body);
                    }
                    return Ok(None);
                }
                Verdict::BadStatus => {
                    let text = match body {
                        Some(body) => self.read_prefix(body, ERROR_BODY_LIMIT).await,
                        None => String::new(),
                    };
                    let status = response.status();
                    let status_text = response.status_text();
                    return Err(Failure {
                        status: Some(status),
                        status_text: Some(status_text.clone()),
                        body: Some(text),
                        ..Failure::new(
                            ErrorKind::Status,
                            format!("the server answered {status} {status_text}, not 200"),
                        )
                    });
                }
                Verdict::BadContentType => {
                    if let Some(body) = body {
                        discard(body);
                    }
                    let found = content_type.unwrap_or_else(|| "no Content-Type".into());
                    return Err(Failure::new(
                        ErrorKind::ContentType,
                        format!("the response is {found}, not text/event-stream"),
                    ));
                }
            }
        }
    }

    async fn fetch(&self) -> Fetched {
        let request = &self.request;
        let init = RequestInit::new();
        init.set_method(&request.method);
        init.set_cache(RequestCache::NoStore);
        init.set_credentials(request.credentials);
        if !request.body.is_undefined() {
            init.set_body(&request.body);
        }
        let headers = match Headers::new_with_headers(&request.headers) {
            Ok(headers) => headers,
            Err(error) => return Fetched::Failed(Failure::network("invalid headers", error)),
        };
        let _ = headers.set("accept", "text/event-stream");
        let last_event_id = self.last_event_id();
        if !last_event_id.is_empty() {
            // A header value cannot hold CR, LF or NUL; such an ID is not sent.
            let _ = headers.set("last-event-id", &last_event_id);
        }
        init.set_headers(&headers);
        let controller = match AbortController::new() {
            Ok(controller) => controller,
            Err(error) => return Fetched::Failed(Failure::network("no AbortController", error)),
        };
        init.set_signal(Some(&controller.signal()));
        *self.controller.borrow_mut() = Some(controller);

        let url = JsValue::from_str(&request.url);
        let promise = match &request.fetch {
            None => sys::global_fetch(&request.url, &init),
            Some(fetch) => match fetch.call2(&JsValue::UNDEFINED, &url, &init) {
                Ok(value) => Promise::resolve(&value),
                Err(error) => Promise::reject(&error),
            },
        };
        let response = match select(JsFuture::from(promise), self.closed.wait()).await {
            Either::Left((response, _)) => response,
            Either::Right(_) => return Fetched::Closed,
        };
        match response {
            _ if self.closed.is_set() => Fetched::Closed,
            Ok(response) => Fetched::Response(response.unchecked_into()),
            Err(error) => Fetched::Failed(Failure::network("the request failed", error)),
        }
    }

    /// The first `limit` bytes of a body, decoded; the rest is not read.
    async fn read_prefix(&self, mut body: IntoStream<'static>, limit: usize) -> String {
        let mut bytes = Vec::new();
        while bytes.len() < limit {
            let chunk = match select(body.next(), self.closed.wait()).await {
                Either::Left((Some(Ok(chunk)), _)) => chunk.unchecked_into::<Uint8Array>(),
                _ => break,
            };
            bytes.extend_from_slice(&chunk.to_vec());
        }
        discard(body);
        bytes.truncate(limit);
        // Cut at a character boundary rather than leave half a character as U+FFFD.
        let valid = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            Err(_) => bytes.len(),
        };
        String::from_utf8_lossy(&bytes[..valid]).into_owned()
    }
}

enum Fetched {
    Response(Response),
    Failed(Failure),
    Closed,
}

/// An already-finished body, for a 200 response without one.
fn empty_stream() -> IntoStream<'static> {
    wasm_streams::ReadableStream::from_stream(futures_util::stream::empty()).into_stream()
}

/// Cancels a body reader and waits for the cancellation in the background. Dropping an
/// `IntoStream` would also cancel, but leaks a closure whenever the cancellation succeeds.
fn discard(body: IntoStream<'static>) {
    spawn_local(async move {
        let _ = body.cancel().await;
    });
}

/// A one-way flag with a future that completes once it is set. One step runs at a time, so
/// one waker slot is enough; it is replaced, never accumulated.
#[derive(Default)]
struct CloseSignal {
    set: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl CloseSignal {
    /// Sets the flag and wakes the waiters. Returns whether it was already set.
    fn set(&self) -> bool {
        if self.set.replace(true) {
            return true;
        }
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
        false
    }

    fn is_set(&self) -> bool {
        self.set.get()
    }

    fn wait(&self) -> WaitClosed<'_> {
        WaitClosed(self)
    }
}

struct WaitClosed<'a>(&'a CloseSignal);

impl Future for WaitClosed<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.is_set() {
            return Poll::Ready(());
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}
