// `npm run demo`: the demo server (feed + streamed POST + the web page) and, in this terminal,
// the same feed read with the package in Node.
//   1. a POST answer streamed token by token,
//   2. a wrong token: a typed SseError, not a silent retry,
//   3. the live feed, printed as it arrives; the server drops each connection after 10 events
//      and the client reconnects with Last-Event-ID. Ctrl-C stops.
// Flags: --once (stop after 15 feed events: used by the tests), --port N (default 8787, or any
// free port if that one is taken).
import { parseArgs } from "node:util";
import { RustEventSource, SseError } from "rust-eventsource";
import { DEMO_TOKEN, startDemo } from "./demo-server.mjs";

const { values } = parseArgs({
  options: { once: { type: "boolean" }, port: { type: "string" } },
  strict: true,
});

/** @returns {Promise<import("rust-eventsource/demo-server").DemoServer>} */
async function listen() {
  if (values.port !== undefined) return startDemo({ port: Number(values.port) });
  try {
    return await startDemo({ port: 8787 });
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EADDRINUSE") throw error;
    return startDemo({ port: 0 });
  }
}

const demo = await listen();
const { origin } = demo;
console.log(`rust-eventsource demo, serving on loopback:

  open ${origin}/ in a browser: the same feed, its connection state and reconnections,
  and a streamed POST answer, in a page built with Vite from the package

  GET  ${origin}/feed       Authorization: Bearer ${DEMO_TOKEN} (each connection drops after 10 events)
  POST ${origin}/complete   {"prompt": "..."}: the answer streamed token by token
`);

console.log(`1. POST /complete, the answer streamed token by token`);
const answer = new RustEventSource(`${origin}/complete`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ prompt: "What is SSE?" }),
});
process.stdout.write("   ");
for await (const event of answer) {
  if (event.type === "done") break;
  process.stdout.write(JSON.parse(event.data).token);
}
process.stdout.write("\n\n");

console.log(`2. A wrong token is a typed error, not a silent retry`);
try {
  for await (const event of new RustEventSource(`${origin}/feed`, { headers: { Authorization: "Bearer nope" } })) {
    void event;
  }
} catch (error) {
  if (!(error instanceof SseError)) throw error;
  console.log(`   SseError kind=${error.kind} status=${error.status} body=${JSON.stringify(error.body)}\n`);
}

const STATES = ["CONNECTING", "OPEN", "CLOSED"];
const limit = values.once ? 15 : Infinity;
console.log(`3. GET /feed, live${values.once ? ` (${limit} events)` : " (Ctrl-C to stop)"}`);
/** Prints readyState when it changed since last time. */
let shownState = -1;
const showState = () => {
  if (feed.readyState !== shownState) console.log(`   ~ readyState ${STATES[(shownState = feed.readyState)]}`);
};
const feed = new RustEventSource(`${origin}/feed`, {
  headers: { Authorization: `Bearer ${DEMO_TOKEN}` },
  onOpen: (response) => console.log(`   ~ connected (${response.status} ${response.headers.get("content-type")})`),
  onRetry: (error, attempt, delay) => {
    console.log(`   ~ ${error ? `${error.kind} error: ${error.message}` : "the stream ended"}`);
    showState();
    console.log(`   ~ reconnecting in ${delay} ms (attempt ${attempt}) with Last-Event-ID ${feed.lastEventId}`);
  },
});
const stop = () => feed.close(); // ends the loop below
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
let seen = 0;
for await (const event of feed) {
  showState();
  const { symbol, price } = JSON.parse(event.data);
  console.log(`   [${event.type} #${event.lastEventId}] ${symbol} ${price.toFixed(2)}`);
  if (++seen === limit) break; // leaving the loop closes the connection
}
await demo.close();
console.log(`\ndone: ${seen} feed events`);
