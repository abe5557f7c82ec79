// The Rust-side benchmark of issue 12: rust_eventsource::EventSource (a futures::Stream) against
// reqwest (wasm32) + reqwest-eventsource 0.6, both compiled into one wasm module (src/lib.rs) and
// run in the same Chromium, reading the same local server (127.0.0.1, bench/lib/shapes.js).
//   node bench/reqwest/run.mjs             builds, then measures (`npm run bench:reqwest`)
//   node bench/reqwest/run.mjs --no-build  measures the last build (bench/reqwest/pkg/)
//   node bench/reqwest/run.mjs --smoke     small sizes, to check that it works
// Prints a Markdown table; bench/reqwest.md holds the committed figures.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { cpus } from "node:os";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";

import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/chromium.mjs";
import { drainedOrClosed } from "../lib/drain.js";
import { makeStream, streamInfo } from "../lib/shapes.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pkgDir = join(here, "pkg");
const smoke = process.argv.includes("--smoke");
const MiB = 1024 * 1024;
const CONFIG = smoke
  ? { bytes: { typical: 1 * MiB, tiny: 256 * 1024 }, rounds: 2, cycles: 100 }
  : { bytes: { typical: 16 * MiB, tiny: 4 * MiB }, rounds: 5, cycles: 1000 };
const SIDES = [
  { name: "rust_eventsource::EventSource", read: "ours", cycles: "ours_cycles" },
  { name: "reqwest 0.12 + reqwest-eventsource 0.6", read: "theirs", cycles: "theirs_cycles" },
];
const log = (message) => console.error(`[bench:reqwest] ${message}`);

function build() {
  const env = {
    ...process.env,
    PATH: [join(root, "node_modules", ".bin"), join(process.env.HOME ?? "", ".cargo", "bin"), process.env.PATH].join(
      ":",
    ),
    CARGO_TARGET_DIR: join(here, "target"),
  };
  log("wasm-pack build --target web --release --weak-refs");
  execFileSync("wasm-pack", ["build", "--target", "web", "--release", "--weak-refs", "--no-pack"], {
    cwd: here,
    env,
    stdio: "inherit",
  });
  // The root build's wasm-opt flags (scripts/build.mjs), so both clients get the same treatment.
  const features = ["simd", "bulk-memory", "nontrapping-float-to-int", "sign-ext", "mutable-globals"];
  const flags = [...features, "reference-types", "multivalue"].map((feature) => `--enable-${feature}`);
  const wasm = join(pkgDir, "reqwest_bench_bg.wasm");
  execFileSync("wasm-opt", ["-O3", ...flags, wasm, "-o", wasm], { env, stdio: "inherit" });
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench:reqwest</title>
<script type="module">
import init, * as bench from "/pkg/reqwest_bench.js";
window.ready = init().then((wasm) => { window.wasm = wasm; window.bench = bench; });
</script>`;

/** /stream?shape=S&bytes=N (whole events of the shape, then the end of the body), /hold (one
 * event, then an open body until the client leaves), /stats, the page and pkg/. */
async function startServer() {
  const bodies = new Map();
  const hold = { open: 0, total: 0 };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const sse = () => {
      res.socket.setNoDelay(true);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    };
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(PAGE);
    } else if (url.pathname === "/stream") {
      const key = `${url.searchParams.get("shape")}:${url.searchParams.get("bytes")}`;
      if (!bodies.has(key)) {
        const [shape, bytes] = key.split(":");
        bodies.set(key, Buffer.from(makeStream(shape, Number(bytes)).data));
      }
      const body = bodies.get(key);
      sse();
      for (let at = 0; at < body.length && !res.destroyed; at += 64 * 1024) {
        if (!res.write(body.subarray(at, at + 64 * 1024))) await drainedOrClosed(res);
      }
      res.end();
    } else if (url.pathname === "/hold") {
      hold.open++;
      hold.total++;
      sse();
      res.write("data: open\n\n");
      res.on("close", () => hold.open--);
    } else if (url.pathname === "/stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(hold));
    } else if (url.pathname.startsWith("/pkg/")) {
      const file = normalize(join(pkgDir, url.pathname.slice(5)));
      if (!file.startsWith(pkgDir)) return res.writeHead(403).end();
      try {
        const body = await readFile(file);
        const type = file.endsWith(".wasm") ? "application/wasm" : "text/javascript";
        res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, hold, origin: `http://127.0.0.1:${server.address().port}` };
}

async function openPage(browser, origin) {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.evaluate(() => window.ready);
  const cdp = await page.context().newCDPSession(page);
  return { page, cdp };
}

