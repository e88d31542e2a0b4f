// An in-memory Store (lib/ports) with fault injection and wear counters, standing in for Espruino Storage
// as measured on the 2v29 interpreter: writeAt at offset 0 creates a pre-sized file of erased flash
// (0xFF), writeAt at an offset writes only over bytes never written (not even the same bytes again) and
// fails past the file's end or on a missing file. Faults: failed writes (flash full), torn writes (a power cut mid-write:
// a replaced file ends truncated or 0xFF-padded; a write into a file leaves a prefix of the new bytes and
// the rest as it was, erased), and a dead store after the cut until powerOn() (the test then builds a
// new owner: a reboot). `allocated` counts Storage space taken as Espruino takes it (a 32-byte header plus
// the data rounded up to 4 bytes per file created), which only a compaction gives back.

import type { Store } from "../../lib/ports";

export interface TearOptions {
  /** Characters of the new data that reach the flash; default half of them. */
  keep?: number;
  /** write(): pad the kept part to the full length with 0xFF, as erased flash reads after Espruino wrote the header. */
  ffFill?: boolean;
}

/** Espruino Storage's file header, and its data alignment on the ESP32. */
export const STORAGE_HEADER_BYTES = 32;
const ALIGN = 4;

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
  /** Storage bytes taken by files created (header + data rounded up), freed only by a compaction. */
  allocated = 0;
  /** Successful writes into an existing file (writeAt at an offset): status bytes and appended records. */
  writesInto = 0;
  /** writeAt calls Espruino would have thrown on (missing file, past the end, bytes already written): a bug in the caller. */
  refusedWrites = 0;
  /** Writes and erases attempted (the steps cutAtStep counts). */
  steps = 0;
  private cutStep = -1;
  private cutOpts: TearOptions = {};
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

  /**
   * Power is cut during the (n+1)-th write or erase from now (n = 0: the next one): a write tears as with
   * cutPower, an erase is lost; the store is dead afterwards. For cutting a run at every step in turn.
   */
  cutAtStep(n: number, opts: TearOptions = {}): void {
    this.cutStep = this.steps + n;
    this.cutOpts = opts;
  }

  /** Power is back (the MCU rebooted). Pending faults are cleared. */
  powerOn(): void {
    this.dead = false;
    this.tear = undefined;
    this.dieAfterTear = false;
    this.failN = 0;
    this.cutStep = -1;
  }

  isDead(): boolean {
    return this.dead;
  }

  read(name: string): string | undefined {
    this.reads++;
    return this.files.get(name);
  }

  /** A fault armed for the next write: "fail", "tear" (the options), or undefined for none. */
  private fault(): "fail" | TearOptions | undefined {
    if (this.steps++ === this.cutStep && !this.dead) this.cutPower(this.cutOpts);
    if (this.dead || this.failN > 0) {
      if (!this.dead) this.failN--;
      this.failedWrites++;
      return "fail";
    }
    const t = this.tear;
    if (t === undefined) return undefined;
    this.tear = undefined;
    this.failedWrites++;
    if (this.dieAfterTear) this.dead = true;
    return t;
  }

  private refuse(): boolean {
    this.refusedWrites++;
    return false;
  }

  writeAt(name: string, data: string, offset: number, size: number): boolean {
    const old = this.files.get(name);
    if (offset === 0) {
      if (data.length === 0 || data.length > size) return this.refuse();
    } else {
      // Espruino: "Unable to find or create file", "Too much data for file size", "File already written with different data"
      if (old === undefined || offset < 0 || offset + data.length > old.length) return this.refuse();
      // Even the same bytes again: at an offset Espruino only writes into erased flash.
      if (old.substring(offset, offset + data.length) !== "\xff".repeat(data.length)) return this.refuse();
    }
    const f = this.fault();
    if (f === "fail") return false;
    const keep = f === undefined ? data.length : Math.max(0, Math.min(data.length - 1, f.keep ?? Math.floor(data.length / 2)));
    const written = data.substring(0, keep);
    if (offset === 0) {
      this.files.set(name, written + "\xff".repeat(size - keep));
      this.allocated += STORAGE_HEADER_BYTES + Math.ceil(size / ALIGN) * ALIGN;
    } else {
      this.files.set(name, (old as string).substring(0, offset) + written + (old as string).substring(offset + keep));
      if (f === undefined) this.writesInto++;
    }
    this.bytesWritten += keep;
    if (f !== undefined) return false;
    this.writes++;
    return true;
  }

  /** lib/ports' Store.write: with an offset it is writeAt (a partial write), without one a whole file. */
  write(name: string, data: string, offset?: number, size?: number): boolean {
    if (offset !== undefined) return this.writeAt(name, data, offset, size ?? 0);
    const f = this.fault();
    if (f === "fail") return false;
    if (f !== undefined) {
      const keep = Math.max(0, Math.min(data.length - 1, f.keep ?? Math.floor(data.length / 2)));
      let torn = data.substring(0, keep);
      if (f.ffFill) torn += "\xff".repeat(data.length - keep);
      this.files.set(name, torn);
      this.bytesWritten += keep;
      this.allocated += STORAGE_HEADER_BYTES + Math.ceil(data.length / ALIGN) * ALIGN;
      return false;
    }
    this.files.set(name, data);
    this.writes++;
    this.bytesWritten += data.length;
    this.allocated += STORAGE_HEADER_BYTES + Math.ceil(data.length / ALIGN) * ALIGN;
    return true;
  }

  erase(name: string): void {
    if (this.steps++ === this.cutStep) this.dead = true;
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
    this.allocated = 0;
    this.writesInto = 0;
  }
}
