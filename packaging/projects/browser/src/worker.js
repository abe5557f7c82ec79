// @ts-check
// A dedicated module worker: streams `${server}/counter` with the package and posts the events.
import { collect } from "./stream.js";

self.onmessage = async (message) => {
  try {
    self.postMessage({ ok: true, ...(await collect(`${message.data}/counter?n=5&interval=10`)) });
  } catch (error) {
    self.postMessage({ ok: false, error: String(error) });
  }
};
