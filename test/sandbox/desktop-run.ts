// The bundle in the sandbox against the in-process simulator, on one FakeClock: what `npm start` and the
// bundle tests run. The Serial named by the configuration is wired to a UartStub the simulator is
// attached to, PWRKEY/STATUS to the simulator's pins when the configuration names them, and the
// firmware's own log lines are kept (with the simulated time) and classified for the lifecycle view.

import type { FirmwareConfig } from "../../lib/config";
import { FakeClock } from "../support/fake-clock";
import { MemoryStore } from "../support/memory-store";
import { UartStub } from "../support/uart-stub";
import { scenario as findScenario, scenarioChunker, startScenario, type Scenario } from "../sim/scenarios";
import { attachToStub, type Sim7020, type TranscriptEntry } from "../sim/sim7020";
import { EspruinoSandbox, seededRandom, type SandboxEvent } from "./espruino-sandbox";
import type { PinWire } from "./board";
import type { SandboxStore } from "./storage";

export interface LogLine {
  tMs: number;
  boot: number;
  line: string;
}

export interface DesktopRunOptions {
  code: string;
  /** The configuration the bundle was built with (which Serial, which pins). */
  config: FirmwareConfig;
  scenario: string;
  seed?: number;
  clock?: FakeClock;
  store?: SandboxStore;
  onLog?: (l: LogLine) => void;
  onEvent?: (e: SandboxEvent) => void;
  /** Every simulator transcript line (host commands and module answers) as it happens. */
  trace?: (e: TranscriptEntry) => void;
  esp32?: boolean;
  temperatureC?: number;
  /** process.env.VERSION inside (the sandbox's default: the shared interpreter's 2v29.277). */
  version?: string;
  /** Keep at most this many log lines (default 20000; the oldest go first). */
  keepLines?: number;
}

export interface DesktopRun {
  clock: FakeClock;
  sim: Sim7020;
  uart: UartStub;
  sandbox: EspruinoSandbox;
  store: SandboxStore;
  scenario: Scenario;
  logs: LogLine[];
}

/** 2026-01-01T00:00:00Z: Date.now() inside starts here, so the firmware sees a plausible wall clock. */
export const SANDBOX_EPOCH_MS = 1767225600000;

export function startDesktopRun(o: DesktopRunOptions): DesktopRun {
  const sc = findScenario(o.scenario);
  if (!sc) throw new Error("unknown scenario " + o.scenario);
  const seed = o.seed ?? 1;
  const clock = o.clock ?? new FakeClock(0);
  const uart = new UartStub(clock);
  uart.chunker = scenarioChunker(sc, seed);
  const { sim } = startScenario(sc, { clock, output: () => {}, seed, trace: o.trace });
  attachToStub(sim, uart);
  const pins: { [name: string]: PinWire } = {};
  // makePins drives PWRKEY through a transistor: a high GPIO pulls PWRKEY low (asserted).
  if (o.config.modem.pwrkeyPin) pins[o.config.modem.pwrkeyPin] = { write: (level) => sim.pins.pwrkey(level === 1) };
  if (o.config.modem.statusPin) pins[o.config.modem.statusPin] = { read: () => sim.pins.status() };
  const store = o.store ?? new MemoryStore();
  const logs: LogLine[] = [];
  const keep = o.keepLines ?? 20000;
  const sandbox = new EspruinoSandbox({
    code: o.code,
    clock,
    store,
    serials: { [o.config.modem.serial]: uart },
    pins,
    epochMs: SANDBOX_EPOCH_MS,
    esp32: o.esp32,
    temperatureC: o.temperatureC,
    version: o.version,
    random: seededRandom(seed * 7919 + 17),
    onEvent: o.onEvent,
    onLog(line, boot) {
      const l = { tMs: clock.now(), boot, line };
      logs.push(l);
      if (logs.length > keep) logs.splice(0, Math.ceil(keep / 4));
      if (o.onLog) o.onLog(l);
    },
  });
  sandbox.boot();
  return { clock, sim, uart, sandbox, store, scenario: sc, logs };
}

export type LineKind = "state" | "ready" | "confirmed" | "command" | "queued" | "memory" | "warn" | "error" | "uncaught" | "other";

/**
 * What a firmware log line ("I 12.345 link: Sync -> Configure (AT answered)") says, for the lifecycle
 * view and the tests. Based on the firmware's own wording (lib/link/machine.ts, lib/aep/*, lib/device.ts).
 */
export function classifyLine(line: string): LineKind {
  if (line.startsWith("Uncaught ")) return "uncaught";
  const body = line.length > 2 ? line.substring(line.indexOf(" ", 2) + 1) : line;
  if (body.startsWith("link: ") && body.indexOf(" -> ") > 0 && body.endsWith(")")) return "state";
  if (body.startsWith("link: READY")) return "ready";
  if (body.indexOf(" confirmed (msgid ") > 0) return "confirmed";
  // "command setInterval task 26 answered, result 0" / "command 8001 task 26 refused: ..." (answered
  // through the error response) / "command 8004 (x) has no handler" (same).
  if (body.startsWith("data: command ")) return "command";
  if (body.indexOf(" queued") > 0 && (body.startsWith("data: uplink #") || body.startsWith("data: response #"))) return "queued";
  if (body.startsWith("main: memory ")) return "memory";
  if (line.startsWith("E ")) return "error";
  if (line.startsWith("W ")) return "warn";
  return "other";
}

/**
 * A firmware memory line as the sandbox must show it: the sandbox's process.memory() is a fixed stand-in
 * (no V8 realm can count JsVars), so its figures are replaced by what would measure them.
 */
export function unmeasuredMemory(line: string): string {
  if (classifyLine(line) !== "memory") return line;
  const colon = line.indexOf(": ", line.indexOf("main: memory ") + 13);
  return (colon > 0 ? line.substring(0, colon) : line) + ": JsVars not measured in the sandbox (npm start -- --espruino measures them on the real interpreter)";
}

/** "uplink #12 confirmed (msgid 4)" -> 12; "response #3 queued" -> 3; -1 when the line has no #N. */
export function seqOf(line: string): number {
  const i = line.indexOf("#");
  if (i < 0) return -1;
  let n = 0;
  let j = i + 1;
  while (j < line.length && line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) n = n * 10 + line.charCodeAt(j++) - 48;
  return j > i + 1 ? n : -1;
}

/** The state the last "A -> B (reason)" line moved to, or "" before any. */
export function lastState(logs: LogLine[]): string {
  for (let i = logs.length - 1; i >= 0; i--) {
    if (classifyLine(logs[i].line) !== "state") continue;
    const l = logs[i].line;
    const a = l.indexOf(" -> ");
    return l.substring(a + 4, l.indexOf(" (", a));
  }
  return "";
}
