// Loopback ports for the tests: the one free-port helper of js-tests/global-setup.ts (the
// origin where nothing listens) and packaging/run.mjs (the same, and ports for its servers).
import net from "node:net";

/** @returns {Promise<number>} a loopback port that was free a moment ago; nothing listens on it now. */
export async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  const address = probe.address();
  await new Promise((resolve) => probe.close(() => resolve(undefined)));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
