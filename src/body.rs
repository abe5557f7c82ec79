//! A response body read through its stream's default reader, one chunk per await.
//!
//! wasm-streams locks the stream and gives the reader (a stream that is already locked reads as
//! empty). The reads do not go through its `IntoStream`, whose every read is a `JsFuture`: two
//! closures made, registered with wasm-bindgen's finalization registry and released again per
//! chunk. Here one pair of callbacks is made per body, and every read's promise settles into a
//! slot through them. A pending read lives in the body, not in the future that awaits it, so a
//! `select` that drops its side loses no chunk. Dropped unfinished, the body cancels its stream
//! (the server sees the connection closed) and keeps its callbacks until the pending read has
//! settled, since JS calls them then.

use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::Uint8Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_streams::readable::ReadableStreamDefaultReader;
use wasm_streams::ReadableStream;
use web_sys::ReadableStreamReadResult;

/// What one read gave.
pub(crate) enum Chunk {
    /// The next bytes.
    Bytes(Uint8Array),
    /// The body ended.
    End,
    /// The stream errored (the connection broke, or the request was aborted).
    Error(JsValue),
}

/// Where the callbacks leave a settled read, and who waits for it.
#[derive(Default)]
struct Slot {
    settled: Option<Result<JsValue, JsValue>>,
    waker: Option<Waker>,
}

impl Slot {
    /// The settled read, or `Pending` with `cx` woken when it settles.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<JsValue, JsValue>> {
        match self.settled.take() {
            Some(settled) => Poll::Ready(settled),
            None => {
                self.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

type Callback = Closure<dyn FnMut(JsValue)>;

/// A reader and what its reads settle through.
struct Reader {
    reader: ReadableStreamDefaultReader<'static>,
    /// A read is in flight: its promise will call one of `callbacks`.
    reading: bool,
    slot: Rc<RefCell<Slot>>,
    callbacks: (Callback, Callback),
}

pub(crate) struct Body {
    /// `None` for a response without a body, and once the body ended, failed or was dropped.
    reader: Option<Reader>,
}

impl Body {
    /// Locks `stream` and reads it; a stream that is already locked reads as empty.
    pub(crate) fn new(stream: web_sys::ReadableStream) -> Body {
        let mut stream = ReadableStream::from_raw(stream);
        let Ok(reader) = stream.try_get_reader() else { return Body::empty() };
        // SAFETY: only the lifetime changes. The reader borrows the wrapper `stream` in its type
        // alone (a `PhantomData`, so that one wrapper gives one reader at a time); it holds its
        // own handle to the JS reader, which keeps the JS stream alive and locked until the
        // reader is dropped. The wrapper is dropped here and never used again.
        let reader = unsafe {
            std::mem::transmute::<ReadableStreamDefaultReader<'_>, ReadableStreamDefaultReader<'static>>(reader)
        };
        let slot = Rc::new(RefCell::new(Slot::default()));
        let settle = |ok: bool| {
            let slot = Rc::clone(&slot);
            Closure::new(move |value: JsValue| {
                let waker = {
                    let mut slot = slot.borrow_mut();
                    slot.settled = Some(if ok { Ok(value) } else { Err(value) });
                    slot.waker.take()
                };
                // The slot is not borrowed any more: the waiter may be polled right here.
                if let Some(waker) = waker {
                    crate::drive::wake_from_callback(waker);
                }
            })
        };
        let callbacks = (settle(true), settle(false));
        Body { reader: Some(Reader { reader, reading: false, slot, callbacks }) }
    }

    /// A body that has already ended (a response without one).
    pub(crate) fn empty() -> Body {
        Body { reader: None }
    }

    /// The next chunk. Cancel-safe: dropping this future keeps the read for the next call.
    pub(crate) async fn next(&mut self) -> Chunk {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Chunk> {
        let Some(reader) = &mut self.reader else { return Poll::Ready(Chunk::End) };
        if !reader.reading {
            reader.reading = true;
            let (on_value, on_error) = &reader.callbacks;
            let _ = reader.reader.as_raw().read().then2(on_value, on_error);
        }
        let Poll::Ready(settled) = reader.slot.borrow_mut().poll(cx) else { return Poll::Pending };
        reader.reading = false;
        Poll::Ready(match settled {
            Ok(result) => {
                let result: ReadableStreamReadResult = result.unchecked_into();
                if result.get_done().unwrap_or(false) {
                    self.reader = None;
                    Chunk::End
                } else {
                    match result.get_value().dyn_into::<Uint8Array>() {
                        Ok(bytes) => Chunk::Bytes(bytes),
                        Err(value) => Chunk::Error(js_sys::TypeError::new(&not_bytes(&value)).into()),
                    }
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
    /// Cancels an unfinished body, in a task of its own that awaits the cancellation (a rejection,
    /// from an aborted request, is the expected end), then the pending read's settling, which the
    /// cancellation brings, before it frees the callbacks and releases the lock.
    fn drop(&mut self) {
        let Some(reader) = self.reader.take() else { return };
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(reader.reader.as_raw().cancel()).await;
            if reader.reading {
                let _ = poll_fn(|cx| reader.slot.borrow_mut().poll(cx)).await;
            }
            drop(reader);
        });
    }
}

fn not_bytes(value: &JsValue) -> String {
    ["the response body gave ", &crate::options::describe(value), ", not a Uint8Array"].concat()
}
