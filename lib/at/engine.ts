// AT command engine: UART chunks -> lines (bounded; line noise dropped) -> routed in a fixed order: the
// in-flight command's final result, its echo, its expected intermediate lines, the owner's URC parser,
// the bare lines a command collects, and last "unexpected" (counted). One command in flight, a small
// queue behind it, one timeout per command. Commands are rows (see AtRow). The engine knows only the
// generic finals (OK, ERROR, +CME ERROR); the driver adds its own numbered final and how long to hold
// the next command for a stray OK after it (the SIM7020 prints OK after +CTM2M ERROR).

import type { Clock, Uart } from "../ports";
import { AT_CANCELLED, AT_CME_ERROR, AT_ERROR, AT_EXTRA_ERROR, AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE, AT_OK, AT_TIMEOUT } from "./result";
import { afterPrefix, field, Field } from "./fields";

/**
 * A row: `"<prefix>|<timeoutMs>|<flags>|<text>"`, e.g. `"+CSQ:|3000|0|AT+CSQ"` (flags: result.ts AT_F_*).
 * The text comes last so a parameter is appended to the row itself (`row + value`). Rows are const enum
 * strings: the build inlines them where they are sent, so they cost no RAM.
 */
export type AtRow = string;

/** Who gets the results: the link machine on the device, a test host on the desktop. */
export interface AtOwner {
  /** Once per command that was not cancelled; intermediate lines are readable (resp) during the call. */
  atDone(tag: number, code: number, errNo: number): void;
  /** The module echoed the in-flight command (it echoes again after a reboot, even after ATE0). */
  atEcho(tag: number): void;
}

/** The owner's URC parser: a line no command claimed; true when recognised (it has been parsed and posted). */
export type UrcParser = (owner: any, line: string) => boolean;

export const enum AtLimit {
  /** "+CTM2MRECV: " + 1024 hex digits, or the echo of a full AT+CTM2MSEND, with room to spare. */
  LINE_MAX_CHARS = 1100,
  /** A line this long is copied out of the chunk before it is handled, and the chunk's copy let go. */
  LONG_LINE_CHARS = 200,
  QUEUE = 4,
  /** Intermediate lines kept for one command; more are counted in linesDropped. */
  MAX_LINES = 5,
}

/** The engine. Flags are numbers, 0 or 1 (a boolean property costs the device two JsVars, a small integer one). */
export class At {
  uart: Uart;
  clock: Clock;
  private owner: AtOwner;
  private urc: UrcParser;
  /** The driver's numbered final result ("" for none), and the hold after it for a stray OK. */
  private extraFinal: string;
  private guardMs: number;
  guardTimer: number;

  // The line being assembled, and whether it is being dropped for growing past the bound.
  partial: string;
  private dropping: number;

  // The command in flight (`inFlight` false: none), parsed from its row.
  inFlight: number;
  text: string;
  private prefix: string;
  flags: number;
  timeoutMs: number;
  private tag: number;
  /**
   * Withdrawn by its owner: it will not report. The module still owes it its final result, so nothing
   * new is sent until that comes (or its timeout passes): exactly one command in flight, as the module sees it.
   */
  cancelled: number;
  resent: number;
  timer: number;
  /** Inside owner.atDone: sending waits until it returns (run to completion). */
  private delivering: number;

  // Commands waiting behind it: a ring of "<tag>|<row>", allocated once.
  private qRow: string[];
  private qHead: number;
  qLen: number;

  /**
   * The intermediate lines of the command being reported, `lines` of them (read them inside
   * AtOwner.atDone; the slots past `lines` hold "").
   */
  resp: string[];
  lines: number;

  /** When the module last sent a line (to guess whether it has dozed off since). */
  lastRxMs: number;
  /** The start of the last line nobody wanted (for the log). */
  lastUnexpected: string;
  // Counters (read by the log, the tests and the soak).
  sent: number;
  timeouts: number;
  wakeResends: number;
  unexpected: number;
  echoes: number;
  linesDropped: number;
  strayOk: number;
  queueFull: number;
  overflows: number;
  /** Bytes dropped from lines as noise (controls other than CR/LF, bytes >= 0x7F). */
  noise: number;

  constructor(uart: Uart, clock: Clock, owner: AtOwner, urc: UrcParser, extraFinal: string, guardMs: number) {
    // Hot fields first: Espruino finds a property by walking the object's list in the order the fields
    // were made, and a method call walks all of them before the prototype. Per line and per chunk only
    // these are read; the counters and the queue come last.
    this.partial = "";
    this.dropping = 0;
    this.inFlight = 0;
    this.prefix = "";
    this.text = "";
    this.urc = urc;
    this.owner = owner;
    this.flags = 0;
    this.lines = 0;
    this.resp = ["", "", "", "", ""];
    this.guardTimer = 0;
    this.extraFinal = extraFinal;
    this.tag = 0;
    this.cancelled = 0;
    this.delivering = 0;
    this.timer = 0;
    this.clock = clock;
    this.uart = uart;
    this.qLen = 0;
    this.qRow = ["", "", "", ""];
    this.qHead = 0;
    this.timeoutMs = 0;
    this.resent = 0;
    this.guardMs = guardMs;
    this.lastRxMs = -1;
    this.lastUnexpected = "";
    this.sent = 0;
    this.timeouts = 0;
    this.wakeResends = 0;
    this.unexpected = 0;
    this.echoes = 0;
    this.linesDropped = 0;
    this.strayOk = 0;
    this.queueFull = 0;
    this.overflows = 0;
    this.noise = 0;
  }

