#!/usr/bin/env node
// `rust-eventsource`: prints the events of a Server-Sent Events stream as they arrive, using the
// package itself (so it reconnects exactly as the library does). Events go to stdout; connection
// notes and errors go to stderr. Exit codes: 0 the stream ended (or --limit or --max-time was
// reached), 1 a fatal error (an SseError: its kind and status are printed), 2 bad arguments,
// 130 Ctrl-C.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { RustEventSource, SseError } from "./index.js";

const USAGE = `usage: rust-eventsource [URL] [options]

Prints each Server-Sent Event of URL as it arrives. Without URL, streams the live feed of an
embedded demo server on 127.0.0.1.

options:
  -H, --header "Name: value"   add a request header (repeatable)
  -X, --request METHOD         HTTP method (default GET, or POST with --data)
  -d, --data BODY              request body; @FILE reads a file, @- reads stdin
      --json                   one JSON object per event: {"type","data","lastEventId"}
      --last-event-id ID       send Last-Event-ID: ID on the first request
      --no-reconnect           stop when the connection ends instead of reconnecting
                               (a request other than GET never reconnects)
      --idle-timeout MS        a connection silent for MS ms (no headers, no byte) counts
                               as lost: reconnect, or fail with --no-reconnect
      --max-retries N          fail after N consecutive failed reconnection attempts
  -n, --limit N                exit after N events
      --max-time MS            stop after MS ms (exit 0 unless an error came first)
  -q, --quiet                  no connection notes on stderr
  -h, --help                   this help
  -v, --version                the package version`;

const OPTIONS = /** @type {const} */ ({
  header: { type: "string", short: "H", multiple: true },
  request: { type: "string", short: "X" },
  data: { type: "string", short: "d" },
  json: { type: "boolean" },
  "last-event-id": { type: "string" },
  "no-reconnect": { type: "boolean" },
  "idle-timeout": { type: "string" },
  "max-retries": { type: "string" },
  limit: { type: "string", short: "n" },
  "max-time": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
});

/** Thrown for bad arguments: the message, the usage hint and exit code 2. */
class UsageError extends Error {}

const PREFIX = "rust-eventsource: ";

/** A message without the package's prefix, which the CLI adds once to every line it prints. */
function bare(message) {
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message;
}

/** The value of `--name` as a whole number of at least `min`, or undefined when not given. */
function wholeNumber(values, name, min) {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isSafeInteger(value) || value < min) {
    const what = min === 0 ? "a whole number (0 or more)" : "a positive integer";
    throw new UsageError(`--${name} takes ${what}, got ${raw}`);
  }
  return value;
}

