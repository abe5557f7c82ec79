// @ts-check
// What the page and the worker both do with the installed package: read a stream to its end.
import { RustEventSource } from "rust-eventsource";

/**
 * Every event of `url` until the stream ends (no reconnection), and the final readyState.
 * @param {string} url
 * @param {import("rust-eventsource").RustEventSourceInit} [init]
 */
export async function collect(url, init = {}) {
  const source = new RustEventSource(url, { reconnect: false, ...init });
  /** @type {import("rust-eventsource").SseEvent[]} */
  const events = [];
  for await (const event of source) events.push(event);
  return { events, readyState: source.readyState };
}
