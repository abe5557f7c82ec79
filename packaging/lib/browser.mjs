// Headless Chromium (the system's /usr/bin/chromium, driven by Playwright) and a tiny static file
// server for built apps.
import http from "node:http";
import { chromium } from "playwright";
import { serveFiles } from "../../examples/node/static-files.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../scripts/chromium.mjs";

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens `url` in a new page and waits until the app wrote its result into <body data-result>.
 * Returns the parsed result and every console error and page error seen.
 * @param {import("playwright").Browser} browser
 * @param {string} url
 */
export async function appResult(browser, url, timeout = 30_000) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  try {
    await page.goto(url);
    const handle = await page.waitForFunction(() => document.body?.dataset.result, undefined, { timeout });
    return { result: JSON.parse(String(await handle.jsonValue())), problems };
  } catch (error) {
    throw new Error(`${url}: ${error instanceof Error ? error.message : error}\n${problems.join("\n")}`);
  } finally {
    await page.close();
  }
}

/**
 * Serves the files of `root` on 127.0.0.1 (any free port), as the demo server serves its page.
 * @param {string} root an absolute folder
 * @returns {Promise<{ origin: string, close: () => Promise<unknown> }>}
 */
export function serveStatic(root) {
  const server = http.createServer(serveFiles(root));
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done(undefined));
          }),
      });
    });
  });
}
