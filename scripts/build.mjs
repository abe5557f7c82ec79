// Builds the publishable package into pkg/: the wasm (wasm-pack, release), the TypeScript wrapper
// of pkg-template/src/ compiled by tsc (JS and .d.ts), and the other files of pkg-template/.
// Run through `npm run build`.
import { execFileSync } from "node:child_process";
import { inflateRawSync } from "node:zlib";
import { deflate as zopfli } from "@gfx/zopfli";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dropExports, snipFunctions } from "./wasm-trim.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "wasm");
const pkg = join(root, "pkg");
// Assembled next to pkg/ and swapped in at the end, so a running test never sees half a package.
const staging = join(root, "build", "pkg");
// Exports of wasm-streams that nothing in the package calls (see trimWasm).
const UNUSED_EXPORTS = ["intounderlying", "__wbg_intounderlying"];
// The code of those adapters (their pull, write, close and abort futures: `future_to_promise`
// boxes each, so the function table keeps their poll and drop functions, and all they reach, after
// their exports went). Nothing can call it once the exports are gone.
// Their futures inlined into `future_to_promise`'s closures carry no wasm-streams name: every
// `future_to_promise` in the wasm is theirs, as the crate makes no promise from a future
// (src/bindings.rs calls back instead; checked below).
const WASM_STREAMS_ADAPTERS =
  /wasm_streams::(readable|writable)::into_underlying_(source|byte_source|sink)::|^js_sys::futures::future_to_promise::/;
// Functions whose bodies are replaced (scripts/wasm-trim.mjs): 9.4 KB less shipped (78.1 -> 68.7 KB):
// - The panic machinery: the std panic handler formats the message and the location for a hook
//   whose output goes nowhere on wasm32-unknown-unknown, then `panic = "abort"` traps with
//   `unreachable`. Trapping at once is what JS sees either way ("RuntimeError: unreachable").
//   Every function here diverges (the snip checks that each returns nothing).
// - `<f64 as Display>::fmt` (with the float printing only it reaches: 18 KB of wasm) writes
//   nothing instead. The only text it wrote was serde's type errors from serde-wasm-bindgen,
//   which src/options.rs discards (its own messages show numbers through JS `String(n)`), and
//   clippy.toml forbids the formatting macros in the crate, so nothing else can come to use it.
// - serde's `Unexpected` Display (the "invalid type: string \"x\"" part of those same discarded
//   errors, with the string and char escaping only it reaches) writes nothing either: 194 bytes
//   less shipped (70,043 -> 69,849), which the parser and step work of session 4 had used up.
// - wasm-streams' adapters (WASM_STREAMS_ADAPTERS above) trap: nothing can call them once their
//   exports are gone (3.7 KB less shipped with the glue's imports only they used, 69,387 -> 65,708).
const SNIPPED = [
  { name: /^core\[\w+\]::panicking::/, body: "unreachable" },
  { name: /^std\[\w+\]::panicking::panic_with_hook$/, body: "unreachable" },
  {
    name: /^core\[\w+\]::(str::slice_error_fail|slice::index::slice_index_fail|option::(unwrap|expect)_failed|result::unwrap_failed|cell::panic_already_(mutably_)?borrowed)$/,
    body: "unreachable",
  },
  { name: /^<f64 as core\[\w+\]::fmt::Display>::fmt$/, body: "ok" },
  { name: /^<serde_core::de::Unexpected as core::fmt::Display>::fmt(::h[0-9a-f]+)?$/, body: "ok" },
  { name: WASM_STREAMS_ADAPTERS, body: "dead" },
];
const say = (message) => console.log(`[build] ${message}`);

// wasm-opt from the npm package binaryen (Debian's is too old), and cargo's bin directory.
const env = {
  ...process.env,
  PATH: [join(root, "node_modules", ".bin"), join(process.env.HOME ?? "", ".cargo", "bin"), process.env.PATH].join(":"),
};

say("compiling Rust to wasm (wasm-pack build --release --target web --weak-refs)");
execFileSync(
  "wasm-pack",
  [
    "build",
    "--release",
    "--target",
    "web",
    "--weak-refs",
    "--no-pack",
    "--out-dir",
    out,
    "--out-name",
    "rust_eventsource",
  ],
  { cwd: root, env, stdio: "inherit" },
);

say("assembling pkg/");
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const template = join(root, "pkg-template");
// The hand-written files as they are; the TypeScript sources are compiled below.
const compiled = [join(template, "src"), join(template, "tsconfig.json")];
cpSync(template, staging, { recursive: true, filter: (path) => !compiled.includes(path) });

