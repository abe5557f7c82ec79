//! Raw bindings to globals that exist in pages, workers and Node alike.
//!
//! They are looked up on the global object, never on `window`, so the package runs wherever a
//! `fetch` exists.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(input, init)`.
    #[wasm_bindgen(js_name = fetch)]
    pub(crate) fn global_fetch(input: &str, init: &web_sys::RequestInit) -> Promise;

    /// The global `setTimeout(callback, ms)`; the id is a number in browsers, an object in Node.
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &Function, millis: f64) -> JsValue;

    /// The global `clearTimeout(id)`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);
}
