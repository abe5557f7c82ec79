//! Pure decisions of the connection: is a response an event stream, and when to reconnect.
//!
//! Rules from the WHATWG HTML standard,
//! [§9.2.3 "Processing model"](https://html.spec.whatwg.org/multipage/server-sent-events.html#sse-processing-model).

use crate::parser::ascii_digits;

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
    let bytes = content_type.as_bytes();
    let essence = match bytes.iter().position(|&b| b == b';') {
        Some(semicolon) => &bytes[..semicolon],
        None => bytes,
    };
    trim_http_whitespace(essence).eq_ignore_ascii_case(b"text/event-stream")
}

/// Strips HTTP whitespace (space, tab, CR, LF) from both ends; bytes, so no Unicode tables.
fn trim_http_whitespace(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = bytes {
        bytes = rest;
    }
    bytes
}

/// The longest delay a JS timer takes (2^31 - 1 ms, about 24.8 days); longer ones fire at once.
pub const MAX_TIMER_DELAY_MS: u64 = i32::MAX as u64;

/// How a source reconnects, as the caller configured it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryOptions {
    /// Reconnect after a network error or the end of the body.
    pub enabled: bool,
    /// The initial reconnection time in milliseconds (`retryDelay`).
    pub delay_ms: u64,
    /// Double the delay after each consecutive failed attempt, with jitter.
    pub backoff: bool,
    /// The most the backoff grows the delay to (`maxRetryDelay`); a larger `retry:` value from
    /// the server is still honoured.
    pub max_delay_ms: u64,
    /// How many consecutive failed attempts are retried; `None` for no limit.
    pub max_retries: Option<u32>,
    /// The least delay after a failed attempt (a connection that delivered no event counts as
    /// one), whatever else asked for less: a server that answers and ends at once, with
    /// `retry: 0`, is not reconnected to in a busy loop. 0 removes the floor.
    pub min_delay_ms: u64,
}

/// The next wait, as [`Reconnect::plan`] decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// 1 for the first reconnection after a successful open, then one more per failed attempt.
    pub attempt: u32,
    /// How long to wait before that attempt, in milliseconds.
    pub delay_ms: u64,
}

/// The reconnection state: the reconnection time (replaced by each valid `retry:` field) and
/// the count of consecutive failed attempts. An attempt fails unless its connection delivers an
/// event: a refused request, an error status, and a connection that ends empty all count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconnect {
    options: RetryOptions,
    failures: u32,
}

impl Reconnect {
    /// A policy with nothing failed yet.
    pub fn new(options: RetryOptions) -> Self {
        let mut options = options;
        options.delay_ms = options.delay_ms.min(MAX_TIMER_DELAY_MS);
        Reconnect { options, failures: 0 }
    }

    /// Whether the source reconnects after a network error or the end of the body.
    pub fn enabled(&self) -> bool {
        self.options.enabled
    }

    /// A `retry` field: "set the event stream's reconnection time to that integer".
    pub fn set_delay(&mut self, delay_ms: u64) {
        self.options.delay_ms = delay_ms.min(MAX_TIMER_DELAY_MS);
    }

    /// The reconnection time, before backoff.
    pub fn delay_ms(&self) -> u64 {
        self.options.delay_ms
    }

    /// A connection delivered an event: the count of failed attempts starts over.
    pub fn delivered(&mut self) {
        self.failures = 0;
    }

    /// The delay to wait after an attempt, given what was asked for (the plan, or `onRetry`'s
    /// answer): at least the floor after a failed attempt, at most what a timer takes.
    pub fn floor(&self, delay_ms: u64, failed: bool) -> u64 {
        let floor = if failed { self.options.min_delay_ms } else { 0 };
        delay_ms.max(floor).min(MAX_TIMER_DELAY_MS)
    }

    /// Plans the next attempt after a connection that delivered events ended (`failed ==
    /// false`) or an attempt failed (including a connection that ended without an event). `server_delay_ms` is a `Retry-After` the server sent; `random` is in
    /// `[0, 1)` and spreads backoff delays ("equal jitter": half fixed, half random).
    /// `None` once `max_retries` consecutive failed attempts have been retried.
    pub fn plan(&mut self, failed: bool, server_delay_ms: Option<u64>, random: f64) -> Option<Plan> {
        if failed {
            self.failures = self.failures.saturating_add(1);
            if self.options.max_retries.is_some_and(|max| self.failures > max) {
                return None;
            }
        }
        let base = self.options.delay_ms;
        let delay_ms = match server_delay_ms {
            Some(delay) => delay,
            None if self.options.backoff && self.failures > 1 => {
                let cap = self.options.max_delay_ms.max(base);
                let grown = base.saturating_mul(1u64 << (self.failures - 1).min(40)).min(cap);
                let half = grown / 2;
                half + ((grown - half) as f64 * random.clamp(0.0, 1.0)) as u64
            }
            None => base,
        };
        Some(Plan { attempt: self.failures.max(1), delay_ms: self.floor(delay_ms, failed) })
    }
}