// The wasm glue goes to build/glue/wasm/, where pkg-template/tsconfig.json finds its types
// (`rootDirs`), then into the package's wasm/.
const glueDir = join(root, "build", "glue", "wasm");
rmSync(glueDir, { recursive: true, force: true });
mkdirSync(glueDir, { recursive: true });
const wasm = trimWasm(join(out, "rust_eventsource_bg.wasm"));
// wasm-bindgen's glue falls back to `new URL("rust_eventsource_bg.wasm", import.meta.url)` when
// init gets no module. The wrapper always passes the inlined bytes, and no .wasm file ships, but
// webpack 5 resolves every `new URL(literal, import.meta.url)` at build time and fails on the
// missing file ("Module not found"): remove the dead fallback.
const glue = trimGlue(readFileSync(join(out, "rust_eventsource.js"), "utf8"), wasm);
const fallback = "module_or_path = new URL('rust_eventsource_bg.wasm', import.meta.url);";
if (!glue.includes(fallback))
  throw new Error("build: wasm-bindgen glue changed; update the .wasm URL fallback removal");
writeFileSync(
  join(glueDir, "rust_eventsource.js"),
  glue.replace(fallback, 'throw new Error("rust-eventsource: the wasm bytes must be passed to init");'),
);
cpSync(join(out, "rust_eventsource.d.ts"), join(glueDir, "rust_eventsource.d.ts"));
// The types generated from the Rust types (tsify, typescript_custom_section) open the glue's
// .d.ts, before its classes and init functions: they ship alone as wasm/types.d.ts, which the
// wrapper's types.ts re-exports.
const glueTypes = readFileSync(join(out, "rust_eventsource.d.ts"), "utf8");
const firstItem = glueTypes.search(/^(export |declare )(class|function|type InitInput)/m);
if (firstItem < 0 || !glueTypes.includes("export interface RustEventSourceInit"))
  throw new Error("build: wasm-bindgen .d.ts changed; update the generated types extraction");
writeFileSync(
  join(glueDir, "types.d.ts"),
  `// Generated by scripts/build.mjs from the Rust types (tsify), via wasm-bindgen.\n${glueTypes
    .slice(0, firstItem)
    .replace(/^\/\* (tslint|eslint)[^\n]*\n/gm, "")
    // web-sys' enum, declared because wasm-streams binds it: not part of the package's types.
    .replace(/\/\*\*\n \* The `ReadableStreamType` enum\.[\s\S]*?export type ReadableStreamType = "bytes";\n/, "")}`,
);
// The wasm is inlined so that no bundler, dev server or runtime has to locate a .wasm file next
// to the JS: the same module loads in Vite, webpack, workers and Node. It is compressed (raw
// DEFLATE) before the base64 (DEFLATE cannot shrink base64 much; base64 of DEFLATE is ~25% smaller
// on the wire) and inflated synchronously at load time (src/inflate.ts).
// Zopfli writes ordinary DEFLATE, 6% smaller than zlib's level 9 on this wasm (-4.4 KB shipped),
// in about 4 s of build time; the check below proves any inflater reads it back.
const packed = Buffer.from(
  await new Promise((resolve, reject) =>
    zopfli(wasm, { numiterations: 15 }, (error, output) => (error ? reject(error) : resolve(output))),
  ),
);
if (!inflateRawSync(packed).equals(wasm)) throw new Error("build: the DEFLATE stream does not inflate to the wasm");
writeFileSync(
  join(glueDir, "bytes.js"),
  `// Generated by scripts/build.mjs: rust_eventsource_bg.wasm, raw DEFLATE, base64.\nexport const wasmBytes = ${wasm.length};\nexport const wasmDeflateBase64 = "${packed.toString("base64")}";\n`,
);
writeFileSync(
  join(glueDir, "bytes.d.ts"),
  "/** The size of the wasm binary. */\nexport declare const wasmBytes: number;\n/** The wasm binary, raw DEFLATE, base64. */\nexport declare const wasmDeflateBase64: string;\n",
);

say("compiling the TypeScript wrapper (tsc -p pkg-template/tsconfig.json)");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(template, "tsconfig.json"), "--outDir", staging], {
  cwd: root,
  stdio: "inherit",
});
// types.ts holds types only: its .d.ts is needed, its empty module is not.
rmSync(join(staging, "types.js"));
// The glue's JS and the generated types; the glue's .d.ts served the type check only (the
// package's .d.ts does not import it).
mkdirSync(join(staging, "wasm"));
for (const file of ["rust_eventsource.js", "bytes.js", "types.d.ts"])
  cpSync(join(glueDir, file), join(staging, "wasm", file));
// The npm page and `npm pack` show the repository's README; the licences ship with the package.
for (const file of ["README.md", "LICENSE-MIT", "LICENSE-APACHE"]) cpSync(join(root, file), join(staging, file));
rmSync(`${pkg}.old`, { recursive: true, force: true });
try {
  renameSync(pkg, `${pkg}.old`);
} catch {
  // no previous build
}
renameSync(staging, pkg);
rmSync(`${pkg}.old`, { recursive: true, force: true });
say(`done: pkg/ (wasm ${wasm.length} bytes)`);

