// The one local server of the benchmark, on 127.0.0.1 only: the bench page and its bundle, the
// built package, and the SSE endpoints.
//   GET /stream?shape=S&bytes=N   N bytes (whole events) of shape S, then the end of the body
//   GET /latency?n=N&interval=MS  N events, one every MS ms, each carrying its send time
//   GET /hold                     one event ("open"), then nothing until the client leaves
//   GET /now                      the server's clock (performance.timeOrigin + now())
//   GET /stats                    { open, total } connections of /hold
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

import { drainedOrClosed } from "./lib/drain.js";
import { makeStream, streamInfo } from "./lib/shapes.js";

const here = dirname(fileURLToPath(import.meta.url));
// BENCH_PKG serves another build of the package (say one whose wasm keeps its function names,
// for a readable profile) in place of pkg/.
const pkgDir = process.env.BENCH_PKG ?? join(here, "..", "pkg");
const BASE_BYTES = 32 * 1024 * 1024;
const WRITE_BYTES = 64 * 1024;
/** /hold connections end by themselves after this long, should a client never leave. */
const HOLD_LIMIT_MS = 120_000;

const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html",
  ".json": "application/json",
};

/** The page's bundle: work.js and the peers, with our package left as an import of /pkg/. */
async function bundle() {
  const result = await esbuild.build({
    entryPoints: [join(here, "browser", "entry.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["/pkg/*"],
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0].contents;
}

export async function startServer() {
  const page = await readFile(join(here, "browser", "index.html"));
  const script = await bundle();
  const bases = new Map(); // shape -> the first 32 MiB of its streams
  const base = (shape) => {
    if (!bases.has(shape)) bases.set(shape, Buffer.from(makeStream(shape, BASE_BYTES).data));
    return bases.get(shape);
  };
  const hold = { open: 0, total: 0, openTags: new Set() };
  const sockets = new Set();

  const sse = (res) => {
    res.socket.setNoDelay(true);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
  };

  async function stream(req, res, query) {
    const shape = query.get("shape");
    const info = streamInfo(shape, Number(query.get("bytes")));
    const block = base(shape);
    const blockEvents = block.length / info.eventLength;
    let gone = false;
    req.on("close", () => (gone = true));
    res.on("close", () => (gone = true));
    sse(res);
    for (let left = info.count; left > 0 && !gone; ) {
      const events = Math.min(left, blockEvents);
      const bytes = events * info.eventLength;
      for (let at = 0; at < bytes && !gone; at += WRITE_BYTES) {
        if (!res.write(block.subarray(at, Math.min(bytes, at + WRITE_BYTES)))) {
          await drainedOrClosed(res);
        }
      }
      left -= events;
    }
    res.end();
  }

  function latency(_req, res, query) {
    const n = Math.min(10_000, Number(query.get("n")));
    const interval = Number(query.get("interval"));
    sse(res);
    const start = performance.now();
    let sent = 0;
    let timer;
    const tick = () => {
      res.write(`data: ${performance.timeOrigin + performance.now()}\n\n`);
      if (++sent >= n) return res.end();
      timer = setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    res.on("close", () => clearTimeout(timer));
    timer = setTimeout(tick, interval);
  }

  function holdOpen(_req, res, query) {
    hold.open++;
    const tag = query.get("i");
    if (tag !== null) hold.openTags.add(tag);
    hold.total++;
    sse(res);
    res.write("data: open\n\n");
    const timer = setTimeout(() => res.end(), HOLD_LIMIT_MS);
    res.on("close", () => {
      clearTimeout(timer);
      hold.open--;
      if (tag !== null) hold.openTags.delete(tag);
    });
  }

  async function file(res, path) {
    const full = normalize(join(pkgDir, path.slice("/pkg/".length)));
    if (!full.startsWith(pkgDir)) throw Object.assign(new Error("outside pkg/"), { status: 403 });
    const body = await readFile(full);
    res.writeHead(200, {
      "content-type": TYPES[extname(full)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(body);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    try {
      switch (url.pathname) {
        case "/":
          res.writeHead(200, { "content-type": "text/html" });
          return res.end(page);
        case "/bundle.js":
          res.writeHead(200, { "content-type": "text/javascript" });
          return res.end(script);
        case "/stream":
          return await stream(req, res, url.searchParams);
        case "/latency":
          return latency(req, res, url.searchParams);
        case "/hold":
          return holdOpen(req, res, url.searchParams);
        case "/now":
          res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
          return res.end(String(performance.timeOrigin + performance.now()));
        case "/stats":
          res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
          return res.end(JSON.stringify({ ...hold, openTags: [...hold.openTags] }));
        case "/favicon.ico":
          res.writeHead(204);
          return res.end();
        default:
          if (url.pathname.startsWith("/pkg/")) return await file(res, url.pathname);
          res.writeHead(404);
          return res.end();
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(error.status ?? 500);
      res.end(String(error?.message ?? error));
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    hold,
    /** Open TCP connections of any kind (keep-alive ones included). */
    sockets: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
