// Two projects run the same shared cases (js-tests/**/*.test.ts) against the built package in
// pkg/: `node` (Node's fetch) and `browser` (headless Chromium through Playwright). Each project's
// globalSetup starts the real SSE test server in js-tests/server.mjs.
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

export default defineConfig({
  root,
  server: {
    // The browser loads the package from <repo>/pkg through Vite's dev server.
    fs: { allow: [root] },
  },
  test: {
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
      {
        extends: true,
        test: {
          ...shared,
          name: "browser",
          browser: {
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
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
