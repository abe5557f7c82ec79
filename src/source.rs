//! The engine every face drives: connect, check the response, read and parse the body, and
//! reconnect as the policy says.
//!
//! Follows the WHATWG HTML standard,
//! [§9.2.3 "Processing model"](https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model).
//! The caller pulls: [`Source::step`] reads chunks only until it has events to hand back, so a
//! consumer that stops asking stops the reading (backpressure). What it parses goes into a
//! [`Collect`] sink: a [`Batch`](crate::batch::Batch) for JS, a queue of
//! [`Event`](crate::Event)s for the Rust face.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;

use futures::future::{select, Either};
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Response};

use crate::body::{Body, Chunk};
use crate::error::Error;
use crate::options::{describe, HeaderSource, Options};
use crate::parser::decimal;
use crate::parser::{Parser, Sink};
use crate::policy::{judge, Reconnect, Verdict};
use crate::request::{self, decode_prefix, network, retry_after_ms, ERROR_BODY_LIMIT};
use crate::signal::CloseSignal;
use crate::timer::Sleep;

/// `readyState` values, as `EventSource` numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ReadyState {
    /// Connecting, or waiting to reconnect.
    Connecting = 0,
    /// A response was accepted; its body is being read.
    Open = 1,
    /// Closed by the caller, by the server (204) or by a fatal error.
    Closed = 2,
}

/// A parser sink that a step fills and its consumer empties.
pub(crate) trait Collect: Sink + Default {
    /// Whether no event was added since the last [`Collect::clear`].
    fn is_empty(&self) -> bool;
    /// Forgets the events taken so far.
    fn clear(&mut self);
    /// The last `retry:` value parsed since the last call.
    fn take_retry(&mut self) -> Option<u64>;
}

impl Collect for crate::batch::Batch {
    fn is_empty(&self) -> bool {
        crate::batch::Batch::is_empty(self)
    }

    fn clear(&mut self) {
        crate::batch::Batch::clear(self)
    }

    fn take_retry(&mut self) -> Option<u64> {
        self.retry.take()
    }
}

/// Why a step stops without events.
pub(crate) enum Halt {
    /// The source was closed: by the caller, or in a wait that lost to the close signal.
    Closed,
    /// The stream is over without error (204, the end of a body that is not reconnected, or
    /// `onRetry` returning `false` after an ended connection).
    Over,
    /// The stream failed for good.
    Failed(Error),
}

impl From<Error> for Halt {
    fn from(error: Error) -> Halt {
        Halt::Failed(error)
    }
}

/// How long a failed response's body may stay silent before its error is reported with what
/// arrived, when no idle timeout is set.
const ERROR_BODY_IDLE_MS: u64 = 1_000;

/// The most bytes of a chunk copied into wasm memory at once, and parsed by a step that finds
/// events in them: a step hands over the events of one slice, not of a whole chunk.
const SLICE: u32 = 64 * 1024;

/// The state of one source, shared between its face and the pending step.
pub(crate) struct Source<S> {
    options: Options,
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
    /// Whether the current connection has delivered an event (else its end is a failure).
    delivered: Cell<bool>,
    /// The events of the last step, taken by the face.
    pub(crate) sink: RefCell<S>,
    /// The last slice of a chunk, copied out of JS memory; reused to avoid an allocation per chunk.
    chunk: RefCell<Vec<u8>>,
    /// The chunk being parsed and how many of its bytes were: the next step goes on with it before
    /// reading the body again.
    pending: RefCell<Option<(Uint8Array, u32)>>,
}

impl<S: Collect> Source<S> {
    /// A source that has not started yet: the first [`Source::step`] connects.
    pub(crate) fn new(options: Options) -> Source<S> {
        let mut parser = Parser::new(options.max_event_bytes);
        parser.set_last_event_id(&options.last_event_id);
        Source {
            reconnect: Cell::new(Reconnect::new(options.retry)),
            options,
            state: Cell::new(ReadyState::Connecting),
            closed: CloseSignal::default(),
            busy: Cell::new(false),
            controller: RefCell::new(None),
            body: RefCell::new(None),
            parser: RefCell::new(parser),
            delivered: Cell::new(false),
            sink: RefCell::new(S::default()),
            chunk: RefCell::new(Vec::new()),
            pending: RefCell::new(None),
        }
    }

