// AT command engine: one command in flight, a bounded FIFO behind it, per-command timeouts, and line
// routing in a fixed order — the in-flight command's final result, its expected intermediate lines,
// the URC table, then "unexpected" (counted and dropped). Results are numeric codes (result.ts);
// nothing here throws on what the module sends.

import type { Clock, Uart } from "../ports";
import { LineReader, LINE_MAX_CHARS } from "./lines";
import { AT_CANCELLED, AT_CME_ERROR, AT_CTM2M_ERROR, AT_ERROR, AT_OK, AT_TIMEOUT } from "./result";
import { afterPrefix, intFrom } from "./fields";

/** Collect lines that carry no prefix (AT+CGSN, AT+CIMI answer with a bare number). */
export const AT_F_BARE = 1;
/** May be lost to the module's wake-up (PSM / auto-sleep): on timeout send it once more first. */
export const AT_F_WAKE = 2;
/** A line with the expected prefix is itself the final result (AT+CPOWD=1 -> NORMAL POWER DOWN). */
export const AT_F_PREFIX_FINAL = 4;

/** What a command expects, as data. The text is built separately because it may carry parameters. */
export interface AtSpec {
  /** Intermediate-line prefix such as "+CSQ:"; "" when the command has none. */
  prefix: string;
  timeoutMs: number;
  flags: number;
}

/** A URC table entry: the handler only parses and posts; it never sends a command. */
export interface UrcEntry {
  prefix: string;
  handler: (line: string) => void;
}

/** Where results go. `tag` is the sender's own number for the command. */
export interface AtSink {
  /** Called exactly once per accepted command; intermediate lines are readable during the call. */
  atDone(tag: number, code: number, errNo: number): void;
  /** The module echoed a command line (it echoes again after a reboot, even after ATE0). */
  atEcho(tag: number): void;
}

export interface AtEngineOptions {
  queueCapacity: number;
  /** Intermediate lines kept for one command; more are counted in `stats.linesDropped`. */
  maxLines: number;
  maxLineChars: number;
  /** How long to hold the next command for the stray `OK` that follows `+CTM2M ERROR`. */
  strayOkGuardMs: number;
}

export const AT_ENGINE_DEFAULTS: AtEngineOptions = {
  queueCapacity: 8,
  maxLines: 6,
  maxLineChars: LINE_MAX_CHARS,
  strayOkGuardMs: 300,
};

export interface AtStats {
  sent: number;
  timeouts: number;
  wakeResends: number;
  unexpected: number;
  echoes: number;
  linesDropped: number;
  strayOk: number;
  queueFull: number;
  urcs: number;
}

const CME = "+CME ERROR:";
/** Placeholder in free queue slots. */
const IDLE_SPEC: AtSpec = { prefix: "", timeoutMs: 0, flags: 0 };
const CTM2M_ERR = "+CTM2M ERROR:";

export class AtEngine {
  private uart: Uart;
  private clock: Clock;
  private sink: AtSink;
  private urcs: UrcEntry[];
  private opts: AtEngineOptions;
  private reader: LineReader;

  // Bounded ring of queued commands (parallel arrays: no object per command).
  private qText: string[];
  private qSpec: AtSpec[];
  private qTag: number[];
  private qHead: number;
  private qLen: number;

  // The command in flight (curSpec === undefined: none).
  private curText: string;
  private curSpec: AtSpec | undefined;
  private curTag: number;
  private curCancelled: boolean;
  private curResent: boolean;
  private curTimer: number;

  private resp: string[];
  private respCount: number;
  private delivering: boolean;
  private guardTimer: number;
  private onCmdTimer: () => void;
  private onGuardTimer: () => void;
  /** When the module last sent a line (to guess whether it has dozed off since). */
  lastRxMs: number;
  /** The start of the last line nobody wanted (for the log). */
  lastUnexpected: string;
  stats: AtStats;

