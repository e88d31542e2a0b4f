// A fake clock for the Clock port: time moves only when a test calls advance(), so no test sleeps and
// a simulated month runs in seconds. Timers fire in due order, ties in the order they were set.
// A binary heap with lazy deletion keeps set/clear/fire at O(log n) however many timers a soak holds.

import type { Clock } from "../../lib/ports";

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: (a: any, b: any) => void;
  a: any;
  b: any;
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

export class FakeClock implements Clock {
  private t: number;
  private nextId = 1;
  private seq = 0;
  private heap: Timer[] = [];
  /** Ids set and neither fired nor cleared. */
  private live = new Set<number>();
  /** Timer callbacks run so far. */
  fired = 0;

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Like Espruino's: `a` and `b` are passed to the callback. */
  setTimeout(fn: (a: any, b: any) => void, delayMs: number, a?: any, b?: any): number {
    if (!(delayMs >= 0)) delayMs = 0;
    const id = this.nextId++;
    this.push({ id, due: this.t + delayMs, seq: this.seq++, fn, a, b });
    this.live.add(id);
    return id;
  }

  clearTimeout(id: number): void {
    this.live.delete(id); // the heap entry is skipped when it surfaces
  }

  /** Timers set and not yet fired or cleared. */
  pending(): number {
    return this.live.size;
  }

  /** Milliseconds until the next timer, or Infinity. */
  nextDueInMs(): number {
    this.dropDead();
    return this.heap.length ? this.heap[0].due - this.t : Infinity;
  }

  /** Move time forward by ms, running every timer that falls due on the way (also ones set meanwhile). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const x = this.popDue(end);
      if (!x) break;
      this.run(x);
    }
    this.t = end;
  }

  /**
   * Advance in steps until pred() holds or maxMs has passed; returns the elapsed ms, or -1 on give-up.
   * Steps jump straight to the next timer, so long idle waits cost nothing.
   */
  runUntil(pred: () => boolean, maxMs: number): number {
    const start = this.t;
    const end = start + maxMs;
    while (!pred()) {
      if (this.t >= end) return -1;
      const x = this.popDue(end);
      if (x) this.run(x);
      else this.t = end;
    }
    return this.t - start;
  }

  private run(x: Timer): void {
    if (x.due > this.t) this.t = x.due;
    this.live.delete(x.id);
    this.fired++;
    x.fn(x.a, x.b);
  }

  private dropDead(): void {
    while (this.heap.length && !this.live.has(this.heap[0].id)) this.pop();
  }

  private popDue(limit: number): Timer | undefined {
    this.dropDead();
    if (!this.heap.length || this.heap[0].due > limit) return undefined;
    return this.pop();
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Timer;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