    /// The absolute URL every attempt goes to.
    pub(crate) fn url(&self) -> &str {
        &self.options.url
    }

    pub(crate) fn ready_state(&self) -> ReadyState {
        self.state.get()
    }

    /// The last event ID string, as far as the stream has been parsed.
    pub(crate) fn last_event_id(&self) -> String {
        self.parser.borrow().last_event_id().to_owned()
    }

    /// Closes the source: aborts the request, cancels the body, wakes a pending step (which then
    /// ends without events). Idempotent.
    pub(crate) fn close(&self) {
        self.state.set(ReadyState::Closed);
        if self.closed.set() {
            return;
        }
        // Abort first: a cancelled body alone lets a browser keep reading a keep-alive response
        // to reuse its socket, so the server would not see the connection closed at once.
        self.abort_fetch();
        drop(self.body.borrow_mut().take());
        drop(self.pending.borrow_mut().take());
    }

    fn abort_fetch(&self) {
        if let Some(controller) = self.controller.borrow_mut().take() {
            controller.abort();
        }
    }

    /// Reads until at least one event is in the sink (`Ok(true)`), or the stream is over
    /// (`Ok(false)`). Connects first when no response is open, and reconnects as the policy says.
    ///
    /// # Errors
    /// The error that ended the stream. The source is closed after `Ok(false)` or an error.
    pub(crate) async fn step(&self) -> Result<bool, Error> {
        if self.busy.replace(true) {
            let message = "a step of this source is already pending".into();
            return Err(Error::Network { message, cause: JsValue::UNDEFINED });
        }
        self.sink.borrow_mut().clear();
        let halt = self.run().await;
        self.busy.set(false);
        let result = match halt {
            Ok(()) => return Ok(true),
            Err(Halt::Closed | Halt::Over) => Ok(false),
            Err(Halt::Failed(error)) => Err(error),
        };
        self.close();
        result
    }

    async fn run(&self) -> Result<(), Halt> {
        loop {
            if self.closed.is_set() {
                return Err(Halt::Closed);
            }
            if self.parse_pending()? {
                return Ok(());
            }
            let taken = self.body.borrow_mut().take();
            let mut body = match taken {
                Some(body) => body,
                None => self.connect().await?,
            };
            let lost = match self.wait(body.next()).await? {
                Some(Chunk::Bytes(chunk)) => {
                    *self.body.borrow_mut() = Some(body);
                    *self.pending.borrow_mut() = Some((chunk, 0));
                    continue;
                }
                Some(Chunk::End) => None,
                Some(Chunk::Error(error)) => Some(network("the connection broke while reading the stream", error)),
                None => Some(self.idle("no data")),
            };
            // The body ended or broke: the unfinished event is dropped.
            self.parser.borrow_mut().end_of_stream();
            self.abort_fetch();
            drop(body);
            self.retry(lost, false, None).await?;
        }
    }

    /// `future`'s output; `None` when the idle timeout passed first (the wait on the server
    /// counts as lost); [`Halt::Closed`] when the source closed first.
    async fn wait<F: Future>(&self, future: F) -> Result<Option<F::Output>, Halt> {
        self.wait_at_most(future, self.options.idle_timeout_ms).await
    }

    /// [`Source::wait`] with a timeout of `idle_ms` (0 for none).
    async fn wait_at_most<F: Future>(&self, future: F, idle_ms: u64) -> Result<Option<F::Output>, Halt> {
        let future = pin!(future);
        let raced = if idle_ms == 0 {
            self.closed.unless_set(future).await.map(Some)
        } else {
            match self.closed.unless_set(select(future, pin!(Sleep::new(idle_ms)))).await {
                Some(Either::Left((output, _))) => Some(Some(output)),
                Some(Either::Right(_)) => Some(None),
                None => None,
            }
        };
        raced.ok_or(Halt::Closed)
    }

    /// The network error of a wait that passed `idleTimeout`.
    fn idle(&self, what: &str) -> Error {
        let message = [what, " for ", &decimal(self.options.idle_timeout_ms), " ms (idleTimeout)"].concat();
        Error::Network { message, cause: JsValue::UNDEFINED }
    }

