// Runs the benchmark suite of issue 5 and writes BENCHMARKS.md and BENCHMARKS.svg at the root.
//   node bench/run.js           the full run (~9 minutes on 2 cores)
//   node bench/run.js --smoke   a tiny run (~25 s) that checks everything still works
// Needs pkg/ built and bench/node_modules installed: scripts/bench.sh does both.
import { CHROMIUM_ARGS as BASE_CHROMIUM_ARGS, CHROMIUM_PATH } from "../scripts/chromium.mjs";
import { fork } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright";

import { SHAPE_NAMES } from "./lib/shapes.js";
import { render } from "./report.js";
import { startServer } from "./server.js";
import { measureSizes } from "./size.js";
import { summarizeProfile } from "./profile.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const outDir = join(here, ".out");
const smoke = process.argv.includes("--smoke");
const MiB = 1024 * 1024;

const CONFIG = smoke
  ? {
      parse: { bytes: 256 * 1024, rounds: 2, warmup: 1 },
      endToEnd: { bytes: 512 * 1024, warmupBytes: 64 * 1024, rounds: 2, maxRunMs: 400 },
      latency: { events: 20, warmupEvents: 5, interval: 10, rounds: 1 },
      memory: { bytes: 2 * MiB, peerBytes: 2 * MiB, shapes: ["typical", "large"] },
      cycles: { n: 100, warmup: 20 },
      profile: { bytes: 256 * 1024, runs: 2 },
      bigEvent: { bytes: 5e6 },
    }
  : {
      parse: { bytes: 8 * MiB, rounds: 9, warmup: 2 },
      endToEnd: { bytes: 32 * MiB, warmupBytes: 2 * MiB, rounds: 5, maxRunMs: 4000 },
      latency: { events: 300, warmupEvents: 20, interval: 10, rounds: 2 },
      memory: { bytes: 256 * MiB, peerBytes: 64 * MiB, shapes: ["typical", "large"] },
      cycles: { n: 10_000, warmup: 1000 },
      profile: { bytes: 8 * MiB, runs: 4 },
      bigEvent: { bytes: 50e6 },
    };

const MEMORY_CLIENTS = [
  "rust-eventsource",
  "rust-eventsource batches()",
  "fetch + eventsource-parser",
  "EventSource (native)",
];

const CHROMIUM_ARGS = [
  ...BASE_CHROMIUM_ARGS,
  // performance.memory in exact bytes rather than coarse buckets
  "--enable-precise-memory-info",
];

const started = performance.now();
const log = (message) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);

/** The Node runner: a forked process answering jobs. */
function startNodeRunner() {
  const child = fork(join(here, "node-runner.js"), [], {
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let next = 0;
  const pending = new Map();
  child.on("message", ({ id, result, error }) => {
    const { resolve, reject } = pending.get(id);
    pending.delete(id);
    if (error) reject(new Error(`node runner: ${error}`));
    else resolve(result);
  });
  child.on("exit", (code) => {
    for (const { reject } of pending.values()) reject(new Error(`node runner exited with ${code}`));
  });
  return {
    run(job, args) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, job, args });
      });
    },
    stop: () => child.disconnect(),
  };
}

/** A fresh page with the bench loaded, and a CDP session on it. */
async function openPage(context, origin, previous) {
  if (previous) await previous.page.close();
  const page = await context.newPage();
  page.on("pageerror", (error) => log(`page error: ${error.message}`));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => globalThis.benchReady === true);
  const cdp = await context.newCDPSession(page);
  return { page, cdp };
}

/** Runs work.fn(libs, args) in the page. */
function inPage(page, fn, args) {
  return page.evaluate(([fn, args]) => globalThis.bench.work[fn](globalThis.bench.libs, args), [fn, args]);
}

async function heapAfterGc(page, cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await sleep(50); // let finalizers run (wasm-bindgen frees closures through them), then again
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const wasm = await page.evaluate(() => globalThis.bench.libs.wasmMemoryBytes());
  return { heap: usedSize, wasm };
}

/**
 * `cargo bench --bench parse`: the parser and batch alone, natively. The best of five runs of 40
 * rounds per shape, as the machine is shared and a round can lose its core to other work (on this
 * VM, runs seconds apart measured typical events at 3515 and 1739 MB/s with no other work running).
 */
