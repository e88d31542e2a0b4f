// An in-memory Store (lib/ports) with fault injection and wear counters, standing in for Espruino Storage:
// failed writes (flash full), torn writes (a power cut mid-write leaves a truncated or 0xFF-padded
// record), and a dead store after the cut until powerOn() (the test then builds a new owner: a reboot).

import type { Store } from "../../lib/ports";

export interface TearOptions {
  /** Characters of the new data that reach the flash; default half of them. */
  keep?: number;
  /** Pad the kept part to the full length with 0xFF, as erased flash reads after Espruino wrote the header. */
  ffFill?: boolean;
}

export class MemoryStore implements Store {
  readonly files = new Map<string, string>();
  /** Successful writes (the wear figure). */
  writes = 0;
  /** Writes that failed or tore. */
  failedWrites = 0;
  /** Erases of files that existed. */
  erases = 0;
  /** Erase calls, including of files that did not exist. */
  eraseCalls = 0;
  reads = 0;
  /** Characters that reached the flash (torn writes included). */
  bytesWritten = 0;
  private failN = 0;
  private tear: TearOptions | undefined;
  private dieAfterTear = false;
  private dead = false;

  /** The next n writes return false and change nothing. */
  failNextWrites(n: number): void {
    this.failN = n;
  }

  /** The next write stores only part of its data and returns false; the store stays up. */
  tearNextWrite(opts: TearOptions = {}): void {
    this.tear = opts;
    this.dieAfterTear = false;
  }

  /** Power is cut during the next write: it tears, then every write and erase is lost until powerOn(). */
  cutPower(opts: TearOptions = {}): void {
    this.tear = opts;
    this.dieAfterTear = true;
  }

  /** Power is back (the MCU rebooted). Pending faults are cleared. */
  powerOn(): void {
    this.dead = false;
    this.tear = undefined;
    this.dieAfterTear = false;
    this.failN = 0;
  }

  isDead(): boolean {
    return this.dead;
  }

  read(name: string): string | undefined {
    this.reads++;
    return this.files.get(name);
  }

  write(name: string, data: string): boolean {
    if (this.dead) {
      this.failedWrites++;
      return false;
    }
    if (this.failN > 0) {
      this.failN--;
      this.failedWrites++;
      return false;
    }
    if (this.tear !== undefined) {
      const t = this.tear;
      this.tear = undefined;
      const keep = Math.max(0, Math.min(data.length - 1, t.keep ?? Math.floor(data.length / 2)));
      let torn = data.substring(0, keep);
      if (t.ffFill) torn += "\xff".repeat(data.length - keep);
      this.files.set(name, torn);
      this.bytesWritten += keep;
      this.failedWrites++;
      if (this.dieAfterTear) this.dead = true;
      return false;
    }
    this.files.set(name, data);
    this.writes++;
    this.bytesWritten += data.length;
    return true;
  }

  erase(name: string): void {
    if (this.dead) return;
    this.eraseCalls++;
    if (this.files.delete(name)) this.erases++;
  }

  /** File names starting with prefix, sorted. */
  names(prefix = ""): string[] {
    return [...this.files.keys()].filter((n) => n.startsWith(prefix)).sort();
  }

  /** Reset the wear counters (not the files). */
  resetCounters(): void {
    this.writes = 0;
    this.failedWrites = 0;
    this.erases = 0;
    this.eraseCalls = 0;
    this.reads = 0;
    this.bytesWritten = 0;
  }
}
