// The board-shaped globals of one sandboxed instance: Serial1..Serial6, pins D0..D40 with digitalWrite /
// digitalRead, E, process and the optional ESP32 object. Host objects (outer realm) with the instance's
// liveness checked at every effect, so code still running after a deep sleep or a reset changes nothing.

import type { Uart } from "../../lib/ports";

export const SERIAL_NAMES = ["Serial1", "Serial2", "Serial3", "Serial4", "Serial5", "Serial6"];
export const PIN_COUNT = 41;

/** Where a Serial's bytes go: the UartStub the simulator is attached to. */
export interface SerialPort extends Uart {
  /** Module -> host characters reach `fn` (UartStub.attach); the sandbox re-attaches at every boot. */
  attach(fn: (chunk: string) => void): void;
}

/** A wired pin: writes reach `write` (PWRKEY), reads come from `read` (STATUS). */
export interface PinWire {
  write?(level: number): void;
  read?(): number;
}

export interface MemoryFigures {
  usage: number;
  total: number;
}

export interface BoardHooks {
  boot: number;
  alive(): boolean;
  error(msg: string): Error;
  /** Plain data copied into the sandbox's realm (arrays and objects without node's extra methods). */
  data(x: unknown): unknown;
  /** The sandbox realm's Uint8Array constructor. */
  Uint8Array: Uint8ArrayConstructor;
  uncaught(e: unknown): void;
  serials: { [name: string]: SerialPort };
  pins: { [name: string]: PinWire };
  temperatureC: number;
  memory: MemoryFigures;
  /** process.env.VERSION: the interpreter's version string ("2v29.1" ...). */
  version: string;
  watchdogEnable(timeoutS: number, auto: boolean | undefined): void;
  watchdogKick(): void;
  /** ESP32 object present (deep sleep); absent by default, as on the Linux build and other boards. */
  esp32: boolean;
  deepSleep(us: number): void;
  wakeCause: number;
  reset(why: string): void;
  /** Serial.setup calls, for tests: name, baud and the options as given (pins are Pin objects). */
  setups: { name: string; baud: number; options: unknown }[];
}

/** An Espruino pin: an object that prints as its name, with the methods Pin objects have. */
export class Pin {
  readonly num: number;
  private board: PinBoard;
  constructor(num: number, board: PinBoard) {
    this.num = num;
    this.board = board;
  }
  toString(): string {
    return "D" + this.num;
  }
  read(): boolean {
    return this.board.read(this) !== 0;
  }
  write(v: unknown): void {
    this.board.write(this, v ? 1 : 0);
  }
  set(): void {
    this.board.write(this, 1);
  }
  reset(): void {
    this.board.write(this, 0);
  }
}

class PinBoard {
  readonly pins: Pin[] = [];
  readonly levels: number[] = [];
  private h: BoardHooks;
  constructor(h: BoardHooks) {
    this.h = h;
    for (let i = 0; i < PIN_COUNT; i++) {
      this.pins.push(new Pin(i, this));
      this.levels.push(0);
    }
  }
  private pin(p: unknown): Pin {
    if (p instanceof Pin) return p;
    if (typeof p === "number" && p >= 0 && p < PIN_COUNT && Math.floor(p) === p) return this.pins[p];
    throw this.h.error("Invalid pin: " + String(p));
  }
  write(p: unknown, level: number): void {
    const pin = this.pin(p);
    if (!this.h.alive()) return;
    this.levels[pin.num] = level;
    const w = this.h.pins[pin.toString()];
    if (w && w.write) w.write(level);
  }
  read(p: unknown): number {
    const pin = this.pin(p);
    const w = this.h.pins[pin.toString()];
    return w && w.read ? (w.read() ? 1 : 0) : this.levels[pin.num];
  }
}

