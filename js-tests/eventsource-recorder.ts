// What the EventSource cases record of a source, the same way for the package's EventSource and
// for the browser's native one: each event dispatched, as one line, with the readyState at that
// moment. Shared by eventsource.test.ts and eventsource-native.test.ts.
import { vi } from "vitest";

/** The part of the EventSource interface the recorder uses (the package's and the native one). */
export interface ListenerSource extends EventTarget {
  readonly readyState: number;
  onopen: unknown;
  onmessage: unknown;
  onerror: unknown;
  close(): void;
}

const STATES = ["CONNECTING", "OPEN", "CLOSED"];

/**
 * What `record` sees on `/reconnect?n=2&total=4&retry=50`: two events per connection, an error
 * (CONNECTING) before each reconnection, and a last error (CLOSED) when the server answers 204.
 */
export const RECONNECTING_SEQUENCE = [
  "open OPEN",
  "message 1 id=1",
  "message 2 id=2",
  "error CONNECTING",
  "open OPEN",
  "message 3 id=3",
  "message 4 id=4",
  "error CONNECTING",
  "error CLOSED",
];

/**
 * `open OPEN`, `message 1 id=1`, `greeting hi id=`, `error CONNECTING`, `error CLOSED`: one line
 * per event, in dispatch order. Named events are recorded for the `names` given.
 */
export function record(source: ListenerSource, names: string[] = []): string[] {
  const lines: string[] = [];
  const state = () => STATES[source.readyState] ?? String(source.readyState);
  source.addEventListener("open", () => lines.push(`open ${state()}`));
  source.addEventListener("error", () => lines.push(`error ${state()}`));
  for (const type of ["message", ...names]) {
    source.addEventListener(type, (event) => {
      const { data, lastEventId } = event as MessageEvent;
      lines.push(`${type} ${data} id=${lastEventId}`);
    });
  }
  return lines;
}

/** Waits until `lines` holds `count` lines (at most `ms`), then `settle` ms more for any extra. */
export async function settled<T>(lines: T[], count: number, ms = 8_000, settle = 150): Promise<T[]> {
  await vi.waitFor(
    () => {
      if (lines.length < count) throw new Error(`${lines.length} of ${count} events: ${String(lines)}`);
    },
    { timeout: ms, interval: 10 },
  );
  await new Promise((resolve) => setTimeout(resolve, settle));
  return [...lines];
}
