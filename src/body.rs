//! A response body read through its `ReadableStream`, one chunk per await.
//!
//! The reader is the stream's own default reader. Reads settle into a slot through one pair of
//! callbacks made once per body, not a fresh pair of closures per read (a `JsFuture` per read
//! would cost two closures and two finalization registrations per chunk). A pending read lives
//! here, not in the future that awaits it, so a `select` that drops its side loses no chunk.
//! The body is cancelled when dropped unfinished; its callbacks are kept until the pending read
//! has settled, since JS calls them then.

use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::Uint8Array;
use wasm_bindgen::closure::Closure;
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

/// Where the callbacks leave a settled read.
#[derive(Default)]
struct Slot {
    settled: Option<Result<JsValue, JsValue>>,
    waker: Option<Waker>,
}

type Callback = Closure<dyn FnMut(JsValue)>;

pub(crate) struct Body {
    /// `None` once the body ended, failed or was cancelled.
    reader: Option<ReadableStreamDefaultReader>,
    /// Set while a read is in flight: its callbacks will be called.
    reading: bool,
    slot: Rc<RefCell<Slot>>,
    callbacks: Option<(Callback, Callback)>,
}

impl Body {
    /// Locks `stream` and reads it.
    pub(crate) fn new(stream: &ReadableStream) -> Result<Body, JsValue> {
        let reader = ReadableStreamDefaultReader::new(stream)?;
        let slot = Rc::new(RefCell::new(Slot::default()));
        let settle = |ok: bool| {
            let slot = Rc::clone(&slot);
            Closure::new(move |value: JsValue| {
                let mut slot = slot.borrow_mut();
                slot.settled = Some(if ok { Ok(value) } else { Err(value) });
                if let Some(waker) = slot.waker.take() {
                    waker.wake();
                }
            })
        };
        let callbacks = (settle(true), settle(false));
        Ok(Body { reader: Some(reader), reading: false, slot, callbacks: Some(callbacks) })
    }

    /// A body that has already ended (a response without one).
    pub(crate) fn empty() -> Body {
        Body { reader: None, reading: false, slot: Rc::default(), callbacks: None }
    }

    /// The next chunk. Cancel-safe: dropping this future keeps the read for the next call.
    pub(crate) async fn next(&mut self) -> Chunk {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Chunk> {
        let (Some(reader), Some((on_value, on_error))) = (&self.reader, &self.callbacks) else {
            return Poll::Ready(Chunk::End);
        };
        if !self.reading {
            self.reading = true;
            let _ = reader.read().then2(on_value, on_error);
        }
        let settled = {
            let mut slot = self.slot.borrow_mut();
            match slot.settled.take() {
                Some(settled) => settled,
                None => {
                    slot.waker = Some(cx.waker().clone());
                    return Poll::Pending;
                }
            }
        };
        self.reading = false;
        Poll::Ready(match settled {
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
    /// Cancels an unfinished body (the server sees the connection closed) and releases the
    /// callbacks once no read can call them any more.
    fn drop(&mut self) {
        let cancelled = self.reader.take().map(|reader| JsFuture::from(reader.cancel()));
        let callbacks = self.callbacks.take();
        if cancelled.is_none() && !self.reading {
            return; // nothing in flight: the callbacks go now
        }
        let slot = Rc::clone(&self.slot);
        let reading = self.reading;
        spawn_local(async move {
            if let Some(cancelled) = cancelled {
                let _ = cancelled.await;
            }
            // Cancelling settles a pending read; wait for its callback before freeing it.
            if reading {
                poll_fn(|cx| {
                    let mut slot = slot.borrow_mut();
                    if slot.settled.is_some() {
                        Poll::Ready(())
                    } else {
                        slot.waker = Some(cx.waker().clone());
                        Poll::Pending
                    }
                })
                .await;
            }
            drop(callbacks);
        });
    }
}
