//! A sleep future on the global timer that leaves nothing behind when dropped early.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::sys;

/// Resolves after `millis` milliseconds. Dropping it clears the timer and settles its promise,
/// so the callbacks `JsFuture` registered are released instead of waiting forever.
pub(crate) struct Sleep {
    id: JsValue,
    resolve: Function,
    future: JsFuture,
}

impl Sleep {
    pub(crate) fn new(millis: u64) -> Sleep {
        // setTimeout takes a signed 32-bit delay: 2^31 ms or more would fire at once (Chromium)
        // or after 1 ms (Node). Beyond about 24.8 days, waiting that long is as good as forever.
        let millis = millis.min(crate::policy::MAX_TIMER_DELAY_MS);
        let mut id = JsValue::UNDEFINED;
        let mut resolve = None;
        let promise = Promise::new(&mut |res: Function, _reject| {
            id = sys::set_timeout(&res, millis as f64);
            resolve = Some(res);
        });
        let resolve = resolve.expect("the Promise executor runs synchronously");
        Sleep { id, resolve, future: JsFuture::from(promise) }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.future).poll(cx).map(|_| ())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        sys::clear_timeout(&self.id);
        let _ = self.resolve.call0(&JsValue::UNDEFINED);
    }
}
