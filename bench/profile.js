// Summarizes a CDP CPU profile (Profiler.stop): self time per function and per area.

function area(url, name) {
  if (name === "(garbage collector)") return "GC";
  if (name === "(program)" || name === "(root)") return "(program): V8/Blink native work outside JS";
  if (url.startsWith("wasm://")) return "ours: wasm";
  if (url.includes("/pkg/wasm/rust_eventsource.js")) return "ours: wasm-bindgen glue";
  if (url.includes("/pkg/index.js")) return "ours: JS wrapper";
  if (url.includes("/bundle.js")) return "bench harness (stream source, loop)";
  if (url === "") return "V8/Blink builtins (streams, promises, strings)";
  return url;
}

export function summarizeProfile(profile, top = 25) {
  const total = profile.endTime - profile.startTime; // microseconds
  // Idle time (the page waiting between runs) is left out: shares are of the busy time.
  const isIdle = (node) => node.callFrame.functionName === "(idle)";
  const allHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0) || 1;
  const idleHits = profile.nodes.filter(isIdle).reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const hits = allHits - idleHits || 1;
  const msPerHit = total / allHits / 1000;
  const byFunction = new Map();
  const byArea = new Map();
  for (const node of profile.nodes) {
    if (!node.hitCount || isIdle(node)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || "(anonymous)";
    const file = url ? url.replace(/^https?:\/\/[^/]+/, "") : "";
    const key = `${name}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount);
    const where = area(url, name);
    byArea.set(where, (byArea.get(where) ?? 0) + node.hitCount);
  }
  const share = (entries) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => ({ name, percent: (100 * count) / hits, ms: count * msPerHit }));
  return {
    busyMs: hits * msPerHit,
    idleMs: idleHits * msPerHit,
    samples: allHits,
    areas: share(byArea),
    functions: share(byFunction).slice(0, top),
  };
}