  /** Queue a command row (parameters already appended). False when the queue is full: nothing will come. */
  send(row: AtRow, tag: number): boolean {
    if (this.qLen >= AtLimit.QUEUE) {
      this.queueFull++;
      return false;
    }
    const i = (this.qHead + this.qLen++) % AtLimit.QUEUE;
    this.qRow[i] = tag + "|" + row;
    this.pump();
    return true;
  }

  /**
   * Characters from the module, in whatever pieces the UART delivers them. Lines end at \r, \n or \r\n.
   * Written for the interpreter, which reads every token it passes, taken or not: one concatenation per
   * chunk, one indexOf per line and terminator kind, and the rare cases (an over-long line) off the path.
   */
  feed(chunk: string): void {
    let b = chunk;
    if (this.partial !== "") {
      b = this.partial + chunk;
      this.partial = ""; // one copy of a long line at a time (a downlink is a kilobyte)
    }
    let p = 0;
    let e = b.indexOf("\r");
    let lf = b.indexOf("\n");
    if (this.dropping) {
      // The rest of a line that outgrew the bound: skip to its end.
      if (lf >= 0 && (e < 0 || lf < e)) e = lf;
      if (e < 0) return;
      this.dropping = 0;
      p = e + 1;
      e = b.indexOf("\r", p);
      if (lf >= 0 && lf < p) lf = b.indexOf("\n", p);
    }
    for (;;) {
      if (lf >= 0 && (e < 0 || lf < e)) e = lf;
      if (e < 0) break;
      if (e > p) {
        if (e - p > AtLimit.LINE_MAX_CHARS) this.overflows++;
        else {
          const line = b.substring(p, e);
          if (e > AtLimit.LONG_LINE_CHARS) {
            // Let go of a long line's text before it is handled: keep only what follows it.
            b = b.substring(e);
            lf = lf >= e ? lf - e : lf < 0 ? -1 : 0;
            e = 0;
          }
          this.lastRxMs = this.clock.now();
          this.route(line, true);
        }
      }
      p = b.charCodeAt(e + 1) === 10 ? e + 2 : e + 1;
      e = b.indexOf("\r", p);
      if (lf >= 0 && lf < p) lf = b.indexOf("\n", p);
    }
    this.partial = p === 0 ? b : b.substring(p);
    if (this.partial.length > AtLimit.LINE_MAX_CHARS) {
      // Dropped now rather than at the line end, so the buffer never holds more than the bound and an
      // endless line is counted even if its end never comes.
      this.partial = "";
      this.dropping = 1;
      this.overflows++;
    }
  }

  /**
   * Forget what the module said: `level` 0 a partial line (it rebooted mid-line: the command in flight
   * stays in flight, the module may still answer it); 1 also the command in flight (the module is off
   * or reset and will not answer); 2 the MCU is going away (reset, deep sleep): also stop every timer
   * and drop the queue. Nothing reports.
   */
  reset(level: number): void {
    this.partial = "";
    this.dropping = 0;
    if (level === 2) {
      this.clock.clearTimeout(this.guardTimer);
      this.guardTimer = 0;
      this.withdraw();
    }
    if (level > 0 && this.inFlight) {
      this.cancelled = 1;
      this.finish(AT_CANCELLED, 0);
    }
  }

  /**
   * The owner no longer wants what it sent: the command in flight will not report (the module still
   * owes its answer, so nothing new goes out before it comes or times out), and the waiting ones are
   * dropped, their rows let go (a SEND row holds a kilobyte of hex).
   */
  withdraw(): void {
    this.cancelled = this.inFlight;
    this.qLen = 0;
    for (let i = 0; i < AtLimit.QUEUE; i++) this.qRow[i] = "";
  }

  /** A command is in flight or waiting. */
  busy(): boolean {
    return this.inFlight !== 0 || this.qLen > 0;
  }

  /** Send the queue's head when nothing is in flight. */
  pump(): void {
    if (this.inFlight || this.qLen === 0 || this.delivering || this.guardTimer !== 0) return;
    const row = this.qRow[this.qHead];
    this.qRow[this.qHead] = "";
    this.qHead = (this.qHead + 1) % AtLimit.QUEUE;
    this.qLen--;
    const t = row.indexOf("|");
    const a = row.indexOf("|", t + 1);
    const b = row.indexOf("|", a + 1);
    const c = row.indexOf("|", b + 1);
    this.tag = parseInt(row.substring(0, t), 10);
    this.prefix = row.substring(t + 1, a);
    this.timeoutMs = parseInt(row.substring(a + 1, b), 10);
    this.flags = parseInt(row.substring(b + 1, c), 10);
    this.text = row.substring(c + 1);
    this.inFlight = 1;
    this.cancelled = 0;
    this.resent = 0;
    this.lines = 0;
    this.sent++;
    this.timer = this.clock.setTimeout(atTimer, this.timeoutMs, this, 0);
    this.uart.write(this.text + "\r");
  }

