//! Pure decisions of the connection: is a response an event stream, and when to reconnect.
//!
//! Rules from the WHATWG HTML standard,
//! [§9.2.3 "Processing model"](https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model).

/// What to do with a response, decided from its status and `Content-Type` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Status 200 and a `text/event-stream` MIME type: announce the connection, read the body.
    Open,
    /// Status 204: the server asks the client to stop. The stream ends without error.
    Stop,
    /// Any other status: fail the connection (`SseError` kind `"status"`).
    BadStatus,
    /// Status 200 with another MIME type: fail the connection (kind `"content-type"`).
    BadContentType,
}

/// "if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail
/// the connection." 204 is set apart because the spec's note makes it the way to stop a client.
pub fn judge(status: u16, content_type: Option<&str>) -> Verdict {
    match status {
        200 if content_type.is_some_and(is_event_stream) => Verdict::Open,
        200 => Verdict::BadContentType,
        204 => Verdict::Stop,
        _ => Verdict::BadStatus,
    }
}

/// Whether a `Content-Type` value's MIME type essence is `text/event-stream`: parameters
/// allowed, ASCII case ignored, HTTP whitespace around the essence trimmed
/// ([MIME Sniffing §4.4](https://mimesniff.spec.whatwg.org/#parsing-a-mime-type)).
pub fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("");
    let essence = essence.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    essence.eq_ignore_ascii_case("text/event-stream")
}

/// The longest delay a JS timer takes (2^31 - 1 ms, about 24.8 days); longer ones fire at once.
pub const MAX_TIMER_DELAY_MS: u64 = i32::MAX as u64;

/// The reconnection time: starts at the caller's `retryDelay`, replaced by each valid `retry`
/// field, clamped to what a timer can wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconnect {
    /// Whether the source reconnects after a network error or the end of the body.
    pub enabled: bool,
    delay_ms: u64,
}

impl Reconnect {
    /// A policy starting at `delay_ms`.
    pub fn new(enabled: bool, delay_ms: u64) -> Self {
        Reconnect { enabled, delay_ms: delay_ms.min(MAX_TIMER_DELAY_MS) }
    }

    /// A `retry` field: "set the event stream's reconnection time to that integer".
    pub fn set_delay(&mut self, delay_ms: u64) {
        self.delay_ms = delay_ms.min(MAX_TIMER_DELAY_MS);
    }

    /// How long to wait before the next attempt, in milliseconds.
    pub fn delay_ms(&self) -> u64 {
        self.delay_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_essence() {
        for ok in [
            "text/event-stream",
            "TEXT/Event-Stream",
            "text/event-stream; charset=utf-8",
            " text/event-stream ;x=y",
            "text/event-stream;",
        ] {
            assert!(is_event_stream(ok), "{ok}");
        }
        for bad in ["text/event-streamx", "text/plain", "", "text/event-stream2", "text /event-stream"] {
            assert!(!is_event_stream(bad), "{bad}");
        }
    }

    #[test]
    fn verdicts() {
        let sse = Some("text/event-stream");
        assert_eq!(judge(200, sse), Verdict::Open);
        assert_eq!(judge(200, None), Verdict::BadContentType);
        assert_eq!(judge(200, Some("text/html")), Verdict::BadContentType);
        assert_eq!(judge(204, sse), Verdict::Stop);
        for status in [201, 205, 299, 301, 404, 500, 503] {
            assert_eq!(judge(status, sse), Verdict::BadStatus, "{status}");
        }
    }

    #[test]
    fn retry_delay_is_clamped_to_a_timer() {
        let mut policy = Reconnect::new(true, 3000);
        assert_eq!(policy.delay_ms(), 3000);
        policy.set_delay(u64::MAX);
        assert_eq!(policy.delay_ms(), MAX_TIMER_DELAY_MS);
        policy.set_delay(0);
        assert_eq!(policy.delay_ms(), 0);
    }
}
