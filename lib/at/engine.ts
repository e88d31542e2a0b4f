// AT command engine: UART chunks -> lines (bounded; line noise dropped) -> routed in a fixed order: the
// in-flight command's final result, its echo, its expected intermediate lines, the owner's URC parser,
// the bare lines a command collects, and last "unexpected" (counted). One command in flight, a small
// queue behind it, one timeout per command. Commands are rows (see AtRow). The engine knows only the
// generic finals (OK, ERROR, +CME ERROR); the driver adds its own numbered final and how long to hold
// the next command for a stray OK after it (the SIM7020 prints OK after +CTM2M ERROR).

import type { Clock, Uart } from "../ports";
import { AT_CANCELLED, AT_CME_ERROR, AT_ECHO, AT_ERROR, AT_EXTRA_ERROR, AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE, AT_OK, AT_TIMEOUT } from "./result";
import { afterPrefix, field, Field } from "./fields";

/**
 * A row: `"<prefix>|<timeoutMs>|<flags>|<text>"`, e.g. `"+CSQ:|3000|0|AT+CSQ"` (flags: result.ts AT_F_*).
 * The text comes last so a parameter is appended to the row itself (`row + value`). Rows are const enum
 * strings: the build inlines them where they are sent, so they cost no RAM.
 */
export type AtRow = string;

/** Who gets the results: the link machine on the device, a test host on the desktop. */
export interface AtOwner {
  /**
   * Once per command that was not cancelled; intermediate lines are readable (resp) during the call.
   * Also with AT_ECHO, any number of times before that, when the module echoes the command.
   */
  atDone(tag: number, code: number, errNo: number): void;
}

/** The owner's URC parser: a line no command claimed; true when recognised (it has been parsed and posted). */
export type UrcParser = (owner: any, line: string) => boolean;

/** reset()'s levels (a const enum: inlined). */
export const enum AtReset {
  WITHDRAW = -1,
  PARTIAL = 0,
  IN_FLIGHT = 1,
  ALL = 2,
}

