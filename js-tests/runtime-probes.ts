// What the resource-safety cases (safety.test.ts) measure about the runtime they run in, the same
// way in Node and in Chromium: forcing a garbage collection, the JS heap in use, the size of the
// package's wasm memory, and the unhandled promise rejections that happened meanwhile.
//
// Node: the `node` project runs with `--expose-gc` (vitest.config.ts), so `globalThis.gc` exists.
// Chromium: the Chrome DevTools Protocol session Vitest's playwright provider opens for the test
// page (`cdp()` of `vitest/browser`): `HeapProfiler.collectGarbage`, `Runtime.getHeapUsage`.
import { inBrowser } from "./harness.ts";

interface CdpSession {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

let session: Promise<CdpSession> | undefined;

/** The page's CDP session (browser project only). */
function devtools(): Promise<CdpSession> {
  // `vitest/browser` exists only in browser mode: importing it under Node throws.
  session ??= import("vitest/browser").then(({ cdp }) => cdp() as unknown as CdpSession);
  return session;
}

/** Whether `forceGc` can collect here (false only in a Node started without --expose-gc). */
export const canForceGc = inBrowser || typeof (globalThis as { gc?: unknown }).gc === "function";

/** A full, synchronous garbage collection of the JS heap (the whole page's isolate). */
export async function forceGc(): Promise<void> {
  if (inBrowser) {
    await (await devtools()).send("HeapProfiler.collectGarbage");
    return;
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run Node with --expose-gc (the node project in vitest.config.ts does)");
  gc();
}

/**
 * Bytes of JS heap in use: the page's isolate in Chromium; in Node, the process's heap without
 * compiled code and bytecode. Node keeps compiling (and tiering up) the code a loop runs for its
 * first few thousand iterations, and that code and its metadata (deoptimisation data, relocation
 * info) grow the heap by some 400 KiB over the first 1000 cycles of a loop that leaks nothing;
 * they are bounded, not a leak of data.
 */
export async function jsHeapBytes(): Promise<number> {
  if (inBrowser) {
    const usage = (await (await devtools()).send("Runtime.getHeapUsage")) as { usedSize: number };
    return usage.usedSize;
  }
  const v8 = process.getBuiltinModule("node:v8");
  const code = v8.getHeapCodeStatistics();
  return process.memoryUsage().heapUsed - code.code_and_metadata_size - code.bytecode_and_metadata_size;
}

// Bytes of the package's wasm memory.
export { wasmMemoryBytes } from "../pkg/index.js";

/**
 * Collects, until `stop()`, the reasons of promise rejections nobody handled. Vitest fails the run
 * on those too, but without saying which case caused them; this pins them to the case.
 */
export function watchUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  if (inBrowser) {
    const onEvent = (event: PromiseRejectionEvent) => reasons.push(event.reason);
    globalThis.addEventListener("unhandledrejection", onEvent);
    return { reasons, stop: () => globalThis.removeEventListener("unhandledrejection", onEvent) };
  }
  const onRejection = (reason: unknown) => reasons.push(reason);
  process.on("unhandledRejection", onRejection);
  return { reasons, stop: () => process.off("unhandledRejection", onRejection) };
}
