//! Runs a JS face's step: one future, polled again right inside the read callback that wakes it.
//!
//! `wasm_bindgen_futures::spawn_local` polls a woken task in a microtask it queues for it. For a
//! step, the wake nearly always comes from a read's callback ([`crate::body`]): a JS promise
//! reaction, with no Rust code below it on the stack, so the step can be polled right there. That
//! saves, per chunk, the queued microtask and the queue's closure crossing into wasm again: in an
//! idle Chromium page, where each of them is slow, the time from a chunk's read settling to its
//! event reaching a `for await` went from 155-170 µs to 120 µs at the median (session 6; in Node,
//! 0.8 µs less per step with the body in memory). Any other wake (the close signal, a
//! timer, a `JsFuture`) queues the poll through `spawn_local`, as before, since its caller may
//! hold borrows that the step takes.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

thread_local! {
    /// Set by [`wake_from_callback`] for the one wake it makes.
    static FROM_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

/// Wakes `waker` from a JS callback that nothing in Rust is below: a task of this module that it
/// wakes is polled before this returns. Other wakers are woken as usual.
pub(crate) fn wake_from_callback(waker: Waker) {
    FROM_CALLBACK.set(true);
    waker.wake();
    FROM_CALLBACK.set(false);
}

/// Polls `future` to its end: first in a microtask, then on every wake (see the module docs).
pub(crate) fn spawn(future: impl Future<Output = ()> + 'static) {
    let future: Pin<Box<dyn Future<Output = ()>>> = Box::pin(future);
    let task = Rc::new(Task { future: RefCell::new(Some(future)), queued: Cell::new(false), again: Cell::new(false) });
    // The first poll is queued: the caller (the wrapper's `nextBatch`) is not ready for its
    // callback to run before it returns.
    task.queue();
}

struct Task {
    /// `None` once the future has finished; borrowed while it is polled.
    future: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    /// A poll is queued in a microtask.
    queued: Cell<bool>,
    /// Woken while being polled: that poll goes round again.
    again: Cell<bool>,
}

impl Task {
    fn wake(self: &Rc<Self>) {
        if FROM_CALLBACK.replace(false) {
            self.run();
        } else if self.future.try_borrow().is_err() {
            self.again.set(true);
        } else {
            self.queue();
        }
    }

    fn queue(self: &Rc<Self>) {
        if !self.queued.replace(true) {
            let task = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move {
                task.queued.set(false);
                task.run();
            });
        }
    }

    /// Polls until the future has finished, or waits without having been woken meanwhile.
    fn run(self: &Rc<Self>) {
        let Ok(mut slot) = self.future.try_borrow_mut() else {
            self.again.set(true);
            return;
        };
        let waker = waker(Rc::clone(self));
        let mut cx = Context::from_waker(&waker);
        while let Some(future) = slot.as_mut() {
            self.again.set(false);
            if future.as_mut().poll(&mut cx).is_ready() {
                *slot = None;
            } else if !self.again.get() {
                break;
            }
        }
    }
}

fn waker(task: Rc<Task>) -> Waker {
    // SAFETY: the pointer comes from `Rc::into_raw` and each waker owns one strong count, as the
    // vtable's functions below keep. The crate runs on one thread (wasm32 without atomics), so
    // the `Rc` is never touched from two threads, which is what `Waker` asks of `Send + Sync`.
    unsafe { Waker::from_raw(RawWaker::new(Rc::into_raw(task).cast(), &VTABLE)) }
}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

unsafe fn clone(task: *const ()) -> RawWaker {
    // SAFETY: `task` came from `Rc::into_raw` (see `waker`) and is still owned by the caller.
    unsafe { Rc::increment_strong_count(task.cast::<Task>()) };
    RawWaker::new(task, &VTABLE)
}

unsafe fn wake(task: *const ()) {
    // SAFETY: takes over the waker's own strong count (see `waker`).
    let task = unsafe { Rc::from_raw(task.cast::<Task>()) };
    task.wake();
}

unsafe fn wake_by_ref(task: *const ()) {
    // SAFETY: borrows the waker's strong count without giving it up.
    let task = ManuallyDrop::new(unsafe { Rc::from_raw(task.cast::<Task>()) });
    task.wake();
}

unsafe fn drop_waker(task: *const ()) {
    // SAFETY: gives up the waker's own strong count (see `waker`).
    drop(unsafe { Rc::from_raw(task.cast::<Task>()) });
}
