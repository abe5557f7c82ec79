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
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCache, RequestCredentials, RequestInit, Response};

use crate::batch::Batch;
use crate::body::{Body, Chunk};
use crate::error::{decimal, ErrorKind};
use crate::parser::Parser;
use crate::policy::{judge, retry_after_seconds, Reconnect, RetryOptions, Verdict};
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

/// The most bytes of a chunk copied into wasm memory at once.
const SLICE: u32 = 64 * 1024;

/// How many bytes of a failed response's body the error carries.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// What the caller asked for, fixed for the life of the source.
pub struct Request {
    /// The absolute URL, resolved by the caller. Every attempt goes to it, not to where a
    /// redirect led.
    pub url: String,
    /// The HTTP method.
    pub method: String,
    /// Headers sent on every attempt, before `Accept` and `Last-Event-ID` are set: a `Headers`,
    /// or a function called before each attempt that returns one (or a promise of one).
    pub headers: JsValue,
    /// The request body, or `undefined`.
    pub body: JsValue,
    /// The fetch credentials mode.
    pub credentials: RequestCredentials,
    /// A `fetch`-compatible function to call instead of the global `fetch`.
    pub fetch: Option<Function>,
    /// Statuses answered by retrying (honouring `Retry-After`) instead of failing.
    pub retry_statuses: Vec<u16>,
    /// Milliseconds without a byte after which the connection counts as lost; 0 for never.
    pub idle_timeout_ms: u64,
    /// Hooks into the lifecycle (see [`Hooks`]).
    pub hooks: Hooks,
}

/// Caller functions the connection calls; each may throw (or reject) to end the stream with
/// that error.
#[derive(Default)]
pub struct Hooks {
    /// `onOpen(response)`, after a response was accepted and before its body is read.
    pub on_open: Option<Function>,
    /// `onRetry(error | null, attempt, delay)`, before each wait to reconnect. Returns a new
    /// delay, `false` to stop, or anything else to keep the planned delay.
    pub on_retry: Option<Function>,
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

    /// The parser's limit error.
    pub fn event_too_large(error: crate::parser::ParseError) -> Failure {
        Failure::new(ErrorKind::EventTooLarge, error.message())
    }

    /// A caller function threw or rejected with `cause`: the stream ends with that error.
    fn callback(cause: JsValue) -> Failure {
        Failure { cause, ..Failure::new(ErrorKind::Callback, "a callback failed".into()) }
    }

    /// The object the JS wrapper turns into an `SseError`:
    /// `{ kind, message, status?, statusText?, body?, cause? }`.
    pub fn to_js(&self) -> JsValue {
        let object = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
        };
        set("kind", self.kind.as_str().into());
        set("message", self.message.as_str().into());
        if let Some(status) = self.status {
            set("status", status.into());
        }
        if let Some(status_text) = &self.status_text {
            set("statusText", status_text.as_str().into());
        }
        if let Some(body) = &self.body {
            set("body", body.as_str().into());
        }
        if !self.cause.is_undefined() {
            set("cause", self.cause.clone());
        }
        object.into()
    }

    fn network(message: &str, cause: JsValue) -> Failure {
        let detail =
            cause.dyn_ref::<js_sys::Error>().map(|e| [": ", &String::from(e.message())].concat()).unwrap_or_default();
        Failure { cause, ..Failure::new(ErrorKind::Network, [message, &detail].concat()) }
    }
}

/// What one step of the source produced.
pub enum Step {
    /// Events parsed out of one or more chunks; never empty.
    Events,
    /// The stream is over (closed, 204, or end of body without reconnection).
    Done,
}

/// Whether to go on after a connection ended or an attempt failed.
enum Next {
    /// Wait done; make the next attempt.
    Reconnect,
    /// No further attempt; the stream is over without error.
    Stop,
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
    body: RefCell<Option<Body>>,
    parser: RefCell<Parser>,
    reconnect: Cell<Reconnect>,
    /// The events of the last step, read by the bindings.
    pub batch: RefCell<Batch>,
    /// The last chunk, copied out of JS memory; reused to avoid an allocation per chunk.
    chunk: RefCell<Vec<u8>>,
}

impl Client {
    /// A source that has not started yet: the first [`Client::next_batch`] connects.
    pub fn new(request: Request, last_event_id: &str, retry: RetryOptions, max_event_bytes: usize) -> Client {
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
            reconnect: Cell::new(Reconnect::new(retry)),
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
        // Abort first: a cancelled body alone lets a browser keep reading a keep-alive response
        // to reuse its socket, so the server would not see the connection closed at once.
        self.abort_fetch();
        // Dropping a body cancels it (on an aborted stream, a formality).
        drop(self.body.borrow_mut().take());
    }

