// The AT engine behind the API the simulator's scripted host and some tools were written against (a URC
// table of {prefix, handler}, specs as objects, cancellation reported as AT_CANCELLED). Desktop only:
// the firmware uses lib/at/engine.ts directly.

import { At } from "../../lib/at/engine";
import { AT_CANCELLED, AT_ECHO } from "../../lib/at/result";
import type { Clock, Uart } from "../../lib/ports";

export { AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE } from "../../lib/at/result";

export interface AtSpec {
  prefix: string;
  timeoutMs: number;
  flags: number;
}

export interface UrcEntry {
  prefix: string;
  handler: (line: string) => void;
}

export interface AtSink {
  atDone(tag: number, code: number, errNo: number): void;
  atEcho(tag: number): void;
}

export interface AtEngineOptions {
  /** The driver's numbered final result ("" for none), and the hold for a stray OK after it. */
  extraFinal: string;
  strayOkGuardMs: number;
}

export const AT_ENGINE_DEFAULTS: AtEngineOptions = { extraFinal: "+CTM2M ERROR:", strayOkGuardMs: 300 };

/** The row an AtSpec and a command text make (lib/at/engine.ts AtRow). */
export function rowOf(text: string, spec: AtSpec): string {
  return spec.prefix + "|" + spec.timeoutMs + "|" + spec.flags + "|" + text;
}

export class AtEngine {
  readonly at: At;
  private pending: number[] = [];
  private sink: AtSink;
  private urcCount = 0;

  constructor(uart: Uart, clock: Clock, urcs: UrcEntry[], sink: AtSink, opts?: Partial<AtEngineOptions>) {
    const o = { ...AT_ENGINE_DEFAULTS, ...(opts ?? {}) };
    this.sink = sink;
    const self = this;
    this.at = new At(
      uart,
      clock,
      {
        atDone(tag, code, errNo) {
          if (code === AT_ECHO) return sink.atEcho(tag);
          const i = self.pending.indexOf(tag);
          if (i >= 0) self.pending.splice(i, 1);
          sink.atDone(tag, code, errNo);
        },
      },
      (_owner, line) => {
        for (const u of urcs) {
          if (line.indexOf(u.prefix) === 0) {
            self.urcCount++;
            u.handler(line);
            return true;
          }
        }
        return false;
      },
      o.extraFinal,
      o.strayOkGuardMs,
    );
  }

  send(text: string, spec: AtSpec, tag: number): boolean {
    if (!this.at.send(rowOf(text, spec), tag)) return false;
    this.pending.push(tag);
    return true;
  }

  feed(chunk: string): void {
    this.at.feed(chunk);
  }

  /** Withdraw everything queued and in flight; each reports AT_CANCELLED now. */
  cancelAll(): void {
    const p = this.pending;
    this.pending = [];
    this.at.cancelled = this.at.inFlight;
    this.at.qLen = 0;
    for (const tag of p) this.sink.atDone(tag, AT_CANCELLED, 0);
  }

  busy(): boolean {
    return this.at.busy();
  }

  inFlight(): boolean {
    return this.at.inFlight !== 0;
  }

  queued(): number {
    return this.at.qLen;
  }

  lineCount(): number {
    return this.at.lines;
  }

  line(i: number): string {
    return i < this.at.lines ? this.at.resp[i] : "";
  }

  pendingChars(): number {
    return this.at.partial.length;
  }

  overflows(): number {
    return this.at.overflows;
  }

  get lastUnexpected(): string {
    return this.at.lastUnexpected;
  }

  get lastRxMs(): number {
    return this.at.lastRxMs;
  }

  /** The engine's counters, as one object. */
  get stats() {
    const a = this.at;
    return { sent: a.sent, timeouts: a.timeouts, wakeResends: a.wakeResends, unexpected: a.unexpected, echoes: a.echoes, linesDropped: a.linesDropped, strayOk: a.strayOk, queueFull: a.queueFull, urcs: this.urcCount, noise: a.noise };
  }
}
