// Runs a firmware bundle (a string: dist/firmware.js) in node's `vm` with Espruino-shaped globals, so the
// desktop run and the bundle tests execute exactly what is flashed: Serial1..6 wired to the simulator's
// UART stub, pins, E (watchdog, temperature), process.memory(), Espruino's timers on an injectable Clock,
// Date.now from that clock, console.log captured, require("Storage") on a Store, and the built-ins the
// device lacks removed. A boot is a fresh realm evaluating the bundle; reset() and a deep-sleep wake boot
// a new one on the same Storage, as an MCU reset does.
//
//   const sb = new EspruinoSandbox({ code, clock, store, serials: { Serial2: uart }, onLog: console.log });
//   sb.boot();  ...  clock.advance(60_000);  sb.reset("test");  sb.watchdog.bites;  sb.uncaught;

import { Rng } from "../sim/rng";
import vm from "node:vm";
import type { Clock } from "../../lib/ports";
import { makeBoard, type MemoryFigures, type PinWire, type SerialPort } from "./board";
import { removeMissingBuiltins } from "./missing-builtins";
import { makeStorage, type SandboxStore } from "./storage";
import { EspruinoTimers } from "./timers";
import { Watchdog, type WatchdogBite } from "./watchdog";

/** ESP32.getWakeupCause(): ESP_SLEEP_WAKEUP_UNDEFINED (power-on / reset) and ESP_SLEEP_WAKEUP_TIMER. */
export const WAKE_RESET = 0;
export const WAKE_TIMER = 4;

/**
 * process.memory() in the sandbox returns these fixed figures, NOT a measurement: JsVars cannot be counted
 * from outside a V8 realm (closures are invisible), so the desktop run prints no figure from them
 * (desktop-run.ts unmeasuredMemory). usage is the steady figure the ESP32-format interpreter
 * (../shared/tools/espruino) reported for this firmware booted from .bootcde over 1,000 reports
 * (test/espruino/memory.test.ts measures it on every CI run); total is the ESP32's ceiling without WiFi
 * or BLE (espruino.md); a real board's depends on its free heap at boot.
 */
export const DEFAULT_MEMORY: MemoryFigures = { usage: 5063, total: 16383 };

export interface SandboxOptions {
  /** The bundle's source. */
  code: string;
  clock: Clock;
  store: SandboxStore;
  /** Serial name -> port ("Serial2" -> the UartStub the simulator is attached to). */
  serials?: { [name: string]: SerialPort };
  /** Pin name -> wire ("D4" -> PWRKEY); unwired pins just hold the level written. */
  pins?: { [name: string]: PinWire };
  /** Each console.log line, with the boot number that printed it. */
  onLog?: (line: string, boot: number) => void;
  /** Lifecycle: boots, resets, deep sleeps, wakes, watchdog bites, uncaught exceptions. */
  onEvent?: (e: SandboxEvent) => void;
  /** Date.now() = epochMs + clock.now(). */
  epochMs?: number;
  /** E.getTemperature(); default 25. NaN behaves like the Linux build (no sensor). */
  temperatureC?: number;
  /** Provide the ESP32 object (deep sleep: the instance ends, a new one boots after the sleep). */
  esp32?: boolean;
  memory?: MemoryFigures;
  /**
   * process.env.VERSION. Default "2v29.277", the build ../shared/tools/espruino reports; the releases
   * 2v26..2v29 (no ".N") are the ones the firmware's interpreter guard refuses on an ESP32.
   */
  version?: string;
  /** Math.random inside; seeded by default so a run is reproducible. */
  random?: () => number;
  /** A watchdog bite resets the MCU (default true, as on the device); false only records it. */
  watchdogResets?: boolean;
  /** Remove the built-ins the device lacks (default true). */
  strict?: boolean;
  /** Storage size for getFree() and the full-flash error (default: the ESP32's 896 KB). */
  storageBytes?: number;
}

export interface SandboxEvent {
  kind: "boot" | "end" | "deep-sleep" | "watchdog-bite" | "uncaught";
  atMs: number;
  boot: number;
  detail: string;
}