    /// Aborts the current request's fetch, if there is one.
    fn abort_fetch(&self) {
        if let Some(controller) = self.controller.borrow_mut().take() {
            controller.abort();
        }
    }

    /// `future`'s output, or `None` when the source closes first.
    async fn unless_closed<F: Future + Unpin>(&self, future: F) -> Option<F::Output> {
        match select(future, self.closed.wait()).await {
            Either::Left((output, _)) => Some(output),
            Either::Right(_) => None,
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
            let read = self.read(&mut body).await;
            let lost = match read {
                Read::Closed => return Ok(Step::Done),
                Read::Chunk(chunk) => {
                    *self.body.borrow_mut() = Some(body);
                    if self.parse(&chunk)? {
                        return Ok(Step::Events);
                    }
                    continue;
                }
                Read::End => None,
                Read::Lost(failure) => Some(failure),
            };
            // The body ended or broke: the unfinished event is dropped.
            self.parser.borrow_mut().end_of_stream();
            self.abort_fetch();
            drop(body);
            match self.retry(lost, false, None).await? {
                Next::Reconnect => continue,
                Next::Stop => return Ok(Step::Done),
            }
        }
    }

    /// Waits for the next chunk, the close signal or the idle timeout.
    async fn read(&self, body: &mut Body) -> Read {
        let idle_ms = self.request.idle_timeout_ms;
        let next = if idle_ms == 0 {
            self.unless_closed(pin!(body.next())).await
        } else {
            let idle = pin!(Sleep::new(idle_ms));
            match self.unless_closed(select(pin!(body.next()), idle)).await {
                Some(Either::Left((next, _))) => Some(next),
                Some(Either::Right(_)) => {
                    return Read::Lost(Failure::new(
                        ErrorKind::Network,
                        ["no data for ", &decimal(idle_ms), " ms (idleTimeout)"].concat(),
                    ))
                }
                None => None,
            }
        };
        let Some(next) = next else { return Read::Closed };
        match next {
            _ if self.closed.is_set() => Read::Closed,
            Chunk::Bytes(chunk) => Read::Chunk(chunk),
            Chunk::Error(error) => Read::Lost(Failure::network("the connection broke while reading the stream", error)),
            Chunk::End => Read::End,
        }
    }

    /// Parses one chunk into the batch. Returns whether the batch has events.
    fn parse(&self, chunk: &Uint8Array) -> Result<bool, Failure> {
        let mut bytes = self.chunk.borrow_mut();
        let mut batch = self.batch.borrow_mut();
        let mut parser = self.parser.borrow_mut();
        let len = chunk.length();
        let mut parsed = Ok(());
        // Browsers hand over chunks of up to megabytes. They are copied into wasm memory in
        // slices through one fixed buffer, so that buffer never grows past SLICE.
        let mut start = 0;
        while start < len && parsed.is_ok() {
            let end = len.min(start + SLICE);
            let part;
            let slice = if start == 0 && end == len {
                chunk
            } else {
                part = chunk.subarray(start, end);
                &part
            };
            let n = (end - start) as usize;
            bytes.clear();
            bytes.reserve(n);
            let filled = slice.copy_to_uninit(&mut bytes.spare_capacity_mut()[..n]).len();
            // SAFETY: `copy_to_uninit` initialised the first `filled` (== n) spare bytes.
            unsafe { bytes.set_len(filled) };
            parsed = parser.feed(&bytes, &mut *batch);
            start = end;
        }
        if let Some(delay) = batch.retry.take() {
            let mut policy = self.reconnect.get();
            policy.set_delay(delay);
            self.reconnect.set(policy);
        }
        match parsed {
            Ok(()) => Ok(!batch.is_empty()),
            // Events parsed before the error are lost with it: the stream is unusable.
            Err(error) => Err(Failure::event_too_large(error)),
        }
    }

