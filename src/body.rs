//! A response body read through its `ReadableStream`, one chunk per await.
//!
//! The reader is the stream's own default reader; a pending read lives here, not in the future
//! that awaits it, so a `select` that drops its side loses no chunk. The body is cancelled when
//! dropped unfinished, and the cancellation is awaited in the background so that the callbacks
//! of its promise are released (a dropped, never-settled `JsFuture` would keep them forever).

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult};

/// What one read gave.
pub(crate) enum Chunk {
    /// The next bytes.
    Bytes(Uint8Array),
    /// The body ended.
    End,
    /// The stream errored (the connection broke, or the request was aborted).
    Error(JsValue),
}

pub(crate) struct Body {
    /// `None` once the body ended, failed or was cancelled.
    reader: Option<ReadableStreamDefaultReader>,
    pending: Option<JsFuture>,
}

impl Body {
    /// Locks `stream` and reads it.
    pub(crate) fn new(stream: &ReadableStream) -> Result<Body, JsValue> {
        Ok(Body { reader: Some(ReadableStreamDefaultReader::new(stream)?), pending: None })
    }

    /// A body that has already ended (a response without one).
    pub(crate) fn empty() -> Body {
        Body { reader: None, pending: None }
    }

    /// The next chunk. Cancel-safe: dropping this future keeps the read for the next call.
    pub(crate) async fn next(&mut self) -> Chunk {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Chunk> {
        let Some(reader) = &self.reader else { return Poll::Ready(Chunk::End) };
        let pending = self.pending.get_or_insert_with(|| JsFuture::from(reader.read()));
        let result = match Pin::new(pending).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.pending = None;
        Poll::Ready(match result {
            Ok(result) => {
                let result: ReadableStreamReadResult = result.unchecked_into();
                if result.get_done().unwrap_or(false) {
                    self.reader = None;
                    Chunk::End
                } else {
                    Chunk::Bytes(result.get_value().unchecked_into())
                }
            }
            Err(error) => {
                self.reader = None;
                Chunk::Error(error)
            }
        })
    }
}

impl Drop for Body {
    /// Cancels an unfinished body: the server sees the connection closed.
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            let cancelled = JsFuture::from(reader.cancel());
            let pending = self.pending.take();
            spawn_local(async move {
                let _ = cancelled.await;
                // The cancellation settles a pending read too; awaiting it releases its callbacks.
                if let Some(pending) = pending {
                    let _ = pending.await;
                }
            });
        }
    }
}
