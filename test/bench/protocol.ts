// The benchmark's protocol figures, all on the simulator under the fake clock: AT commands from cold
// boot to the first confirmed report, per confirmed report in steady state, after a PSM wake (a warm
// start after our own deep sleep), per scenario of test/sim/scenarios.ts with the worst time back to
// Ready; the outbox's flash bytes per report; and the firmware built the way firmware/main.ts builds it,
// for the run-time JsVar walk after Ready and after 1,000 reports.

import { Device } from "../../lib/device";
import { LOG_WARN, type Log } from "../../lib/ports";
import { SampleApp } from "../../firmware/app";
import { APP_PROFILE, appProfile, RSP_COMMAND_ERROR, SVC_TELEMETRY } from "../../firmware/profile";
import { S_READY } from "../../lib/link/states";
import { FORGET_ALL, LE_DELIVERED } from "../../lib/link/events";
import { decodeFrame } from "../../lib/aep/codec";
import { makeDeviceRig, testConfig, type DeviceRig } from "../device/rig";
import { Rng } from "../sim/rng";
import { SCENARIOS } from "../sim/scenarios";
import { Sim7020, attachToStub, type TranscriptEntry } from "../sim/sim7020";
import { FakeClock } from "../support/fake-clock";
import { MemoryStore } from "../support/memory-store";
import { UartStub } from "../support/uart-stub";
import { linkStats, uplinkStats } from "../../lib/link/stats";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Host commands written so far (each write is one command line). */
const atCount = (uart: UartStub) => uart.writes.length;

/** Device + SampleApp exactly as firmware/main.ts wires them, on the simulator (no test wrappers). */
export function firmwareOnSim(config: unknown, seed: number) {
  const cfg = testConfig(config);
  const clock = new FakeClock(0);
  const uart = new UartStub(clock);
  const sim = new Sim7020({ clock, output: () => {}, seed });
  attachToStub(sim, uart);
  const store = new MemoryStore();
  const rng = new Rng(seed);
  const log: Log = { level: LOG_WARN, write() {} };
  let delivered = 0;
  const app = new SampleApp({ clock, store, log, temperatureC: undefined, memory: () => ({ usage: 0, total: 0, free: 0 }) }, cfg.app.reportIntervalS, 0);
  // main.ts hands the app itself to the Device as its listener; counting deliveries needs a wrapper here.
  const linkEvent = app.linkEvent.bind(app);
  app.linkEvent = (kind, a, b, text) => {
    if (kind === LE_DELIVERED) delivered++;
    linkEvent(kind, a, b, text);
  };
  const dev = new Device({ uart, clock, pins: { pwrkey() {}, status: () => -1 }, log, random: () => rng.next(), store }, appProfile, RSP_COMMAND_ERROR, app);
  uart.attach((c) => dev.link.at.feed(c));
  app.start(dev, true);
  dev.start(false, -1);
  return { cfg, clock, uart, sim, store, dev, app, log, delivered: () => delivered, ports: [clock, uart, sim, store, log] as unknown[] };
}

/** Ready, nothing queued, nothing on its way. */
export function idle(dev: Device): boolean {
  return dev.link.state === S_READY && dev.outbox.size() === 0 && !dev.link.up.busy();
}

export interface ColdBoot {
  toReady: number;
  toFirstUplink: number;
  toFirstReport: number;
  readyMs: number;
}

/** Writes before the first AT+CTM2MSEND: Ready.enter sends the queued boot event in the same step. */
const beforeFirstSend = (uart: UartStub) => {
  const i = uart.writes.findIndex((w) => w.indexOf("AT+CTM2MSEND=") === 0);
  return i < 0 ? uart.writes.length : i;
};

