//! What a source is asked to do: the one home of every option, its default and its validation.
//!
//! Two ways in, one way out: the Rust [`EventSourceBuilder`](crate::EventSourceBuilder) sets typed
//! values, and the JS faces hand over their init object, read with serde-wasm-bindgen into
//! [`RustEventSourceInit`] (whose TypeScript type tsify generates). Both end in [`Options`],
//! checked by the same rules.

use js_sys::{Function, Reflect};
use serde::{Deserialize, Deserializer};
use tsify::Tsify;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, Headers, RequestCredentials};

use crate::error::{quote, Error};
use crate::policy::RetryOptions;

/// The reconnection time before any `retry:` field, in milliseconds (`retryDelay`).
pub const DEFAULT_RETRY_DELAY_MS: u64 = 3_000;
/// The most backoff grows the delay to, in milliseconds (`maxRetryDelay`).
pub const DEFAULT_MAX_RETRY_DELAY_MS: u64 = 30_000;
/// The least wait before reconnecting after a connection that delivered no event
/// (`minRetryDelay`): at most about ten empty connections per second, whatever `retryDelay`, a
/// server's `retry: 0` or `onRetry` ask for.
pub const DEFAULT_MIN_RETRY_DELAY_MS: u64 = 100;
/// The largest line or event data accepted, in bytes (`maxEventBytes`): 8 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 8 << 20;

/// Where the headers of each attempt come from.
#[derive(Clone)]
pub(crate) enum HeaderSource {
    /// The same headers on every attempt.
    Fixed(Headers),
    /// A JS function called before every attempt, returning a `HeadersInit` or a promise of one.
    Function(Function),
}

/// Everything a source needs, validated.
pub(crate) struct Options {
    /// The absolute URL. Every attempt goes to it, not to where a redirect led.
    pub url: String,
    pub method: String,
    pub headers: HeaderSource,
    /// The request body, or `undefined`.
    pub body: JsValue,
    pub credentials: RequestCredentials,
    pub last_event_id: String,
    pub retry: RetryOptions,
    /// Statuses answered by retrying (honouring `Retry-After`) instead of failing.
    pub retry_statuses: Vec<u16>,
    /// Milliseconds without progress on any wait on the server after which the connection
    /// counts as lost; 0 for never.
    pub idle_timeout_ms: u64,
    pub max_event_bytes: usize,
    /// A `fetch`-compatible function to call instead of the global `fetch`.
    pub fetch: Option<Function>,
    /// `onOpen(response)`, after a response was accepted and before its body is read.
    pub on_open: Option<Function>,
    /// `onRetry(error | null, attempt, delay)`, before each wait to reconnect.
    pub on_retry: Option<Function>,
}

impl Options {
    /// The defaults for `url`, which must be valid; methods other than GET do not reconnect
    /// unless asked.
    pub(crate) fn new(url: &str, method: &str) -> Result<Options, Error> {
        Ok(Options {
            url: resolve_url(url)?,
            method: method.to_ascii_uppercase(),
            headers: HeaderSource::Fixed(Headers::new().map_err(|e| header_error(&e))?),
            body: JsValue::UNDEFINED,
            credentials: RequestCredentials::SameOrigin,
            last_event_id: String::new(),
            retry: RetryOptions {
                enabled: method.eq_ignore_ascii_case("GET"),
                delay_ms: DEFAULT_RETRY_DELAY_MS,
                backoff: false,
                max_delay_ms: DEFAULT_MAX_RETRY_DELAY_MS,
                max_retries: None,
                min_delay_ms: DEFAULT_MIN_RETRY_DELAY_MS,
            },
            retry_statuses: Vec::new(),
            idle_timeout_ms: 0,
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            fetch: None,
            on_open: None,
            on_retry: None,
        })
    }

