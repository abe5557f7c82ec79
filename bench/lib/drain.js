// Backpressure for the benchmark servers (bench/server.js, bench/reqwest/run.mjs).

/** Resolves once `res` drains or closes, leaving no listener behind. */
export function drainedOrClosed(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
