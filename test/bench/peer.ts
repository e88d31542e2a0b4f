// The benchmark's peer: a minimal line handler written the way Espruino's AT module (EspruinoDocs
// modules/AT.js) works, in our own code, for comparison only: every chunk is appended to one string
// buffer; handlers registered for the start of the buffer are tried on it after each chunk and after
// each line; lines are cut at "\r" with indexOf and substr, a "\n" left at the front is dropped; each
// line goes to every line handler whose prefix it starts with, or else to the pending command's
// callback, which decides itself whether OK / ERROR ends it (returning a callback keeps it waiting).
// One timeout per command. Runs on the desktop (host CPU bench) and on the interpreter (device bench).

import type { Clock, Uart } from "../../lib/ports";

/** A command's callback: undefined when the command is complete, a callback to keep reading lines. */
export type PeerCallback = (line: string) => PeerCallback | undefined;

export class PeerAt {
  private buf = "";
  /** Prefix of the whole buffer -> handler returning what is left of it (AT.js `register`). */
  private bufferHandlers: { [prefix: string]: (buf: string) => string } = {};
  /** Prefix of a complete line -> handler (AT.js `registerLine`). */
  private lineHandlers: { [prefix: string]: (line: string) => void } = {};
  private pending: PeerCallback | undefined;
  private timer = 0;
  private queue: { text: string; timeoutMs: number; cb: PeerCallback }[] = [];
  private uart: Uart;
  private clock: Clock;

  constructor(uart: Uart, clock: Clock) {
    this.uart = uart;
    this.clock = clock;
  }

  register(prefix: string, fn: (line: string) => void): void {
    this.lineHandlers[prefix] = fn;
  }

  registerBuffer(prefix: string, fn: (buf: string) => string): void {
    this.bufferHandlers[prefix] = fn;
  }

  cmd(text: string, timeoutMs: number, cb: PeerCallback): void {
    this.queue.push({ text: text, timeoutMs: timeoutMs, cb: cb });
    if (!this.pending) this.next();
  }

  feed(d: string): void {
    this.buf += d;
    this.tryBufferHandlers();
    if (this.buf.charAt(0) === "\n") this.buf = this.buf.substr(1);
    let i = this.buf.indexOf("\r");
    while (i >= 0) {
      const line = this.buf.substr(0, i);
      if (line.length > 0) this.line(line);
      this.buf = this.buf.substr(i + 1);
      if (this.buf.charAt(0) === "\n") this.buf = this.buf.substr(1);
      if (this.buf.length > 0) this.tryBufferHandlers();
      i = this.buf.indexOf("\r");
    }
  }

  private tryBufferHandlers(): void {
    for (const prefix in this.bufferHandlers) {
      if (this.buf.substr(0, prefix.length) === prefix) this.buf = this.bufferHandlers[prefix](this.buf);
    }
  }

  private line(line: string): void {
    let handled = false;
    for (const prefix in this.lineHandlers) {
      if (line.substr(0, prefix.length) === prefix) {
        this.lineHandlers[prefix](line);
        handled = true;
      }
    }
    if (handled || !this.pending) return;
    const r = this.pending(line);
    if (r) this.pending = r;
    else {
      this.clock.clearTimeout(this.timer);
      this.pending = undefined;
      this.next();
    }
  }

  private next(): void {
    const c = this.queue.shift();
    if (!c) return;
    this.pending = c.cb;
    const self = this;
    this.timer = this.clock.setTimeout(function () {
      self.pending = undefined;
      self.next();
    }, c.timeoutMs);
    this.uart.write(c.text + "\r\n");
  }
}

/**
 * What every caller of the peer writes for itself: collect lines with `prefix` (every line when it is
 * ""), end on OK, ERROR or +CME ERROR (each driver re-implements this: the AT module's cost the
 * comparison shows).
 */
export function expectLines(prefix: string, done: (ok: boolean, lines: string[]) => void): PeerCallback {
  const lines: string[] = [];
  const cb: PeerCallback = function (line) {
    if (line === "OK") return void done(true, lines);
    if (line === "ERROR" || line.substr(0, 11) === "+CME ERROR:" || line.substr(0, 13) === "+CTM2M ERROR:") return void done(false, lines);
    if (prefix.length === 0 || line.substr(0, prefix.length) === prefix) lines.push(line);
    return cb;
  };
  return cb;
}
