// Sizes: our shipped files raw, and for ours and every peer an esbuild bundle of the package
// entry, minified, then gzip (level 9) and brotli (quality 11) of it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const brotli = (bytes) =>
  brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length;

async function minifiedBundle(contents, resolveDir) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0].contents;
}

async function bundleSizes(contents, resolveDir) {
  const min = await minifiedBundle(contents, resolveDir);
  return { min: min.length, minGzip: gzip(min), minBrotli: brotli(min) };
}

export const PEERS = ["eventsource-parser", "eventsource", "eventsource-client", "@microsoft/fetch-event-source"];

export async function measureSizes(root, benchDir) {
  const pkg = join(root, "pkg");
  const files = ["index.js", ...readdirSync(join(pkg, "wasm")).map((name) => `wasm/${name}`)];
  const shipped = files.map((name) => {
    const bytes = readFileSync(join(pkg, name));
    return { name, raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
  });
  const sum = (key) => shipped.reduce((total, file) => total + file[key], 0);
  // The wasm binary itself, inlined as base64 (of the wasm, or of its gzip) in wasm/bytes.js.
  const inlined = /"([A-Za-z0-9+/=]+)"/.exec(readFileSync(join(pkg, "wasm", "bytes.js"), "utf8"));
  let wasm = inlined ? Buffer.from(inlined[1], "base64") : undefined;
  if (wasm && wasm[0] === 0x1f && wasm[1] === 0x8b) wasm = gunzipSync(wasm);
  if (wasm && wasm.readUInt32BE(0) !== 0x0061736d) wasm = undefined; // not "\0asm": unknown layout
  const ours = {
    files: shipped,
    raw: sum("raw"),
    gzip: sum("gzip"),
    brotli: sum("brotli"),
    wasm: wasm && { raw: wasm.length, gzip: gzip(wasm), brotli: brotli(wasm) },
    ...(await bundleSizes(`export * from ${JSON.stringify(join(pkg, "index.js"))};`, root)),
  };
  const peers = {};
  for (const name of PEERS) peers[name] = await bundleSizes(`export * from ${JSON.stringify(name)};`, benchDir);
  return { ours, peers };
}