function parse(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one URL at most, got ${positionals.length}`);
  const headers = new Headers();
  for (const line of values.header ?? []) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new UsageError(`a header is "Name: value", got ${JSON.stringify(line)}`);
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      throw new UsageError(`invalid header ${JSON.stringify(line)}`);
    }
  }
  const limit = wholeNumber(values, "limit", 1) ?? Infinity;
  const idleTimeout = wholeNumber(values, "idle-timeout", 1);
  const maxRetries = wholeNumber(values, "max-retries", 0);
  const maxTime = wholeNumber(values, "max-time", 1);
  let body = values.data;
  if (body?.startsWith("@")) {
    try {
      body = readFileSync(body === "@-" ? 0 : body.slice(1), "utf8");
    } catch (error) {
      throw new UsageError(`--data ${body}: ${error instanceof Error ? error.message : error}`);
    }
  }
  const method = (values.request ?? (body === undefined ? "GET" : "POST")).toUpperCase();
  return { ...values, url: positionals[0], headers, body, method, limit, idleTimeout, maxRetries, maxTime };
}

/** One event as a line (or lines) of text: `[type #id] data`, later data lines indented. */
function plain(event) {
  const prefix = `[${event.type}${event.lastEventId ? ` #${event.lastEventId}` : ""}] `;
  return prefix + event.data.split("\n").join(`\n${" ".repeat(prefix.length)}`);
}

/**
 * An SseError's message followed by the messages of its causes that it does not already say:
 * fetch's own errors nest their reason ("fetch failed" <- "connect ECONNREFUSED 127.0.0.1:9").
 */
function withCauses(error) {
  let text = bare(error.message);
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) {
    if (cause.message && !text.includes(cause.message)) text += ` (${cause.message})`;
  }
  return text;
}

/** The message for a fatal error: what failed, with the SseError's kind and status. */
function describe(error) {
  if (!(error instanceof SseError)) return `error: ${bare(error instanceof Error ? error.message : String(error))}`;
  let text = `SseError kind=${error.kind}`;
  if (error.status !== undefined) text += ` status=${error.status}${error.statusText ? ` (${error.statusText})` : ""}`;
  text += `: ${withCauses(error)}`;
  const body = error.body?.trim();
  if (body) text += `\n  response body: ${body.length > 500 ? `${body.slice(0, 500)}...` : body}`;
  return text;
}

async function main(argv) {
  const options = parse(argv);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.version) {
    const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
    console.log(version);
    return 0;
  }
  const note = options.quiet ? () => {} : (/** @type {string} */ text) => console.error(`rust-eventsource: ${text}`);

  let url = options.url;
  let demo;
  if (url === undefined) {
    const { startDemoServer, DEMO_TOKEN } = await import("./demo-server.js");
    demo = await startDemoServer();
    url = `${demo.origin}/feed`;
    if (!options.headers.has("authorization")) options.headers.set("authorization", `Bearer ${DEMO_TOKEN}`);
    note(`no URL given: streaming the embedded demo server's feed (Ctrl-C to stop)`);
  }

  let source;
  // Events printed since the last connection opened: a connection that ended without any is
  // said so in the reconnection note (the library then waits at least its minRetryDelay).
  let connectionEvents = 0;
  try {
    source = new RustEventSource(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      lastEventId: options["last-event-id"],
      reconnect: options["no-reconnect"] ? false : undefined,
      idleTimeout: options.idleTimeout,
      maxRetries: options.maxRetries,
      onOpen: (response) => {
        connectionEvents = 0;
        note(`connected to ${url} (${response.status} ${response.headers.get("content-type")})`);
      },
      onRetry: (error, attempt, delay) => {
        let why = "the stream ended";
        if (error) why = `${error.kind} error: ${withCauses(error)}`;
        else if (connectionEvents === 0) why = "the stream ended without an event";
        const resume = source?.lastEventId ? `, Last-Event-ID ${source.lastEventId}` : "";
        note(`${why}; reconnecting in ${delay} ms (attempt ${attempt}${resume})`);
      },
    });
  } catch (error) {
    await demo?.close();
    // The options come from the arguments: a refused one is a usage error.
    if (error instanceof SyntaxError || error instanceof TypeError || error instanceof RangeError) {
      throw new UsageError(bare(error.message));
    }
    throw error;
  }

  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    source.close(); // the loop below then ends
  };
  let timedOut = false;
  const deadline =
    options.maxTime === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          source.close(); // the loop below then ends, without error
        }, options.maxTime);
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  // `rust-eventsource URL | head`: a closed pipe ends the stream quietly.
  process.stdout.on("error", (error) => {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "EPIPE") source.close();
  });

  let seen = 0;
  try {
    for await (const event of source) {
      process.stdout.write(`${options.json ? JSON.stringify(event) : plain(event)}\n`);
      connectionEvents += 1;
      if (++seen >= options.limit) break; // leaving the loop closes the source
    }
  } finally {
    clearTimeout(deadline);
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await demo?.close();
  }
  if (interrupted) return 130;
  if (timedOut) note(`stopped after ${options.maxTime} ms (--max-time), ${seen} events`);
  else note(seen >= options.limit ? `stopped after ${seen} events` : `the stream ended after ${seen} events`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof UsageError) {
      console.error(`${PREFIX}${bare(error.message)}\n(rust-eventsource --help for usage)`);
      process.exitCode = 2;
    } else {
      console.error(`${PREFIX}${describe(error)}`);
      process.exitCode = 1;
    }
  },
);
