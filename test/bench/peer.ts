// The benchmark's peer: a minimal line handler written the way Espruino's AT module does it (our own
// code, for comparison only): accumulate into one string buffer, cut lines at "\r\n" with indexOf and
// substr, try registered handlers by line.substr(0, prefix.length), and hand every other line to the
// pending command's callback, which decides itself whether OK / ERROR ends it (returning a callback
// keeps it waiting). One timeout per command on the same Clock port as ours.

import type { Clock, Uart } from "../../lib/ports";

/** A command's callback: undefined when the command is complete, a callback to keep reading lines. */
export type PeerCallback = (line: string) => PeerCallback | undefined;

export class PeerAt {
  private buf = "";
  private handlers: { [prefix: string]: (line: string) => void } = {};
  private pending: PeerCallback | undefined;
  private timer = 0;
  private queue: { text: string; timeoutMs: number; cb: PeerCallback }[] = [];

  constructor(
    private uart: Uart,
    private clock: Clock,
  ) {}

  register(prefix: string, fn: (line: string) => void): void {
    this.handlers[prefix] = fn;
  }

  cmd(text: string, timeoutMs: number, cb: PeerCallback): void {
    this.queue.push({ text, timeoutMs, cb });
    if (!this.pending) this.next();
  }

  feed(d: string): void {
    this.buf += d;
    let i = this.buf.indexOf("\r\n");
    while (i >= 0) {
      const line = this.buf.substr(0, i);
      this.buf = this.buf.substr(i + 2);
      if (line.length > 0) this.line(line);
      i = this.buf.indexOf("\r\n");
    }
  }

  private line(line: string): void {
    for (const prefix in this.handlers) {
      if (line.substr(0, prefix.length) === prefix) {
        this.handlers[prefix](line);
        return;
      }
    }
    if (!this.pending) return;
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
 * What every caller of the peer writes for itself: collect lines with `prefix`, end on OK, ERROR or
 * +CME ERROR (each driver re-implements this, which is the AT module's cost the comparison shows).
 */
export function expectLines(prefix: string, done: (ok: boolean, lines: string[]) => void): PeerCallback {
  const lines: string[] = [];
  const cb: PeerCallback = function (line) {
    if (line === "OK") return void done(true, lines);
    if (line === "ERROR" || line.substr(0, 11) === "+CME ERROR:" || line.substr(0, 13) === "+CTM2M ERROR:") return void done(false, lines);
    if (prefix.length > 0 && line.substr(0, prefix.length) === prefix) lines.push(line);
    return cb;
  };
  return cb;
}
