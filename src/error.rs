//! Why a source could not be built, or why its stream ended with an error.
//!
//! One enum for every face: the Rust [`EventSource`](crate::EventSource) yields it as the stream's
//! last item, and the bindings convert it once into the JS `SseError` (whose `kind` is
//! [`Error::kind`]) or, for a wrong option, into a JS `TypeError` / `RangeError` / `SyntaxError`.

use std::fmt;

use wasm_bindgen::JsValue;

use crate::parser::decimal;

/// The error of a source. Each variant carries its own data.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The URL could not be parsed (relative URLs resolve against the page's location, if any).
    InvalidUrl {
        /// The URL as given.
        url: String,
    },
    /// An option has a value of the wrong type, or out of its range.
    InvalidOption {
        /// The option's name as the JS init object spells it (`retryDelay`, `headers`, ...).
        option: &'static str,
        /// What the option accepts, e.g. `"a non-negative number"`.
        expected: &'static str,
        /// The value received, as text.
        got: String,
        /// Whether the value had the right type but was out of range (a JS `RangeError`)
        /// rather than of the wrong type (a JS `TypeError`).
        out_of_range: bool,
    },
    /// The response status was not 200 (nor 204, which ends the stream without error).
    Status {
        /// The status code.
        status: u16,
        /// The status text (empty over HTTP/2).
        status_text: String,
        /// The first 64 KiB of the response body, decoded as UTF-8; what arrived before the body
        /// ended, failed, or stayed silent for the idle timeout.
        body: String,
    },
    /// The response was 200 but its MIME type essence was not `text/event-stream`.
    ContentType {
        /// The `Content-Type` header value, or `None` when there was none.
        content_type: Option<String>,
        /// The status code (200).
        status: u16,
        /// The status text.
        status_text: String,
        /// The first 64 KiB of the response body, as for [`Error::Status`].
        body: String,
    },
    /// The request failed or the connection broke, and no reconnection follows.
    Network {
        /// What failed, ending with the innermost cause's message.
        message: String,
        /// The JS error behind it (a fetch `TypeError`, a stream error), or `undefined`.
        cause: JsValue,
    },
    /// A line, or the data of one event, passed the event size limit.
    EventTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A caller function of the JS faces (`headers`, `onOpen`, `onRetry`, `fetch`) threw or
    /// rejected; JS sees the caller's own error, not an `SseError`.
    Callback {
        /// What the function threw.
        error: JsValue,
    },
}

impl Error {
    /// The `SseError.kind` JS code matches on: `"status"`, `"content-type"`, `"network"`,
    /// `"event-too-large"`; `"option"`, `"url"` and `"callback"` never reach an `SseError`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidUrl { .. } => "url",
            Error::InvalidOption { .. } => "option",
            Error::Status { .. } => "status",
            Error::ContentType { .. } => "content-type",
            Error::Network { .. } => "network",
            Error::EventTooLarge { .. } => "event-too-large",
            Error::Callback { .. } => "callback",
        }
    }

    /// The error as one sentence, without the package prefix. Built without `core::fmt`, which
    /// would weigh on the wasm.
    pub fn message(&self) -> String {
        match self {
            Error::InvalidUrl { url } => ["invalid URL ", &quote(url)].concat(),
            Error::InvalidOption { option, expected, got, .. } => {
                [option, " must be ", expected, ", got ", got].concat()
            }
            Error::Status { status, status_text, .. } => {
                let text = if status_text.is_empty() { "" } else { " " };
                ["the server answered ", &decimal((*status).into()), text, status_text, ", not 200"].concat()
            }
            Error::ContentType { content_type, .. } => {
                let found = content_type.as_deref().unwrap_or("no Content-Type");
                ["the response is ", found, ", not text/event-stream"].concat()
            }
            Error::Network { message, .. } => message.clone(),
            Error::EventTooLarge { limit } => crate::parser::ParseError::EventTooLarge { limit: *limit }.message(),
            Error::Callback { error } => {
                let detail = crate::request::js_message(error).unwrap_or_default();
                ["a callback failed: ", &detail].concat()
            }
        }
    }

    /// The object the JS wrapper turns into an `SseError`:
    /// `{ kind, message, status?, statusText?, body?, contentType?, cause? }`.
    pub(crate) fn to_js(&self) -> JsValue {
        let object = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
        };
        set("kind", self.kind().into());
        set("message", self.message().into());
        match self {
            Error::Status { status, status_text, body } => {
                set("status", (*status).into());
                set("statusText", status_text.into());
                set("body", body.into());
            }
            Error::ContentType { content_type, status, status_text, body } => {
                set("status", (*status).into());
                set("statusText", status_text.into());
                set("body", body.into());
                set("contentType", content_type.as_deref().map_or(JsValue::NULL, JsValue::from_str));
            }
            Error::Network { cause, .. } if !cause.is_undefined() => set("cause", cause.clone()),
            Error::Callback { error } => set("cause", error.clone()),
            _ => {}
        }
        object.into()
    }

    pub(crate) fn type_error(option: &'static str, expected: &'static str, got: String) -> Error {
        Error::InvalidOption { option, expected, got, out_of_range: false }
    }

    pub(crate) fn range_error(option: &'static str, expected: &'static str, got: String) -> Error {
        Error::InvalidOption { option, expected, got, out_of_range: true }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<crate::parser::ParseError> for Error {
    fn from(error: crate::parser::ParseError) -> Error {
        match error {
            crate::parser::ParseError::EventTooLarge { limit } => Error::EventTooLarge { limit },
        }
    }
}

/// `s` in double quotes, as a message shows a string value.
pub(crate) fn quote(s: &str) -> String {
    ["\"", s, "\""].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits() {
        for n in [0, 7, 10, 65536, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn a_status_error_names_its_status() {
        let error = Error::Status { status: 401, status_text: "Unauthorized".into(), body: "no".into() };
        assert_eq!(error.to_string(), "the server answered 401 Unauthorized, not 200");
        assert_eq!(error.kind(), "status");
        let bare = Error::Status { status: 503, status_text: String::new(), body: String::new() };
        assert_eq!(bare.to_string(), "the server answered 503, not 200");
    }

    #[test]
    fn an_option_error_names_the_option_and_the_value() {
        let error = Error::range_error("retryDelay", "a non-negative number", "-5".into());
        assert_eq!(error.to_string(), "retryDelay must be a non-negative number, got -5");
    }
}
