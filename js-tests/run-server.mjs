// Starts the SSE test server on its own and prints its two origins, for debugging with curl or a
// browser: `node js-tests/run-server.mjs`, then e.g. `curl -N "$ORIGIN/counter?n=3&interval=500"`.
import { startServer } from "./server.mjs";

const server = await startServer();
console.log(`origin=${server.origin}`);
console.log(`crossOrigin=${server.crossOrigin}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await server.close();
    process.exit(0);
  });
}
