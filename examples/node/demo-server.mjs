// The embedded demo SSE server: loopback only, two endpoints.
//   GET  /feed     an authenticated live feed (Bearer token), with ids, named events, a retry
//                  field, and a dropped connection after a few events to show reconnection.
//   POST /complete streams a reply token by token, the way LLM APIs answer.
import http from "node:http";

export const DEMO_TOKEN = "demo-token";

const REPLY =
  "Server-Sent Events stream text over plain HTTP. This reply arrives token by token, " +
  "parsed in Rust, iterated with for await.";

export function startDemoServer({ port = 0, host = "127.0.0.1" } = {}) {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://demo");
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", "authorization, content-type, last-event-id");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();

    if (url.pathname === "/feed") {
      if (req.headers.authorization !== `Bearer ${DEMO_TOKEN}`) {
        res.writeHead(401, { "content-type": "text/plain" }).end("missing or wrong bearer token\n");
        return;
      }
      connections += 1;
      const resumeFrom = Number(req.headers["last-event-id"] ?? 0);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      res.write(`: connection ${connections}, resuming after id ${resumeFrom}\nretry: 500\n\n`);
      let id = resumeFrom;
      let sentHere = 0;
      const timer = setInterval(() => {
        id += 1;
        sentHere += 1;
        const price = (100 + 10 * Math.sin(id / 3)).toFixed(2);
        res.write(`id: ${id}\nevent: price\ndata: {"symbol":"RUST","price":${price}}\n\n`);
        // Drop the first connection after 5 events: the client reconnects with Last-Event-ID.
        if (connections === 1 && sentHere === 5) {
          clearInterval(timer);
          res.destroy();
        }
      }, 200);
      res.on("close", () => clearInterval(timer));
      return;
    }

    if (url.pathname === "/complete" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const prompt = JSON.parse(body || "{}").prompt ?? "";
        const tokens = `You asked: "${prompt}". ${REPLY}`.split(/(?<= )/);
        let i = 0;
        const timer = setInterval(() => {
          if (i < tokens.length) {
            res.write(`data: ${JSON.stringify({ token: tokens[i++] })}\n\n`);
          } else {
            clearInterval(timer);
            res.end("event: done\ndata: [DONE]\n\n");
          }
        }, 40);
        res.on("close", () => clearInterval(timer));
      });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      resolve({ origin: `http://${host}:${port}`, server, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) });
    });
  });
}
