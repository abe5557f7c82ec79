// `npm run demo`: an embedded SSE server and a client printing its events live.
// Part 1 follows an authenticated feed (the server drops the connection once; the client
// reconnects and resumes with Last-Event-ID). Part 2 streams a POST answer token by token.
import { RustEventSource, SseError } from "rust-eventsource";
import { DEMO_TOKEN, startDemoServer } from "./demo-server.mjs";

const { origin, close } = await startDemoServer();
console.log(`demo SSE server on ${origin}\n`);

console.log(`1. GET ${origin}/feed with Authorization: Bearer ${DEMO_TOKEN}`);
const feed = new RustEventSource(`${origin}/feed`, {
  headers: { Authorization: `Bearer ${DEMO_TOKEN}` },
});
let seen = 0;
for await (const event of feed) {
  console.log(`   [${event.type} #${event.lastEventId}] ${event.data}`);
  if (++seen === 12) break; // leaving the loop closes the connection
}

console.log(`\n2. POST ${origin}/complete, the answer streamed token by token`);
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
process.stdout.write("\n");

console.log(`\n3. A wrong token is a typed error, not a silent retry`);
try {
  for await (const event of new RustEventSource(`${origin}/feed`, { headers: { Authorization: "Bearer nope" } })) {
    void event;
  }
} catch (error) {
  if (!(error instanceof SseError)) throw error;
  console.log(`   SseError kind=${error.kind} status=${error.status} body=${JSON.stringify(error.body)}`);
}

await close();
console.log("\ndone");
