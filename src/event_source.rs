//! The Rust face: [`EventSource`], a `futures::Stream` of [`Event`]s for Rust code compiled to
//! wasm32, configured with an [`EventSourceBuilder`].

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::Stream;
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::JsValue;

use crate::error::Error;
use crate::options::{headers_of, HeaderSource, Options};
use crate::parser::Sink;
pub use crate::source::ReadyState;
use crate::source::{Collect, Source};

/// One event, as `EventSource` dispatches it (a `MessageEvent`'s `type`, `data` and
/// `lastEventId`). In JS, the same fields arrive as a plain object of type `SseEvent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[tsify(rename = "SseEvent")]
pub struct Event {
    /// The `event` field of the block, or `"message"` when it had none.
    #[serde(rename = "type")]
    #[tsify(type = "string")]
    pub event_type: String,
    /// The `data` lines joined with LF.
    pub data: String,
    /// The source's last event ID when the event was dispatched.
    #[serde(rename = "lastEventId")]
    pub last_event_id: String,
}

/// The events of one step, in order.
#[derive(Default)]
pub(crate) struct Events {
    queue: VecDeque<Event>,
    retry: Option<u64>,
}

impl Events {
    fn push(&mut self, event: &crate::parser::Event<'_>, data: String) {
        let event_type = event.event_type().to_owned();
        self.queue.push_back(Event { event_type, data, last_event_id: event.last_event_id.to_owned() });
    }
}

impl Sink for Events {
    fn event(&mut self, event: crate::parser::Event<'_>) {
        self.push(&event, event.data.to_owned());
    }

    /// A long event's pieces joined straight into its `data`: held once, not joined then copied.
    fn event_in_pieces(&mut self, event: crate::parser::Event<'_>, pieces: &[&[u8]]) {
        self.push(&event, crate::parser::join(pieces, event.data_is_ascii));
    }

    fn retry(&mut self, millis: u64) {
        self.retry = Some(millis);
    }
}

impl Collect for Events {
    fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    fn clear(&mut self) {
        self.queue.clear();
    }

    fn take_retry(&mut self) -> Option<u64> {
        self.retry.take()
    }
}

type Step = Pin<Box<dyn Future<Output = Result<bool, Error>>>>;

/// A Server-Sent Events source over `fetch`: a [`Stream`] of events that reconnects as the
/// [WHATWG standard](https://html.spec.whatwg.org/multipage/server-sent-events.html) says, with
/// the headers, method and body you ask for.
///
/// The stream yields `Ok(event)` for each event, ends with `None` when the server ends it for
/// good (204, or the end of a body that is not reconnected), and yields one `Err` then `None`
/// when it fails (a status other than 200, another MIME type, a network error once no
/// reconnection follows, an event over the size limit). Nothing is sent until it is first
/// polled. Dropping it, or [`EventSource::close`], aborts the request: the server sees the
/// connection closed and no reconnection follows.
pub struct EventSource {
    source: Rc<Source<Events>>,
    step: Option<Step>,
    finished: bool,
}

impl EventSource {
    /// A source for `url` with every default: GET, reconnecting after 3 s, 8 MiB events.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] when `url` is not a valid URL (relative URLs resolve against the
    /// page's location).
    pub fn new(url: &str) -> Result<EventSource, Error> {
        EventSource::builder(url).build()
    }

    /// A builder for a source of `url`.
    pub fn builder(url: &str) -> EventSourceBuilder {
        EventSourceBuilder {
            url: url.to_owned(),
            method: None,
            headers: Vec::new(),
            body: None,
            credentials: None,
            last_event_id: None,
            reconnect: None,
            retry_delay: None,
            backoff: None,
            max_retry_delay: None,
            min_retry_delay: None,
            max_retries: None,
            retry_statuses: Vec::new(),
            idle_timeout: None,
            max_event_bytes: None,
        }
    }

    /// Closes the source: aborts the request; the stream then ends with `None`, without the
    /// events parsed but not yet taken (as the JS faces do). Idempotent.
    pub fn close(&self) {
        self.source.close();
        self.source.sink.borrow_mut().clear();
    }

    /// `Connecting`, `Open` or `Closed`, as `EventSource.readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.source.ready_state()
    }

    /// The last event ID string, as far as the stream has been read.
    pub fn last_event_id(&self) -> String {
        self.source.last_event_id()
    }
}

