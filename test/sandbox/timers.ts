// Espruino's timer globals (setTimeout/setInterval/clearTimeout/clearInterval) for one sandboxed
// instance, on an injectable Clock (FakeClock in tests). Behaviour measured on the 2v29 interpreter:
// ids are small integers from 1 shared by timeouts and intervals; extra arguments reach the callback;
// clearTimeout(undefined) throws while clearTimeout() clears every timer and an unknown id is ignored;
// an exception in a callback is reported ("Uncaught ...") and the other timers keep running.

import type { Clock } from "../../lib/ports";

interface Entry {
  clockId: number;
  fn: (...a: unknown[]) => unknown;
  args: unknown[];
  periodMs: number;
}

export interface TimerHooks {
  clock: Clock;
  /** False once the instance has ended (reset, deep sleep): nothing it schedules may run. */
  alive(): boolean;
  /** An exception escaped a callback. */
  uncaught(e: unknown): void;
  /** Make an Error of the sandbox's realm (so `instanceof Error` holds inside). */
  error(msg: string): Error;
}

function delayOf(ms: unknown): number {
  const n = Number(ms);
  return n > 0 ? n : 0;
}

export class EspruinoTimers {
  private h: TimerHooks;
  private nextId = 1;
  private live = new Map<number, Entry>();

  constructor(hooks: TimerHooks) {
    this.h = hooks;
  }

  /** Timers scheduled and not yet fired or cleared (intervals count once). */
  pending(): number {
    return this.live.size;
  }

  private arm(id: number, e: Entry, delayMs: number): void {
    e.clockId = this.h.clock.setTimeout(() => this.fire(id), delayMs);
  }

  private fire(id: number): void {
    const e = this.live.get(id);
    if (!e || !this.h.alive()) return;
    if (e.periodMs > 0) this.arm(id, e, e.periodMs);
    else this.live.delete(id);
    try {
      e.fn.apply(undefined, e.args);
    } catch (err) {
      this.h.uncaught(err);
    }
  }

  private add(fn: unknown, ms: unknown, args: unknown[], periodic: boolean): number {
    if (typeof fn !== "function") throw this.h.error("Function or String not supplied!");
    const id = this.nextId++;
    if (!this.h.alive()) return id; // code still running after deepSleep(): the MCU is already off
    const d = delayOf(ms);
    // An interval of 0 would spin the fake clock forever; the device's minimum is well above 0 too.
    const e: Entry = { clockId: 0, fn: fn as Entry["fn"], args, periodMs: periodic ? Math.max(1, d) : 0 };
    this.live.set(id, e);
    this.arm(id, e, periodic ? e.periodMs : d);
    return id;
  }

  private clear(args: unknown[], name: string): void {
    if (args.length === 0) {
      this.killAll();
      return;
    }
    const id = args[0];
    if (id === undefined) throw this.h.error(name + "(undefined) not allowed. Use " + name + "() instead");
    const e = this.live.get(Number(id));
    if (!e) return;
    this.h.clock.clearTimeout(e.clockId);
    this.live.delete(Number(id));
  }

  /** Cancel everything (the instance ends): the clock forgets the timers too. */
  killAll(): void {
    for (const e of this.live.values()) this.h.clock.clearTimeout(e.clockId);
    this.live.clear();
  }

  /** The four globals, as the sandbox installs them. */
  globals(): Record<string, (...a: any[]) => unknown> {
    const self = this;
    return {
      setTimeout(fn: unknown, ms?: unknown, ...args: unknown[]) {
        return self.add(fn, ms, args, false);
      },
      setInterval(fn: unknown, ms?: unknown, ...args: unknown[]) {
        return self.add(fn, ms, args, true);
      },
      clearTimeout(...args: unknown[]) {
        self.clear(args, "clearTimeout");
      },
      clearInterval(...args: unknown[]) {
        self.clear(args, "clearInterval");
      },
    };
  }
}
