// The protocol cases, one table read by both faces of the package: RustEventSource (for await) and
// EventSource (listeners). Each case is a route of the test server, options, and what must come
// out: the events in order and how the stream ends (the source then CLOSED); and, when it
// matters, the Last-Event-ID or path of each request the server saw, also none more a moment
// later (no reconnection after the end). Which statuses and MIME types pass is decided in
// src/policy.rs, whose tests hold every case; these show that both faces apply the verdict.
// Node and Chromium, against js-tests/server.mjs.
import { afterEach, describe, expect, it } from "vitest";
import { EventSource, type EventSourceInit, RustEventSource, SseError } from "../pkg/index.js";
import { origin, serverStats, sleep, uniqueKey } from "./harness.ts";

/** How a stream ends: "done" (the server ended it for good: a 204, or a body not reconnected), an
 * error (its kind and, for a status, the status), or "stop": the reader stops after the events. */
type End = "done" | "stop" | { kind: SseError["kind"]; status?: number };

interface ProtocolCase {
  name: string;
  /** Path and query on the test server; `KEY` becomes a key unique to the run. */
  route: string;
  /** The options, which both faces take. */
  options?: EventSourceInit;
  /** `[type, data, lastEventId]` of each event, in order. */
  events: [string, string, string][];
  end: End;
  /** The Last-Event-ID header of each request the server saw for KEY (null: none), in order. */
  lastEventIds?: (string | null)[];
  /** The path of each request the server saw for KEY, in order. */
  paths?: string[];
}

const FAST = { retryDelay: 20 };
const counted = (from: number, to: number): [string, string, string][] =>
  Array.from({ length: to - from + 1 }, (_, i) => ["message", String(from + i), String(from + i)]);

const CASES: ProtocolCase[] = [
  {
    name: "one continuous sequence across reconnections after the body ends, Last-Event-ID on each; 204 ends it",
    route: "/reconnect?key=KEY&n=2&total=6",
    options: FAST,
    events: counted(1, 6),
    end: "done",
    lastEventIds: [null, "2", "4", "6"],
  },
  {
    name: "reconnects after a dropped connection",
    route: "/reconnect?key=KEY&n=2&total=4&mode=drop",
    options: FAST,
    events: counted(1, 4),
    end: "done",
    lastEventIds: [null, "2", "4"],
  },
  {
    name: "the lastEventId option: sent as Last-Event-ID, the stream resumes after it",
    route: "/reconnect?key=KEY&n=2&total=4",
    options: { ...FAST, lastEventId: "2" },
    events: counted(3, 4),
    end: "done",
    lastEventIds: ["2", "4"],
  },
  {
    name: "the type defaults to message; named types are kept",
    route: "/named",
    events: [
      ["greeting", "hi", ""],
      ["message", "plain", ""],
      ["bye", "x", ""],
    ],
    end: "stop",
  },
  {
    name: "data lines are joined with LF, across small chunks and CRLF line ends",
    route: `/raw?text=${encodeURIComponent("data: a\ndata: b\r\n\r\nevent: e\ndata:c\n\n")}&chunk=3&delay=5`,
    events: [
      ["message", "a\nb", ""],
      ["e", "c", ""],
    ],
    end: "stop",
  },
  {
    name: "multi-byte UTF-8 characters split across chunks",
    route: "/unicode",
    events: [
      ["message", "caf\u00e9 \u20ac \u65e5\u672c\u8a9e", ""],
      ["message", "\u{1F389}\u{1D11E}", ""],
    ],
    end: "stop",
  },
  {
    name: "the id of an unfinished block at the end of a body is not committed",
    route: "/unfinished?key=KEY",
    options: FAST,
    events: [
      ["message", "done", "1"],
      ["message", "again", "1"],
    ],
    end: "stop",
    lastEventIds: [null, "1"],
  },
  {
    name: "reconnects to the original URL, not to where a redirect led",
    route: `/redirect?key=KEY&to=${encodeURIComponent("/reconnect?key=KEY&n=1&total=2")}`,
    options: FAST,
    events: counted(1, 2),
    end: "done",
    paths: ["/redirect", "/reconnect", "/redirect", "/reconnect", "/redirect", "/reconnect"],
  },
  {
    name: "a status other than 200 fails without reconnecting",
    route: "/sequence?key=KEY&steps=503",
    options: FAST,
    events: [],
    end: { kind: "status", status: 503 },
    lastEventIds: [null],
  },
  {
    name: "so does a 2xx other than 200 and 204, which fetch calls ok",
    route: "/sequence?key=KEY&steps=205",
    options: FAST,
    events: [],
    end: { kind: "status", status: 205 },
    lastEventIds: [null],
  },
  {
    name: "204 ends the stream without an error and without reconnecting",
    route: "/sequence?key=KEY&steps=204",
    options: FAST,
    events: [],
    end: "done",
    lastEventIds: [null],
  },
  {
    name: "MIME type parameters and case pass",
    route: `/type?ct=${encodeURIComponent("Text/Event-Stream; charset=utf-8")}`,
    events: [["message", "typed", ""]],
    end: "stop",
  },
  {
    name: "another MIME type fails without reconnecting",
    route: `/type?ct=${encodeURIComponent("application/json")}`,
    options: FAST,
    events: [],
    end: { kind: "content-type" },
  },
  {
    name: "no Content-Type fails as a wrong MIME type",
    route: "/type",
    options: FAST,
    events: [],
    end: { kind: "content-type" },
  },
  {
    name: "retryStatuses and maxRetries: the listed status is retried, then ends with the last error",
    route: "/sequence?key=KEY&steps=503",
    options: { retryDelay: 10, retryStatuses: [503], maxRetries: 2 },
    events: [],
    end: { kind: "status", status: 503 },
    lastEventIds: [null, null, null],
  },
  {
    name: "a retried status then a success: the events of the success",
    route: "/sequence?key=KEY&steps=503,200,204",
    options: { retryDelay: 10, retryStatuses: [503] },
    events: [["message", "attempt 2", "2"]],
    end: "done",
    lastEventIds: [null, null, "2"],
  },
  {
    name: "idleTimeout: a silent connection counts as lost, and the stream resumes",
    route: "/reconnect?key=KEY&n=1&total=2&mode=hang",
    options: { ...FAST, idleTimeout: 300 },
    events: counted(1, 2),
    end: "done",
    lastEventIds: [null, "1", "2"],
  },
  {
    // 200,000 bytes of data in writes of about 64 KiB: the line spans chunks, and its data is
    // moved from the parser's buffer into the batch rather than copied (src/batch.rs).
    name: "a long data line written in pieces reads whole, and the events after it",
    route: `/repeat?head=${encodeURIComponent("data: ")}&unit=x&count=200000&tail=${encodeURIComponent("\n\nevent: t\nid: 9\ndata: after\n\n")}`,
    events: [
      ["message", "x".repeat(200_000), ""],
      ["t", "after", "9"],
    ],
    end: "stop",
  },
  {
    name: "an event over maxEventBytes fails with event-too-large",
    route: "/big-event?lines=100&size=100",
    options: { maxEventBytes: 1000 },
    events: [],
    end: { kind: "event-too-large" },
  },
];

