// A fake clock for the Clock port: time moves only when a test calls advance(), so no test sleeps and
// a simulated month runs in seconds. Timers fire in due order, ties in the order they were set.

import type { Clock } from "../../lib/ports";

interface Timer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private nextId = 1;
  private seq = 0;
  private timers: Timer[] = [];
  /** Timer callbacks run so far. */
  fired = 0;

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, delayMs: number): number {
    if (!(delayMs >= 0)) delayMs = 0;
    const id = this.nextId++;
    this.timers.push({ id, due: this.t + delayMs, seq: this.seq++, fn });
    return id;
  }

  clearTimeout(id: number): void {
    const i = this.timers.findIndex((x) => x.id === id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Timers set and not yet fired or cleared. */
  pending(): number {
    return this.timers.length;
  }

  /** Milliseconds until the next timer, or Infinity. */
  nextDueInMs(): number {
    let best = Infinity;
    for (const x of this.timers) if (x.due - this.t < best) best = x.due - this.t;
    return best;
  }

  private popDue(limit: number): Timer | undefined {
    let best: Timer | undefined;
    let bi = -1;
    this.timers.forEach((x, i) => {
      if (x.due <= limit && (best === undefined || x.due < best.due || (x.due === best.due && x.seq < best.seq))) {
        best = x;
        bi = i;
      }
    });
    if (bi >= 0) this.timers.splice(bi, 1);
    return best;
  }

  /** Move time forward by ms, running every timer that falls due on the way (also ones set meanwhile). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const x = this.popDue(end);
      if (!x) break;
      if (x.due > this.t) this.t = x.due;
      this.fired++;
      x.fn();
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
      const next = this.nextDueInMs();
      const step = Math.max(0, Math.min(next, end - this.t));
      const x = this.popDue(this.t + step);
      if (x) {
        if (x.due > this.t) this.t = x.due;
        this.fired++;
        x.fn();
      } else this.t += step;
    }
    return this.t - start;
  }
}