class SandboxSerial {
  private name: string;
  private h: BoardHooks;
  private listeners: ((d: string) => void)[] = [];
  baud = 0;
  constructor(name: string, h: BoardHooks) {
    this.name = name;
    this.h = h;
  }
  setup(baud: number, options?: unknown): void {
    this.baud = baud;
    this.h.setups.push({ name: this.name, baud, options });
    const port = this.h.serials[this.name];
    if (!port) return; // nothing wired: writes vanish, nothing arrives (a UART with no module on it)
    port.attach((chunk) => {
      if (!this.h.alive()) return; // the MCU is asleep or resetting: the module's bytes are lost
      for (const fn of this.listeners.slice()) {
        try {
          fn(chunk);
        } catch (e) {
          this.h.uncaught(e);
        }
      }
    });
  }
  on(event: string, fn: (d: string) => void): void {
    if (event === "data" && typeof fn === "function") this.listeners.push(fn);
  }
  removeListener(event: string, fn: (d: string) => void): void {
    const i = this.listeners.indexOf(fn);
    if (event === "data" && i >= 0) this.listeners.splice(i, 1);
  }
  removeAllListeners(event?: string): void {
    if (event === undefined || event === "data") this.listeners.splice(0);
  }
  write(...data: unknown[]): void {
    if (!this.h.alive()) return;
    let s = "";
    for (const d of data) s += typeof d === "number" ? String.fromCharCode(d & 255) : Array.isArray(d) ? String.fromCharCode(...d.map((x) => Number(x) & 255)) : String(d);
    const port = this.h.serials[this.name];
    if (port) port.write(s);
  }
  print(s: unknown): void {
    this.write(String(s));
  }
  println(s: unknown): void {
    this.write(String(s) + "\r\n");
  }
}

function crc32(s: string): number {
  let c = ~0;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i) & 255;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function byteString(args: unknown[]): string {
  let s = "";
  for (const a of args) {
    if (typeof a === "string") s += a;
    else if (typeof a === "number") s += String.fromCharCode(a & 255);
    else if (a && typeof (a as ArrayLike<number>).length === "number") for (let i = 0; i < (a as ArrayLike<number>).length; i++) s += String.fromCharCode(Number((a as ArrayLike<number>)[i]) & 255);
  }
  return s;
}

/** Every board global for one instance, ready to copy onto the context. */
export function makeBoard(h: BoardHooks): { globals: Record<string, unknown>; initHandlers: (() => void)[] } {
  const g: Record<string, unknown> = {};
  const initHandlers: (() => void)[] = [];
  for (const name of SERIAL_NAMES) g[name] = new SandboxSerial(name, h);
  const pins = new PinBoard(h);
  for (const p of pins.pins) g[p.toString()] = p;
  g.digitalWrite = (pin: unknown, v: unknown) => pins.write(pin, v ? 1 : 0);
  g.digitalRead = (pin: unknown) => pins.read(pin);
  g.E = {
    enableWatchdog: (timeoutS: number, auto?: boolean) => h.alive() && h.watchdogEnable(timeoutS, auto),
    kickWatchdog: () => h.alive() && h.watchdogKick(),
    getTemperature: () => h.temperatureC,
    on: (event: string, fn: () => void) => {
      if (event === "init" && typeof fn === "function") initHandlers.push(fn);
    },
    toString: (...a: unknown[]) => byteString(a),
    toUint8Array: (...a: unknown[]) => {
      const s = byteString(a);
      const u = new h.Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
      return u;
    },
    CRC32: (s: unknown) => crc32(byteString([s])),
    reboot: () => h.reset("E.reboot()"),
  };
  g.process = {
    version: h.version,
    env: { VERSION: h.version, BOARD: h.esp32 ? "ESP32" : "SANDBOX" },
    // Fixed figures, not a measurement: see SandboxOptions.memory for where they come from.
    memory: () => h.data({ free: h.memory.total - h.memory.usage, usage: h.memory.usage, total: h.memory.total, history: 0, gc: 0, gctime: 0, estimate: true }),
    on: () => {},
  };
  if (h.esp32) {
    g.ESP32 = {
      deepSleep: (us: number) => h.alive() && h.deepSleep(Number(us)),
      getWakeupCause: () => h.wakeCause,
      reboot: () => h.reset("ESP32.reboot()"),
    };
  }
  g.reset = () => h.reset("reset()");
  g.load = () => h.reset("load()");
  return { globals: g, initHandlers };
}