    /// Parses the pending chunk into the sink, a slice at a time, until the sink has events or
    /// the chunk is parsed; what is left of it waits for the next step. Returns whether the sink
    /// has events.
    ///
    /// Browsers hand over chunks of up to megabytes (Chromium up to 2 MiB when the body comes
    /// fast). A step per slice keeps each batch, and what JS builds of it, to one slice's events:
    /// a batch of a whole 2 MiB chunk (170,000 tiny events) made the batch and its length table
    /// megabytes that are written and read again out of cache.
    fn parse_pending(&self) -> Result<bool, Error> {
        let mut pending = self.pending.borrow_mut();
        let Some((chunk, start)) = pending.as_mut() else { return Ok(false) };
        let mut bytes = self.chunk.borrow_mut();
        let mut sink = self.sink.borrow_mut();
        let mut parser = self.parser.borrow_mut();
        let len = chunk.length();
        while *start < len && sink.is_empty() {
            let end = len.min(*start + SLICE);
            let part;
            let slice = if *start == 0 && end == len {
                &*chunk
            } else {
                part = chunk.subarray(*start, end);
                &part
            };
            let n = (end - *start) as usize;
            bytes.clear();
            bytes.reserve(n);
            let filled = slice.copy_to_uninit(&mut bytes.spare_capacity_mut()[..n]).len();
            // SAFETY: `copy_to_uninit` initialised the first `filled` (== n) spare bytes.
            unsafe { bytes.set_len(filled) };
            // Events parsed before an error are lost with it: the stream is unusable.
            parser.feed(&bytes, &mut *sink)?;
            *start = end;
        }
        if *start == len {
            *pending = None;
        }
        let mut policy = self.reconnect.get();
        if let Some(delay) = sink.take_retry() {
            policy.set_delay(delay);
        }
        let any = !sink.is_empty();
        if any {
            self.delivered.set(true);
            policy.delivered();
        }
        self.reconnect.set(policy);
        Ok(any)
    }

    /// After a connection ended (`failure` is `None`) or an attempt failed: decides whether to
    /// reconnect, asks `onRetry`, and waits ("reestablish the connection", §9.2.3). `forced`
    /// retries even when reconnection is off (a status the caller listed). `Ok` means: make
    /// the next attempt.
    ///
    /// # Errors
    /// [`Halt::Failed`] with the failure (or [`Halt::Over`] after an ended connection) when no
    /// attempt follows; [`Halt::Closed`] when closed meanwhile.
    async fn retry(&self, failure: Option<Error>, forced: bool, server_delay_ms: Option<u64>) -> Result<(), Halt> {
        // A connection that delivered no event is a failed attempt, so that a server answering
        // and ending at once meets backoff, maxRetries and the delay floor.
        let failed = failure.is_some() || !self.delivered.replace(false);
        let give_up = |failure: Option<Error>| Err(failure.map_or(Halt::Over, Halt::Failed));
        let mut policy = self.reconnect.get();
        if !(forced || policy.enabled()) {
            return give_up(failure);
        }
        let plan = policy.plan(failed, server_delay_ms, js_sys::Math::random());
        self.reconnect.set(policy);
        let Some(plan) = plan else { return give_up(failure) };
        self.state.set(ReadyState::Connecting);
        let mut delay_ms = plan.delay_ms;
        if let Some(on_retry) = &self.options.on_retry {
            let error = failure.as_ref().map_or(JsValue::NULL, Error::to_js);
            let answer = self.call(on_retry, &[error, plan.attempt.into(), (delay_ms as f64).into()]).await?;
            match answer.as_f64() {
                _ if answer.as_bool() == Some(false) => return give_up(failure),
                _ if answer.is_undefined() => {}
                Some(delay) if delay >= 0.0 => delay_ms = policy.floor(delay.min(u64::MAX as f64) as u64, failed),
                _ => {
                    let expected = "a function returning a non-negative number, false or undefined";
                    return Err(Error::type_error("onRetry", expected, describe(&answer)).into());
                }
            }
        }
        self.closed.unless_set(pin!(Sleep::new(delay_ms))).await.ok_or(Halt::Closed)
    }