  constructor(uart: Uart, clock: Clock, urcs: UrcEntry[], sink: AtSink, opts?: AtEngineOptions) {
    const self = this;
    this.uart = uart;
    this.clock = clock;
    this.sink = sink;
    this.urcs = urcs;
    this.opts = opts || AT_ENGINE_DEFAULTS;
    this.reader = new LineReader(function (line) {
      self.route(line);
    }, this.opts.maxLineChars);
    // Allocated at full size once: the queue never grows after start-up.
    const cap = this.opts.queueCapacity;
    this.qText = new Array<string>(cap).fill("");
    this.qSpec = new Array<AtSpec>(cap).fill(IDLE_SPEC);
    this.qTag = new Array<number>(cap).fill(0);
    this.qHead = 0;
    this.qLen = 0;
    this.curText = "";
    this.curSpec = undefined;
    this.curTag = 0;
    this.curCancelled = false;
    this.curResent = false;
    this.curTimer = 0;
    this.resp = new Array<string>(this.opts.maxLines).fill("");
    this.respCount = 0;
    this.delivering = false;
    this.guardTimer = 0;
    this.onCmdTimer = function () {
      self.cmdTimeout();
    };
    this.onGuardTimer = function () {
      self.guardTimer = 0;
      self.pump();
    };
    this.lastUnexpected = "";
    this.lastRxMs = -1;
    this.stats = { sent: 0, timeouts: 0, wakeResends: 0, unexpected: 0, echoes: 0, linesDropped: 0, strayOk: 0, queueFull: 0, urcs: 0 };
  }

  /** Queue a command. False when the queue is full (nothing is sent and no result will come). */
  send(text: string, spec: AtSpec, tag: number): boolean {
    if (this.qLen >= this.opts.queueCapacity) {
      this.stats.queueFull++;
      return false;
    }
    const i = (this.qHead + this.qLen) % this.opts.queueCapacity;
    this.qText[i] = text;
    this.qSpec[i] = spec;
    this.qTag[i] = tag;
    this.qLen++;
    this.pump();
    return true;
  }

  /** Characters from the module, in whatever pieces the UART delivers them. */
  feed(chunk: string): void {
    this.reader.feed(chunk);
  }

  /**
   * Withdraw every queued command and the one in flight; each reports AT_CANCELLED now. The module
   * still owes the in-flight command its final result, so nothing new is sent until it comes (or the
   * command's timeout passes): that keeps exactly one command in flight from the module's side.
   */
  cancelAll(): void {
    if (this.curSpec !== undefined && !this.curCancelled) {
      this.curCancelled = true;
      this.sink.atDone(this.curTag, AT_CANCELLED, 0);
    }
    while (this.qLen > 0) {
      const i = this.qHead;
      const tag = this.qTag[i];
      this.qHead = (this.qHead + 1) % this.opts.queueCapacity;
      this.qLen--;
      this.qText[i] = "";
      this.sink.atDone(tag, AT_CANCELLED, 0);
    }
  }

  /** Forget a partially received line (the module restarted in the middle of it). */
  dropPartialLine(): void {
    this.reader.reset();
  }

  /** Forget a partial line and the in-flight command: the module is off and will not answer. */
  moduleReset(): void {
    this.reader.reset();
    if (this.curSpec !== undefined) this.finish(AT_CANCELLED, 0);
  }

  /** The MCU is going away (reset, deep sleep): drop everything and stop every timer, reporting nothing. */
  halt(): void {
    if (this.curTimer !== 0) this.clock.clearTimeout(this.curTimer);
    if (this.guardTimer !== 0) this.clock.clearTimeout(this.guardTimer);
    this.curTimer = 0;
    this.guardTimer = 0;
    this.curSpec = undefined;
    this.curText = "";
    this.qLen = 0;
    this.respCount = 0;
    this.reader.reset();
  }

  /** True while a command is in flight or waiting. */
  busy(): boolean {
    return this.curSpec !== undefined || this.qLen > 0;
  }

  queued(): number {
    return this.qLen;
  }

  inFlight(): boolean {
    return this.curSpec !== undefined;
  }

  lineCount(): number {
    return this.respCount;
  }

  /** Intermediate line i of the command being reported (valid only inside AtSink.atDone). */
  line(i: number): string {
    return i < this.respCount ? this.resp[i] : "";
  }

  /** Lines dropped by the reader for being longer than the bound. */
  overflows(): number {
    return this.reader.overflows;
  }

  pendingChars(): number {
    return this.reader.pendingChars();
  }