impl Stream for EventSource {
    type Item = Result<Event, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(event) = self.source.sink.borrow_mut().queue.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            let source = Rc::clone(&self.source);
            let step = self.step.get_or_insert_with(|| Box::pin(async move { source.step().await }));
            let result = match step.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => result,
            };
            self.step = None;
            match result {
                Ok(true) => continue,
                Ok(false) => self.finished = true,
                Err(error) => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Configures an [`EventSource`]; every setting has the default the JS faces have.
#[must_use]
pub struct EventSourceBuilder {
    url: String,
    method: Option<String>,
    headers: Vec<(String, String)>,
    body: Option<String>,
    credentials: Option<web_sys::RequestCredentials>,
    last_event_id: Option<String>,
    reconnect: Option<bool>,
    retry_delay: Option<Duration>,
    backoff: Option<bool>,
    max_retry_delay: Option<Duration>,
    min_retry_delay: Option<Duration>,
    max_retries: Option<u32>,
    retry_statuses: Vec<u16>,
    idle_timeout: Option<Duration>,
    max_event_bytes: Option<usize>,
}

impl EventSourceBuilder {
    /// Adds a header sent on every attempt (`Accept` and `Last-Event-ID` are set by the source).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The HTTP method (default GET). Other methods do not reconnect unless
    /// [`reconnect`](Self::reconnect) asks.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// The request body (not with GET or HEAD).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// The fetch credentials mode (default same-origin).
    pub fn credentials(mut self, credentials: web_sys::RequestCredentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The last event ID to start from, sent as `Last-Event-ID`.
    pub fn last_event_id(mut self, id: &str) -> Self {
        self.last_event_id = Some(id.to_owned());
        self
    }

    /// Whether to reconnect after the body ends or the connection breaks (default: GET only).
    pub fn reconnect(mut self, reconnect: bool) -> Self {
        self.reconnect = Some(reconnect);
        self
    }

    /// The reconnection time until the server sends `retry:` (default 3 s).
    pub fn retry_delay(mut self, delay: Duration) -> Self {
        self.retry_delay = Some(delay);
        self
    }

    /// Doubles the delay after each consecutive failed attempt, with jitter (default off).
    pub fn backoff(mut self, backoff: bool) -> Self {
        self.backoff = Some(backoff);
        self
    }

    /// The most backoff grows the delay to (default 30 s).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = Some(delay);
        self
    }

    /// The least wait before reconnecting after a connection that delivered no event or a
    /// failed attempt (default 100 ms); zero removes the floor.
    pub fn min_retry_delay(mut self, delay: Duration) -> Self {
        self.min_retry_delay = Some(delay);
        self
    }

    /// How many consecutive failed attempts are retried (default: no limit). A connection that
    /// ends without an event counts as a failed attempt.
    pub fn max_retries(mut self, max: u32) -> Self {
        self.max_retries = Some(max);
        self
    }

    /// Statuses answered by retrying (honouring `Retry-After`) instead of failing.
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.retry_statuses = statuses.into_iter().collect();
        self
    }

    /// How long any wait on the server (the response, each read of the body) may last before
    /// the connection counts as lost (default: no limit).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// The largest line or event data in bytes (default 8 MiB); larger ends the stream with
    /// [`Error::EventTooLarge`].
    pub fn max_event_bytes(mut self, max: usize) -> Self {
        self.max_event_bytes = Some(max);
        self
    }

    /// The source. Nothing is sent until the stream is first polled.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] for an invalid URL, [`Error::InvalidOption`] for a header that
    /// `fetch` refuses, a body with GET or HEAD, a last event ID with CR, LF or NUL, or
    /// `max_event_bytes(0)`.
    pub fn build(self) -> Result<EventSource, Error> {
        let method = self.method.as_deref().unwrap_or("GET");
        let mut options = Options::new(&self.url, method)?;
        if !self.headers.is_empty() {
            let pairs: js_sys::Array =
                self.headers.iter().map(|(name, value)| js_sys::Array::of2(&name.into(), &value.into())).collect();
            options.headers = HeaderSource::Fixed(headers_of(&pairs)?);
        }
        if let Some(body) = self.body {
            options.body = JsValue::from(body);
        }
        if let Some(credentials) = self.credentials {
            options.credentials = credentials;
        }
        options.last_event_id = self.last_event_id.unwrap_or_default();
        let retry = &mut options.retry;
        let millis = |d: Duration| d.as_millis().min(u64::MAX.into()) as u64;
        retry.enabled = self.reconnect.unwrap_or(retry.enabled);
        retry.delay_ms = self.retry_delay.map_or(retry.delay_ms, millis);
        retry.backoff = self.backoff.unwrap_or(retry.backoff);
        retry.max_delay_ms = self.max_retry_delay.map_or(retry.max_delay_ms, millis);
        retry.min_delay_ms = self.min_retry_delay.map_or(retry.min_delay_ms, millis);
        retry.max_retries = self.max_retries;
        options.retry_statuses = self.retry_statuses;
        options.idle_timeout_ms = self.idle_timeout.map_or(0, millis);
        options.max_event_bytes = self.max_event_bytes.unwrap_or(options.max_event_bytes);
        options.check()?;
        Ok(EventSource { source: Rc::new(Source::new(options)), step: None, finished: false })
    }
}
