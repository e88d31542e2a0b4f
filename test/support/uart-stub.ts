// A UART stub for the Uart port: records what the host writes, and delivers the module's bytes to the
// host in chunks of any size on the fake clock, as Espruino's Serial.on('data') does. Chunks are queued
// and delivered from a timer, never from inside write(), because a real UART never answers re-entrantly.

import type { Clock, Uart } from "../../lib/ports";

export type Chunker = (text: string) => string[];

/** Chunker that delivers everything at once. */
export const whole: Chunker = (t) => [t];

/** Chunker that cuts into pieces of 1..maxLen characters from a seeded generator. */
export function randomChunks(rand: () => number, maxLen: number): Chunker {
  return (t) => {
    const out: string[] = [];
    let i = 0;
    while (i < t.length) {
      const n = 1 + Math.floor(rand() * maxLen);
      out.push(t.substring(i, i + n));
      i += n;
    }
    return out;
  };
}

export class UartStub implements Uart {
  /** Every write from the host, in order. */
  writes: string[] = [];
  /** Called for each host write (the simulator listens here). */
  onWrite: ((data: string) => void) | undefined;
  chunker: Chunker = whole;
  /** Delay before a delivered chunk reaches the host. */
  latencyMs = 1;
  private host: ((chunk: string) => void) | undefined;
  private clock: Clock;
  private inFlight = 0;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Wire the host's receive function (AtEngine.feed). */
  attach(host: (chunk: string) => void): void {
    this.host = host;
  }

  write(data: string): void {
    this.writes.push(data);
    if (this.onWrite) this.onWrite(data);
  }

  /** Queue module -> host text, cut by the chunker, delivered in order after latencyMs. */
  deliver(text: string): void {
    const pieces = this.chunker(text);
    for (const p of pieces) {
      this.inFlight++;
      this.clock.setTimeout(() => {
        this.inFlight--;
        if (this.host) this.host(p);
      }, this.latencyMs);
    }
  }

  /** Deliver lines framed the way the module frames them: \r\n<line>\r\n. */
  lines(...lines: string[]): void {
    this.deliver(lines.map((l) => "\r\n" + l + "\r\n").join(""));
  }

  /** Chunks queued and not yet delivered. */
  undelivered(): number {
    return this.inFlight;
  }

  /** Host writes as commands, without the trailing \r. */
  commands(): string[] {
    return this.writes.map((w) => (w.endsWith("\r") ? w.slice(0, -1) : w));
  }
}