  private pump(): void {
    if (this.curSpec !== undefined || this.qLen === 0 || this.delivering || this.guardTimer !== 0) return;
    const i = this.qHead;
    this.curText = this.qText[i];
    this.curSpec = this.qSpec[i];
    this.curTag = this.qTag[i];
    this.qText[i] = "";
    this.qHead = (this.qHead + 1) % this.opts.queueCapacity;
    this.qLen--;
    this.curCancelled = false;
    this.curResent = false;
    this.respCount = 0;
    this.transmit();
  }

  private transmit(): void {
    const spec = this.curSpec as AtSpec;
    this.stats.sent++;
    this.curTimer = this.clock.setTimeout(this.onCmdTimer, spec.timeoutMs);
    this.uart.write(this.curText + "\r");
  }

  private cmdTimeout(): void {
    this.curTimer = 0;
    const spec = this.curSpec;
    if (spec === undefined) return;
    if ((spec.flags & AT_F_WAKE) !== 0 && !this.curResent) {
      // The first characters after sleep only wake the UART; the module never saw the command.
      this.curResent = true;
      this.stats.wakeResends++;
      this.respCount = 0;
      this.transmit();
      return;
    }
    this.stats.timeouts++;
    this.finish(AT_TIMEOUT, 0);
  }

  private finish(code: number, errNo: number): void {
    if (this.curTimer !== 0) {
      this.clock.clearTimeout(this.curTimer);
      this.curTimer = 0;
    }
    const tag = this.curTag;
    const cancelled = this.curCancelled;
    this.curSpec = undefined;
    this.curText = "";
    if (code === AT_CTM2M_ERROR) {
      // The note prints OK after +CTM2M ERROR: hold the next command until it comes or the guard ends,
      // so that OK is never taken as the next command's result.
      this.guardTimer = this.clock.setTimeout(this.onGuardTimer, this.opts.strayOkGuardMs);
    }
    if (!cancelled) {
      this.delivering = true;
      this.sink.atDone(tag, code, errNo);
      this.delivering = false;
    }
    // Let go of the lines now: one may be a 1,100-character downlink echo.
    for (let i = 0; i < this.respCount; i++) this.resp[i] = "";
    this.respCount = 0;
    this.pump();
  }

  private route(line: string): void {
    this.lastRxMs = this.clock.now();
    const spec = this.curSpec;
    if (spec !== undefined) {
      if (this.finalResult(line)) return;
      if (line === this.curText) {
        this.stats.echoes++;
        this.sink.atEcho(this.curTag);
        return;
      }
      if (spec.prefix.length > 0 && line.indexOf(spec.prefix) === 0) {
        if ((spec.flags & AT_F_PREFIX_FINAL) !== 0) {
          this.keep(line);
          this.finish(AT_OK, 0);
        } else this.keep(line);
        return;
      }
    } else if (this.guardTimer !== 0 && line === "OK") {
      this.stats.strayOk++;
      this.clock.clearTimeout(this.guardTimer);
      this.guardTimer = 0;
      this.pump();
      return;
    }
    const urcs = this.urcs;
    for (let i = 0; i < urcs.length; i++) {
      if (line.indexOf(urcs[i].prefix) === 0) {
        this.stats.urcs++;
        urcs[i].handler(line);
        return;
      }
    }
    if (spec !== undefined && (spec.flags & AT_F_BARE) !== 0) {
      this.keep(line);
      return;
    }
    this.stats.unexpected++;
    this.lastUnexpected = line.length > 40 ? line.substring(0, 40) : line;
  }

  private finalResult(line: string): boolean {
    const c0 = line.charCodeAt(0);
    if (c0 === 79 /* O */ && line === "OK") this.finish(AT_OK, 0);
    else if (c0 === 69 /* E */ && line === "ERROR") this.finish(AT_ERROR, 0);
    else if (c0 === 43 /* + */ && line.indexOf(CME) === 0) this.finish(AT_CME_ERROR, errNumber(line, CME));
    else if (c0 === 43 && line.indexOf(CTM2M_ERR) === 0) this.finish(AT_CTM2M_ERROR, errNumber(line, CTM2M_ERR));
    else return false;
    return true;
  }

  private keep(line: string): void {
    if (this.respCount < this.opts.maxLines) this.resp[this.respCount++] = line;
    else this.stats.linesDropped++;
  }
}

/** The module's error number, or -1 when it sent text (AT+CMEE=2) or nothing usable. */
function errNumber(line: string, prefix: string): number {
  return intFrom(line, afterPrefix(line, prefix));
}
