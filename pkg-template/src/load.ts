// Loading the wasm, inlined in ./wasm/bytes.js (raw DEFLATE, base64), synchronously when this
// module is evaluated: every constructor can then validate synchronously, and the package has no
// top-level await (see inflate.ts for why). A failed load (a page whose Content-Security-Policy
// lacks 'wasm-unsafe-eval', an engine without WebAssembly) is kept, not thrown: importing the
// package still works, and each source or parser then fails with the platform's own error.
import { inflateRaw } from "./inflate.js";
import { initSync } from "./wasm/rust_eventsource.js";
import { wasmBytes, wasmDeflateBase64 } from "./wasm/bytes.js";

/**
 * The wasm's exports once loaded (typed as far as the wrapper reads them, so that the package's
 * .d.ts does not pull in the glue's, which names DOM types).
 */
export let wasm: { readonly memory: { readonly buffer: ArrayBufferLike } } | undefined;
/** Why the wasm could not load, or undefined. */
export let loadFailure: { readonly error: unknown } | undefined;

try {
  wasm = initSync({ module: inflateRaw(base64Bytes(wasmDeflateBase64), wasmBytes) });
} catch (error) {
  loadFailure = { error };
}

/** The bytes of a base64 string. */
function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The size of the package's wasm memory in bytes (0 if the wasm could not load). One memory serves
 * every source and parser; it grows but never shrinks, so a steady value across many sources shows
 * that nothing accumulates.
 */
export function wasmMemoryBytes(): number {
  return wasm ? wasm.memory.buffer.byteLength : 0;
}
