// A request handler serving the files of one folder (`/` is index.html), for the built web demo.
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";

/** @type {Record<string, string>} */
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
};

/**
 * @param {string} root an absolute folder
 * @returns {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void}
 */
export function serveFiles(root) {
  return (req, res) => {
    let file;
    try {
      const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
      file = join(root, path.endsWith(sep) || path.endsWith("/") ? `${path}index.html` : path);
      if (!file.startsWith(root + sep) || !statSync(file).isFile()) file = undefined;
    } catch {
      file = undefined;
    }
    if (file === undefined || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  };
}
