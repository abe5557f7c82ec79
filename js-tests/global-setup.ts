// Starts the SSE test server (js-tests/server.mjs) once per Vitest project and hands its origins to
// the tests through `inject("origin")`, `inject("crossOrigin")` and `inject("deadOrigin")`.
import net from "node:net";
import type { TestProject } from "vitest/node";
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

/** A loopback port that was free a moment ago and on which nothing listens now. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide("origin", server.origin);
  project.provide("crossOrigin", server.crossOrigin);
  project.provide("deadOrigin", `http://127.0.0.1:${await closedPort()}`);
  return async () => {
    await server.close();
  };
}