    /// The checks that hold whichever way the options came in.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if !self.body.is_undefined() && (self.method == "GET" || self.method == "HEAD") {
            return Err(Error::type_error("body", "absent for a GET or HEAD request", describe(&self.body)));
        }
        check_last_event_id(&self.last_event_id)?;
        if self.max_event_bytes == 0 {
            return Err(Error::range_error("maxEventBytes", AT_LEAST_ONE, "0".into()));
        }
        Ok(())
    }

    /// The options of a JS init object (`undefined` or `null` for none). The signal is checked
    /// here and handled by the JS wrapper.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] or [`Error::InvalidOption`], naming the first wrong option.
    pub(crate) fn from_js(url: &str, init: &JsValue) -> Result<Options, Error> {
        let raw = RustEventSourceInit::read(init)?;
        let method = match raw.method {
            Field::Absent => "GET".to_owned(),
            Field::Given(method) => method,
            Field::Wrong => return Err(wrong(init, "method", "a string")),
        };
        let mut options = Options::new(url, &method)?;
        options.headers = match raw.headers.dyn_into::<Function>() {
            Ok(function) => HeaderSource::Function(function),
            Err(given) if given.is_undefined() || given.is_null() => options.headers,
            Err(given) if given.is_object() => HeaderSource::Fixed(headers_of(&given)?),
            Err(given) => return Err(Error::type_error("headers", HEADERS, describe(&given))),
        };
        if !(raw.body.is_undefined() || raw.body.is_null()) {
            if !is_body(&raw.body) {
                return Err(Error::type_error("body", BODY, describe(&raw.body)));
            }
            options.body = raw.body;
        }
        const CREDENTIALS: &str = r#""omit", "same-origin" or "include""#;
        options.credentials = match raw.credentials {
            Field::Absent => options.credentials,
            Field::Given(name) => credentials(&name).ok_or_else(|| wrong(init, "credentials", CREDENTIALS))?,
            Field::Wrong => return Err(wrong(init, "credentials", CREDENTIALS)),
        };
        options.last_event_id = raw.last_event_id.or(init, "lastEventId", "a string", String::new())?;
        let retry = &mut options.retry;
        retry.enabled = raw.reconnect.or(init, "reconnect", "a boolean", retry.enabled)?;
        retry.backoff = raw.backoff.or(init, "backoff", "a boolean", false)?;
        retry.delay_ms = millis(init, "retryDelay", raw.retry_delay, retry.delay_ms)?;
        retry.max_delay_ms = millis(init, "maxRetryDelay", raw.max_retry_delay, retry.max_delay_ms)?;
        retry.min_delay_ms = millis(init, "minRetryDelay", raw.min_retry_delay, retry.min_delay_ms)?;
        retry.max_retries = match count(init, "maxRetries", raw.max_retries, NON_NEGATIVE_INTEGER, 0.0)? {
            Some(max) if max.is_finite() => Some(max.min(u32::MAX as f64) as u32),
            _ => None,
        };
        options.idle_timeout_ms = millis(init, "idleTimeout", raw.idle_timeout, 0)?;
        options.max_event_bytes = match count(init, "maxEventBytes", raw.max_event_bytes, AT_LEAST_ONE, 1.0)? {
            Some(max) => max.min(usize::MAX as f64) as usize,
            None => options.max_event_bytes,
        };
        options.retry_statuses = match raw.retry_statuses {
            Field::Absent => Vec::new(),
            Field::Wrong => return Err(wrong(init, "retryStatuses", "an array of status codes")),
            Field::Given(statuses) => statuses
                .into_iter()
                .map(|status| match status {
                    100.0..=599.0 if status.fract() == 0.0 => Ok(status as u16),
                    _ => Err(Error::range_error("retryStatuses", "status codes from 100 to 599", number(status))),
                })
                .collect::<Result<_, _>>()?,
        };
        options.fetch = function(raw.fetch, "fetch")?;
        options.on_open = function(raw.on_open, "onOpen")?;
        options.on_retry = function(raw.on_retry, "onRetry")?;
        if !(raw.signal.is_undefined() || raw.signal.is_null() || raw.signal.is_instance_of::<AbortSignal>()) {
            return Err(Error::type_error("signal", "an AbortSignal", describe(&raw.signal)));
        }
        options.check()?;
        Ok(options)
    }
}

