// A small demo SSE server (Node, loopback by default): what `npx rust-eventsource` streams when
// given no URL, and what `npm run demo` serves. Two endpoints:
//   GET  /feed      an authenticated live feed (Authorization: Bearer demo-token): `price`
//                   events with ids, `retry: 1000`, and each connection dropped after
//                   `dropAfter` events, so clients show their reconnection with Last-Event-ID.
//   POST /complete  JSON {"prompt": "..."} in; the reply streamed token by token, as LLM APIs
//                   answer, then `event: done`.
// Any other request goes to `fallback` (a 404 without one). Every answer allows any origin.
import http from "node:http";

/** The bearer token /feed accepts. */
export const DEMO_TOKEN = "demo-token";

const REPLY =
  "Server-Sent Events stream text over plain HTTP. This reply arrives token by token, " +
  "parsed in Rust compiled to wasm, and is read with for await.";

/** A price that wanders but is the same for the same id, so a resumed feed continues smoothly. */
function price(id) {
  return (100 + 8 * Math.sin(id / 4) + 3 * Math.sin(id / 1.7)).toFixed(2);
}

function feed(req, res, { interval, dropAfter }) {
  if (req.headers.authorization !== `Bearer ${DEMO_TOKEN}`) {
    res.writeHead(401, { "content-type": "text/plain" }).end("missing or wrong bearer token\n");
    return;
  }
  const resumeAfter = Number(req.headers["last-event-id"] ?? 0) || 0;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
  res.write(`: resuming after id ${resumeAfter}\nretry: 1000\n\n`);
  let id = resumeAfter;
  let sent = 0;
  const timer = setInterval(() => {
    id += 1;
    sent += 1;
    const data = JSON.stringify({ symbol: "RUST", price: Number(price(id)), time: Date.now() });
    // The last event before the drop is sent and given time to arrive (a browser that reads the
    // reset in the same packet may discard it); then a network error on purpose: the client
    // reconnects after `retry` with Last-Event-ID.
    res.write(`id: ${id}\nevent: price\ndata: ${data}\n\n`, () => {
      if (sent === dropAfter) setTimeout(() => res.destroy(), 100);
    });
    if (sent === dropAfter) clearInterval(timer);
  }, interval);
  res.on("close", () => clearInterval(timer));
}

function complete(req, res, { tokenInterval }) {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    let prompt = "";
    try {
      prompt = String(JSON.parse(body || "{}").prompt ?? "");
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("body must be JSON\n");
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    const tokens = `You asked: "${prompt}". ${REPLY}`.split(/(?<= )/);
    let i = 0;
    const timer = setInterval(() => {
      if (i < tokens.length) {
        res.write(`data: ${JSON.stringify({ token: tokens[i++] })}\n\n`);
      } else {
        clearInterval(timer);
        res.end("event: done\ndata: [DONE]\n\n");
      }
    }, tokenInterval);
    res.on("close", () => clearInterval(timer));
  });
}

/**
 * Starts the demo server; resolves once it listens.
 * @param {import("./demo-server.js").DemoServerOptions} [options]
 * @returns {Promise<import("./demo-server.js").DemoServer>}
 */
export function startDemoServer(options = {}) {
  const { port = 0, host = "127.0.0.1", interval = 250, dropAfter = 10, tokenInterval = 40, fallback } = options;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://demo");
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", "authorization, content-type, last-event-id");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (url.pathname === "/feed" && req.method === "GET") return feed(req, res, { interval, dropAfter });
    if (url.pathname === "/complete" && req.method === "POST") return complete(req, res, { tokenInterval });
    if (fallback) return void fallback(req, res);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("no TCP address");
      const name = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        origin: `http://${name}:${address.port}`,
        server,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
