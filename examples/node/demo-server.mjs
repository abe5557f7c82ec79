// The server of `npm run demo`: the package's own demo SSE server (rust-eventsource/demo-server:
// GET /feed, an authenticated live feed that drops each connection after a few events; POST
// /complete, a reply streamed token by token), which also serves the web demo page built from
// examples/web-demo into examples/web-demo/dist. Loopback only.
import { fileURLToPath } from "node:url";
import { DEMO_TOKEN, startDemoServer } from "rust-eventsource/demo-server";
import { serveFiles } from "./static-files.mjs";

export { DEMO_TOKEN };

/** The built web demo (scripts/demo.sh builds it when it is missing or stale). */
export const WEB_DEMO_DIST = fileURLToPath(new URL("../web-demo/dist", import.meta.url));

/**
 * Starts the demo server with the page at `/`.
 * @param {{ port?: number, host?: string }} [options]
 */
export function startDemo({ port = 0, host = "127.0.0.1" } = {}) {
  return startDemoServer({ port, host, fallback: serveFiles(WEB_DEMO_DIST) });
}