/** Cold boot on a factory module: commands to Ready, to the boot event confirmed, to the first report confirmed. */
export function coldBoot(seed: number): ColdBoot {
  const r = makeDeviceRig({ seed, config: { app: { reportIntervalS: 60 } } });
  const readyMs = r.clock.runUntil(() => r.isReady(), 10 * MIN);
  const toReady = beforeFirstSend(r.uart);
  r.clock.runUntil(() => r.delivered.length >= 1, 10 * MIN);
  const toFirstUplink = atCount(r.uart);
  r.clock.runUntil(() => r.sim.summary().sends.some((s) => decodeFrame(APP_PROFILE, s.hex).serviceId === SVC_TELEMETRY), 10 * MIN);
  return { toReady, toFirstUplink, toFirstReport: atCount(r.uart), readyMs };
}

/** "AT+CTM2MSEND=0200...,0" -> "AT+CTM2MSEND": commands by name. */
function byName(writes: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const w of writes) {
    const t = w.replace(/\r$/, "");
    const k = t.indexOf("=") > 0 ? t.substring(0, t.indexOf("=")) : t;
    out[k] = (out[k] || 0) + 1;
  }
  return out;
}

/** Steady state from Ready: `reports` confirmed reports, AT commands and flash traffic per report. */
export function steadyState(config: unknown, reports: number, seed: number, atReady?: (f: ReturnType<typeof firmwareOnSim>) => void) {
  const f = firmwareOnSim(config, seed);
  f.clock.runUntil(() => idle(f.dev), 30 * MIN);
  if (atReady) atReady(f);
  const at0 = atCount(f.uart);
  const d0 = f.delivered();
  f.store.resetCounters();
  f.clock.runUntil(() => f.delivered() - d0 >= reports && idle(f.dev), reports * f.cfg.app.reportIntervalS * 1000 * 2);
  const n = f.delivered() - d0;
  const names = byName(f.uart.writes.slice(at0));
  return {
    f,
    reports: n,
    atPerReport: (atCount(f.uart) - at0) / n,
    byCommand: Object.keys(names).map((k) => k + " " + (names[k] / n).toFixed(2)).join(", "),
    flashBytesPerReport: f.store.bytesWritten / n,
    writesPerReport: f.store.writes / n,
    erasesPerReport: f.store.erases / n,
  };
}

export interface PsmWake {
  commands: string[];
  toReady: number;
  toReport: number;
  readyMs: number;
  reportMs: number;
}

/**
 * With power saving: Ready and idle, the MCU deep-sleeps 10 min (the module enters PSM), wakes as a
 * reboot with link.warm = true and queues its report (firmware/sleep.ts resumeAfterSleep); a planned
 * wake sends no boot event (main.ts).
 */
export function psmWake(seed: number): PsmWake {
  const r = makeDeviceRig({ seed, config: { network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 }, app: { reportIntervalS: 900 } } });
  r.clock.runUntil(() => idle(r.device), 30 * MIN);
  r.stopReports();
  r.device.link.forget(FORGET_ALL);
  r.clock.advance(10 * MIN);
  const asleep = r.sim.state().psm;
  if (!asleep) throw new Error("bench: the module did not enter PSM during the MCU's sleep");
  const at0 = atCount(r.uart);
  const d0 = r.delivered.length;
  r.mcuReboot({ warmWake: true });
  r.app.report();
  const readyMs = r.clock.runUntil(() => r.isReady(), 10 * MIN);
  const reportMs = r.clock.runUntil(() => r.delivered.length - d0 >= 1, 10 * MIN);
  const commands = r.uart.writes.slice(at0).map((w) => (w.indexOf("AT+CTM2MSEND=") === 0 ? "AT+CTM2MSEND=..." : w.replace(/\r$/, "")));
  const toReady = commands.indexOf("AT+CTM2MSEND=...") >= 0 ? commands.indexOf("AT+CTM2MSEND=...") - (commands[commands.indexOf("AT+CTM2MSEND=...") - 1] === "AT" ? 1 : 0) : commands.length;
  return { commands, toReady, toReport: commands.length, readyMs, reportMs };
}

export interface PsmModelFigures {
  model: string;
  reports: number;
  atPerReport: number;
  wakePulses: number;
}