interface Outcome {
  events: [string, string, string][];
  end: End;
  /** readyState once it ended. */
  readyState: number;
}

/** The end as the table writes it, from what a face ended with. */
function endOf(error: unknown): End {
  if (error === undefined) return "done";
  if (!(error instanceof SseError)) throw error;
  return error.status === undefined || error.kind !== "status"
    ? { kind: error.kind }
    : { kind: error.kind, status: error.status };
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const source of open.splice(0)) source.close();
});

/** RustEventSource, read with for await. */
async function readIterator(url: string, c: ProtocolCase): Promise<Outcome> {
  const source = new RustEventSource(url, c.options);
  open.push(source);
  const events: Outcome["events"] = [];
  let end: End = "done";
  try {
    for await (const { type, data, lastEventId } of source) {
      events.push([type, data, lastEventId]);
      if (c.end === "stop" && events.length === c.events.length) {
        end = "stop";
        break;
      }
    }
  } catch (error) {
    end = endOf(error);
  }
  return { events, end, readyState: source.readyState };
}

/** EventSource, read with listeners: the events until the last `error` (CLOSED). */
function readListeners(url: string, c: ProtocolCase): Promise<Outcome> {
  const source = new EventSource(url, c.options);
  open.push(source);
  const events: Outcome["events"] = [];
  return new Promise((resolve) => {
    const onEvent = (event: MessageEvent) => {
      events.push([event.type, event.data, event.lastEventId]);
      if (c.end === "stop" && events.length === c.events.length) {
        source.close();
        resolve({ events, end: "stop", readyState: source.readyState });
      }
    };
    for (const type of new Set(["message", ...c.events.map(([type]) => type)])) {
      source.addEventListener(type, onEvent);
    }
    source.onerror = (event) => {
      if (source.readyState === EventSource.CLOSED) {
        resolve({ events, end: endOf(event.error), readyState: source.readyState });
      }
    };
  });
}

for (const [face, read] of [
  ["RustEventSource", readIterator],
  ["EventSource", readListeners],
] as const) {
  describe(`the protocol through ${face}`, () => {
    it.each(CASES)("$name", async (c) => {
      const key = uniqueKey(face);
      const outcome = await read(`${origin}${c.route.replaceAll("KEY", key)}`, c);
      expect(outcome).toEqual({ events: c.events, end: c.end, readyState: 2 });
      if (c.lastEventIds || c.paths) {
        // A reconnection that should not happen would come within the 20 ms of FAST.
        await sleep(100);
        const attempts = (await serverStats(key))?.attempts ?? [];
        if (c.lastEventIds) expect(attempts.map((a) => a.lastEventId)).toEqual(c.lastEventIds);
        if (c.paths) expect(attempts.map((a) => a.path)).toEqual(c.paths);
      }
    });
  });
}
