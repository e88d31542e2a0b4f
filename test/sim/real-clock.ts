// The Clock port on node's real timers, for the simulator on a pseudo-terminal (the in-process tests use
// FakeClock). Time is monotonic from construction so transcripts start at 0 like the fake clock's.

import { performance } from "node:perf_hooks";
import type { Clock } from "../../lib/ports";

const MAX_NODE_DELAY_MS = 0x7fffffff;

export class RealClock implements Clock {
  private t0 = performance.now();
  private nextId = 1;
  private timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Math.floor(performance.now() - this.t0);
  }

  setTimeout(fn: (a: any, b: any) => void, delayMs: number, a?: any, b?: any): number {
    const id = this.nextId++;
    this.arm(id, () => fn(a, b), this.now() + (delayMs > 0 ? delayMs : 0));
    return id;
  }

  /** Node fires a timeout over 2^31-1 ms at once (a 320 h T3412 would): re-arm in steps instead. */
  private arm(id: number, fn: () => void, due: number): void {
    const wait = Math.min(Math.max(0, due - this.now()), MAX_NODE_DELAY_MS);
    const h = setTimeout(() => {
      if (this.now() < due) return this.arm(id, fn, due);
      this.timers.delete(id);
      fn();
    }, wait);
    this.timers.set(id, h);
  }

  clearTimeout(id: number): void {
    const h = this.timers.get(id);
    if (h !== undefined) {
      clearTimeout(h);
      this.timers.delete(id);
    }
  }

  /** Cancel everything (shutdown), so node can exit without waiting for a fault scheduled days ahead. */
  clearAll(): void {
    for (const h of this.timers.values()) clearTimeout(h);
    this.timers.clear();
  }

  pending(): number {
    return this.timers.size;
  }
}
