// Starts the SSE test server (js-tests/server.mjs) once per Vitest project and hands its origins to
// the tests through `inject("origin")`, `inject("crossOrigin")` and `inject("deadOrigin")`.
import type { TestProject } from "vitest/node";
import { freePort } from "./ports.mjs";
import { startServer } from "./server.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** http://127.0.0.1:A, the test server. */
    origin: string;
    /** http://127.0.0.1:B, the same server on another port: same site, another origin. */
    crossOrigin: string;
    /** http://127.0.0.1:C where nothing listens: connecting is refused. */
    deadOrigin: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide("origin", server.origin);
  project.provide("crossOrigin", server.crossOrigin);
  project.provide("deadOrigin", `http://127.0.0.1:${await freePort()}`);
  return async () => {
    await server.close();
  };
}