const AT_LEAST_ONE: &str = "an integer of at least 1, or Infinity";
const NON_NEGATIVE_INTEGER: &str = "a non-negative integer, or Infinity";
const HEADERS: &str = "a Headers object, a record or an array of name-value pairs, or a function returning one";
const BODY: &str = "a string, Blob, BufferSource, FormData, URLSearchParams or ReadableStream";

/// An option as the JS init object may give it: absent (`undefined` or `null`), a value of the
/// right type, or a value of another type (reported with its name, never silently ignored).
#[derive(Default)]
pub(crate) enum Field<T> {
    #[default]
    Absent,
    Given(T),
    Wrong,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Each field is read from its own JS value, so a failed read leaves nothing half-done.
        Ok(match Option::<T>::deserialize(deserializer) {
            Ok(None) => Field::Absent,
            Ok(Some(value)) => Field::Given(value),
            Err(_) => Field::Wrong,
        })
    }
}

impl<T> Field<T> {
    fn or(self, init: &JsValue, option: &'static str, expected: &'static str, default: T) -> Result<T, Error> {
        match self {
            Field::Absent => Ok(default),
            Field::Given(value) => Ok(value),
            Field::Wrong => Err(wrong(init, option, expected)),
        }
    }
}

/// The fetch credentials mode named `name`.
fn credentials(name: &str) -> Option<RequestCredentials> {
    match name {
        "omit" => Some(RequestCredentials::Omit),
        "same-origin" => Some(RequestCredentials::SameOrigin),
        "include" => Some(RequestCredentials::Include),
        _ => None,
    }
}

/// The options of `new RustEventSource(url, init)` and `new EventSource(url, init)`. Every field
/// is optional; a wrong type throws a `TypeError`, a number out of range a `RangeError`.
#[derive(Deserialize, Tsify, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RustEventSourceInit {
    /// The HTTP method (default `"GET"`).
    #[tsify(optional, type = "string | undefined")]
    method: Field<String>,
    /// Headers sent on every attempt; a function is called before each attempt (a token
    /// refreshed between reconnections). `Accept` and `Last-Event-ID` are set by the source.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "SseHeadersInit | (() => SseHeadersInit | Promise<SseHeadersInit>) | undefined")]
    headers: JsValue,
    /// The request body, as `fetch` takes it (not with GET or HEAD).
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(
        optional,
        type = "string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array> | null | undefined"
    )]
    body: JsValue,
    /// The fetch credentials mode (default `"same-origin"`).
    #[tsify(optional, type = "\"omit\" | \"same-origin\" | \"include\" | undefined")]
    credentials: Field<String>,
    /// The last event ID to start from, sent as `Last-Event-ID` (default `""`).
    #[tsify(optional, type = "string | undefined")]
    last_event_id: Field<String>,
    /// Reconnect after the body ends or the connection breaks (default: for GET only).
    #[tsify(optional, type = "boolean | undefined")]
    reconnect: Field<bool>,
    /// The reconnection time in ms until the server sends `retry:` (default 3000).
    #[tsify(optional, type = "number | undefined")]
    retry_delay: Field<f64>,
    /// Double the delay after each consecutive failed attempt, with jitter (default false).
    #[tsify(optional, type = "boolean | undefined")]
    backoff: Field<bool>,
    /// The most backoff grows the delay to, in ms (default 30000).
    #[tsify(optional, type = "number | undefined")]
    max_retry_delay: Field<f64>,
    /// The least wait in ms before reconnecting after a connection that delivered no event or a
    /// failed attempt (default 100: at most about ten empty connections a second, whatever
    /// `retryDelay`, `retry:` or `onRetry` ask for); 0 removes the floor.
    #[tsify(optional, type = "number | undefined")]
    min_retry_delay: Field<f64>,
    /// How many consecutive failed attempts are retried (default Infinity). A connection that
    /// ends without delivering any event counts as a failed attempt.
    #[tsify(optional, type = "number | undefined")]
    max_retries: Field<f64>,
    /// Statuses answered by retrying (honouring `Retry-After`) instead of failing.
    #[tsify(optional, type = "readonly number[] | undefined")]
    retry_statuses: Field<Vec<f64>>,
    /// Milliseconds without progress on any wait on the server (the response headers, each body
    /// read, an error body) after which the connection counts as lost (default 0: never).
    #[tsify(optional, type = "number | undefined")]
    idle_timeout: Field<f64>,
    /// The largest line or event data in bytes; larger ends the stream with `event-too-large`
    /// (default 8 MiB).
    #[tsify(optional, type = "number | undefined")]
    max_event_bytes: Field<f64>,
    /// A `fetch`-compatible function to call instead of the global `fetch`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "((input: string, init: RequestInit) => Promise<Response>) | undefined")]
    fetch: JsValue,
    /// Called when a response is accepted, before its body is read; may throw to stop.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "OnOpen | undefined")]
    on_open: JsValue,
    /// Called before each wait to reconnect; returns a new delay, `false` to stop, or nothing.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "OnRetry | undefined")]
    on_retry: JsValue,
    /// Closes the source when aborted; an abort whose reason is a `TimeoutError` rejects the
    /// iteration with that reason.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    #[tsify(optional, type = "AbortSignal | undefined")]
    signal: JsValue,
}