/**
 * The wasm as wasm-bindgen left it (with its function names: Cargo.toml asks wasm-pack for
 * `--keep-debug` and no wasm-opt), trimmed, then optimized here:
 * - wasm-streams exports its adapters from Rust streams to JS streams (IntoUnderlyingSource,
 *   IntoUnderlyingByteSource, IntoUnderlyingSink) with every build that links it; the package
 *   only reads JS streams from Rust. Their exports go, their code is trapped (SNIPPED:
 *   WASM_STREAMS_ADAPTERS, -3.7 KB shipped), and their classes and imports leave the glue.
 * - SNIPPED: code that runs only to build text nobody reads (see there).
 * wasm-opt then drops the code only these reached, and the function names.
 */
function trimWasm(path) {
  // WASM_STREAMS_ADAPTERS holds only while the crate itself makes no promise from a future.
  for (const file of readdirSync(join(root, "src"), { recursive: true })) {
    if (!file.endsWith(".rs")) continue;
    const code = readFileSync(join(root, "src", file), "utf8").replace(/\/\/.*$/gm, "");
    const exportsAsync = code.includes("#[wasm_bindgen") && /\bpub\s+async\s+fn\b/.test(code);
    if (exportsAsync || /\bfuture_to_promise\s*\(/.test(code))
      throw new Error(`build: src/${file} makes a promise from a future; update WASM_STREAMS_ADAPTERS`);
  }
  const { bytes: exported, dropped } = dropExports(readFileSync(path), UNUSED_EXPORTS);
  if (dropped.length === 0) throw new Error("build: no wasm-streams adapter exported; update UNUSED_EXPORTS");
  const { bytes, snipped } = snipFunctions(exported, SNIPPED);
  for (const rule of SNIPPED)
    if (!snipped.some((name) => rule.name.test(name)))
      throw new Error(`build: no function matches ${rule.name}; update SNIPPED`);
  const trimmed = join(out, "trimmed.wasm");
  writeFileSync(trimmed, bytes);
  // The features the Rust target and .cargo/config.toml enable, no more: --all-features would let
  // wasm-opt write encodings that engines do not read yet.
  const features = ["simd", "bulk-memory", "nontrapping-float-to-int", "sign-ext", "mutable-globals"];
  const flags = [...features, "reference-types", "multivalue"].map((feature) => `--enable-${feature}`);
  // Two passes: the second still finds 0.6 KB (shipped) to win after the first. The custom
  // sections (names, producers, target features) serve no engine: -0.2 KB shipped.
  // KEEP_NAMES=1 keeps the function names, for profiles that name wasm functions (`perf record`
  // with `node --perf-basic-prof`, DevTools): not for a package, it is 100 KB larger.
  const names = process.env.KEEP_NAMES ? ["--debuginfo"] : ["--strip-debug"];
  for (let pass = 0; pass < 2; pass++)
    execFileSync(
      "wasm-opt",
      ["-O3", ...names, "--strip-producers", "--strip-target-features", ...flags, trimmed, "-o", trimmed],
      { env, stdio: "inherit" },
    );
  say(`dropped ${dropped.length} unused wasm-streams exports, snipped ${snipped.length} functions (SNIPPED)`);
  return readFileSync(trimmed);
}

/**
 * The glue without what the trimmed wasm no longer uses: wasm-streams' adapter classes, and the
 * imports (`__wbg_*` functions of the import object) that only the dropped code called.
 */
function trimGlue(glue, wasm) {
  const imported = new Set(WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.name));
  // Each import is one entry of the import object, from its name at eight spaces' indent to the
  // next entry or the object's end.
  let unused = 0;
  let trimmed = glue.replace(/\n {8}(__wbg_\w+): [\s\S]*?(?=\n {8}\w+: |\n {4}\};)/g, (entry, name) => {
    if (imported.has(name)) return entry;
    unused++;
    return "";
  });
  if (unused === 0) throw new Error("build: no unused import left in the glue; update trimGlue");
  say(`dropped ${unused} imports from the glue that the trimmed wasm does not use`);
  for (const name of ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"]) {
    const block = new RegExp(
      `\\nclass ${name} \\{[\\s\\S]*?\\nif \\(Symbol\\.dispose\\) ${name}\\.prototype\\[Symbol\\.dispose\\] = ${name}\\.prototype\\.free;\\n`,
    );
    trimmed = trimmed.replace(block, "\n").replace(new RegExp(`const ${name}Finalization = [^;]*;\\n`), "");
  }
  if (trimmed.includes("IntoUnderlying")) throw new Error("build: wasm-bindgen glue changed; update trimGlue");
  return trimmed;
}
