//! An example Rust wasm app on rust-eventsource: streams the events of a URL into the page, one
//! list item per event, with the `Stream` API as the crate documents it.

// An app formats as it likes; the library's rule (../../clippy.toml) is not its own.
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

use futures::StreamExt;
use rust_eventsource::{Error, Event, EventSource};
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// Streams the events of `url` into the list `#events` until the stream ends; returns how many
/// arrived. Rejects with the stream's error (a status other than 200, another MIME type, a
/// network error once no reconnection follows, ...).
#[wasm_bindgen]
pub async fn run(url: String) -> Result<u32, JsError> {
    let document = web_sys::window().and_then(|window| window.document()).ok_or_else(|| JsError::new("no document"))?;
    let list = document.get_element_by_id("events").ok_or_else(|| JsError::new("no #events list"))?;
    let mut shown = 0;
    let result = stream(&url, |event| {
        shown += 1;
        show(&document, &list, &event)
    })
    .await;
    match result {
        Ok(()) => Ok(shown),
        Err(error) => Err(JsError::new(&error.to_string())),
    }
}

/// Calls `on_event` for each event of `url`, sent with a token and resuming after event 41.
async fn stream(url: &str, mut on_event: impl FnMut(Event) -> Result<(), JsValue>) -> Result<(), Error> {
    let mut source = EventSource::builder(url).header("Authorization", "Bearer t0ken").last_event_id("41").build()?; // Err(Error) for an invalid URL or header
    while let Some(item) = source.next().await {
        let event: Event = item?;
        if on_event(event).is_err() {
            break; // the page went away; dropping `source` closes the connection
        }
    }
    Ok(())
}

/// Appends `<li data-id="…" data-type="…">data</li>` to `list`.
fn show(document: &web_sys::Document, list: &Element, event: &Event) -> Result<(), JsValue> {
    let item = document.create_element("li")?;
    item.set_attribute("data-type", &event.event_type)?;
    item.set_attribute("data-id", &event.last_event_id)?;
    item.set_text_content(Some(&event.data));
    list.append_child(&item)?;
    Ok(())
}