/// A `Retry-After` value in delay-seconds, as milliseconds. HTTP dates are left to the caller.
pub fn retry_after_seconds(value: &str) -> Option<u64> {
    ascii_digits(trim_http_whitespace(value.as_bytes())).map(|seconds| seconds.saturating_mul(1000))
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

    fn options() -> RetryOptions {
        RetryOptions {
            enabled: true,
            delay_ms: 100,
            backoff: false,
            max_delay_ms: 1000,
            max_retries: None,
            min_delay_ms: 0,
        }
    }

    #[test]
    fn retry_delay_is_clamped_to_a_timer() {
        let mut policy = Reconnect::new(RetryOptions { delay_ms: 3000, ..options() });
        assert_eq!(policy.delay_ms(), 3000);
        policy.set_delay(u64::MAX);
        assert_eq!(policy.delay_ms(), MAX_TIMER_DELAY_MS);
        assert_eq!(policy.plan(false, None, 0.5).unwrap().delay_ms, MAX_TIMER_DELAY_MS);
        policy.set_delay(0);
        assert_eq!(policy.delay_ms(), 0);
    }

    #[test]
    fn without_backoff_the_delay_is_the_reconnection_time() {
        let mut policy = Reconnect::new(options());
        for attempt in 1..5 {
            assert_eq!(policy.plan(true, None, 0.9), Some(Plan { attempt, delay_ms: 100 }));
        }
        policy.delivered();
        assert_eq!(policy.plan(false, None, 0.9), Some(Plan { attempt: 1, delay_ms: 100 }));
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap_and_resets_on_open() {
        let mut policy = Reconnect::new(RetryOptions { backoff: true, ..options() });
        let delays: Vec<u64> = (0..6).map(|_| policy.plan(true, None, 1.0).unwrap().delay_ms).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        let low: Vec<u64> = {
            let mut policy = Reconnect::new(RetryOptions { backoff: true, ..options() });
            (0..4).map(|_| policy.plan(true, None, 0.0).unwrap().delay_ms).collect()
        };
        assert_eq!(low, [100, 100, 200, 400]);
        policy.delivered();
        assert_eq!(policy.plan(true, None, 1.0).unwrap(), Plan { attempt: 1, delay_ms: 100 });
        // A retry: field above the cap is honoured.
        policy.set_delay(5000);
        assert_eq!(policy.plan(true, None, 1.0).unwrap().delay_ms, 5000);
    }

    #[test]
    fn max_retries_counts_consecutive_failures() {
        let mut policy = Reconnect::new(RetryOptions { max_retries: Some(2), ..options() });
        assert!(policy.plan(true, None, 0.0).is_some());
        assert!(policy.plan(true, None, 0.0).is_some());
        assert!(policy.plan(true, None, 0.0).is_none());
        policy.delivered();
        assert!(policy.plan(false, None, 0.0).is_some());
        assert!(policy.plan(true, None, 0.0).is_some());
    }

    #[test]
    fn failed_attempts_wait_at_least_the_floor() {
        let mut policy = Reconnect::new(RetryOptions { delay_ms: 0, min_delay_ms: 100, ..options() });
        // An ended connection that delivered events may reconnect at once (retry: 0)...
        assert_eq!(policy.plan(false, None, 0.5).unwrap().delay_ms, 0);
        // ...one that failed or ended empty waits at least the floor, whatever was asked for.
        assert_eq!(policy.plan(true, None, 0.5).unwrap().delay_ms, 100);
        assert_eq!(policy.plan(true, Some(0), 0.5).unwrap().delay_ms, 100);
        assert_eq!(policy.floor(0, true), 100);
        assert_eq!(policy.floor(0, false), 0);
        assert_eq!(policy.floor(250, true), 250);
        let free = Reconnect::new(RetryOptions { delay_ms: 0, min_delay_ms: 0, ..options() });
        assert_eq!(free.floor(0, true), 0);
    }

    #[test]
    fn server_delay_wins() {
        let mut policy = Reconnect::new(RetryOptions { backoff: true, ..options() });
        assert_eq!(policy.plan(true, Some(7000), 0.0).unwrap().delay_ms, 7000);
        assert_eq!(retry_after_seconds("2"), Some(2000));
        assert_eq!(retry_after_seconds(" 0 "), Some(0));
        assert_eq!(retry_after_seconds("-1"), None);
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
