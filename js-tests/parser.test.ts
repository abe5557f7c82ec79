// The standalone parser through the package: the same Rust parser the sources use, fed from JS.
import { describe, expect, it } from "vitest";
import { SseError, SseParser } from "../pkg/index.js";
import { wasmMemoryBytes } from "./runtime-probes.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("SseParser", () => {
  it("yields the events a chunk completes, keeping partial lines across chunks", async () => {
    const parser = await SseParser.create();
    expect(parser.feed(encode("id: 7\nevent: add\ndata: a\ndata: b\n\ndata: par"))).toEqual([
      { type: "add", data: "a\nb", lastEventId: "7" },
    ]);
    expect(parser.feed(encode("tial\n\n"))).toEqual([{ type: "message", data: "partial", lastEventId: "7" }]);
    expect(parser.lastEventId).toBe("7");
  });

  it("decodes a character split across chunks, and bad bytes as U+FFFD", async () => {
    const parser = await SseParser.create();
    const bytes = encode("data: \u20ac\n\n");
    expect(parser.feed(bytes.subarray(0, 7))).toEqual([]);
    expect(parser.feed(bytes.subarray(7))).toEqual([{ type: "message", data: "\u20ac", lastEventId: "" }]);
    expect(parser.feed(new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a]))[0]?.data).toBe("\ufffd");
  });

  it("reports retry values, ignores non-digits, and drops an unfinished event on reset()", async () => {
    const parser = await SseParser.create({ lastEventId: "start" });
    expect(parser.retry).toBeUndefined();
    parser.feed(encode("retry: +5\nretry: 1500\nid: 9\ndata: lost\n"));
    expect(parser.retry).toBe(1500);
    parser.reset();
    expect(parser.feed(encode("data: x\n\n"))).toEqual([{ type: "message", data: "x", lastEventId: "start" }]);
  });

  it("throws SseError event-too-large over maxEventBytes, until reset()", async () => {
    const parser = await SseParser.create({ maxEventBytes: 16 });
    const error = (() => {
      try {
        parser.feed(encode(`data: ${"x".repeat(40)}`));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SseError);
    expect((error as SseError).kind).toBe("event-too-large");
    expect(() => parser.feed(encode("data: y\n\n"))).toThrow(SseError);
    parser.reset();
    expect(parser.feed(encode("data: y\n\n"))).toHaveLength(1);
  });

  it("reads each batch right after wasm memory grew (the batch is described in that memory)", async () => {
    const parser = await SseParser.create({ maxEventBytes: 1024 * 1024 * 1024 });
    expect(parser.feed(encode("data: before\n\n"))).toEqual([{ type: "message", data: "before", lastEventId: "" }]);
    const before = wasmMemoryBytes();
    // Larger than the whole memory: it has to grow, which detaches every view of its old buffer.
    const big = "x".repeat(before + 1024 * 1024);
    const events = parser.feed(encode(`id: big\ndata: ${big}\n\n`));
    expect(wasmMemoryBytes()).toBeGreaterThan(before);
    expect(events).toHaveLength(1);
    expect(events[0]!.data === big && events[0]!.lastEventId === "big").toBe(true);
    expect(parser.feed(encode("data: after\n\n"))).toEqual([{ type: "message", data: "after", lastEventId: "big" }]);
  });

  it("cannot be constructed without create()", () => {
    expect(() => new (SseParser as unknown as new () => SseParser)()).toThrow(TypeError);
  });
});