interface Instance {
  boot: number;
  alive: boolean;
  timers: EspruinoTimers;
  context: vm.Context;
  inner: any;
}

/** A seeded generator for Math.random inside the sandbox (the simulator's own PRNG). */
export function seededRandom(seed: number): () => number {
  return new Rng(seed).fn();
}

function show(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined || typeof v === "function" || typeof v === "number" || typeof v === "boolean") return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export class EspruinoSandbox {
  readonly watchdog: Watchdog;
  /** Every exception that escaped the bundle (boot, a timer, a Serial handler), as Espruino prints it. */
  readonly uncaught: string[] = [];
  readonly events: SandboxEvent[] = [];
  /** Built-ins the device lacks that V8 would not let us delete (non-configurable). */
  keptBuiltins: string[] = [];
  boots = 0;
  private o: SandboxOptions;
  private cur: Instance | undefined;
  private script: vm.Script;
  private random: () => number;
  private wakeTimer = 0;
  private wakeCause = WAKE_RESET;
  private stopped = false;
  /** Serial.setup() calls of the current instance. */
  setups: { name: string; baud: number; options: unknown }[] = [];

  constructor(o: SandboxOptions) {
    this.o = o;
    this.random = o.random ?? seededRandom(1);
    // Compiled once: every boot evaluates the same code in a fresh realm, as each MCU boot reads .bootcde.
    this.script = new vm.Script(o.code, { filename: "firmware.js" });
    this.watchdog = new Watchdog(o.clock, (b) => this.bite(b));
  }

  /** True while an instance is running (not between a deep sleep and its wake, not after stop()). */
  running(): boolean {
    return this.cur !== undefined && this.cur.alive;
  }

  /** The boot number of the running instance (0 before the first boot). */
  currentBoot(): number {
    return this.cur ? this.cur.boot : 0;
  }

  private event(kind: SandboxEvent["kind"], detail: string): void {
    const e: SandboxEvent = { kind, atMs: this.o.clock.now(), boot: this.currentBoot(), detail };
    this.events.push(e);
    if (this.events.length > 2000) this.events.splice(0, 500);
    if (this.o.onEvent) this.o.onEvent(e);
  }

  private log(line: string, boot: number): void {
    if (this.o.onLog) this.o.onLog(line, boot);
  }

  private reportUncaught(inst: Instance, e: unknown): void {
    // As the interpreter prints it: "Uncaught Error: boom".
    const err = e as { message?: unknown; constructor?: { name?: string } } | undefined;
    const text = "Uncaught " + (err && typeof err === "object" && "message" in err ? ((err.constructor && err.constructor.name) || "Error") + ": " + String(err.message) : show(e));
    this.uncaught.push(text);
    this.log(text, inst.boot);
    this.event("uncaught", text);
  }

  /** Power-on: evaluate the bundle in a new realm. */
  boot(): void {
    if (this.cur && this.cur.alive) throw new Error("boot(): an instance is already running; use reset()");
    this.stopped = false;
    const boot = ++this.boots;
    const clock = this.o.clock;
    const context = vm.createContext({});
    const inner = vm.runInContext("globalThis", context);
    const ErrorCtor = inner.Error as ErrorConstructor;
    const inst: Instance = { boot, alive: true, timers: undefined as unknown as EspruinoTimers, context, inner };
    const alive = () => inst.alive;
    const error = (msg: string) => new ErrorCtor(msg);
    const uncaught = (e: unknown) => this.reportUncaught(inst, e);
    inst.timers = new EspruinoTimers({ clock, alive, uncaught, error });
    this.setups = [];
    const board = makeBoard({
      boot,
      alive,
      error,
      data: (x) => inner.JSON.parse(JSON.stringify(x)),
      Uint8Array: inner.Uint8Array,
      uncaught,
      serials: this.o.serials ?? {},
      pins: this.o.pins ?? {},
      temperatureC: this.o.temperatureC ?? 25,
      memory: this.o.memory ?? DEFAULT_MEMORY,
      version: this.o.version ?? "2v29.277",
      watchdogEnable: (t, auto) => this.watchdog.enable(t, auto, boot),
      watchdogKick: () => this.watchdog.kick(),
      esp32: this.o.esp32 === true,
      deepSleep: (us) => this.deepSleep(inst, us),
      wakeCause: this.wakeCause,
      reset: (why) => this.endThenBoot(inst, why),
      setups: this.setups,
    });
    const storage = makeStorage({ store: this.o.store, alive, error, parseJSON: (t) => inner.JSON.parse(t), capacityBytes: this.o.storageBytes });
    const globals: Record<string, unknown> = {
      ...board.globals,
      ...inst.timers.globals(),
      console: { log: (...a: unknown[]) => inst.alive && this.log(a.map(show).join(" "), boot) },
      print: (...a: unknown[]) => inst.alive && this.log(a.map(show).join(" "), boot),
      require: (name: string) => {
        if (name === "Storage") return storage;
        throw error('Module "' + name + '" not found');
      },
      getTime: () => ((this.o.epochMs ?? 0) + clock.now()) / 1000,
      btoa: (s: string) => Buffer.from(String(s), "latin1").toString("base64"),
      atob: (s: string) => Buffer.from(String(s), "base64").toString("latin1"),
    };
    for (const k of Object.keys(globals)) inner[k] = globals[k];
    inner.global = inner;
    inner.Date.now = () => (this.o.epochMs ?? 0) + clock.now();
    inner.Math.random = this.random;
    this.keptBuiltins = this.o.strict === false ? [] : removeMissingBuiltins(inner);
    this.cur = inst;
    this.event("boot", this.wakeCause === WAKE_TIMER ? "deep-sleep wake" : "power-on/reset");
    this.wakeCause = WAKE_RESET;
    try {
      this.script.runInContext(context);
      // Boot order on Espruino: .bootcde, then E.on('init') handlers, then onInit().
      for (const fn of board.initHandlers) fn();
      if (typeof inner.onInit === "function") inner.onInit();
    } catch (e) {
      uncaught(e);
    }
  }

  /** The instance stops: its timers die (the clock forgets them), its Serial and Storage go inert. */
  private end(inst: Instance, why: string): void {
    if (!inst.alive) return;
    inst.alive = false;
    inst.timers.killAll();
    this.watchdog.disable();
    this.event("end", why);
  }

  private endThenBoot(inst: Instance, why: string): void {
    if (!inst.alive) return;
    this.end(inst, why);
    // After the current call returns, as the MCU restarts once the reset line is asserted.
    this.o.clock.setTimeout(() => {
      if (!this.stopped && !this.running()) this.boot();
    }, 0);
  }

  private deepSleep(inst: Instance, us: number): void {
    const ms = Math.max(0, Math.round(us / 1000));
    this.event("deep-sleep", ms + " ms");
    this.end(inst, "deep sleep " + ms + " ms");
    this.wakeTimer = this.o.clock.setTimeout(() => {
      this.wakeTimer = 0;
      if (this.stopped) return;
      this.wakeCause = WAKE_TIMER;
      this.boot();
    }, ms);
  }

  private bite(b: WatchdogBite): void {
    this.event("watchdog-bite", "not kicked since " + (b.lastKickMs < 0 ? "never" : b.lastKickMs + " ms"));
    if (this.o.watchdogResets !== false && this.cur) this.endThenBoot(this.cur, "watchdog");
  }

  /** MCU reset: a new instance of the bundle on the same Storage (the module keeps running). */
  reset(why = "reset"): void {
    if (this.cur && this.cur.alive) this.end(this.cur, why);
    if (this.wakeTimer) this.o.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = 0;
    this.boot();
  }

  /** Power off for good: no more timers, no wake. */
  stop(): void {
    this.stopped = true;
    if (this.cur) this.end(this.cur, "stop");
    if (this.wakeTimer) this.o.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = 0;
  }

  /** Evaluate an expression in the running instance's realm (tests: `new Map()` must throw). */
  evaluate(code: string): unknown {
    if (!this.cur) throw new Error("evaluate(): not booted");
    return vm.runInContext(code, this.cur.context);
  }

  /** Timers the running instance holds. */
  pendingTimers(): number {
    return this.cur && this.cur.alive ? this.cur.timers.pending() : 0;
  }
}
