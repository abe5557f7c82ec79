// Node CommonJS: `require` the installed ESM package (require(esm), Node 20.19+), stream a counter,
// print what came as JSON.
const { RustEventSource, SseError } = require("rust-eventsource");
const { version } = require("rust-eventsource/package.json");

(async () => {
  const events = [];
  for await (const event of new RustEventSource(`${process.argv[2]}/counter?n=3`, { reconnect: false }))
    events.push(event);
  let error = null;
  try {
    for await (const event of new RustEventSource(`${process.argv[2]}/status?code=503`)) events.push(event);
  } catch (caught) {
    error = { isSseError: caught instanceof SseError, kind: caught.kind, status: caught.status };
  }
  console.log(JSON.stringify({ events, error, version }));
})();
