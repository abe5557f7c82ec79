// Peak wasm memory while one event of N bytes (`data: ` and N times "x") goes through our package,
// in a fresh process (wasm memory grows but never shrinks, so each figure needs its own).
//   node bench/big-event.js <parser|source> <N> [chunkBytes]
// parser: SseParser.feed over chunks of chunkBytes (default 64 KiB); source: RustEventSource over
// an in-memory Response stream of such chunks. Prints one JSON line: the wasm memory before the
// event, its peak, and the data length received.
const pkgDir = process.env.BENCH_PKG ?? new URL("../pkg", import.meta.url).pathname;
const { RustEventSource, SseParser, wasmMemoryBytes } = await import(`${pkgDir}/index.js`);

const [mode, n, chunk = String(64 * 1024)] = process.argv.slice(2);
const N = Number(n);
const chunkBytes = Number(chunk);
const body = new Uint8Array(N + 8);
body.set(new TextEncoder().encode("data: "), 0);
body.fill(0x78, 6, 6 + N);
body.set(new TextEncoder().encode("\n\n"), 6 + N);
const chunks = [];
for (let i = 0; i < body.length; i += chunkBytes) chunks.push(body.subarray(i, i + chunkBytes));
const sseResponse = (parts) =>
  new Response(
    new ReadableStream({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(next.slice());
        else controller.close();
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );

let peak = 0;
let received = 0;
const sample = () => {
  peak = Math.max(peak, wasmMemoryBytes());
};
let before;
if (mode === "parser") {
  const parser = await SseParser.create({ maxEventBytes: 2 * N + 1024 });
  parser.feed(new TextEncoder().encode("data: warm-up\n\n"));
  before = wasmMemoryBytes();
  for (const part of chunks) {
    for (const event of parser.feed(part)) received += event.data.length;
    sample();
  }
} else {
  const warm = new RustEventSource("http://127.0.0.1/warm-up", {
    fetch: async () => sseResponse([new TextEncoder().encode("data: warm-up\n\n")]),
    reconnect: false,
  });
  for await (const event of warm) void event;
  before = wasmMemoryBytes();
  const source = new RustEventSource("http://127.0.0.1/big-event", {
    fetch: async () => sseResponse(chunks),
    reconnect: false,
    maxEventBytes: 2 * N + 1024,
  });
  const timer = setInterval(sample, 1);
  for await (const event of source) {
    received += event.data.length;
    sample();
  }
  clearInterval(timer);
}
sample();
if (received !== N) throw new Error(`big-event: received ${received} bytes of data, sent ${N}`);
console.log(JSON.stringify({ mode, n: N, chunkBytes, before, peak }));
