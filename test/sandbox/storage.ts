// require("Storage") for the sandbox: Espruino's Storage API on a plain named-record store (in memory for
// tests, a JSON file for `npm start`). Behaviour measured on the 2v29 interpreter: names longer than 28
// characters are silently cut to 28; a zero-length write throws "Can't create zero length file"; reading
// a missing file gives undefined; write(name, data, 0, size) creates a file of size bytes, 0xFF after
// data, replacing any old one; write(name, data, offset > 0) writes into the existing file, and throws
// "Unable to find or create file" when there is none, "Too much data for file size" past its end, and
// "File already written with different data" unless the bytes there are all erased (0xFF), even when
// they already equal data; readJSON throws on bad JSON unless noExceptions; list(pattern) filters by a RegExp or a
// substring. getFree() is an estimate (ESP32 Storage size minus each file plus a 32-byte header).

import fs from "node:fs";
import path from "node:path";

/** What backs the sandbox's Storage; MemoryStore (test/support) already fits. */
export interface SandboxStore {
  read(name: string): string | undefined;
  /** False when the write did not happen (a full or failing flash). */
  write(name: string, data: string): boolean;
  /** Partial writes as lib/ports' Store has them (MemoryStore: power cuts tear them as flash does); else whole-file writes. */
  writeAt?(name: string, data: string, offset: number, size: number): boolean;
  erase(name: string): void;
  names(): string[];
}

/** Storage size of the ESP32 build (espruino.md: 896 KB). */
export const ESP32_STORAGE_BYTES = 896 * 1024;
const HEADER_BYTES = 32;
export const MAX_NAME = 28;

/** A SandboxStore kept in a JSON file, rewritten (atomically) on every change: `npm start`'s flash. */
export class FileStore implements SandboxStore {
  private file: string;
  private files: Record<string, string>;

  constructor(file: string) {
    this.file = file;
    this.files = {};
    if (fs.existsSync(file)) {
      try {
        this.files = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
      } catch {
        this.files = {}; // a torn file from a killed run: start with an empty flash, as after an erase
      }
    }
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = this.file + ".tmp";
    fs.writeFileSync(tmp, JSON.stringify(this.files));
    fs.renameSync(tmp, this.file);
  }

  read(name: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.files, name) ? this.files[name] : undefined;
  }

  write(name: string, data: string): boolean {
    this.files[name] = data;
    this.save();
    return true;
  }

  erase(name: string): void {
    if (!Object.prototype.hasOwnProperty.call(this.files, name)) return;
    delete this.files[name];
    this.save();
  }

  names(): string[] {
    return Object.keys(this.files);
  }
}

export interface StorageHooks {
  store: SandboxStore;
  /** Writes and erases from an instance that has ended (deep sleep mid-call) are lost, as on the MCU. */
  alive(): boolean;
  error(msg: string): Error;
  /** JSON.parse of the sandbox's realm, so a parse error is the device's SyntaxError. */
  parseJSON(text: string): unknown;
  capacityBytes?: number;
}

function toData(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("latin1");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
  if (Array.isArray(data)) return String.fromCharCode(...data.map((x) => Number(x) & 255));
  return String(data);
}

function clipName(name: unknown): string {
  const s = String(name);
  return s.length > MAX_NAME ? s.substring(0, MAX_NAME) : s;
}

/** The object require("Storage") returns inside the sandbox. */
export function makeStorage(h: StorageHooks): Record<string, (...a: any[]) => unknown> {
  const st = h.store;
  const capacity = h.capacityBytes ?? ESP32_STORAGE_BYTES;
  const used = () => st.names().reduce((n, k) => n + HEADER_BYTES + (((st.read(k) || "").length + 3) & ~3), 0);
  const storage = {
    read(name: unknown, offset?: number, length?: number) {
      const v = st.read(clipName(name));
      if (v === undefined) return undefined;
      const o = offset || 0;
      return length === undefined ? v.substring(o) : v.substring(o, o + length);
    },
    readJSON(name: unknown, noExceptions?: boolean) {
      const v = st.read(clipName(name));
      if (v === undefined) return undefined;
      try {
        return h.parseJSON(v);
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    write(name: unknown, data: unknown, offset?: number, size?: number) {
      const n = clipName(name);
      const d = toData(data);
      if (!h.alive()) return false;
      const o = offset || 0;
      if (o > 0) {
        const old = st.read(n);
        if (old === undefined) throw h.error("Unable to find or create file");
        if (o + d.length > old.length) throw h.error("Too much data for file size");
        // Even the same bytes again: at an offset Espruino only writes into erased flash.
        if (old.substring(o, o + d.length) !== "\xff".repeat(d.length)) throw h.error("File already written with different data");
        if (st.writeAt) return st.writeAt(n, d, o, old.length);
        return st.write(n, old.substring(0, o) + d + old.substring(o + d.length));
      }
      if (size !== undefined && size > d.length) {
        // Pre-sized file, filled in by later writes at an offset; unwritten bytes read as erased flash.
        if (used() + HEADER_BYTES + size > capacity) throw h.error("Unable to find or create file");
        if (st.writeAt) return st.writeAt(n, d, 0, size);
        return st.write(n, d + "\xff".repeat(size - d.length));
      }
      if (d.length === 0) throw h.error("Can't create zero length file");
      if (used() + HEADER_BYTES + d.length > capacity) throw h.error("Unable to find or create file");
      return st.write(n, d);
    },
    writeJSON(name: unknown, data: unknown) {
      return storage.write(name, JSON.stringify(data));
    },
    erase(name: unknown) {
      if (h.alive()) st.erase(clipName(name));
    },
    eraseAll() {
      if (h.alive()) for (const n of st.names()) st.erase(n);
    },
    list(pattern?: unknown) {
      const all = st.names();
      const re = pattern as { test?: (s: string) => boolean } | undefined;
      const names =
        pattern === undefined ? all : re && typeof re.test === "function" ? all.filter((n) => (re.test as (s: string) => boolean).call(pattern, n)) : all.filter((n) => n.indexOf(String(pattern)) >= 0);
      // An array of the sandbox's realm: a node array would bring back methods the device lacks.
      return h.parseJSON(JSON.stringify(names));
    },
    getFree() {
      return Math.max(0, capacity - used());
    },
    compact() {},
  };
  return storage;
}