impl RustEventSourceInit {
    /// Reads a JS init object; `undefined` and `null` mean no options.
    fn read(init: &JsValue) -> Result<RustEventSourceInit, Error> {
        if init.is_undefined() || init.is_null() {
            return Ok(RustEventSourceInit::default());
        }
        if !init.is_object() {
            return Err(Error::type_error("init", "an object", describe(init)));
        }
        serde_wasm_bindgen::from_value(init.clone())
            .map_err(|_| Error::type_error("init", "an object of options", describe(init)))
    }
}

/// The options of `SseParser.create(init)`. Only its TypeScript type is generated: they are read
/// as a [`RustEventSourceInit`], so that one deserializer serves both.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SseParserInit {
    /// The largest line or event data in bytes (default 8 MiB).
    #[tsify(optional, type = "number | undefined")]
    pub max_event_bytes: f64,
    /// The last event ID to start from (default `""`).
    #[tsify(optional, type = "string | undefined")]
    pub last_event_id: String,
}

/// The checked options of a parser: the event size limit and the initial last event ID.
pub(crate) fn parser_options(init: &JsValue) -> Result<(usize, String), Error> {
    let raw = RustEventSourceInit::read(init)?;
    let max_event_bytes = match count(init, "maxEventBytes", raw.max_event_bytes, AT_LEAST_ONE, 1.0)? {
        Some(max) => max.min(usize::MAX as f64) as usize,
        None => DEFAULT_MAX_EVENT_BYTES,
    };
    let last_event_id = raw.last_event_id.or(init, "lastEventId", "a string", String::new())?;
    check_last_event_id(&last_event_id)?;
    Ok((max_event_bytes, last_event_id))
}

/// A last event ID must be sendable as a header and reachable from a stream: no NUL, CR or LF.
fn check_last_event_id(id: &str) -> Result<(), Error> {
    if id.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')) {
        return Err(Error::type_error("lastEventId", "a string without NUL, CR or LF", quote_js(id)));
    }
    Ok(())
}

/// A delay option in whole milliseconds: a number, not NaN, at least 0 (fractions round down,
/// Infinity saturates).
fn millis(init: &JsValue, option: &'static str, field: Field<f64>, default: u64) -> Result<u64, Error> {
    match field {
        Field::Absent => Ok(default),
        Field::Wrong => Err(wrong(init, option, "a non-negative number")),
        Field::Given(ms) if ms.is_nan() || ms < 0.0 => {
            Err(Error::range_error(option, "a non-negative number", number(ms)))
        }
        Field::Given(ms) => Ok(ms.min(u64::MAX as f64) as u64),
    }
}

