//! Drop-observer tests of the wasm-only layers below the engine, through `test_hooks`: a future
//! dropped early releases what it held. The body reader over a JS `ReadableStream` whose
//! `cancel` flips a flag; the timer under spies on `setTimeout`, `clearTimeout` and the
//! `Promise` constructor.

use futures::future::{select, Either};
use js_sys::{Array, Object, Uint8Array};
use rust_eventsource::test_hooks::{spawn_step, Body, Sleep};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::{delay, get, js, now};

/// A `ReadableStream` the test drives: `{ stream, push(text), close(), error(message),
/// cancelled, reason, callbacks, thrown }`. No chunk is queued unless pushed, and `cancel` records
/// that it ran. `callbacks` lists every function passed to the `then` of a read's promise (the
/// stream's reader is spied on), in pairs; `thrown` what they threw when the read settled.
fn controlled_stream() -> Object {
    js(
        "",
        r#"
        const state = { cancelled: false, reason: undefined };
        state.stream = new ReadableStream(
          {
            start(controller) { state.controller = controller; },
            cancel(reason) { state.cancelled = true; state.reason = reason; },
          },
          { highWaterMark: 0 },
        );
        state.callbacks = [];
        state.thrown = [];
        const getReader = state.stream.getReader.bind(state.stream);
        state.stream.getReader = (...args) => {
          const reader = getReader(...args);
          const read = reader.read.bind(reader);
          reader.read = () => {
            const promise = read();
            const then = promise.then.bind(promise);
            const guarded = (callback) => (value) => {
              try {
                return callback(value);
              } catch (error) {
                state.thrown.push(error);
              }
            };
            promise.then = (onValue, onError) => {
              state.callbacks.push(onValue, onError);
              return then(guarded(onValue), guarded(onError));
            };
            return promise;
          };
          return reader;
        };
        state.push = (text) => state.controller.enqueue(new TextEncoder().encode(text));
        state.close = () => state.controller.close();
        state.error = (message) => state.controller.error(new TypeError(message));
        return state;
        "#,
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into()
}

fn call(state: &Object, method: &str, arg: &str) {
    get(state, method).unchecked_into::<js_sys::Function>().call1(state, &arg.into()).unwrap();
}

fn cancelled(state: &Object) -> bool {
    get(state, "cancelled").as_bool().unwrap()
}

fn body_of(state: &Object) -> Body {
    Body::new(get(state, "stream").unchecked_into())
}

fn text(bytes: Uint8Array) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The next read of `body`, failing the test after 5 s instead of hanging it.
async fn next(body: &mut Body) -> Option<Result<Uint8Array, JsValue>> {
    match select(Box::pin(body.next()), Box::pin(delay(5_000))).await {
        Either::Left((read, _)) => read,
        Either::Right(_) => panic!("no chunk within 5 s"),
    }
}

#[wasm_bindgen_test]
async fn a_body_dropped_mid_read_cancels_its_stream() {
    let state = controlled_stream();
    let mut body = body_of(&state);
    call(&state, "push", "first");
    assert_eq!(text(next(&mut body).await.unwrap().unwrap()), "first");
    // A read is pending (nothing queued) when the body is dropped, as when a source closes.
    match select(Box::pin(body.next()), Box::pin(delay(10))).await {
        Either::Left(_) => panic!("a read completed with nothing queued"),
        Either::Right(_) => assert!(!cancelled(&state), "dropping a read must not cancel the body"),
    }
    drop(body);
    delay(0).await;
    assert!(cancelled(&state), "the dropped body did not cancel its stream");
}

#[wasm_bindgen_test]
async fn a_body_reads_every_chunk_through_one_pair_of_callbacks() {
    let state = controlled_stream();
    let mut body = body_of(&state);
    for chunk in ["one", "two", "three"] {
        call(&state, "push", chunk);
        assert_eq!(text(next(&mut body).await.unwrap().unwrap()), chunk);
    }
    let callbacks: Array = get(&state, "callbacks").unchecked_into();
    assert_eq!(callbacks.length(), 6, "one then(onValue, onError) per read");
    let distinct = js("callbacks", "return new Set(callbacks).size").call1(&JsValue::NULL, &callbacks).unwrap();
    assert_eq!(distinct, 2, "the reads made callbacks of their own");
}

#[wasm_bindgen_test]
async fn a_step_woken_by_its_read_runs_inside_the_read_callback() {
    let state = controlled_stream();
    let mut body = body_of(&state);
    let step_state = state.clone();
    spawn_step(async move {
        let chunk = text(body.next().await.unwrap().unwrap());
        js_sys::Reflect::set(&step_state, &"stepped".into(), &chunk.into()).unwrap();
    });
    // The step's first poll (queued) issues the read; nothing is queued yet, so it waits.
    delay(0).await;
    assert!(get(&state, "stepped").is_undefined(), "the step ran without a chunk");
    // The chunk settles the read: its callback is the next microtask. A JS microtask queued right
    // after it sees the step done only if the step ran inside that callback, not in a microtask
    // of its own queued from there (which would run after this one).
    call(&state, "push", "chunk");
    js("state", "Promise.resolve().then(() => { state.seen = state.stepped; })").call1(&JsValue::NULL, &state).unwrap();
    delay(0).await;
    assert_eq!(get(&state, "stepped"), "chunk");
    assert_eq!(get(&state, "seen"), "chunk", "the step ran in a later microtask than its read's callback");
    let thrown: Array = get(&state, "thrown").unchecked_into();
    assert_eq!(thrown.length(), 0, "the read's callback threw");
}

#[wasm_bindgen_test]
async fn a_read_pending_when_its_body_is_dropped_settles_then_frees_its_callbacks() {
    let state = controlled_stream();
    let mut body = body_of(&state);
    if let Either::Left(_) = select(Box::pin(body.next()), Box::pin(delay(10))).await {
        panic!("a read completed with nothing queued");
    }
    drop(body);
    delay(10).await;
    assert!(cancelled(&state));
    let thrown: Array = get(&state, "thrown").unchecked_into();
    assert_eq!(thrown.length(), 0, "the read settled into freed callbacks: {:?}", thrown.get(0));
    // Settled, the read's callbacks are released: wasm-bindgen throws when a freed one is called.
    let callbacks: Array = get(&state, "callbacks").unchecked_into();
    assert_eq!(callbacks.length(), 2);
    for callback in callbacks.iter() {
        let callback: js_sys::Function = callback.unchecked_into();
        assert!(callback.call1(&JsValue::NULL, &JsValue::UNDEFINED).is_err(), "a callback outlived the body");
    }
}

#[wasm_bindgen_test]
async fn a_body_dropped_before_any_read_cancels_its_stream() {
    let state = controlled_stream();
    drop(body_of(&state));
    delay(0).await;
    assert!(cancelled(&state));
}

#[wasm_bindgen_test]
async fn no_chunk_is_lost_when_a_select_drops_the_read() {
    let state = controlled_stream();
    let mut body = body_of(&state);
    for i in 0..5 {
        // The read loses the race and is dropped while the stream's read is pending...
        match select(Box::pin(body.next()), Box::pin(delay(5))).await {
            Either::Left(_) => panic!("a read completed with nothing queued"),
            Either::Right(_) => {}
        }
        // ... then the chunk arrives: the next read gets it.
        let chunk = ["chunk ", &i.to_string()].concat();
        call(&state, "push", &chunk);
        assert_eq!(text(next(&mut body).await.unwrap().unwrap()), chunk);
    }
    call(&state, "close", "");
    assert!(next(&mut body).await.is_none());
    assert!(next(&mut body).await.is_none(), "the end reads as the end again");
    drop(body);
    delay(0).await;
    assert!(!cancelled(&state), "a body read to its end is not cancelled");
}

#[wasm_bindgen_test]
async fn an_errored_stream_reads_as_its_error() {
    let state = controlled_stream();
    let mut body = body_of(&state);
    call(&state, "error", "boom");
    let error = next(&mut body).await.unwrap().unwrap_err();
    assert_eq!(get(&error, "message"), "boom");
}

#[wasm_bindgen_test]
async fn a_locked_stream_reads_as_empty() {
    let state = controlled_stream();
    js("s", "s.stream.getReader()").call1(&JsValue::NULL, &state).unwrap();
    let mut body = body_of(&state);
    assert!(next(&mut body).await.is_none());
}

/// Spies on the globals `Sleep` uses: `{ set: [{ id, ms }], cleared: [id], settled, install(),
/// uninstall() }`. `settled` counts calls of the resolve functions of promises constructed while
/// installed. Installed only around synchronous calls, so nothing else is recorded.
fn spy() -> Object {
    js(
        "",
        r#"
        const spy = { set: [], cleared: [], settled: 0 };
        spy.install = () => {
          const real = { setTimeout, clearTimeout, Promise };
          spy.uninstall = () => Object.assign(globalThis, real);
          globalThis.setTimeout = (callback, ms, ...rest) => {
            const id = real.setTimeout.call(globalThis, callback, ms, ...rest);
            spy.set.push({ id, ms });
            return id;
          };
          globalThis.clearTimeout = (id) => {
            spy.cleared.push(id);
            return real.clearTimeout.call(globalThis, id);
          };
          globalThis.Promise = new Proxy(real.Promise, {
            construct(target, [executor]) {
              return new target((resolve, reject) =>
                executor((value) => {
                  spy.settled += 1;
                  resolve(value);
                }, reject),
              );
            },
          });
        };
        return spy;
        "#,
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into()
}

fn spied<T>(spy: &Object, f: impl FnOnce() -> T) -> T {
    get(spy, "install").unchecked_into::<js_sys::Function>().call0(spy).unwrap();
    let result = f();
    get(spy, "uninstall").unchecked_into::<js_sys::Function>().call0(spy).unwrap();
    result
}

/// The one timer `Sleep::new` set: its id and delay.
fn the_timer(spy: &Object) -> (JsValue, f64) {
    let set: Array = get(spy, "set").unchecked_into();
    assert_eq!(set.length(), 1, "Sleep::new sets one timer");
    let timer = set.get(0);
    (get(&timer, "id"), get(&timer, "ms").as_f64().unwrap())
}

fn settled(spy: &Object) -> f64 {
    get(spy, "settled").as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn a_sleep_resolves_after_its_delay() {
    let spy = spy();
    let start = now();
    let mut sleep = spied(&spy, || Sleep::new(30));
    assert_eq!(the_timer(&spy).1, 30.0);
    (&mut sleep).await;
    // Timers may fire a little early by the clock; the lower bound has a 5 ms margin.
    assert!(now() - start >= 25.0, "resolved after {} ms", now() - start);
    assert_eq!(settled(&spy), 1.0, "the timer settled the promise");
    drop(sleep);
}

#[wasm_bindgen_test]
async fn a_sleep_dropped_early_clears_its_timer_and_settles_its_promise() {
    for polled in [true, false] {
        let spy = spy();
        let mut sleep = spied(&spy, || Sleep::new(60));
        let (id, _) = the_timer(&spy);
        if polled {
            // Polled once (its promise now has callbacks waiting on it), then dropped.
            sleep = match select(sleep, Box::pin(delay(5))).await {
                Either::Left(_) => panic!("a 60 ms sleep resolved within 5 ms"),
                Either::Right((_, sleep)) => sleep,
            };
        }
        assert_eq!(settled(&spy), 0.0);
        spied(&spy, || drop(sleep));
        let cleared: Array = get(&spy, "cleared").unchecked_into();
        assert!(cleared.includes(&id, 0), "the timer was not cleared (polled: {polled})");
        assert_eq!(settled(&spy), 1.0, "the promise was not settled (polled: {polled})");
        // Past the delay: the timer never fired (it would have settled the promise again).
        delay(120).await;
        assert_eq!(settled(&spy), 1.0, "the timer fired after the drop (polled: {polled})");
    }
}

#[wasm_bindgen_test]
async fn a_delay_beyond_what_set_timeout_takes_is_clamped() {
    let spy = spy();
    let sleep = spied(&spy, || Sleep::new(u64::MAX));
    assert_eq!(the_timer(&spy).1, rust_eventsource::policy::MAX_TIMER_DELAY_MS as f64);
    spied(&spy, || drop(sleep));
    assert_eq!(settled(&spy), 1.0);
}
