// What the module's parts (network, AEP session, PSM) share: the clock, the seeded generator, the
// recorder, and the two ways of acting over time — a timer that dies with the module's current life
// (a reboot forgets every pending registration or attach) and one that belongs to the world outside
// (a coverage hole ends whether or not the module rebooted meanwhile).

import type { Clock } from "../../lib/ports";
import type { Recorder } from "./record";
import type { Rng } from "./rng";

/** A command's answer: lines in order (the last is the final result), then what happens after. */
export interface Reply {
  lines: string[];
  then?: () => void;
  /**
   * The final result is not ready yet: stay busy `ms` longer, then answer with what `run` returns (a
   * registration whose result comes before the REG's OK). Dropped if the module reboots meanwhile.
   */
  defer?: { ms: number; run: () => Reply };
}

export interface SimCtx {
  clock: Clock;
  rng: Rng;
  rec: Recorder;
  /** Print one line now (framed \r\n<line>\r\n); dropped and counted when the UART cannot carry it. */
  emit(line: string): void;
  /** True when a line emitted now would reach the host. */
  canEmit(): boolean;
  /** Module timer: never fires once the module rebooted or powered off after it was set. */
  after(ms: number, fn: () => void): void;
  /** World timer: fires regardless of what the module does. */
  world(ms: number, fn: () => void): void;
  /** Error answer of a 27.007 command under the current AT+CMEE setting. */
  cme(n: number): string;
  powered(): boolean;
}

export const CME_TEXT: Record<number, string> = {
  3: "operation not allowed",
  4: "operation not supported",
  10: "SIM not inserted",
  50: "Incorrect parameters",
};

/** Uniform latency in [lo, hi] ms from the seeded generator. */
export function ms(ctx: SimCtx, lo: number, hi: number): number {
  return ctx.rng.int(lo, hi);
}
