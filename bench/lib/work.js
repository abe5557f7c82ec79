// The measured work, the same in Node and in Chromium. Every function takes `libs`, the
// clients under test as the runtime provides them:
//   { RustEventSource, createParser, EventSourceNpm, createEventSource,
//     fetchEventSource?, NativeEventSource?, wasmMemoryBytes(), now() }
// Figures come back raw (milliseconds per run); medians and ratios are taken by report.js.

import { chunksOf, makeStream, SHAPES, streamInfo } from "./shapes.js";

const PARSE_CHUNK = 16 * 1024;
/** Node's `Buffer` in Node, where its latin1 decode is the cheapest way to a string; else undefined. */
const nodeBuffer = typeof globalThis.process?.versions?.node === "string" ? globalThis.Buffer : undefined;
/** No single run may take longer than this: a stuck client fails the run, not the bench. */
const RUN_TIMEOUT_MS = 120_000;

function withTimeout(promise, what, cleanup) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      cleanup?.();
      reject(new Error(`${what}: no result after ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// 1. Parse throughput: bytes in memory -> event objects in hand.

/** A fetch that answers with an in-memory stream of the chunks, one chunk per pull. */
function memoryFetch(chunks) {
  return async () => {
    let i = 0;
    const body = new ReadableStream(
      {
        pull(controller) {
          if (i < chunks.length) controller.enqueue(chunks[i++]);
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  };
}

export const PARSE_VARIANTS = {
  async "rust-eventsource SseParser"(libs, chunks) {
    const parser = await libs.SseParser.create();
    let count = 0;
    let dataSum = 0;
    for (const chunk of chunks) {
      for (const event of parser.feed(chunk)) {
        count++;
        dataSum += event.data.length;
      }
    }
    return { count, dataSum };
  },
  async "rust-eventsource"(libs, chunks) {
    const source = new libs.RustEventSource("http://127.0.0.1/in-memory", {
      fetch: memoryFetch(chunks),
      reconnect: false,
    });
    let count = 0;
    let dataSum = 0;
    for await (const event of source) {
      count++;
      dataSum += event.data.length;
    }
    return { count, dataSum };
  },
  async "rust-eventsource batches()"(libs, chunks) {
    const source = new libs.RustEventSource("http://127.0.0.1/in-memory", {
      fetch: memoryFetch(chunks),
      reconnect: false,
    });
    let count = 0;
    let dataSum = 0;
    for await (const batch of source.batches()) {
      for (const event of batch) {
        count++;
        dataSum += event.data.length;
      }
    }
    return { count, dataSum };
  },
  async "eventsource-parser"(libs, chunks) {
    let count = 0;
    let dataSum = 0;
    const parser = libs.createParser({
      onEvent(event) {
        count++;
        dataSum += event.data.length;
      },
    });
    const decoder = new TextDecoder();
    for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
    parser.feed(decoder.decode());
    return { count, dataSum };
  },
};

/**
 * What no parser can beat on the same input, as rows of the parse table (not checked against the
 * stream's events): reading the chunks from a `ReadableStream` (what the whole-source variants do
 * before parsing), decoding them with a streaming `TextDecoder` (what any parser that hands back JS
 * strings pays), and a bare `for await` over one resolved step per event (what a per-event
 * `for await` pays before any parsing).
 */
export const LIMIT_VARIANTS = {
  async "limit: ReadableStream read"(_libs, chunks) {
    const reader = (await memoryFetch(chunks)()).body.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    return { bytes };
  },
  async "limit: TextDecoder.decode"(_libs, chunks) {
    const decoder = new TextDecoder();
    let length = 0;
    for (const chunk of chunks) length += decoder.decode(chunk, { stream: true }).length;
    return { length: length + decoder.decode().length };
  },
  async "limit: for await over resolved steps"(_libs, _chunks, stream) {
    return { count: await stepThrough(stream.count) };
  },
};

/**
 * `n` steps of `value` for a `for await`: the least a per-event `for await` can pay, one await per
 * event of one promise, resolved once, made no more (an async generator costs 2.5-3x this in Node
 * 20; an iterator making a result and a resolved promise per call, as ours must, about 1.2x).
 */
function resolvedSteps(n, value) {
  const result = { value, done: false };
  const resolved = Promise.resolve(result);
  let left = n;
  return {
    next() {
      if (left-- === 0) result.done = true;
      return resolved;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Parse throughput of every variant on one shape: `warmup` untimed runs each, then `rounds`
 * rounds in which every variant runs once (the order rotates). Returns ms per variant per round.
 * `variants` limits the run to some of PARSE_VARIANTS (for profiling).
 */
let lastStream; // the input of the last parseShape call, kept so that profiles skip building it

export async function parseShape(libs, { shape, bytes, rounds, warmup, variants }) {
  if (lastStream?.shape !== shape || lastStream.asked !== bytes)
    lastStream = { ...makeStream(shape, bytes), asked: bytes };
  const stream = lastStream;
  const chunks = chunksOf(stream.data, PARSE_CHUNK);
  const names = variants ?? [...Object.keys(PARSE_VARIANTS), ...Object.keys(LIMIT_VARIANTS)];
  const run = (name) => (PARSE_VARIANTS[name] ?? LIMIT_VARIANTS[name])(libs, chunks, stream);
  const check = (name, got) => {
    if (name in LIMIT_VARIANTS) return;
    if (got.count !== stream.count || got.dataSum !== stream.dataSum) {
      throw new Error(
        `parse ${shape} ${name}: got ${got.count} events / ${got.dataSum} data, want ${stream.count} / ${stream.dataSum}`,
      );
    }
  };
  for (let w = 0; w < warmup; w++) {
    for (const name of names) check(name, await run(name));
  }
  const ms = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const start = libs.now();
      const got = await run(name);
      ms[name].push(libs.now() - start);
      check(name, got);
    }
  }
  return { shape, bytes: stream.bytes, count: stream.count, ms };
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Clients over the network. Each one connects to `url`, calls `onData(data)` for every
// event, and resolves once it has seen `count` events (then it closes its connection).

export const CLIENTS = {
  async "rust-eventsource"(libs, url, { count }, onData) {
    const source = new libs.RustEventSource(url, { reconnect: false });
    let seen = 0;
    const run = (async () => {
      for await (const event of source) {
        onData(event.data);
        if (++seen === count) break;
      }
      if (seen !== count) throw new Error(`stream ended after ${seen} of ${count} events`);
    })();
    await withTimeout(run, "rust-eventsource", () => source.close());
  },
  async "rust-eventsource batches()"(libs, url, { count }, onData) {
    const source = new libs.RustEventSource(url, { reconnect: false });
    let seen = 0;
    const run = (async () => {
      outer: for await (const batch of source.batches()) {
        for (const event of batch) {
          onData(event.data);
          if (++seen === count) break outer;
        }
      }
      if (seen !== count) throw new Error(`stream ended after ${seen} of ${count} events`);
    })();
    await withTimeout(run, "rust-eventsource batches()", () => source.close());
  },
  "EventSource (native)"(libs, url, info, onData) {
    if (!libs.NativeEventSource) return undefined;
    return eventTargetClient(new libs.NativeEventSource(url), info, onData, "EventSource (native)");
  },
  eventsource(libs, url, info, onData) {
    return eventTargetClient(new libs.EventSourceNpm(url), info, onData, "eventsource");
  },
  async "eventsource-client"(libs, url, { count }, onData) {
    let seen = 0;
    let source;
    const run = new Promise((resolve, reject) => {
      source = libs.createEventSource({
        url,
        onMessage(message) {
          if (seen === count) return;
          onData(message.data);
          if (++seen === count) {
            source.close();
            resolve();
          }
        },
        onDisconnect() {
          if (seen !== count) {
            source.close();
            reject(new Error(`eventsource-client: disconnected after ${seen} of ${count} events`));
          }
        },
      });
    });
    await withTimeout(run, "eventsource-client", () => source.close());
  },
  "@microsoft/fetch-event-source"(libs, url, { count }, onData) {
    if (!libs.fetchEventSource) return undefined;
    const controller = new AbortController();
    let seen = 0;
    const run = libs
      .fetchEventSource(url, {
        signal: controller.signal,
        openWhenHidden: true,
        onmessage(message) {
          if (seen === count) return;
          onData(message.data);
          if (++seen === count) controller.abort();
        },
        onclose() {
          if (seen !== count) throw new Error(`closed after ${seen} of ${count} events`);
        },
        onerror(error) {
          throw error; // no retry
        },
      })
      .then(() => {
        if (seen !== count) throw new Error(`ended after ${seen} of ${count} events`);
      });
    return withTimeout(run, "@microsoft/fetch-event-source", () => controller.abort());
  },
  async "fetch + eventsource-parser"(libs, url, { count }, onData) {
    const controller = new AbortController();
    const run = (async () => {
      const response = await fetch(url, {
        headers: { accept: "text/event-stream" },
        cache: "no-store",
        signal: controller.signal,
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let seen = 0;
      const parser = libs.createParser({
        onEvent(event) {
          if (seen === count) return;
          onData(event.data);
          seen++;
        },
      });
      while (seen < count) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      reader.cancel().catch(() => {});
      if (seen !== count) throw new Error(`stream ended after ${seen} of ${count} events`);
    })();
    await withTimeout(run, "fetch + eventsource-parser", () => controller.abort());
  },
};

function eventTargetClient(source, { count, type }, onData, name) {
  let seen = 0;
  const run = new Promise((resolve, reject) => {
    source.addEventListener(type, (event) => {
      if (seen === count) return;
      onData(event.data);
      if (++seen === count) {
        source.close();
        resolve();
      }
    });
    source.onerror = () => {
      if (seen === count) return;
      source.close();
      reject(new Error(`${name}: error after ${seen} of ${count} events`));
    };
  });
  return withTimeout(run, name, () => source.close());
}

/**
 * The ceiling: fetch and read the body, nothing else. Resolves after `bytes` bytes. For the limit
 * rows below: `decode`, if given, is called with each chunk; with `eventLength`, a `for await` takes
 * one resolved step (`stepThrough`) for each event of that length that the bytes read so far
 * complete.
 */
export async function rawFetch(url, bytes, { decode, eventLength } = {}) {
  const response = await fetch(url, { cache: "no-store" });
  const reader = response.body.getReader();
  let got = 0;
  let length = 0;
  let stepped = 0;
  while (got < bytes) {
    const { value, done } = await reader.read();
    if (done) break;
    got += value.length;
    if (decode) length += decode(value).length;
    if (eventLength) stepped += await stepThrough(Math.floor(got / eventLength) - stepped);
  }
  reader.cancel().catch(() => {});
  if (got !== bytes) throw new Error(`raw fetch: got ${got} of ${bytes} bytes`);
  if (eventLength && stepped * eventLength !== bytes) throw new Error(`raw fetch: ${stepped} steps`);
  return length;
}

/**
 * `n` resolved steps of a `for await` in a function of their own, as a client's loop is (the
 * parse table's step limit, and rawFetch's for each chunk): an await resumes its function's whole
 * frame, and in rawFetch's, with the reader and its counters, each step cost 50-60 ns more (Node,
 * tiny events, read included: 189-193 ns per event against 128-144; session 6), more than our
 * own source's step.
 */
async function stepThrough(n) {
  let stepped = 0;
  for await (const one of resolvedSteps(n, 1)) stepped += one;
  return stepped;
}

export const RAW = "raw fetch (ceiling)";
/** The limit row of our own design's least work (see DECODE_LIMITS). */
export const WASM_COPY_LIMIT = "limit: raw fetch + copy into wasm memory + decode";
const WASM_SLICE = 64 * 1024;

/**
 * What any client that hands out JS strings pays on top of the raw read: turning the bytes into
 * strings. A streaming `TextDecoder` (what a JS parser fed by `fetch` uses, as eventsource-parser
 * is here), and one `decode` per whole chunk without `stream` (the cheapest decode; not correct
 * for a character split between chunks, so a lower bound, not a client). Node 20's streaming
 * decoder leaves its fast path, which is why the two differ there. WASM_COPY_LIMIT adds what a
 * client that parses in wasm memory pays first: the copy of every byte into it.
 */
export const DECODE_LIMITS = {
  "limit: raw fetch + streaming TextDecoder": () => {
    const decoder = new TextDecoder();
    return (chunk) => decoder.decode(chunk, { stream: true });
  },
  "limit: raw fetch + TextDecoder per chunk": () => {
    const decoder = new TextDecoder();
    return (chunk) => decoder.decode(chunk);
  },
  [WASM_COPY_LIMIT]: () => {
    // What our design pays at least: each chunk copied into wasm memory in slices of 64 KiB
    // (src/source.rs) and each slice decoded from there as our wrapper decodes a batch (Node's
    // Buffer, latin1, the ASCII case; TextDecoder elsewhere: pkg-template/src/batch-reader.ts).
    // No scan, no parse, no crossing into wasm.
    const memory = new WebAssembly.Memory({ initial: 1 });
    const into = new Uint8Array(memory.buffer);
    const latin1 = nodeBuffer?.from(memory.buffer);
    const decoder = new TextDecoder();
    return (chunk) => {
      let length = 0;
      for (let at = 0; at < chunk.length; at += WASM_SLICE) {
        const slice = chunk.subarray(at, at + WASM_SLICE);
        into.set(slice);
        const text = latin1
          ? latin1.toString("latin1", 0, slice.length)
          : decoder.decode(into.subarray(0, slice.length));
        length += text.length;
      }
      return { length };
    };
  },
};

/**
 * What any client that hands out events one `for await` step at a time pays at least: the raw
 * read, and one await per event of one promise resolved once (the parse table's step limit). No
 * decode, no parse, no event object: what is left of a callback client's time for all of those.
 */
export const STEP_LIMIT = "limit: raw fetch + for await over resolved steps";

/**
 * What any client that hands out event objects one `for await` step at a time, through an iterator
 * its callers can trust, pays at least: the raw read, one decode per chunk or per 64 KiB of a
 * larger one (the cheapest: latin1 in Node, as our wrapper decodes ASCII; one `TextDecoder.decode`
 * elsewhere, as DECODE_LIMITS), and per event one slice of the data's length, the event object,
 * and a step of a conforming iterator: a result object and a resolved promise made per `next()` (a
 * caller may hold several steps at once, so neither can be reused as STEP_LIMIT's is). No scan and
 * no field: the events are where the shape's fixed layout puts them, the type and ID are
 * constants. What is left of a callback client's time per event is all that finding the events
 * may cost.
 */
export const EVENT_LIMIT = "limit: raw fetch + decode + for await over event objects";

export async function eventFloor(url, info) {
  const sample = SHAPES[info.shape].event(0);
  const layout = {
    length: info.eventLength,
    dataAt: sample.indexOf("data: ") + 6,
    dataLength: info.dataSum / info.count,
    type: info.type,
  };
  const decode = cheapestDecode();
  const response = await fetch(url, { cache: "no-store" });
  const reader = response.body.getReader();
  // The decoded slices from the one that holds the next event's first byte on: { at, text }.
  const pieces = [];
  let got = 0;
  let stepped = 0;
  let dataSum = 0;
  while (got < info.bytes) {
    const { value, done } = await reader.read();
    if (done) break;
    // In slices of at most 64 KiB, as our source steps: Chromium hands over chunks of up to 2 MiB,
    // and one string per such chunk measured slower than ours on large events.
    for (let at = 0; at < value.length; at += WASM_SLICE)
      pieces.push({ at: got + at, text: decode(value.subarray(at, at + WASM_SLICE)) });
    got += value.length;
    const n = Math.floor(got / layout.length) - stepped;
    if (n > 0) dataSum += await stepThroughEvents(eventSteps(pieces, stepped, n, layout));
    stepped += n;
    while (pieces.length > 1 && pieces[1].at <= stepped * layout.length) pieces.shift();
  }
  reader.cancel().catch(() => {});
  if (got !== info.bytes || stepped !== info.count || dataSum !== info.dataSum)
    throw new Error(`event floor: ${got} of ${info.bytes} bytes, ${stepped} events, ${dataSum} data`);
}

function cheapestDecode() {
  if (nodeBuffer) return (chunk) => nodeBuffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("latin1");
  const decoder = new TextDecoder();
  return (chunk) => decoder.decode(chunk);
}

/** A conforming iterator over `n` events from event number `first`, sliced out of `pieces`. */
function eventSteps(pieces, first, n, { length, dataAt, dataLength, type }) {
  let event = first;
  let piece = 0;
  const end = first + n;
  const slice = (from, to) => {
    while (pieces[piece].at + pieces[piece].text.length <= from) piece++;
    let { at, text } = pieces[piece];
    if (to <= at + text.length) return text.slice(from - at, to - at);
    let joined = text.slice(from - at);
    for (let k = piece + 1; at + text.length < to; k++) {
      ({ at, text } = pieces[k]);
      joined += text.slice(0, to - at);
    }
    return joined;
  };
  return {
    next() {
      if (event === end) return Promise.resolve({ value: undefined, done: true });
      const from = event++ * length + dataAt;
      const value = { type, data: slice(from, from + dataLength), lastEventId: "" };
      return Promise.resolve({ value, done: false });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** A client's loop over `steps`, in a function of its own (see stepThrough). */
async function stepThroughEvents(steps) {
  let dataSum = 0;
  for await (const event of steps) dataSum += event.data.length;
  return dataSum;
}

const KEEP_FULL = [
  STEP_LIMIT,
  EVENT_LIMIT,
  "rust-eventsource",
  "rust-eventsource batches()",
  "fetch + eventsource-parser",
  ...Object.keys(DECODE_LIMITS),
  RAW,
];

/** The client names this runtime can run, then the limit rows, and RAW last. */
export function clientNames(libs) {
  const names = Object.keys(CLIENTS).filter((name) => {
    if (name === "EventSource (native)") return Boolean(libs.NativeEventSource);
    if (name === "@microsoft/fetch-event-source") return Boolean(libs.fetchEventSource);
    return true;
  });
  return [...names, ...Object.keys(DECODE_LIMITS), STEP_LIMIT, EVENT_LIMIT, RAW];
}

function streamUrl(base, shape, bytes) {
  return `${base}/stream?shape=${shape}&bytes=${bytes}`;
}

async function runClient(libs, name, base, info) {
  const url = streamUrl(base, info.shape, info.bytes);
  if (name === RAW) return rawFetch(url, info.bytes);
  if (name in DECODE_LIMITS) return rawFetch(url, info.bytes, { decode: DECODE_LIMITS[name]() });
  if (name === STEP_LIMIT) return rawFetch(url, info.bytes, { eventLength: info.eventLength });
  if (name === EVENT_LIMIT) return eventFloor(url, info);
  let dataSum = 0;
  let seen = 0;
  await CLIENTS[name](libs, url, info, (data) => {
    seen++;
    dataSum += data.length;
  });
  if (seen !== info.count || dataSum !== info.dataSum) {
    throw new Error(
      `${name} ${info.shape}: got ${seen} events / ${dataSum} data, want ${info.count} / ${info.dataSum}`,
    );
  }
}

/**
 * End to end over HTTP for one shape: every client warms up on a small stream, then `rounds`
 * rounds in which every client reads the whole stream once (the order rotates). A client whose
 * warm-up says it would need more than `maxRunMs` for the whole stream reads a shorter one
 * (whole events, at least the warm-up's): the peers that dispatch DOM events are ~100x slower
 * than the rest on small events. Ours and the two references of the targets always read the
 * whole stream. Returns, per client, the stream it read and its ms per round.
 */
export async function endToEndShape(libs, { base, shape, bytes, warmupBytes, rounds, maxRunMs }) {
  const full = streamInfo(shape, bytes);
  const warm = streamInfo(shape, warmupBytes);
  const names = clientNames(libs);
  const clients = {};
  for (const name of names) {
    await runClient(libs, name, base, warm); // cold
    const start = libs.now();
    await runClient(libs, name, base, warm);
    const estimate = ((libs.now() - start) * full.bytes) / warm.bytes;
    const info =
      estimate <= maxRunMs || KEEP_FULL.includes(name)
        ? full
        : streamInfo(shape, Math.max(warm.bytes, Math.floor((full.bytes * maxRunMs) / estimate)));
    clients[name] = { bytes: info.bytes, count: info.count, info, ms: [] };
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const start = libs.now();
      await runClient(libs, name, base, clients[name].info);
      clients[name].ms.push(libs.now() - start);
    }
  }
  for (const client of Object.values(clients)) delete client.info;
  return { shape, bytes: full.bytes, count: full.count, clients };
}

// ---------------------------------------------------------------------------------------------
// 3. Latency: the server sends its clock every `interval` ms; arrival - send per event.

/** server clock - our clock, from the exchange with the smallest round trip. */
export async function clockOffset(libs, base, tries = 25) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < tries; i++) {
    const t0 = libs.now();
    const server = Number(await (await fetch(`${base}/now`, { cache: "no-store" })).text());
    const t1 = libs.now();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: server - (t0 + t1) / 2 };
  }
  return best;
}

/**
 * Latency of every client: a warm-up stream each, then `rounds` rounds in which every client
 * (in rotating order) reads `events` events; the delays of all rounds are pooled per client.
 */
export async function latency(libs, { base, events, interval, warmupEvents, rounds }) {
  const clock = await clockOffset(libs, base);
  const names = clientNames(libs).filter((name) => name in CLIENTS);
  const delays = Object.fromEntries(names.map((name) => [name, []]));
  const read = (name, n, into) =>
    CLIENTS[name](
      libs,
      `${base}/latency?n=${n}&interval=${interval}`,
      { count: n, type: "message", shape: "latency" },
      (data) => {
        // arrival (our clock) - send (server clock, moved to ours)
        into?.push(libs.now() - (Number(data) - clock.offset));
      },
    );
  for (const name of names) await read(name, warmupEvents);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      await read(name, events, delays[name]);
    }
  }
  return { clock, delays };
}

// ---------------------------------------------------------------------------------------------
// 4. Memory.

/** Reads one stream with `name`, sampling heap and wasm memory every few ms; returns the peaks. */
export async function memoryStream(libs, { base, name, shape, bytes }) {
  const info = streamInfo(shape, bytes);
  const url = streamUrl(base, shape, info.bytes);
  const before = { heap: libs.heapUsed(), wasm: libs.wasmMemoryBytes() };
  let peakHeap = before.heap;
  let peakWasm = before.wasm;
  const sample = () => {
    peakHeap = Math.max(peakHeap, libs.heapUsed());
    peakWasm = Math.max(peakWasm, libs.wasmMemoryBytes());
  };
  const timer = setInterval(sample, 5);
  const start = libs.now();
  let seen = 0;
  try {
    await CLIENTS[name](libs, url, info, () => {
      // Also sample from inside the stream, in case the timer is starved.
      if ((++seen & 1023) === 0) sample();
    });
  } finally {
    clearInterval(timer);
  }
  sample();
  return { name, shape, bytes: info.bytes, ms: libs.now() - start, before, peakHeap, peakWasm };
}

/**
 * `n` open/close cycles against `/hold`, each waiting for the first event, then closing by one
 * of the three paths in turn (cycle i % 3): close(), leaving for-await, aborting the signal.
 */
export async function openCloseCycles(libs, { base, n, tag = "" }) {
  const start = libs.now();
  for (let i = 0; i < n; i++) {
    const path = i % 3;
    const controller = path === 2 ? new AbortController() : undefined;
    // The tag lets the server say which cycle left a connection open (and so by which path).
    const url = `${base}/hold?i=${tag}${i}`;
    const source = new libs.RustEventSource(url, { reconnect: false, signal: controller?.signal });
    const run = (async () => {
      if (path === 1) {
        for await (const event of source) {
          if (event.data !== "open") throw new Error(`cycle ${i}: unexpected ${event.data}`);
          break;
        }
        return;
      }
      const first = await source.next();
      if (first.done || first.value.data !== "open") throw new Error(`cycle ${i}: no first event`);
      if (path === 0) source.close();
      else controller.abort();
    })();
    await withTimeout(run, `cycle ${i}`, () => source.close());
    if (source.readyState !== 2) throw new Error(`cycle ${i}: readyState ${source.readyState} after close`);
  }
  return { n, ms: libs.now() - start, wasm: libs.wasmMemoryBytes() };
}

/** Loads our wasm (an empty in-memory stream), so that wasm memory can be read. */
export async function warmOurs(libs) {
  const source = new libs.RustEventSource("http://127.0.0.1/in-memory", {
    fetch: memoryFetch([new TextEncoder().encode("data: x\n\n")]),
    reconnect: false,
  });
  for await (const event of source) void event;
  return libs.wasmMemoryBytes();
}
