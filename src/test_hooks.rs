//! Test hooks: thin public wrappers over the crate-internal body reader, step runner and timer, so
//! that the wasm-bindgen tests in `tests/` can drop them at chosen points and observe what they
//! release, or when they run.
//! Behind the `test-support` feature; not part of the API.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;

/// [`crate::body::Body`]: a response body read one chunk per await.
pub struct Body(crate::body::Body);

impl Body {
    /// Locks `stream` and reads it.
    pub fn new(stream: web_sys::ReadableStream) -> Body {
        Body(crate::body::Body::new(stream))
    }

    /// The next chunk: `Some(Ok(bytes))`, `None` at the end, `Some(Err(error))` when the stream
    /// errored. Cancel-safe, as the engine relies on.
    pub async fn next(&mut self) -> Option<Result<Uint8Array, JsValue>> {
        match self.0.next().await {
            crate::body::Chunk::Bytes(bytes) => Some(Ok(bytes)),
            crate::body::Chunk::End => None,
            crate::body::Chunk::Error(error) => Some(Err(error)),
        }
    }
}

/// [`crate::drive::spawn`]: runs `future` as the JS face runs a step, polled again right inside
/// the read callback that wakes it.
pub fn spawn_step(future: impl Future<Output = ()> + 'static) {
    crate::drive::spawn(future);
}

/// [`crate::timer::Sleep`]: resolves after a delay; dropped early, clears its timer.
pub struct Sleep(crate::timer::Sleep);

impl Sleep {
    /// Resolves after `millis` milliseconds.
    pub fn new(millis: u64) -> Sleep {
        Sleep(crate::timer::Sleep::new(millis))
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx)
    }
}
