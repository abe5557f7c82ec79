//! The close signal: one flag that every wait of a source races against.
//!
//! "Closed" is one early exit: a wait that loses to the signal returns `None` and the caller
//! returns at once, instead of every step carrying a "closed" variant.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use futures::future::{select, Either};

/// A one-way flag with a future that completes once it is set. One step of a source runs at a
/// time, so one waker slot is enough; it is replaced, never accumulated.
#[derive(Default)]
pub(crate) struct CloseSignal {
    set: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl CloseSignal {
    /// Sets the flag and wakes the waiter. Returns whether it was already set.
    pub(crate) fn set(&self) -> bool {
        if self.set.replace(true) {
            return true;
        }
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
        false
    }

    pub(crate) fn is_set(&self) -> bool {
        self.set.get()
    }

    /// `future`'s output, or `None` when the signal is set first, or was set in the same turn
    /// as `future` completed (what completed after a close is not acted on).
    pub(crate) async fn unless_set<F: Future + Unpin>(&self, future: F) -> Option<F::Output> {
        match select(future, WaitSet(self)).await {
            Either::Left((output, _)) if !self.is_set() => Some(output),
            _ => None,
        }
    }
}

struct WaitSet<'a>(&'a CloseSignal);

impl Future for WaitSet<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.is_set() {
            return Poll::Ready(());
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}
