// A real HTTP Server-Sent Events server for the JS tests, shared by the Node and browser projects.
//
// It listens on two loopback ports, so tests get two origins on one site (http://127.0.0.1:A and
// http://127.0.0.1:B): requests between them are cross-origin (CORS, preflights) while cookies,
// which ignore ports, are shared. Every endpoint answers CORS for any Origin.
//
// Endpoints that stream take `key=K`; the server keeps a record per key (requests, open responses,
// closed responses, those closed before the server ended them, last-byte time, request headers)
// that tests read through `/stats?key=K` to see, for example, that `close()` really closed the
// TCP connection.
// See the `routes` table below for the full list.

import http from "node:http";

/** Writes `chunks` one after another, `delayMs` apart, stopping early if the client went away. */
async function writeSlowly(res, chunks, delayMs) {
  for (const chunk of chunks) {
    if (res.destroyed) return false;
    res.write(chunk);
    if (delayMs > 0) await sleep(delayMs);
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return !res.destroyed;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Splits a string's UTF-8 bytes into one-byte buffers, so multi-byte characters straddle writes. */
function bytewise(text) {
  return [...Buffer.from(text, "utf8")].map((byte) => Buffer.from([byte]));
}

function intParam(url, name, fallback) {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`bad number for ${name}: ${raw}`);
  return value;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Writes `chunk` and, when the response's buffer is full (`write()` returned false), waits for
 * 'drain': a reader that stops reading stops the writer. Resolves to false once the client is gone.
 */
function writeWithBackpressure(res, chunk) {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (ok) => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok && !res.destroyed);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    res.on("drain", onDrain);
    res.on("close", onClose);
  });
}

/** Waits `ms`, or less if the client goes away first. Resolves to whether it is still there. */
function pause(res, ms) {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(timer);
      res.off("close", settle);
      resolve(!res.destroyed);
    };
    const timer = setTimeout(settle, ms);
    res.on("close", settle);
  });
}

