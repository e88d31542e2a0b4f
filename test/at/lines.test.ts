// Line splitting inside At.feed (lib/at/lines.ts is gone): with nothing in flight and a URC parser that
// claims every line, the lines the parser sees are exactly the lines the engine cut from the stream.
import { describe, expect, it } from "vitest";
import { AtLimit } from "../../lib/at/engine";
import { makeAt } from "./harness";

/** An engine whose URC parser takes every line, fed directly (no UART latency). */
function reader() {
  const h = makeAt([""]);
  return { at: h.at, out: h.urcs };
}

describe("At.feed: lines", () => {
  it("splits on \\r\\n, \\r and \\n and skips empty lines", () => {
    const { at, out } = reader();
    at.feed("\r\nOK\r\n\r\n+CSQ: 20,0\rA\nB\n\n\r\rC\n\rD\r\r\n");
    expect(out).toEqual(["OK", "+CSQ: 20,0", "A", "B", "C", "D"]);
    expect(at.unexpected).toBe(0);
  });

  it("joins a line split across chunks, including inside \\r\\n", () => {
    const { at, out } = reader();
    for (const c of ["\r", "\n+CT", "M2M: reg", ",0\r", "\n\r\nO", "K\r", "\n"]) at.feed(c);
    expect(out).toEqual(["+CTM2M: reg,0", "OK"]);
  });

  it("cuts every line of a chunk holding several, one character chunks give the same", () => {
    const text = "\r\n+CTM2M: send,0,1\r\n\r\nOK\r\n+CTM2MRECV: 0102\n";
    const a = reader();
    a.at.feed(text);
    const b = reader();
    for (const ch of text) b.at.feed(ch);
    expect(a.out).toEqual(["+CTM2M: send,0,1", "OK", "+CTM2MRECV: 0102"]);
    expect(b.out).toEqual(a.out);
  });

  it("a long line and the lines after it in one chunk, with every kind of line end", () => {
    const { at, out } = reader();
    const long = "+CTM2MRECV: " + "0f".repeat(400);
    at.feed("\r\n" + long + "\r\n+CSQ: 1,0\r\nA\nB\rC\r\n" + long + "\nD\r\nE");
    expect(out).toEqual([long, "+CSQ: 1,0", "A", "B", "C", long, "D"]);
    expect(at.partial).toBe("E");
  });

  it("keeps an unfinished line until its end arrives", () => {
    const { at, out } = reader();
    at.feed("+CTM2M: send,0");
    expect(out).toEqual([]);
    expect(at.partial.length).toBe(14);
    at.feed(",46205\r\n");
    expect(out).toEqual(["+CTM2M: send,0,46205"]);
    expect(at.partial).toBe("");
  });

  it("delivers a full 1,024-hex-digit downlink line", () => {
    const { at, out } = reader();
    const line = "+CTM2MRECV: " + "ab".repeat(512);
    at.feed("\r\n" + line.slice(0, 500));
    at.feed(line.slice(500) + "\r\n");
    expect(out).toEqual([line]);
    expect(at.overflows).toBe(0);
  });

  it("drops an over-long line, counts it, never holds more than the bound, and recovers", () => {
    const { at, out } = reader();
    const half = AtLimit.LINE_MAX_CHARS / 2;
    at.feed("x".repeat(half));
    at.feed("y".repeat(half));
    expect(at.partial.length).toBe(AtLimit.LINE_MAX_CHARS);
    at.feed("X");
    expect(at.partial.length).toBe(0);
    expect(at.overflows).toBe(1);
    for (let i = 0; i < 1000; i++) at.feed("garbagegarbage");
    expect(at.partial.length).toBe(0);
    expect(at.overflows).toBe(1);
    at.feed("tail\r\nOK\r\n");
    expect(out).toEqual(["OK"]);
  });

  it("accepts a line exactly at the bound and drops one a character longer, in one chunk or many", () => {
    const max = AtLimit.LINE_MAX_CHARS;
    const ok = "1".repeat(max);
    const long = "2".repeat(max + 1);
    const stream = ok + "\r\n" + long + "\r\nok\n";
    const a = reader();
    a.at.feed(stream);
    expect(a.out).toEqual([ok, "ok"]);
    expect(a.at.overflows).toBe(1);
    const b = reader();
    for (let i = 0; i < stream.length; i += 7) b.at.feed(stream.substring(i, i + 7));
    expect(b.out).toEqual([ok, "ok"]);
    expect(b.at.overflows).toBe(1);
  });

  it("an over-long line with its end in the same chunk is dropped and the next line kept", () => {
    const { at, out } = reader();
    at.feed("A".repeat(AtLimit.LINE_MAX_CHARS + 50) + "\r\nRDY\r\n");
    expect(out).toEqual(["RDY"]);
    expect(at.overflows).toBe(1);
  });

  it("reset(0) forgets the partial line", () => {
    const { at, out } = reader();
    at.feed("+CTM2M: se");
    at.reset(0);
    at.feed("RDY\r\n");
    expect(out).toEqual(["RDY"]);
  });
});
