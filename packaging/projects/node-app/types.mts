// Type-checked (not run) with Node's own resolution (module nodenext), without the DOM lib: what
// a Node-only TypeScript project sees of the installed package.
import { RustEventSource, SseError, type RustEventSourceInit, type SseEvent } from "rust-eventsource";
import { DEMO_TOKEN, startDemoServer } from "rust-eventsource/demo-server";

const demo = await startDemoServer({ dropAfter: 5 });
const init: RustEventSourceInit = {
  headers: async () => ({ Authorization: `Bearer ${DEMO_TOKEN}` }),
  onRetry: (error, attempt, delay) => (error?.kind === "network" && attempt < 3 ? delay * 2 : false),
};
const source = new RustEventSource(new URL("/feed", demo.origin), init);
const state: 0 | 1 | 2 = source.readyState;
try {
  for await (const event of source) {
    const copy: SseEvent = event;
    console.log(copy.type, copy.data.length, copy.lastEventId, state);
  }
} catch (error) {
  if (error instanceof SseError && error.kind === "status") console.log(error.status, error.body);
}
await demo.close();
