// The fake clock every test stands on: due order, ties in setting order, clears, timers set while firing.
import { describe, expect, it } from "vitest";
import { FakeClock } from "./fake-clock";

describe("FakeClock", () => {
  it("fires in due order, ties in the order set, and skips cleared timers", () => {
    const c = new FakeClock(100);
    const out: string[] = [];
    c.setTimeout(() => out.push("b"), 20);
    const x = c.setTimeout(() => out.push("x"), 10);
    c.setTimeout(() => out.push("a1"), 10);
    c.setTimeout(() => out.push("a2"), 10);
    c.clearTimeout(x);
    expect(c.pending()).toBe(3);
    c.advance(15);
    expect(out).toEqual(["a1", "a2"]);
    expect(c.now()).toBe(115);
    c.advance(5);
    expect(out).toEqual(["a1", "a2", "b"]);
    expect(c.pending()).toBe(0);
  });

  it("runs timers set while advancing when they fall inside the window, at their own time", () => {
    const c = new FakeClock();
    const at: number[] = [];
    c.setTimeout(() => {
      at.push(c.now());
      c.setTimeout(() => at.push(c.now()), 30);
    }, 10);
    c.advance(39);
    expect(at).toEqual([10]);
    c.advance(1);
    expect(at).toEqual([10, 40]);
  });

  it("runUntil jumps to the next timer and reports the elapsed time, or -1", () => {
    const c = new FakeClock();
    let done = false;
    c.setTimeout(() => (done = true), 3_600_000);
    expect(c.runUntil(() => done, 7_200_000)).toBe(3_600_000);
    expect(c.runUntil(() => false, 1000)).toBe(-1);
    expect(c.now()).toBe(3_601_000);
  });

  it("holds 100,000 timers without slowing down each step (heap)", () => {
    const c = new FakeClock();
    let n = 0;
    for (let i = 0; i < 100_000; i++) c.setTimeout(() => n++, (i * 7919) % 100_000);
    c.advance(100_000);
    expect(n).toBe(100_000);
    expect(c.fired).toBe(100_000);
  });
});