    /// Calls a caller function and awaits its result if it is a promise.
    async fn call(&self, hook: &Function, args: &[JsValue]) -> Result<JsValue, Halt> {
        let array: js_sys::Array = args.iter().collect();
        let value = hook.apply(&JsValue::UNDEFINED, &array).map_err(|error| Error::Callback { error })?;
        if !(value.has_type::<Promise>() || value.is_instance_of::<Promise>()) {
            return Ok(value);
        }
        let settled = self.closed.unless_set(JsFuture::from(Promise::resolve(&value))).await.ok_or(Halt::Closed)?;
        Ok(settled.map_err(|error| Error::Callback { error })?)
    }

    /// Attempts until a response is accepted; returns its body.
    async fn connect(&self) -> Result<Body, Halt> {
        loop {
            self.state.set(ReadyState::Connecting);
            let response = match self.fetch().await? {
                Ok(response) => response,
                Err(failure) => {
                    self.retry(Some(failure), false, None).await?;
                    continue;
                }
            };
            let content_type = response.headers().get("content-type").ok().flatten();
            let body = response.body().map_or_else(Body::empty, Body::new);
            let status = response.status();
            match judge(status, content_type.as_deref()) {
                Verdict::Open => {
                    // "announce the connection": OPEN already while `onOpen` runs, as `readyState`
                    // is in `EventSource`'s open event. A refusal then closes the source.
                    self.state.set(ReadyState::Open);
                    if let Some(on_open) = &self.options.on_open {
                        self.call(on_open, &[response.into()]).await?;
                    }
                    return Ok(body);
                }
                Verdict::Stop => return Err(Halt::Over),
                Verdict::BadStatus => {
                    let body = self.read_prefix(body).await?;
                    let status_text = response.status_text();
                    let failure = Error::Status { status, status_text, body };
                    if !self.options.retry_statuses.contains(&status) {
                        return Err(failure.into());
                    }
                    let server_delay = response.headers().get("retry-after").ok().flatten();
                    self.retry(Some(failure), true, server_delay.and_then(|v| retry_after_ms(&v))).await?;
                }
                Verdict::BadContentType => {
                    let body = self.read_prefix(body).await?;
                    let status_text = response.status_text();
                    return Err(Error::ContentType { content_type, status, status_text, body }.into());
                }
            }
        }
    }

    /// The headers of one attempt, calling the caller's function form.
    async fn headers(&self) -> Result<Headers, Halt> {
        let last_event_id = self.last_event_id();
        let built = match &self.options.headers {
            HeaderSource::Fixed(headers) => request::headers(headers, &last_event_id),
            HeaderSource::Function(function) => request::headers(&self.call(function, &[]).await?, &last_event_id),
        };
        Ok(built.map_err(|error| Error::Callback { error })?)
    }

    /// One request. `Ok(Err(..))` when it failed in a way the policy may retry.
    async fn fetch(&self) -> Result<Result<Response, Error>, Halt> {
        let headers = self.headers().await?;
        let (promise, controller) = request::fetch(&self.options, &headers);
        *self.controller.borrow_mut() = controller;
        Ok(match self.wait(JsFuture::from(promise)).await? {
            Some(Ok(response)) => match response.dyn_into::<Response>() {
                Ok(response) => Ok(response),
                Err(other) => Err(network("fetch resolved to something else than a Response", other)),
            },
            Some(Err(error)) => Err(network("the request failed", error)),
            None => {
                self.abort_fetch();
                Err(self.idle("no response"))
            }
        })
    }

    /// The first bytes of a failed response's body, for its error: what arrived before the body
    /// ended, failed, or stayed silent for the idle timeout ([`ERROR_BODY_IDLE_MS`] without
    /// one: an error is not held back by a body that never ends). The rest is not read.
    async fn read_prefix(&self, mut body: Body) -> Result<String, Halt> {
        let idle_ms = match self.options.idle_timeout_ms {
            0 => ERROR_BODY_IDLE_MS,
            ms => ms,
        };
        let mut bytes = Vec::new();
        while bytes.len() < ERROR_BODY_LIMIT {
            let Some(Chunk::Bytes(chunk)) = self.wait_at_most(body.next(), idle_ms).await? else { break };
            let room = (ERROR_BODY_LIMIT - bytes.len()).min(chunk.length() as usize);
            bytes.extend_from_slice(&chunk.subarray(0, room as u32).to_vec());
        }
        drop(body);
        self.abort_fetch();
        Ok(decode_prefix(bytes))
    }
}