    /// After a connection ended (`failure` is `None`) or an attempt failed: decides whether to
    /// reconnect, asks `onRetry`, and waits ("reestablish the connection", §9.2.3).
    /// `forced` retries even when reconnection is off (a status the caller listed).
    ///
    /// # Errors
    /// The failure itself when no attempt follows it.
    async fn retry(
        &self,
        failure: Option<Failure>,
        forced: bool,
        server_delay_ms: Option<u64>,
    ) -> Result<Next, Failure> {
        let give_up = |failure: Option<Failure>| match failure {
            Some(failure) => Err(failure),
            None => Ok(Next::Stop),
        };
        let mut policy = self.reconnect.get();
        if !(forced || policy.enabled()) {
            return give_up(failure);
        }
        let plan = policy.plan(failure.is_some(), server_delay_ms, js_sys::Math::random());
        self.reconnect.set(policy);
        let Some(plan) = plan else { return give_up(failure) };
        self.state.set(ReadyState::Connecting);
        let mut delay_ms = plan.delay_ms;
        if let Some(on_retry) = &self.request.hooks.on_retry {
            let error = failure.as_ref().map_or(JsValue::NULL, Failure::to_js);
            let answer = match self.call_hook(on_retry, &[error, plan.attempt.into(), (delay_ms as f64).into()]).await {
                Hooked::Closed => return Ok(Next::Stop),
                Hooked::Threw(error) => return Err(Failure::callback(error)),
                Hooked::Returned(answer) => answer,
            };
            if answer.as_bool() == Some(false) {
                return give_up(failure);
            }
            if let Some(delay) = answer.as_f64() {
                delay_ms = whole_number(delay);
            }
        }
        self.unless_closed(pin!(Sleep::new(delay_ms))).await;
        // Closed while waiting, or in the same turn as the timer fired: no new attempt.
        Ok(if self.closed.is_set() { Next::Stop } else { Next::Reconnect })
    }

    /// Calls a caller function and awaits its result if it is a promise; `Closed` when the
    /// source closed meanwhile.
    async fn call_hook(&self, hook: &Function, args: &[JsValue]) -> Hooked {
        let array: js_sys::Array = args.iter().collect();
        let value = match hook.apply(&JsValue::UNDEFINED, &array) {
            Ok(value) => value,
            Err(error) => return Hooked::Threw(error),
        };
        let settled = if value.has_type::<Promise>() || value.is_instance_of::<Promise>() {
            match self.unless_closed(JsFuture::from(Promise::resolve(&value))).await {
                Some(settled) => settled,
                None => return Hooked::Closed,
            }
        } else {
            Ok(value)
        };
        match settled {
            _ if self.closed.is_set() => Hooked::Closed,
            Ok(value) => Hooked::Returned(value),
            Err(error) => Hooked::Threw(error),
        }
    }

    /// Attempts until a response is accepted. `Ok(None)` when the stream is over without error
    /// (closed meanwhile, 204, or no more attempts after an end).
    async fn connect(&self) -> Result<Option<Body>, Failure> {
        loop {
            self.state.set(ReadyState::Connecting);
            let response = match self.fetch().await {
                Fetched::Closed => return Ok(None),
                Fetched::Response(response) => response,
                Fetched::Threw(failure) => return Err(failure),
                Fetched::Failed(failure) => match self.retry(Some(failure), false, None).await? {
                    Next::Reconnect => continue,
                    Next::Stop => return Ok(None),
                },
            };
            let content_type = response.headers().get("content-type").ok().flatten();
            // A body that cannot be locked (a custom fetch's odd Response) reads as empty.
            let body = response.body().map(|stream| Body::new(&stream).unwrap_or_else(|_| Body::empty()));
            let status = response.status();
            match judge(status, content_type.as_deref()) {
                Verdict::Open => {
                    let body = body.unwrap_or_else(Body::empty);
                    // "announce the connection": OPEN already while `onOpen` runs, as `readyState`
                    // is in `EventSource`'s open event. A refusal then closes the source.
                    self.state.set(ReadyState::Open);
                    if let Some(on_open) = &self.request.hooks.on_open {
                        match self.call_hook(on_open, &[response.into()]).await {
                            Hooked::Returned(_) => {}
                            Hooked::Closed => return Ok(None),
                            Hooked::Threw(error) => return Err(Failure::callback(error)),
                        }
                    }
                    let mut policy = self.reconnect.get();
                    policy.opened();
                    self.reconnect.set(policy);
                    return Ok(Some(body));
                }
                Verdict::Stop => return Ok(None),
                Verdict::BadStatus => {
                    let text = match body {
                        Some(body) => self.read_prefix(body, ERROR_BODY_LIMIT).await,
                        None => String::new(),
                    };
                    let status_text = response.status_text();
                    let failure = Failure {
                        status: Some(status),
                        status_text: Some(status_text.clone()),
                        body: Some(text),
                        ..Failure::new(
                            ErrorKind::Status,
                            ["the server answered ", &decimal(status.into()), " ", &status_text, ", not 200"].concat(),
                        )
                    };
                    if !self.request.retry_statuses.contains(&status) {
                        return Err(failure);
                    }
                    let server_delay =
                        response.headers().get("retry-after").ok().flatten().and_then(|v| retry_after_ms(&v));
                    match self.retry(Some(failure), true, server_delay).await? {
                        Next::Reconnect => continue,
                        Next::Stop => return Ok(None),
                    }
                }
                Verdict::BadContentType => {
                    drop(body);
                    let found = content_type.unwrap_or_else(|| "no Content-Type".into());
                    return Err(Failure::new(
                        ErrorKind::ContentType,
                        ["the response is ", &found, ", not text/event-stream"].concat(),
                    ));
                }
            }
        }
    }