  finish(code: number, errNo: number): void {
    this.clock.clearTimeout(this.timer);
    this.timer = 0;
    this.inFlight = 0;
    this.text = "";
    if (code === AT_EXTRA_ERROR && this.guardMs > 0) {
      // The module prints OK after its own error: hold the next command until that OK comes or the
      // hold ends, so it is never taken as the next command's result.
      this.guardTimer = this.clock.setTimeout(atTimer, this.guardMs, this, 1);
    }
    if (!this.cancelled) {
      this.delivering = 1;
      this.owner.atDone(this.tag, code, errNo);
      this.delivering = 0;
    }
    // Let go of the lines now: one may be a 1,100-character downlink echo.
    for (let i = 0; i < this.lines; i++) this.resp[i] = "";
    this.lines = 0;
    this.pump();
  }

  /**
   * One line, the common cases first: the in-flight command's OK and its expected lines. Everything else
   * (other finals, the echo, URCs, bare lines, noise, the unexpected) is `routeRest`, so the interpreter
   * does not read through it for the lines that make up most of the traffic.
   */
  private route(line: string, raw: boolean): void {
    const c0 = line.charCodeAt(0);
    const cl = line.charCodeAt(line.length - 1);
    if (raw && (c0 < 32 || c0 > 126 || cl < 32 || cl > 126)) {
      // Glitch bytes at the ends of a line (power-up, brown-out, PSM exit): `\x00OK` means OK.
      const clean = denoise(line);
      this.noise += line.length - clean.length;
      if (clean.length > 0) this.route(clean, false);
      return;
    }
    if (this.inFlight) {
      if (line === "OK") return this.finish(AT_OK, 0);
      // No prefix is a final result, an echo or a URC the command does not want (rows are written so).
      if (this.prefix !== "" && line.indexOf(this.prefix) === 0) {
        if (this.lines < AtLimit.MAX_LINES) this.resp[this.lines++] = line;
        else this.linesDropped++;
        if ((this.flags & AT_F_PREFIX_FINAL) !== 0) this.finish(AT_OK, 0);
        return;
      }
    }
    this.routeRest(line, c0, raw);
  }

  private routeRest(line: string, c0: number, raw: boolean): void {
    if (this.inFlight) {
      if (c0 === 69 /* E */ && line === "ERROR") return this.finish(AT_ERROR, 0);
      if (c0 === 43 /* + */) {
        if (line.indexOf("+CME ERROR:") === 0) return this.finish(AT_CME_ERROR, field(line, afterPrefix(line, "+CME ERROR:"), 0, Field.INT));
        if (this.extraFinal !== "" && line.indexOf(this.extraFinal) === 0) return this.finish(AT_EXTRA_ERROR, field(line, afterPrefix(line, this.extraFinal), 0, Field.INT));
      }
      if (line === this.text) {
        this.echoes++;
        this.owner.atEcho(this.tag);
        return;
      }
    } else if (this.guardTimer !== 0 && line === "OK") {
      this.strayOk++;
      this.clock.clearTimeout(this.guardTimer);
      this.guardTimer = 0;
      this.pump();
      return;
    }
    if (this.urc(this.owner, line)) return;
    if (this.inFlight && (this.flags & AT_F_BARE) !== 0) {
      if (this.lines < AtLimit.MAX_LINES) this.resp[this.lines++] = line;
      else this.linesDropped++;
      return;
    }
    if (raw) {
      // Noise inside a line: look once more without it.
      const clean = denoise(line);
      if (clean.length !== line.length) {
        this.noise += line.length - clean.length;
        if (clean.length > 0) this.route(clean, false);
        return;
      }
    }
    this.unexpected++;
    this.lastUnexpected = line.length > 40 ? line.substring(0, 40) : line;
  }
}

/**
 * A timer fired: the command's timeout, or (`guard`) the end of the stray-OK hold. A plain function, so
 * no closure is made per timer (and a class cannot name itself on the device).
 */
function atTimer(e: At, guard: number): void {
  if (guard) {
    e.guardTimer = 0;
    e.pump();
    return;
  }
  e.timer = 0;
  if (!e.inFlight) return;
  if ((e.flags & AT_F_WAKE) !== 0 && !e.resent) {
    // The first characters after a doze only wake the UART; the module never saw the command.
    e.resent = 1;
    e.wakeResends++;
    e.lines = 0;
    e.sent++;
    e.timer = e.clock.setTimeout(atTimer, e.timeoutMs, e, 0);
    e.uart.write(e.text + "\r");
    return;
  }
  e.timeouts++;
  e.finish(AT_TIMEOUT, 0);
}

/** The line without control bytes (CR/LF never reach here) and bytes >= 0x7F: the module speaks ASCII. */
export function denoise(line: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 32 || c > 126) {
      if (i > from) out += line.substring(from, i);
      from = i + 1;
    }
  }
  return from === 0 ? line : out + line.substring(from);
}