export const enum AtLimit {
  /** "+CTM2MRECV: " + 1024 hex digits, or the echo of a full AT+CTM2MSEND, with room to spare. */
  LINE_MAX_CHARS = 1100,
  /** A line this long is copied out of the chunk before it is handled, and the chunk's copy let go. */
  LONG_LINE_CHARS = 200,
  /** A power of two (the ring wraps with a mask). */
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

  /** The line being assembled (never more than LINE_MAX_CHARS). */
  partial: string;
  /** The rest of a line that outgrew the bound is being dropped. */
  private dropping: number;

  // The command in flight (`inFlight` false: none), parsed from its row.
  inFlight: number;
  text: string;
  /** Its expected prefix, or "\r" when it expects none (a line never holds "\r", so it never matches). */
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

  // Commands waiting behind it: rows and their tags in two rings, allocated once (a tag is not glued to
  // its row: a SEND row is a kilobyte of hex, and copying it costs as much as parsing it).
  private qRow: string[];
  private qTag: number[];
  private qHead: number;
  qLen: number;

  /**
   * The intermediate lines of the command being reported, `lines` of them (read them inside
   * AtOwner.atDone; the slots past `lines` hold "").
   */
  resp: string[];
  lines: number;

  /** When the module last sent a line (to guess whether it has dozed off since); set once per chunk. */
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
    // Most used fields first: Espruino finds a property by walking the object's list in the order the
    // fields were made (a method call walks all of them before the prototype). By uses per bench pass:
    // per chunk, per line, per command; the counters last.
    this.partial = "";
    this.qLen = 0;
    this.inFlight = 0;
    this.clock = clock;
    this.lines = 0;
    this.text = "";
    this.dropping = 0;
    this.timer = 0;
    this.delivering = 0;
    this.qHead = 0;
    this.lastRxMs = -1;
    this.flags = 0;
    this.prefix = "\r";
    this.cancelled = 0;
    this.tag = 0;
    this.resp = ["", "", "", "", ""];
    this.owner = owner;
    this.guardTimer = 0;
    this.qRow = ["", "", "", ""];
    this.qTag = [0, 0, 0, 0];
    this.timeoutMs = 0;
    this.urc = urc;
    this.resent = 0;
    this.sent = 0;
    this.uart = uart;
    this.extraFinal = extraFinal;
    this.guardMs = guardMs;
    this.lastUnexpected = "";
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
    const at = this;
    if (at.qLen >= AtLimit.QUEUE) {
      at.queueFull++;
      return false;
    }
    const i = (at.qHead + at.qLen++) % AtLimit.QUEUE;
    at.qRow[i] = row;
    at.qTag[i] = tag;
    at.busy();
    return true;
  }

  /**
   * Characters from the module, in whatever pieces the UART delivers them. Lines end at \r, \n or \r\n.
   * Written for the interpreter, which reads every character of a function's body on every call (the
   * branches it does not take and the code after a return too): the common chunk (nothing near the
   * bound) is cut by six native calls and each line costs one loop turn; the rest goes to `slow`, a
   * function of its own so that it is not read here.
   */
  feed(chunk: string): void {
    // `at.` is three characters shorter than `this.`, and the interpreter reads every one (so below too).
    const at = this;
    if (at.dropping || at.partial.length + chunk.length > AtLimit.LINE_MAX_CHARS) {
      at.partial += chunk;
      return at.slow();
    }
    // Only the chunk is cut (`partial` holds no line end): a kilobyte downlink arriving in small chunks
    // is not cut again with each of them. Every line end becomes one "\r" (a \r\n pair too), so a line
    // is one piece and empty pieces are few. (Not replaceAll: on the interpreter it never returns when
    // the string ends with what it replaces.)
    // ("" + chunk: a copy in RAM first, as the chunk may be a view of flash, the bench's is, where each
    // of the five calls would read it from flash again.)
    const parts = ("" + chunk).split("\r\n").join("\r").split("\n").join("\r").split("\r");
    const n = parts.length - 1;
    parts[0] = at.partial + parts[0];
    // Let go of the buffer while the lines are handled (it may hold a kilobyte of downlink); the unfinished
    // line is kept afterwards, also when a handler reset the engine (a reboot line ends a chunk).
    at.partial = "";
    // Once per chunk that ends a line, not per line (only used to guess whether the module dozed off).
    if (n > 1 || (n > 0 && parts[0] !== "")) at.lastRxMs = at.clock.now();
    // routeRest is called here, not from route: one call frame less under whatever a line sets off.
    for (let i = 0; i < n; i++) if (parts[i] !== "" && !at.route(parts[i])) at.routeRest(parts[i]);
    at.partial = parts[n];
  }


  /**
   * What the fast paths leave, so that they need not read it. With a `line` (routeRest's leftovers): the
   * line without its noise, routed again, or if it has none, counted as unexpected. Without: the careful
   * path of `feed`, `partial` holding the whole buffer: lines past the bound dropped and counted (and
   * the rest of one that outgrew it unfinished), a long line's text let go of before it is handled.
   */
  private slow(line?: string): void {
    if (line !== undefined) {
      // Noise: controls other than CR/LF (which never get here) and bytes >= 0x7F; the module speaks ASCII.
      let clean = "";
      let from = 0;
      for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (c < 32 || c > 126) {
          if (i > from) clean += line.substring(from, i);
          from = i + 1;
        }
      }
      if (from > 0) {
        clean += line.substring(from);
        this.noise += line.length - clean.length;
        if (clean !== "" && !this.route(clean)) this.routeRest(clean);
        return;
      }
      this.unexpected++;
      this.lastUnexpected = line.length > 40 ? line.substring(0, 40) : line;
      return;
    }
    let b = this.partial;
    this.partial = "";
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
          if (!this.route(line)) this.routeRest(line);
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
   * Forget, by `level` (AtReset). WITHDRAW: the owner no longer wants what it sent: the command in flight
   * will not report (the module still owes its answer, so nothing new goes out before it comes or times
   * out), and the waiting ones are dropped, their rows let go (a SEND row holds a kilobyte of hex).
   * PARTIAL: what the module said, a partial line (it rebooted mid-line: the command in flight stays in
   * flight, the module may still answer it). IN_FLIGHT: also the command in flight (the module is off or
   * reset and will not answer). ALL: the MCU is going away (reset, deep sleep): also stop every timer and
   * drop the queue. Nothing reports. (One method for the four, not two: RAM.)
   */
  reset(level: number): void {
    if (level !== AtReset.WITHDRAW) {
      this.partial = "";
      this.dropping = 0;
    }
    if (level === AtReset.ALL) {
      this.clock.clearTimeout(this.guardTimer);
      this.guardTimer = 0;
    }
    if (level === AtReset.ALL || level === AtReset.WITHDRAW) {
      this.cancelled = this.inFlight;
      this.qLen = 0;
      this.qRow.fill("");
    }
    if (level > 0 && this.inFlight) {
      this.cancelled = 1;
      this.finish(AT_CANCELLED, 0);
    }
  }

  /**
   * A command is in flight or waiting. First it sends the queue's head if nothing is in flight (the
   * engine's own "pump": whenever control is back with the caller that has already happened, so for
   * the caller this is only a question).
   */
  busy(): boolean {
    const at = this;
    if (!at.inFlight && at.qLen > 0 && !at.delivering && at.guardTimer === 0) {
      const h = at.qHead;
      const row = at.qRow[h];
      at.qRow[h] = "";
      at.tag = at.qTag[h];
      at.qHead = (h + 1) & (AtLimit.QUEUE - 1);
      at.qLen--;
      const a = row.indexOf("|");
      const b = row.indexOf("|", a + 1);
      const c = row.indexOf("|", b + 1);
      at.prefix = a > 0 ? row.substring(0, a) : "\r";
      // Rows are built by code: their numbers are plain decimal, so a unary plus reads them.
      at.timeoutMs = +row.substring(a + 1, b);
      at.flags = +row.substring(b + 1, c);
      at.text = row.substring(c + 1);
      at.inFlight = 1;
      at.cancelled = 0;
      at.resent = 0;
      at.lines = 0;
      at.sent++;
      at.timer = at.clock.setTimeout(atTimer, at.timeoutMs, at);
      at.uart.write(at.text + "\r");
    }
    return at.inFlight !== 0 || at.qLen > 0;
  }

  finish(code: number, errNo: number): void {
    const at = this;
    at.clock.clearTimeout(at.timer);
    at.timer = 0;
    at.inFlight = 0;
    at.text = "";
    if (code === AT_EXTRA_ERROR && at.guardMs > 0) {
      // The module prints OK after its own error: hold the next command until that OK comes or the
      // hold ends, so it is never taken as the next command's result.
      at.guardTimer = at.clock.setTimeout(atTimer, at.guardMs, at);
    }
    if (!at.cancelled) {
      at.delivering = 1;
      at.owner.atDone(at.tag, code, errNo);
      at.delivering = 0;
    }
    // Let go of the lines now: one may be a 1,100-character downlink echo.
    at.resp.fill("");
    at.lines = 0;
    // Only with something waiting: busy() is long, and the interpreter would read all of it.
    if (at.qLen > 0) at.busy();
  }

  /**
   * One line, the common cases only: the in-flight command's OK and its expected lines (whose first
   * character is the prefix's, so only the last one can be noise). False for everything else, which the
   * caller gives to `routeRest`, so the interpreter does not read through it for the lines that make up
   * most of the traffic.
   */
  private route(line: string): boolean {
    const at = this;
    if (at.inFlight) {
      if (line === "OK") return at.finish(AT_OK, 0), true;
      // No prefix is a final result, an echo or a URC the command does not want (rows are written so).
      let cl = 0;
      if (line.indexOf(at.prefix) === 0 && (cl = line.charCodeAt(line.length - 1)) > 31 && cl < 127) {
        if (at.lines < AtLimit.MAX_LINES) at.resp[at.lines++] = line;
        else at.linesDropped++;
        if (at.flags & AT_F_PREFIX_FINAL) at.finish(AT_OK, 0);
        return true;
      }
    }
    return false;
  }

  /**
   * The rest, in a fixed order: the in-flight command's other finals and its echo (or the stray OK the
   * hold waits for), the owner's URC parser, the bare lines the command collects; a line with noise at
   * its ends (glitch bytes: power-up, brown-out, PSM exit; `\x00OK` means OK) is first cleaned and routed
   * again, and so is one with noise inside that nobody wanted; the rest is "unexpected" (counted): these
   * two are `slow(line)`.
   */
  private routeRest(line: string): void {
    const at = this;
    const c0 = line.charCodeAt(0);
    const cl = line.charCodeAt(line.length - 1);
    if (c0 > 31 && c0 < 127 && cl > 31 && cl < 127) {
      if (at.inFlight) {
        if (line === "ERROR") return at.finish(AT_ERROR, 0);
        if (line.indexOf("+CME ERROR:") === 0) return at.finish(AT_CME_ERROR, field(line, afterPrefix(line, "+CME ERROR:"), 0, Field.INT));
        if (at.extraFinal !== "" && line.indexOf(at.extraFinal) === 0) return at.finish(AT_EXTRA_ERROR, field(line, afterPrefix(line, at.extraFinal), 0, Field.INT));
        if (line === at.text) {
          at.echoes++;
          at.owner.atDone(at.tag, AT_ECHO, 0);
          return;
        }
      } else if (at.guardTimer !== 0 && line === "OK") {
        at.strayOk++;
        at.clock.clearTimeout(at.guardTimer);
        at.guardTimer = 0;
        at.busy();
        return;
      }
      if (at.urc(at.owner, line)) return;
      if (at.inFlight && at.flags & AT_F_BARE) {
        if (at.lines < AtLimit.MAX_LINES) at.resp[at.lines++] = line;
        else at.linesDropped++;
        return;
      }
    }
    at.slow(line);
  }
}

/**
 * A timer fired: the command's timeout, or, with nothing in flight, the end of the stray-OK hold (never
 * both running: nothing is sent while the hold is on). A plain function, so no closure is made per
 * timer (and a class cannot name itself on the device).
 */
function atTimer(e: At): void {
  if (!e.inFlight) {
    e.guardTimer = 0;
    e.busy();
    return;
  }
  e.timer = 0;
  if ((e.flags & AT_F_WAKE) !== 0 && !e.resent) {
    // The first characters after a doze only wake the UART; the module never saw the command.
    e.resent = 1;
    e.wakeResends++;
    e.lines = 0;
    e.sent++;
    e.timer = e.clock.setTimeout(atTimer, e.timeoutMs, e);
    e.uart.write(e.text + "\r");
    return;
  }
  e.timeouts++;
  e.finish(AT_TIMEOUT, 0);
}
