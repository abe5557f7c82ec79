// The same shared cases (js-tests/**/*.test.ts) run against the built package in pkg/ in two
// runtimes: project `node` (Node's fetch) and projects `browser` + `browser-safety` (headless
// Chromium through Playwright; split below). Each project's globalSetup starts the real SSE test
// server in js-tests/server.mjs.
import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/chromium.mjs";

const root = fileURLToPath(new URL(".", import.meta.url));

const shared = {
  include: ["js-tests/**/*.test.ts"],
  globalSetup: ["js-tests/global-setup.ts"],
  testTimeout: 20_000,
  hookTimeout: 20_000,
};

const BROWSER = {
  enabled: true,
  headless: true,
  // Nothing visual to see: a screenshot of an empty page helps no one.
  screenshotFailures: false,
  // 127.0.0.1, not localhost: the test page is then on the same site as the test
  // server, so its SameSite=Lax cookie goes along with `credentials: "include"`.
  api: { host: "127.0.0.1" },
  provider: playwright({
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  }),
};

// In browser mode a project is one Chromium instance that runs its files one after the other.
// The resource-safety file alone takes about as long as all the others (it waits to see that no
// request or reconnection follows), so it is a project of its own: the two instances run at the
// same time. `--project 'browser*'` runs both.
const SAFETY = "js-tests/safety.test.ts";

function browserProject(name: string, files: { include?: string[]; exclude?: string[] }) {
  return {
    extends: true as const,
    test: {
      ...shared,
      ...files,
      name,
      browser: { ...BROWSER, instances: [{ browser: "chromium" as const, name: `${name} (chromium)` }] },
    },
  };
}

export default defineConfig({
  root,
  server: {
    // The browser loads the package from <repo>/pkg through Vite's dev server.
    fs: { allow: [root] },
  },
  test: {
    // The cases mostly wait (on the server, on reconnection delays, on the absence of a request):
    // three at once (a Node worker and the two Chromium instances, or more Node files while a
    // Chromium instance finishes) on a 2-core machine, not more, so that the cases that time a
    // reconnection delay keep their margins.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: "node",
          environment: "node",
          // js-tests/safety.test.ts forces garbage collections (globalThis.gc).
          execArgv: ["--expose-gc"],
        },
      },
      browserProject("browser", { exclude: [SAFETY] }),
      browserProject("browser-safety", { include: [SAFETY] }),
    ],
  },
});