/// A count option: a number (else a `TypeError`) that is an integer of at least `min`, or
/// Infinity (else a `RangeError`).
fn count(
    init: &JsValue,
    option: &'static str,
    field: Field<f64>,
    expected: &'static str,
    min: f64,
) -> Result<Option<f64>, Error> {
    match field {
        Field::Absent => Ok(None),
        Field::Wrong => Err(wrong(init, option, expected)),
        Field::Given(n) if n == f64::INFINITY || (n >= min && n.fract() == 0.0) => Ok(Some(n)),
        Field::Given(n) => Err(Error::range_error(option, expected, number(n))),
    }
}

fn function(value: JsValue, option: &'static str) -> Result<Option<Function>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.dyn_into::<Function>() {
        Ok(function) => Ok(Some(function)),
        Err(value) => Err(Error::type_error(option, "a function", describe(&value))),
    }
}

/// A type error for `option`, showing the value the init object holds.
fn wrong(init: &JsValue, option: &'static str, expected: &'static str) -> Error {
    let value = Reflect::get(init, &JsValue::from_str(option)).unwrap_or(JsValue::UNDEFINED);
    Error::type_error(option, expected, describe(&value))
}

/// `new Headers(given)`, or a type error naming `headers` with the platform's reason.
pub(crate) fn headers_of(given: &JsValue) -> Result<Headers, Error> {
    Headers::new_with_headers(given.unchecked_ref()).map_err(|error| header_error(&error))
}

fn header_error(error: &JsValue) -> Error {
    let reason = crate::request::js_message(error).unwrap_or_else(|| describe(error));
    Error::InvalidOption {
        option: "headers",
        expected: "valid header names and values",
        got: reason,
        out_of_range: false,
    }
}

/// Whether `fetch` takes `value` as a body.
fn is_body(value: &JsValue) -> bool {
    value.is_string()
        || value.is_instance_of::<js_sys::ArrayBuffer>()
        || js_sys::ArrayBuffer::is_view(value)
        || ["Blob", "FormData", "URLSearchParams", "ReadableStream"]
            .iter()
            .any(|class| is_instance_of_global(value, class))
}

/// `value instanceof globalThis[class]`, false where the class does not exist.
fn is_instance_of_global(value: &JsValue, class: &str) -> bool {
    let constructor = Reflect::get(&js_sys::global(), &JsValue::from_str(class)).ok();
    match constructor.and_then(|c| c.dyn_into::<Function>().ok()) {
        Some(constructor) => value.is_object() && instance_of(value, &constructor),
        None => false,
    }
}

fn instance_of(value: &JsValue, constructor: &Function) -> bool {
    let prototype = Reflect::get(constructor, &JsValue::from_str("prototype")).unwrap_or(JsValue::UNDEFINED);
    let prototype: &js_sys::Object = prototype.unchecked_ref();
    prototype.is_prototype_of(value)
}

/// The absolute URL of `url`, relative ones resolved against the global `location`, if any.
pub(crate) fn resolve_url(url: &str) -> Result<String, Error> {
    let location = Reflect::get(&js_sys::global(), &JsValue::from_str("location")).ok().filter(|l| l.is_object());
    let base = location.and_then(|l| Reflect::get(&l, &JsValue::from_str("href")).ok()).and_then(|h| h.as_string());
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    };
    parsed.map(|u| u.href()).map_err(|_| Error::InvalidUrl { url: url.to_owned() })
}

/// A JS value as an error message shows it.
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return quote_js(&s);
    }
    if let Some(n) = value.as_f64() {
        return number(n);
    }
    if let Some(b) = value.as_bool() {
        return if b { "true" } else { "false" }.into();
    }
    let name = if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_function() {
        "a function"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else {
        "an object"
    };
    name.into()
}

/// A string value, quoted, with control characters escaped as JSON does.
fn quote_js(s: &str) -> String {
    js_sys::JSON::stringify(&JsValue::from_str(s)).ok().and_then(|s| s.as_string()).unwrap_or_else(|| quote(s))
}

/// A JS number as `String(n)` shows it.
pub(crate) fn number(n: f64) -> String {
    js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default()
}