/**
 * AT commands per confirmed report with power saving on, reports every 300 s, for 3 hours after the first
 * Ready: the module's auto-sleep (the first characters wake it), true PSM with PWRKEY wired (a wake pulse,
 * then the SEND), and true PSM without PWRKEY (the reports wait for the TAU wake; the probes while it
 * sleeps count too).
 */
export function psmModels(seed: number): PsmModelFigures[] {
  const psm = { network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 } };
  const runs: [string, "autosleep" | "true", boolean][] = [["auto-sleep", "autosleep", false], ["true PSM, PWRKEY wired", "true", true], ["true PSM, no PWRKEY", "true", false]];
  return runs.map(([model, psmModel, pins]) => {
    const r = makeDeviceRig({ seed, sim: { psmModel }, config: pins ? { ...psm, modem: { pwrkeyPin: "D4", statusPin: "D5" } } : psm });
    r.clock.runUntil(() => idle(r.device), 30 * MIN);
    const at0 = atCount(r.uart);
    const d0 = r.delivered.length;
    r.clock.advance(3 * HOUR);
    const n = r.delivered.length - d0;
    return { model, reports: n, atPerReport: (atCount(r.uart) - at0) / n, wakePulses: uplinkStats(r.device.link).wakePulses };
  });
}

/** The persistent faults of issue 12 (the simulator's `persistent` option), by name. */
export const STORMS: [string, object][] = [
  ["RST (send,9) on every report", { rst: true }],
  ["update,13 after each registration", { updateFail: 13 }],
  ["ping,13 after each registration", { pingFail: 13 }],
  ["lwstatus,0 after each registration", { lwstatus: true }],
  ["SEND refused 15, REG? says 3", { sendError: 15 }],
  ["SEND refused 4, REG? says 3", { sendError: 4 }],
];

/** AT+CTM2MREG (bare or =<lifetime>) commands the host sent, in the simulator's transcript. */
export function regCommands(r: DeviceRig): TranscriptEntry[] {
  return r.sim.transcript().filter((e) => e.dir === "host" && e.line.startsWith("AT+CTM2MREG") && !e.line.endsWith("?"));
}

/** Registrations in each of the first `hours` hours of the run. */
export function registrationsPerHour(r: DeviceRig, hours: number): number[] {
  const out = new Array<number>(hours).fill(0);
  for (const c of regCommands(r)) {
    const h = Math.floor(c.tMs / HOUR);
    if (h < hours) out[h]++;
  }
  return out;
}

/** Registrations in each of the first `hours` hours under a fault that persists, and AT commands a minute after the first hour. */
export function stormFigures(fault: object, hours: number, seed: number): { perHour: number[]; atPerMinAfterHour1: number } {
  const r = makeDeviceRig({ seed, sim: { persistent: fault, transcriptLimit: 2_000_000 } });
  r.clock.advance(hours * HOUR);
  const later = r.sim.transcript().filter((e) => e.dir === "host" && e.tMs >= HOUR).length;
  return { perHour: registrationsPerHour(r, hours), atPerMinAfterHour1: later / ((hours - 1) * 60) };
}

export interface ScenarioFigures {
  name: string;
  atCommands: number;
  confirmed: number;
  readyCount: number;
  recoveries: number;
  worstTimeToReadyMs: number;
  drainedMs: number;
}

/** Each scenario for 2 h (reports every 5 min, a roomy outbox), then until Ready with nothing queued. */
export function scenarioFigures(seed: number): ScenarioFigures[] {
  return SCENARIOS.map((sc) => {
    const r = makeDeviceRig({ scenario: sc.name, seed, config: {} });
    r.clock.advance(2 * HOUR);
    r.stopReports();
    const t = r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), 2 * HOUR);
    const s = linkStats(r.device.link);
    return { name: sc.name, atCommands: atCount(r.uart), confirmed: r.delivered.length, readyCount: s.readyCount, recoveries: s.recoveries, worstTimeToReadyMs: s.worstTimeToReadyMs, drainedMs: t };
  });
}