function nativeBench() {
  const env = {
    ...process.env,
    ROUNDS: "40",
    PATH: `${join(process.env.HOME ?? "", ".cargo", "bin")}:${process.env.PATH}`,
  };
  const best = new Map();
  for (let run = 0; run < 5; run++) {
    const out = execFileSync("cargo", ["bench", "--quiet", "--bench", "parse"], {
      cwd: root,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const rows = [...out.matchAll(/^\s*(\w+):\s+([\d.]+) MB\/s\s+([\d.]+) M events\/s/gm)];
    if (rows.length !== SHAPE_NAMES.length) throw new Error(`cargo bench: unexpected output\n${out}`);
    for (const [, shape, mbps, meps] of rows) {
      if (!best.has(shape) || Number(mbps) > best.get(shape).mbps)
        best.set(shape, { shape, mbps: Number(mbps), meps: Number(meps) });
    }
  }
  return [...best.values()];
}

/** Peak wasm memory while one event of `bytes` goes through `mode` (bench/big-event.js, a fresh Node). */
function bigEvent(mode, bytes) {
  const out = execFileSync(process.execPath, [join(here, "big-event.js"), mode, String(bytes)], { encoding: "utf8" });
  return JSON.parse(out);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (up to `ms`) for the server to see every /hold connection closed; returns the ms waited. */
async function settleHold(server, ms) {
  const start = performance.now();
  while (server.hold.open > 0 && performance.now() - start < ms) await sleep(20);
  return performance.now() - start;
}

/** Open/close cycles in one runtime: warm-up, heap after GC, the cycles, what the server sees, heap after GC. */
async function cycles(server, { run, heap }) {
  await run({ base: server.origin, n: CONFIG.cycles.warmup, tag: "w" });
  await settleHold(server, 2000);
  const before = await heap();
  const total0 = server.hold.total;
  const got = await run({ base: server.origin, n: CONFIG.cycles.n });
  const openAtEnd = server.hold.open;
  const openTagsAtEnd = [...server.hold.openTags];
  const settleMs = await settleHold(server, 5000);
  const after = await heap();
  return {
    ...got,
    before,
    after,
    connections: server.hold.total - total0,
    openAtEnd,
    openTagsAtEnd,
    openAfterSettle: server.hold.open,
    openTagsAfterSettle: [...server.hold.openTags],
    settleMs,
  };
}

function versions() {
  const read = (path) => JSON.parse(readFileSync(path, "utf8")).version;
  const modules = join(here, "node_modules");
  const names = [
    "eventsource-parser",
    "eventsource",
    "eventsource-client",
    "@microsoft/fetch-event-source",
    "playwright",
    "esbuild",
  ];
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "pkg-template"], {
      cwd: root,
      encoding: "utf8",
    }).trim();
    if (dirty) commit += " (with uncommitted changes to src/ or pkg-template/)";
  } catch {}
  return {
    "rust-eventsource": `${read(join(root, "pkg", "package.json"))} (commit ${commit})`,
    ...Object.fromEntries(names.map((name) => [name, read(join(modules, name, "package.json"))])),
  };
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const cpuList = cpus();
  const results = {
    smoke,
    config: CONFIG,
    machine: {
      cpu: cpuList[0]?.model ?? "unknown",
      cores: cpuList.length,
      memory: `${Math.round(totalmem() / 1024 ** 3)} GiB`,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      date: new Date().toISOString(),
      loadAtStart: loadavg()[0],
    },
    versions: versions(),
  };
  const server = await startServer();
  log(`server at ${server.origin}${smoke ? " (smoke run)" : ""}`);
  const node = startNodeRunner();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  results.machine.chromium = browser.version();
  const context = await browser.newContext();
  try {
    // 5. Size first: it needs no server and fails fast if pkg/ is broken.
    results.size = await measureSizes(root, here);
    log(`size: ours ${results.size.ours.minGzip} bytes min+gzip`);

    // 0. The Rust core alone (cargo bench), and wasm memory for one big event (fresh processes).
    if (!smoke) {
      results.native = nativeBench();
      log(`native: ${results.native.map((r) => `${r.shape} ${r.mbps} MB/s`).join(", ")}`);
    }
    results.bigEvent = ["parser", "source"].map((mode) => bigEvent(mode, CONFIG.bigEvent.bytes));
    log(`big event: ${results.bigEvent.map((r) => `${r.mode} +${r.peak - r.before} B`).join(", ")}`);

    // 1. Parse throughput.
    results.parse = { chromium: {}, node: {} };
    let tab = await openPage(context, server.origin);
    for (const shape of SHAPE_NAMES) {
      results.parse.chromium[shape] = await inPage(tab.page, "parseShape", { shape, ...CONFIG.parse });
      log(`parse chromium ${shape} done`);
    }
    for (const shape of SHAPE_NAMES) {
      results.parse.node[shape] = await node.run("parseShape", { shape, ...CONFIG.parse });
      log(`parse node ${shape} done`);
    }

    // 2. End to end.
    results.endToEnd = { chromium: {}, node: {} };
    const e2e = { base: server.origin, ...CONFIG.endToEnd };
    tab = await openPage(context, server.origin, tab);
    for (const shape of SHAPE_NAMES) {
      results.endToEnd.chromium[shape] = await inPage(tab.page, "endToEndShape", { shape, ...e2e });
      log(`end to end chromium ${shape} done`);
    }
    for (const shape of SHAPE_NAMES) {
      results.endToEnd.node[shape] = await node.run("endToEndShape", { shape, ...e2e });
      log(`end to end node ${shape} done`);
    }

    // 3. Latency.
    const lat = { base: server.origin, ...CONFIG.latency };
    tab = await openPage(context, server.origin, tab);
    results.latency = {
      chromium: await inPage(tab.page, "latency", lat),
      node: await node.run("latency", lat),
    };
    log("latency done");

    // 4. Memory: peaks while a long stream goes through, one fresh page per client.
    results.memory = { stream: [], cycles: {} };
    for (const shape of CONFIG.memory.shapes) {
      for (const name of MEMORY_CLIENTS) {
        tab = await openPage(context, server.origin, tab);
        await tab.page.evaluate(() => globalThis.bench.work.warmOurs(globalThis.bench.libs));
        const base = await heapAfterGc(tab.page, tab.cdp);
        const bytes = name.startsWith("rust-eventsource") ? CONFIG.memory.bytes : CONFIG.memory.peerBytes;
        const got = await inPage(tab.page, "memoryStream", { base: server.origin, name, shape, bytes });
        const after = await heapAfterGc(tab.page, tab.cdp);
        results.memory.stream.push({ ...got, baseAfterGc: base, afterGc: after });
        log(`memory ${shape} ${name} done`);
      }
    }

    // 4b. Open/close cycles against /hold, in Chromium and in Node.
    tab = await openPage(context, server.origin, tab);
    results.memory.cycles.chromium = await cycles(server, {
      run: (args) => inPage(tab.page, "openCloseCycles", args),
      heap: () => heapAfterGc(tab.page, tab.cdp),
    });
    log("cycles chromium done");
    results.memory.cycles.node = await cycles(server, {
      run: (args) => node.run("openCloseCycles", args),
      heap: () => node.run("heap"),
    });
    log("cycles node done");

    // Where the time goes: CPU profile of ours on tiny events, in Chromium.
    tab = await openPage(context, server.origin, tab);
    const variants = ["rust-eventsource", "rust-eventsource batches()"];
    await inPage(tab.page, "parseShape", {
      shape: "tiny",
      bytes: CONFIG.profile.bytes,
      rounds: 1,
      warmup: 1,
      variants,
    });
    await tab.cdp.send("Profiler.enable");
    await tab.cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await tab.cdp.send("Profiler.start");
    for (const variant of variants) {
      await inPage(tab.page, "parseShape", {
        shape: "tiny",
        bytes: CONFIG.profile.bytes,
        rounds: CONFIG.profile.runs,
        warmup: 0,
        variants: [variant],
      });
    }
    const { profile } = await tab.cdp.send("Profiler.stop");
    writeFileSync(join(outDir, "tiny-events.cpuprofile"), JSON.stringify(profile));
    results.profile = summarizeProfile(profile);
    log("profile done");
  } finally {
    await browser.close().catch(() => {});
    node.stop();
    await server.close();
  }

  results.seconds = (performance.now() - started) / 1000;
  results.machine.loadAtEnd = loadavg()[0];
  writeFileSync(join(outDir, smoke ? "results-smoke.json" : "results.json"), JSON.stringify(results, null, 1));
  const { markdown, svg, misses } = render(results);
  const mdPath = join(root, smoke ? join("bench", ".out", "BENCHMARKS-smoke.md") : "BENCHMARKS.md");
  const svgPath = join(root, smoke ? join("bench", ".out", "BENCHMARKS.svg") : "BENCHMARKS.svg");
  writeFileSync(mdPath, markdown);
  writeFileSync(svgPath, svg);
  // Formatted as the lint wants it (npm run lint checks BENCHMARKS.md with Biome too; the smoke
  // report is outside what Biome looks at).
  if (!smoke) {
    try {
      execFileSync(join(root, "node_modules", ".bin", "biome"), ["format", "--write", mdPath], { stdio: "ignore" });
    } catch (error) {
      log(`biome format ${mdPath} failed (${error.message}); run npm run format`);
    }
  }
  log(`wrote ${mdPath} and ${svgPath} in ${results.seconds.toFixed(0)} s; targets missed: ${misses.length}`);
  for (const miss of misses) log(`  MISS ${miss}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
