import { describe, expect, it } from "vitest";
import { LineReader, LINE_MAX_CHARS } from "../../lib/at/lines";

function reader(max = LINE_MAX_CHARS) {
  const out: string[] = [];
  const r = new LineReader((l) => out.push(l), max);
  return { r, out };
}

describe("LineReader", () => {
  it("splits on \\r\\n, \\r and \\n and skips empty lines", () => {
    const { r, out } = reader();
    r.feed("\r\nOK\r\n\r\n+CSQ: 20,0\rA\nB\n\n\r\r");
    expect(out).toEqual(["OK", "+CSQ: 20,0", "A", "B"]);
  });

  it("joins a line split across chunks, including inside \\r\\n", () => {
    const { r, out } = reader();
    for (const c of ["\r", "\n+CT", "M2M: reg", ",0\r", "\n\r\nO", "K\r", "\n"]) r.feed(c);
    expect(out).toEqual(["+CTM2M: reg,0", "OK"]);
  });

  it("keeps an unfinished line until its end arrives", () => {
    const { r, out } = reader();
    r.feed("+CTM2M: send,0");
    expect(out).toEqual([]);
    expect(r.pendingChars()).toBe(14);
    r.feed(",46205\r\n");
    expect(out).toEqual(["+CTM2M: send,0,46205"]);
    expect(r.pendingChars()).toBe(0);
  });

  it("delivers a full 1,024-hex-digit downlink line", () => {
    const { r, out } = reader();
    const line = "+CTM2MRECV: " + "ab".repeat(512);
    r.feed("\r\n" + line.slice(0, 500));
    r.feed(line.slice(500) + "\r\n");
    expect(out).toEqual([line]);
  });

  it("drops an over-long line, counts it, never holds more than the bound, and recovers", () => {
    const { r, out } = reader(20);
    r.feed("0123456789");
    r.feed("0123456789");
    expect(r.pendingChars()).toBe(20);
    r.feed("X");
    expect(r.pendingChars()).toBe(0);
    expect(r.overflows).toBe(1);
    for (let i = 0; i < 1000; i++) r.feed("garbagegarbage");
    expect(r.pendingChars()).toBe(0);
    expect(r.overflows).toBe(1);
    r.feed("tail\r\nOK\r\n");
    expect(out).toEqual(["OK"]);
  });

  it("accepts a line exactly at the bound", () => {
    const { r, out } = reader(5);
    r.feed("12345\r\n123456\r\nok\n");
    expect(out).toEqual(["12345", "ok"]);
    expect(r.overflows).toBe(1);
  });

  it("reset() forgets the partial line", () => {
    const { r, out } = reader();
    r.feed("+CTM2M: se");
    r.reset();
    r.feed("RDY\r\n");
    expect(out).toEqual(["RDY"]);
  });
});