/** Wasm memory and JS heap (bytes) after a full collection. */
async function memory({ page, cdp }) {
  await cdp.send("HeapProfiler.collectGarbage");
  await page.waitForTimeout(200);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const wasm = await page.evaluate(() => window.wasm.memory.buffer.byteLength);
  return { wasm, heap: usedSize };
}

/** One read of a whole stream by one side: events/s, checked against what the server sent. */
async function read(page, origin, side, shape) {
  const info = streamInfo(shape, CONFIG.bytes[shape]);
  const url = `${origin}/stream?shape=${shape}&bytes=${CONFIG.bytes[shape]}`;
  const got = await page.evaluate(
    async ({ fn, url, count }) => {
      const start = performance.now();
      const seen = await window.bench[fn](url, count);
      return { ms: performance.now() - start, events: seen[0], data: seen[1] };
    },
    { fn: side.read, url, count: info.count },
  );
  if (got.events !== info.count || got.data !== info.dataSum) {
    throw new Error(
      `${side.name} ${shape}: ${got.events} events / ${got.data} data, want ${info.count} / ${info.dataSum}`,
    );
  }
  return (info.count / got.ms) * 1000;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const kEvents = (n) => `${Math.round(n / 1000).toLocaleString("en-US")}k`;
const MB = (n) => `${(n / MiB).toFixed(2)} MiB`;

async function main() {
  if (!process.argv.includes("--no-build")) build();
  const { server, hold, origin } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const version = browser.version();
    const rates = Object.fromEntries(SIDES.map((side) => [side.read, { typical: [], tiny: [] }]));
    // Throughput: one page (one wasm instance), a warm-up read each, then rounds alternating sides.
    const tab = await openPage(browser, origin);
    for (const shape of ["typical", "tiny"]) {
      for (const side of SIDES) await read(tab.page, origin, side, shape);
      for (let round = 0; round < CONFIG.rounds; round++) {
        const order = round % 2 ? [...SIDES].reverse() : SIDES;
        for (const side of order) rates[side.read][shape].push(await read(tab.page, origin, side, shape));
      }
      log(`${shape}: ${SIDES.map((side) => kEvents(median(rates[side.read][shape]))).join(" vs ")} events/s`);
    }
    await tab.page.close();
    // Memory: a fresh page (fresh wasm instance) per side, CONFIG.cycles open/first event/close.
    const cycles = {};
    for (const side of SIDES) {
      const fresh = await openPage(browser, origin);
      const before = await memory(fresh);
      const start = performance.now();
      const done = await fresh.page.evaluate(({ fn, url, n }) => window.bench[fn](url, n), {
        fn: side.cycles,
        url: `${origin}/hold`,
        n: CONFIG.cycles,
      });
      const ms = performance.now() - start;
      await fresh.page.waitForTimeout(500);
      const after = await memory(fresh);
      cycles[side.read] = { done, ms, before, after, stillOpen: hold.open };
      log(`${side.name}: ${done}/${CONFIG.cycles} cycles, ${hold.open} connections still open`);
      await fresh.page.close();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const rows = SIDES.map((side) => {
      const r = rates[side.read];
      const c = cycles[side.read];
      return (
        `| ${side.name} | ${kEvents(median(r.typical))} | ${kEvents(median(r.tiny))} | ` +
        `${MB(c.before.wasm)} → ${MB(c.after.wasm)} | ${MB(c.before.heap)} → ${MB(c.after.heap)} | ` +
        `${(c.ms / CONFIG.cycles).toFixed(2)} ms | ${c.done}/${CONFIG.cycles}, ${c.stillOpen} |`
      );
    });
    const ratio = (shape) => (median(rates.ours[shape]) / median(rates.theirs[shape])).toFixed(2);
    console.log(
      [
        `Chromium ${version}, ${cpus().length} cores; typical ${CONFIG.bytes.typical / MiB} MiB, tiny ` +
          `${CONFIG.bytes.tiny / MiB} MiB per read, median of ${CONFIG.rounds} alternating rounds; ` +
          `${CONFIG.cycles} cycles per side in a fresh page.`,
        "",
        "| Client | typical events/s | tiny events/s | wasm memory, before → after cycles | JS heap, before → after cycles | per cycle | cycles done, connections left open |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...rows,
        "",
        `rust_eventsource / reqwest-eventsource: typical ×${ratio("typical")}, tiny ×${ratio("tiny")}.`,
      ].join("\n"),
    );
  } finally {
    await browser.close();
    server.close();
    server.closeAllConnections();
  }
}

await main();