    /// The headers of one attempt: the caller's (calling the function form), then `Accept`
    /// and `Last-Event-ID`.
    async fn headers(&self) -> Result<Option<Headers>, Failure> {
        let given = &self.request.headers;
        let given = match given.dyn_ref::<Function>() {
            Some(function) => match self.call_hook(function, &[]).await {
                Hooked::Returned(value) => value,
                Hooked::Closed => return Ok(None),
                Hooked::Threw(error) => return Err(Failure::callback(error)),
            },
            None => given.clone(),
        };
        // The wrapper hands functions a `new Headers(...)` of what the caller returned.
        let headers = Headers::new_with_headers(given.unchecked_ref()).map_err(Failure::callback)?;
        let _ = headers.set("accept", "text/event-stream");
        let last_event_id = self.last_event_id();
        if !last_event_id.is_empty() {
            // "If the event source's last event ID string is not the empty string, set
            // `Last-Event-ID`". A value fetch refuses (CR, LF) is left out.
            let _ = headers.set("last-event-id", &last_event_id);
        }
        Ok(Some(headers))
    }

    async fn fetch(&self) -> Fetched {
        let headers = match self.headers().await {
            Ok(Some(headers)) => headers,
            Ok(None) => return Fetched::Closed,
            Err(failure) => return Fetched::Threw(failure),
        };
        let request = &self.request;
        let init = RequestInit::new();
        init.set_method(&request.method);
        init.set_cache(RequestCache::NoStore);
        init.set_credentials(request.credentials);
        if !request.body.is_undefined() {
            init.set_body(&request.body);
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
        let Some(response) = self.unless_closed(JsFuture::from(promise)).await else {
            return Fetched::Closed;
        };
        match response {
            _ if self.closed.is_set() => Fetched::Closed,
            Ok(response) => Fetched::Response(response.unchecked_into()),
            Err(error) => Fetched::Failed(Failure::network("the request failed", error)),
        }
    }

    /// The first `limit` bytes of a body, decoded; the rest is not read.
    async fn read_prefix(&self, mut body: Body, limit: usize) -> String {
        let mut bytes = Vec::new();
        while bytes.len() < limit {
            let Some(Chunk::Bytes(chunk)) = self.unless_closed(pin!(body.next())).await else { break };
            bytes.extend_from_slice(&chunk.to_vec());
        }
        drop(body);
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

/// A `Retry-After` value in milliseconds: delay-seconds, or an HTTP date from now.
fn retry_after_ms(value: &str) -> Option<u64> {
    retry_after_seconds(value).or_else(|| {
        let at = js_sys::Date::parse(value);
        (!at.is_nan()).then(|| whole_number(at - js_sys::Date::now()))
    })
}

/// A JS number (milliseconds, bytes, a count) as a whole number: NaN and negatives are 0,
/// fractions are cut, huge values saturate.
pub(crate) fn whole_number(value: f64) -> u64 {
    if value.is_nan() || value <= 0.0 {
        0
    } else {
        value.min(u64::MAX as f64) as u64
    }
}

enum Read {
    Chunk(Uint8Array),
    End,
    /// The stream errored, or stayed silent past `idleTimeout`.
    Lost(Failure),
    Closed,
}

enum Hooked {
    Returned(JsValue),
    Threw(JsValue),
    Closed,
}

enum Fetched {
    Response(Response),
    /// The request failed: retried as the policy says.
    Failed(Failure),
    /// A caller function failed: fatal.
    Threw(Failure),
    Closed,
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