export async function startServer() {
  /** @type {Map<string, {requests: number, open: number, closedBeforeEnd: number, closed: number, lastByteAt: number | null, headers: object | null}>} */
  const byKey = new Map();
  let open = 0;
  const sockets = new Set();

  function record(key) {
    let entry = byKey.get(key);
    if (!entry) {
      entry = {
        requests: 0,
        open: 0,
        closed: 0,
        closedBeforeEnd: 0,
        lastByteAt: null,
        headers: null,
        // One record per request with this key, for reconnection tests: when it arrived, its
        // path, its Last-Event-ID and Authorization headers.
        attempts: [],
      };
      byKey.set(key, entry);
    }
    return entry;
  }

  /** Notes a request in its key's `attempts` (every endpoint with `key=` does, whatever it answers). */
  function attempt(req, url) {
    const key = url.searchParams.get("key");
    if (key === null) return null;
    const entry = record(key);
    entry.attempts.push({
      at: Date.now(),
      path: url.pathname,
      lastEventId: req.headers["last-event-id"] ?? null,
      authorization: req.headers.authorization ?? null,
    });
    return entry;
  }

  /**
   * Counts a response in its key's record (`requests`, `open`, `headers`) until its `close`
   * event; a close before the server ended the response (the client went away, or /drop
   * destroyed the socket) also counts in `closedBeforeEnd`. Returns the record, or null.
   */
  function track(req, res, url) {
    const key = url.searchParams.get("key");
    const entry = key === null ? null : record(key);
    open += 1;
    if (entry) {
      entry.requests += 1;
      entry.open += 1;
      entry.headers = req.headers;
    }
    res.on("close", () => {
      open -= 1;
      if (entry) {
        entry.open -= 1;
        entry.closed += 1;
        if (!res.writableEnded) entry.closedBeforeEnd += 1;
      }
    });
    return entry;
  }

  /**
   * Starts an SSE response: status 200 (or `status`), `text/event-stream` (or `contentType`;
   * null for no Content-Type header), headers flushed. Tracked in the key's record (`track`).
   * `Connection: close` unless `keepAlive` (see below).
   */
  function startStream(req, res, url, contentType = "text/event-stream", { keepAlive = false, status = 200 } = {}) {
    const entry = track(req, res, url);
    // `Connection: close` because Chromium, when a reader cancels a keep-alive HTTP/1.1 response,
    // may keep reading ("draining") it for up to 5 s to reuse the socket; against a response we
    // hold open, the server then sees the close only 5 s late, whatever the client did.
    // `keepAlive` for endpoints that destroy the socket mid-body: Node's fetch (undici) takes the
    // socket closing under a `Connection: close` response for its normal end, not an error.
    const headers = { "Cache-Control": "no-store" };
    if (!keepAlive) headers.Connection = "close";
    if (contentType !== null) headers["Content-Type"] = contentType;
    res.writeHead(status, headers);
    res.flushHeaders();
    return entry;
  }

  /** Resolves when the client has gone away (or after `maxMs`, then ends the response). */
  function holdOpen(res, maxMs = 60_000) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!res.destroyed) res.end();
        resolve();
      }, maxMs);
      res.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  function json(res, status, value) {
    const text = JSON.stringify(value);
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(text);
  }

  function stats(url) {
    const key = url.searchParams.get("key");
    if (key !== null) return byKey.get(key) ?? null;
    return { open, byKey: Object.fromEntries(byKey) };
  }

  /** @type {Record<string, (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => unknown>} */
  const routes = {
    // `n` events `id: i` / `data: i` for i = 1..n, `interval` ms apart, then the response ends.
    async "/counter"(req, res, url) {
      const n = intParam(url, "n", 5);
      const interval = intParam(url, "interval", 0);
      startStream(req, res, url);
      const events = [];
      for (let i = 1; i <= n; i++) events.push(`id: ${i}\ndata: ${i}\n\n`);
      if (await writeSlowly(res, events, interval)) res.end();
    },

    // A named event, an unnamed one and another named one.
    "/named"(req, res, url) {
      startStream(req, res, url);
      res.end("event: greeting\ndata: hi\n\ndata: plain\n\nevent: bye\ndata: x\n\n");
    },

    // The `text` parameter verbatim as the body, in `chunk`-byte writes `delay` ms apart.
    async "/raw"(req, res, url) {
      const text = url.searchParams.get("text") ?? "";
      const size = intParam(url, "chunk", 0);
      const delay = intParam(url, "delay", 0);
      startStream(req, res, url);
      const bytes = Buffer.from(text, "utf8");
      const chunks = [];
      if (size <= 0) chunks.push(bytes);
      else for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      if (await writeSlowly(res, chunks, delay)) res.end();
    },

    // One event whose data is JSON {method, headers (lowercase names), body, url} of the request.
    async "/echo"(req, res, url) {
      const body = await readBody(req);
      startStream(req, res, url);
      const data = JSON.stringify({ method: req.method, headers: req.headers, body, url: req.url });
      res.end(`data: ${data}\n\n`);
    },

    // `data: hello\n\n` one byte every `interval` (50) ms, then the response stays open `hold`
    // (2000) ms more. The send time of the last byte is in /stats?key=K as `lastByteAt` and at
    // /last-byte-time?key=K.
    async "/trickle"(req, res, url) {
      const interval = intParam(url, "interval", 50);
      const hold = intParam(url, "hold", 2000);
      const entry = startStream(req, res, url);
      const bytes = bytewise("data: hello\n\n");
      for (const [i, byte] of bytes.entries()) {
        if (res.destroyed) return;
        res.write(byte);
        if (i === bytes.length - 1 && entry) entry.lastByteAt = Date.now();
        await sleep(interval);
      }
      await holdOpen(res, hold);
    },

    "/last-byte-time"(_req, res, url) {
      const entry = byKey.get(url.searchParams.get("key") ?? "");
      json(res, 200, { lastByteAt: entry?.lastByteAt ?? null });
    },

    // A non-200 status with a body. `code` (404), `text` (reason phrase, default Node's), `body`
    // (text) or `size` (a body of `size` bytes: "BEGIN" then "x"s).
    "/status"(_req, res, url) {
      const code = intParam(url, "code", 404);
      const size = intParam(url, "size", -1);
      let body = url.searchParams.get("body") ?? "";
      if (size >= 0) body = `BEGIN${"x".repeat(Math.max(0, size - 5))}`.slice(0, size);
      const reason = url.searchParams.get("text");
      const headers = { "Content-Type": "text/plain; charset=utf-8" };
      if (reason === null) res.writeHead(code, headers);
      else res.writeHead(code, reason, headers);
      res.end(body);
    },

    "/no-content"(_req, res) {
      res.writeHead(204);
      res.end();
    },

    // 200 text/plain that stays open (so a client that does not cancel the body leaks it).
    async "/wrong-type"(req, res, url) {
      startStream(req, res, url, "text/plain; charset=utf-8");
      res.write("data: not sse\n\n");
      await holdOpen(res, 10_000);
    },

    // 200 with Content-Type `ct` (query parameter; absent = no Content-Type header at all).
    "/type"(req, res, url) {
      const ct = url.searchParams.get("ct");
      startStream(req, res, url, ct);
      res.end("data: typed\n\n");
    },

    "/cookie/set"(_req, res) {
      res.writeHead(200, {
        "Set-Cookie": "sse_test=1; Path=/; SameSite=Lax",
        "Content-Type": "text/plain",
      });
      res.end("ok");
    },

    // One event whose data is JSON {cookie: the Cookie header or null}.
    "/cookie/echo"(req, res, url) {
      startStream(req, res, url);
      res.end(`data: ${JSON.stringify({ cookie: req.headers.cookie ?? null })}\n\n`);
    },

    // `data: ` then `bytes` "x"s (in 16 KiB writes) and no line end; then held open until the
    // client goes away (at most 10 s).
    async "/huge-line"(req, res, url) {
      const total = intParam(url, "bytes", 1 << 20);
      startStream(req, res, url);
      res.write("data: ");
      const chunks = [];
      for (let sent = 0; sent < total; sent += 16384) chunks.push("x".repeat(Math.min(16384, total - sent)));
      if (await writeSlowly(res, chunks, 0)) await holdOpen(res, 10_000);
    },

    // One event of `lines` data lines of `size` "y"s each (every line short, the event big), then
    // held open until the client goes away (at most 10 s).
    async "/big-event"(req, res, url) {
      const lines = intParam(url, "lines", 100);
      const size = intParam(url, "size", 100);
      startStream(req, res, url);
      const chunks = [];
      for (let i = 0; i < lines; i++) chunks.push(`data: ${"y".repeat(size)}\n`);
      chunks.push("\n");
      if (await writeSlowly(res, chunks, 0)) await holdOpen(res, 10_000);
    },

    // Headers and one comment, then nothing until the client disconnects (at most 60 s).
    async "/hang"(req, res, url) {
      startStream(req, res, url);
      res.write(": hanging\n\n");
      await holdOpen(res, 60_000);
    },

    // One event, then (after `delay` ms, 100) the socket is destroyed mid-body: a network error.
    async "/drop"(req, res, url) {
      startStream(req, res, url, undefined, { keepAlive: true });
      res.write("id: 1\ndata: before-drop\n\n");
      await sleep(intParam(url, "delay", 100));
      res.socket?.destroy();
    },

    // Events with multi-byte UTF-8 characters, written one byte at a time.
    async "/unicode"(req, res, url) {
      startStream(req, res, url);
      const text = "data: caf\u00e9 \u20ac \u65e5\u672c\u8a9e\n\ndata: \u{1F389}\u{1D11E}\n\n";
      if (await writeSlowly(res, bytewise(text), 1)) res.end();
    },

    // An event whose dispatching blank line is a lone CR at the very end of a write, then the
    // response is held open `hold` (2000) ms: a client that waits for a possible LF stalls.
    async "/cr-end"(req, res, url) {
      startStream(req, res, url);
      res.write("data: cr\r\r");
      await holdOpen(res, intParam(url, "hold", 2000));
    },

    // Reconnection: each request continues the numbering after its Last-Event-ID: it sends
    // `retry: R` (if `retry` is given), `n` (2) events `id: i` / `data: i`, then ends the body
    // (`mode=end`), destroys the socket (`mode=drop`) or goes silent (`mode=hang`). Once
    // `total` (6) events have been sent it answers 204, which ends the client's iteration.
    async "/reconnect"(req, res, url) {
      attempt(req, url);
      const n = intParam(url, "n", 2);
      const total = intParam(url, "total", 6);
      const after = Number(req.headers["last-event-id"] ?? 0) || 0;
      if (after >= total) {
        res.writeHead(204);
        res.end();
        return;
      }
      const mode = url.searchParams.get("mode") ?? "end";
      startStream(req, res, url, undefined, { keepAlive: mode === "drop" });
      const retry = url.searchParams.get("retry");
      if (retry !== null) res.write(`retry: ${retry}\n\n`);
      for (let i = after + 1; i <= Math.min(after + n, total); i++) res.write(`id: ${i}\ndata: ${i}\n\n`);
      if (mode === "drop") {
        // Long enough for a loaded client to read the events first: a stream that errors drops
        // the chunks still queued in it (Streams standard, "ReadableStreamError"), so an early
        // drop would lose them and the test would see an extra attempt without Last-Event-ID.
        await sleep(200);
        res.socket?.destroy();
      } else if (mode === "hang") {
        await holdOpen(res, 10_000);
      } else {
        res.end();
      }
    },

    // The answer of the k-th request with this key is the k-th of `steps` (comma-separated; the
    // last one repeats): a status code, where 200 sends one event `id: k` and ends the body.
    // `retryAfter` adds a Retry-After header to non-200 answers.
    "/sequence"(req, res, url) {
      const entry = attempt(req, url);
      const steps = (url.searchParams.get("steps") ?? "200").split(",").map(Number);
      const k = entry ? entry.attempts.length : 1;
      const code = steps[Math.min(k, steps.length) - 1] ?? 200;
      if (code === 200) {
        startStream(req, res, url);
        res.end(`id: ${k}\ndata: attempt ${k}\n\n`);
        return;
      }
      const headers = { "Content-Type": "text/plain" };
      const retryAfter = url.searchParams.get("retryAfter");
      if (retryAfter !== null) headers["Retry-After"] = retryAfter;
      res.writeHead(code, headers);
      res.end(`status ${code} on attempt ${k}`);
    },

    // A 302 to `to` (a path on this server, query included); notes the request under `key`.
    "/redirect"(req, res, url) {
      attempt(req, url);
      res.writeHead(302, { Location: url.searchParams.get("to") ?? "/counter" });
      res.end();
    },

    // The first request ends after a complete event (id 1) and an unfinished block (id 99);
    // later ones send one event and end. The ID of the unfinished block must not be committed.
    "/unfinished"(req, res, url) {
      const entry = attempt(req, url);
      startStream(req, res, url);
      if (entry && entry.attempts.length === 1) res.end("id: 1\ndata: done\n\nid: 99\ndata: never dispatched\n");
      else res.end("data: again\n\n");
    },

    // Hostile servers (issue 9). Each is tracked under `key` (requests, open, closedBeforeEnd) and
    // notes its requests in `attempts`.

    // A `code` (500) answer, text/plain, whose body starts with `body` ("partial") and never
    // ends: held open until the client goes away (at most 60 s).
    async "/stalled-status"(req, res, url) {
      attempt(req, url);
      startStream(req, res, url, "text/plain; charset=utf-8", { status: intParam(url, "code", 500) });
      res.write(url.searchParams.get("body") ?? "partial");
      await holdOpen(res, 60_000);
    },

    // Accepts the request and sends nothing, not even the status line, until the client goes
    // away (at most 60 s; then the socket is destroyed). With `after=MS`, gives up the silence
    // after MS: a 200 stream of one event `data: late`, then the response ends.
    async "/no-headers"(req, res, url) {
      attempt(req, url);
      const after = intParam(url, "after", -1);
      if (after < 0) {
        track(req, res, url);
        if (await pause(res, 60_000)) res.destroy();
        return;
      }
      // Counted once its headers go out, like every stream.
      await sleep(after);
      if (res.destroyed) return;
      startStream(req, res, url);
      res.end("data: late\n\n");
    },

    // A 200 event stream that ends at once without an event (with `retry=R`: only a `retry: R`
    // field): a client that reconnects without a floor on its delay storms this endpoint. Its
    // reconnection rate is in `attempts`.
    "/empty"(req, res, url) {
      attempt(req, url);
      startStream(req, res, url);
      const retry = url.searchParams.get("retry");
      res.end(retry === null ? "" : `retry: ${retry}\n\n`);
    },

    // Connection bookkeeping: {open, byKey} or, with key=K, that key's record (null if unseen).
    "/stats"(_req, res, url) {
      json(res, 200, stats(url));
    },

    // Events `id: i` / `data: <tag>:i` (tag: the `tag` parameter, default "s") for i = 1, 2, ...,
    // the first at once and then one every `interval` (10) ms, until the client goes away or
    // `n` (100000) were sent (then the response ends). Requests are noted in `attempts`.
    async "/stream"(req, res, url) {
      attempt(req, url);
      const interval = intParam(url, "interval", 10);
      const n = intParam(url, "n", 100_000);
      const tag = url.searchParams.get("tag") ?? "s";
      startStream(req, res, url);
      for (let i = 1; i <= n; i++) {
        if (!(await writeWithBackpressure(res, `id: ${i}\ndata: ${tag}:${i}\n\n`))) return;
        if (i < n && !(await pause(res, interval))) return;
      }
      res.end();
    },

    // Writes as fast as the client reads, respecting write()'s return value and 'drain', and
    // counts the bytes handed to the socket in /stats?key=K as `written` (with `finished` once
    // `total` bytes went out). `shape=events` (default): events `id: i` / `data: i:` then
    // `size` (1000) "z"s, 64 KiB per write. `shape=line`: `data: ` then "x"s and no line end.
    // After `total` (256 MiB) bytes the response is held open until the client goes away.
    async "/flood"(req, res, url) {
      const shape = url.searchParams.get("shape") ?? "events";
      const size = intParam(url, "size", 1000);
      const total = intParam(url, "total", 256 * 1024 * 1024);
      const entry = startStream(req, res, url);
      let written = 0;
      const send = async (chunk) => {
        const ok = await writeWithBackpressure(res, chunk);
        if (ok) written += chunk.length;
        if (entry) entry.written = written;
        return ok;
      };
      if (shape === "line") {
        const block = Buffer.alloc(64 * 1024, "x");
        if (!(await send(Buffer.from("data: ")))) return;
        while (written < total) {
          if (!(await send(block.subarray(0, Math.min(block.length, total - written))))) return;
        }
      } else {
        const filler = "z".repeat(size);
        let i = 0;
        while (written < total) {
          let text = "";
          while (text.length < 64 * 1024) {
            i += 1;
            text += `id: ${i}\ndata: ${i}:${filler}\n\n`;
          }
          if (!(await send(Buffer.from(text)))) return;
        }
      }
      if (entry) entry.finished = true;
      await holdOpen(res, 10_000);
    },

    // The bytes of `b64` (standard base64) verbatim, in `chunk`-byte writes (0: one write)
    // `delay` ms apart; then the response ends, or with `hold=MS` stays open that long (or
    // until the client goes away). Requests are noted in `attempts`.
    async "/bytes"(req, res, url) {
      attempt(req, url);
      const bytes = Buffer.from(url.searchParams.get("b64") ?? "", "base64");
      const size = intParam(url, "chunk", 0);
      const delay = intParam(url, "delay", 0);
      const hold = intParam(url, "hold", 0);
      startStream(req, res, url);
      const chunks = [];
      if (size <= 0) chunks.push(bytes);
      else for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      if (!(await writeSlowly(res, chunks, delay))) return;
      if (hold > 0) await holdOpen(res, hold);
      else res.end();
    },

    // `head`, then `unit` repeated `count` times, then `tail` (all UTF-8 text), written with
    // backpressure in writes of about 64 KiB; then the response ends. For streams of millions of
    // comment or empty lines.
    async "/repeat"(req, res, url) {
      const head = url.searchParams.get("head") ?? "";
      const unit = url.searchParams.get("unit") ?? "";
      const count = intParam(url, "count", 0);
      const tail = url.searchParams.get("tail") ?? "";
      startStream(req, res, url);
      if (!(await writeWithBackpressure(res, head))) return;
      const perWrite = Math.max(1, Math.floor((64 * 1024) / Math.max(1, Buffer.byteLength(unit))));
      const block = Buffer.from(unit.repeat(perWrite));
      for (let left = count; left > 0; left -= perWrite) {
        const chunk = left >= perWrite ? block : Buffer.from(unit.repeat(left));
        if (!(await writeWithBackpressure(res, chunk))) return;
      }
      if (await writeWithBackpressure(res, tail)) res.end();
    },
  };

  async function handle(req, res) {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Access-Control-Expose-Headers", "*");
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      res.setHeader("Access-Control-Allow-Methods", req.headers["access-control-request-method"]);
      const requested = req.headers["access-control-request-headers"];
      if (requested) res.setHeader("Access-Control-Allow-Headers", requested);
      res.setHeader("Access-Control-Max-Age", "0");
      res.writeHead(204);
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (!route) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end(`no endpoint ${url.pathname}\n`);
      return;
    }
    try {
      await route(req, res, url);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String(error));
      } else {
        res.destroy();
      }
    }
  }

  async function listen() {
    const server = http.createServer({ keepAliveTimeout: 1000 }, (req, res) => {
      handle(req, res).catch(() => res.destroy());
    });
    server.on("connection", (socket) => {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(undefined));
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    return { server, origin: `http://127.0.0.1:${address.port}` };
  }

  const first = await listen();
  const second = await listen();

  return {
    /** The main origin, e.g. http://127.0.0.1:40001 */
    origin: first.origin,
    /** A second origin on the same site (another port): requests to it are cross-origin. */
    crossOrigin: second.origin,
    /** Stops both listeners and destroys any connection still open. */
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        [first.server, second.server].map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))),
      );
    },
  };
}
