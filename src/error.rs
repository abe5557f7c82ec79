//! The ways a stream fails, as the JS `SseError.kind` names them.

use std::fmt;

/// Why a connection failed for good. Crosses into JS as `SseError.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The response status was not 200 (nor 204, which ends the stream without error).
    Status,
    /// The response's MIME type essence was not `text/event-stream`.
    ContentType,
    /// The request failed, or the connection broke, and no reconnection follows.
    Network,
    /// A line, or the data of one event, passed `maxEventBytes`.
    EventTooLarge,
    /// A caller function (`headers`, `onOpen`, `onRetry`) threw or rejected; JS sees the
    /// caller's own error, not an `SseError`.
    Callback,
}

impl ErrorKind {
    /// The name JS code matches on: `"status"`, `"content-type"`, `"network"`,
    /// `"event-too-large"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Status => "status",
            ErrorKind::ContentType => "content-type",
            ErrorKind::Network => "network",
            ErrorKind::EventTooLarge => "event-too-large",
            ErrorKind::Callback => "callback",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `n` in decimal digits, without `core::fmt` (whose machinery the wasm would otherwise carry).
pub fn decimal(mut n: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[start..].iter().map(|&d| d as char).collect()
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimal_digits() {
        for n in [0, 7, 10, 65536, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }
}
