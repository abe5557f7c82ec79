//! The two clients side by side, each read to the end of a known stream (throughput) or opened and
//! closed many times (memory). The page (run.mjs) times the calls and reads the memory.

use futures::StreamExt;
use wasm_bindgen::prelude::*;

/// What a throughput run saw: `[events, total data length]`.
fn seen(events: u32, data: usize) -> Vec<f64> {
    vec![f64::from(events), data as f64]
}

/// Reads `expected` events from `url` with `rust_eventsource::EventSource`, then closes it (the
/// stream reconnects when the body ends, so the run stops at the count the server sends).
#[wasm_bindgen]
pub async fn ours(url: String, expected: u32) -> Result<Vec<f64>, JsValue> {
    let mut source = rust_eventsource::EventSource::new(&url).map_err(|e| JsValue::from_str(&e.message()))?;
    let (mut events, mut data) = (0u32, 0usize);
    while events < expected {
        match source.next().await {
            Some(Ok(event)) => {
                events += 1;
                data += event.data.len();
            }
            Some(Err(e)) => return Err(JsValue::from_str(&e.message())),
            None => break,
        }
    }
    source.close();
    Ok(seen(events, data))
}

/// The same with `reqwest_eventsource::EventSource` over reqwest's wasm client (fetch).
#[wasm_bindgen]
pub async fn theirs(url: String, expected: u32) -> Result<Vec<f64>, JsValue> {
    use reqwest_eventsource::{Event, EventSource};
    let mut source = EventSource::get(url.as_str());
    let (mut events, mut data) = (0u32, 0usize);
    while events < expected {
        match source.next().await {
            Some(Ok(Event::Open)) => {}
            Some(Ok(Event::Message(message))) => {
                events += 1;
                data += message.data.len();
            }
            Some(Err(e)) => return Err(JsValue::from_str(&e.to_string())),
            None => break,
        }
    }
    source.close();
    Ok(seen(events, data))
}

/// `cycles` times: opens `url` (the /hold route: one event, then an open body), waits for its
/// first event, and closes. Returns how many cycles saw their event.
#[wasm_bindgen]
pub async fn ours_cycles(url: String, cycles: u32) -> Result<u32, JsValue> {
    let mut done = 0;
    for i in 0..cycles {
        let mut source =
            rust_eventsource::EventSource::new(&format!("{url}?i={i}")).map_err(|e| JsValue::from_str(&e.message()))?;
        if let Some(Ok(_)) = source.next().await {
            done += 1;
        }
        source.close();
    }
    Ok(done)
}

/// The same cycles with reqwest-eventsource (`close()`, then the stream is dropped).
#[wasm_bindgen]
pub async fn theirs_cycles(url: String, cycles: u32) -> Result<u32, JsValue> {
    use reqwest_eventsource::{Event, EventSource};
    let mut done = 0;
    for i in 0..cycles {
        let mut source = EventSource::get(format!("{url}?i={i}").as_str());
        while let Some(item) = source.next().await {
            match item {
                Ok(Event::Open) => continue,
                Ok(Event::Message(_)) => done += 1,
                Err(_) => {}
            }
            break;
        }
        source.close();
    }
    Ok(done)
}
