// The fleet: N instances of the firmware logic (test/fleet/adapter.ts) on ONE fake clock, each with its
// own simulated SIM7020, all talking to one platform model (test/sim/platform.ts) that stops answering
// for the outage. While it is down every REGISTER times out (reg,1), as CoAP requests to an unreachable
// server do; protocol.md's reg,2 is "not sent", a local failure an outage does not cause. Measures what
// issue 12 asks: the registration rate after the platform comes back, how fast the fleet is Ready
// again, registrations per device-hour during the outage, and reports lost.

import { RECOVERY_BOUND_MS } from "../../lib/link/retry";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";
import { SharedPlatform } from "../sim/platform";
import { Rng } from "../sim/rng";
import { attachToStub, Sim7020 } from "../sim/sim7020";
import { makeFleetDevice, type FleetDevice } from "./adapter";

const S = 1000;
const MIN = 60 * S;

/** The goals. */
export const GOAL_PEAK_TO_MEAN = 3;
export const GOAL_REGS_PER_DEVICE_HOUR = 12;
export { RECOVERY_BOUND_MS };

export interface FleetOptions {
  devices: number;
  outageMin: number;
  seed: number;
  /** Devices boot spread over this long: a deployed fleet does not start in one millisecond (default 10 min). */
  bootSpreadMin?: number;
  /** The outage starts this long after t = 0, when the fleet is up (default 30 min). */
  warmupMin?: number;
  /**
   * Seconds between reports (default 600: a 120 min outage queues 12 reports and an event, inside the
   * default outbox of 16, so "lost" means lost and not "dropped by the full-queue policy").
   */
  reportIntervalS?: number;
  /** Extra firmware configuration (merged over the report interval). */
  config?: Record<string, unknown>;
  /** After the comeback, stop once every device is back or after this long (default bound + 30 min). */
  maxRecoveryMs?: number;
  progress?: (line: string) => void;
}

export interface Goal {
  name: string;
  ok: boolean;
  value: string;
}

export interface FleetResult {
  devices: number;
  outageMin: number;
  seed: number;
  reportIntervalS: number;
  outageFromMs: number;
  outageToMs: number;
  readyAtOutageStart: number;
  /** REGISTER attempts per minute from the comeback until the last device was back (or the run ended). */
  regsPerMinute: number[];
  peakPerMin: number;
  meanPerMin: number;
  peakToMean: number;
  /** Ms after the comeback until 50 %, 99 %, 100 % of devices were Ready again (-1: not reached). */
  t50Ms: number;
  t99Ms: number;
  t100Ms: number;
  back: number;
  regsTotal: number;
  regsPerDevice: number;
  regsDuringOutage: number;
  regsPerDeviceHourOutage: number;
  maxRegsOneDeviceOutage: number;
  produced: number;
  delivered: number;
  queuedAtEnd: number;
  droppedByPolicy: number;
  lost: number;
  uplinksAtPlatform: number;
  simulatedMs: number;
  wallMs: number;
  timersFired: number;
  goals: Goal[];
}

function pct(sorted: number[], n: number, p: number): number {
  const k = Math.ceil(p * n);
  return k <= sorted.length && k > 0 ? sorted[k - 1] : -1;
}

export function runFleet(o: FleetOptions): FleetResult {
  const wall0 = performance.now();
  const n = o.devices;
  const rng = new Rng((o.seed * 2654435761) >>> 0);
  const clock = new FakeClock(0);
  const platform = new SharedPlatform();
  const reportIntervalS = o.reportIntervalS ?? 600;
  const t0 = (o.warmupMin ?? 30) * MIN;
  const t1 = t0 + o.outageMin * MIN;
  const maxRecoveryMs = o.maxRecoveryMs ?? RECOVERY_BOUND_MS + 30 * MIN;
  platform.addOutage(t0, t1);
  const config = { ...(o.config ?? {}), app: { reportIntervalS, ...((o.config?.app as object) ?? {}) } };

  const devs: (FleetDevice | undefined)[] = new Array(n).fill(undefined);
  /** Ms after the comeback each device was Ready again (-1: not yet). */
  const back = new Array<number>(n).fill(-1);
  /** Ready at the comeback and not left since: back from the comeback once an uplink is confirmed. */
  const stayedReady = new Array<boolean>(n).fill(false);
  let backCount = 0;
  const markBack = (i: number, ms: number) => {
    if (back[i] >= 0) return;
    back[i] = ms;
    backCount++;
  };

  const bootSpreadMs = (o.bootSpreadMin ?? 10) * MIN;
  for (let i = 0; i < n; i++) {
    const devRng = rng.fork(i);
    const simSeed = devRng.int(1, 0x7fffffff);
    const jitter = devRng.fork(1);
    clock.setTimeout(() => {
      const uart = new UartStub(clock);
      const sim = new Sim7020({ clock, output: () => {}, seed: simSeed, platform, platformId: "dev" + i, transcriptLimit: 16 });
      attachToStub(sim, uart);
      devs[i] = makeFleetDevice(
        { clock, uart, pins: sim.pins, random: () => jitter.next(), config },
        {
          onReady() {
            if (clock.now() >= t1) markBack(i, clock.now() - t1);
          },
          onLeftReady() {
            stayedReady[i] = false;
          },
          onDelivered() {
            if (stayedReady[i]) markBack(i, 0);
          },
        },
      );
    }, devRng.int(0, bootSpreadMs));
  }

  clock.advance(t0);
  let readyAtOutageStart = 0;
  for (const d of devs) if (d && d.isReady()) readyAtOutageStart++;
  if (o.progress) o.progress("t=" + t0 / MIN + " min: " + readyAtOutageStart + "/" + n + " Ready; the platform stops answering");
  clock.advance(t1 - t0);
  for (let i = 0; i < n; i++) stayedReady[i] = devs[i] !== undefined && (devs[i] as FleetDevice).isReady();
  if (o.progress) o.progress("t=" + t1 / MIN + " min: the platform is back; " + stayedReady.filter((x) => x).length + "/" + n + " still Ready");
  let lastProgress = t1;
  while (backCount < n && clock.now() - t1 < maxRecoveryMs) {
    clock.advance(MIN);
    if (o.progress && clock.now() - lastProgress >= 10 * MIN) {
      lastProgress = clock.now();
      o.progress("t=" + Math.round(clock.now() / MIN) + " min: " + backCount + "/" + n + " back");
    }
  }
  const end = clock.now();

  const sortedBack = back.filter((x) => x >= 0).sort((a, b) => a - b);
  const t100 = backCount === n ? sortedBack[n - 1] : -1;
  const windowMs = Math.max(MIN, t100 >= 0 ? t100 : end - t1);
  const minutes = Math.ceil(windowMs / MIN);
  const perMin = platform.perMinute(t1, minutes);
  const inWindow = perMin.reduce((a, b) => a + b, 0);
  const peak = perMin.reduce((a, b) => Math.max(a, b), 0);
  const mean = inWindow / minutes;

  const regsDuringOutage = platform.registrationsBetween(t0, t1);
  let produced = 0;
  let delivered = 0;
  let queued = 0;
  let dropped = 0;
  let lost = 0;
  for (const d of devs) {
    if (!d) continue;
    let missing = 0;
    for (const seq of d.produced()) {
      produced++;
      if (d.delivered(seq)) delivered++;
      else if (d.queued(seq)) queued++;
      else missing++;
    }
    dropped += d.droppedByPolicy();
    lost += Math.max(0, missing - d.droppedByPolicy());
    d.stop();
  }
  const maxOne = platform.maxPerDeviceBetween(t0, t1);

  const regsPerDeviceHourOutage = o.outageMin > 0 ? regsDuringOutage / n / (o.outageMin / 60) : 0;
  const peakToMean = mean > 0 ? peak / mean : 0;
  const goals: Goal[] = [
    { name: "peak/mean registrations per minute after the comeback <= " + GOAL_PEAK_TO_MEAN, ok: mean > 0 && peakToMean <= GOAL_PEAK_TO_MEAN, value: peakToMean.toFixed(2) },
    { name: "100% Ready again within the recovery bound (" + RECOVERY_BOUND_MS / MIN + " min)", ok: t100 >= 0 && t100 <= RECOVERY_BOUND_MS, value: t100 >= 0 ? fmtMin(t100) : "not all back after " + fmtMin(end - t1) },
    { name: "<= " + GOAL_REGS_PER_DEVICE_HOUR + " registrations per device-hour during the outage", ok: regsPerDeviceHourOutage <= GOAL_REGS_PER_DEVICE_HOUR, value: regsPerDeviceHourOutage.toFixed(2) },
    { name: "no report lost (within the outbox's capacity)", ok: lost === 0, value: String(lost) },
  ];
  return {
    devices: n,
    outageMin: o.outageMin,
    seed: o.seed,
    reportIntervalS,
    outageFromMs: t0,
    outageToMs: t1,
    readyAtOutageStart,
    regsPerMinute: perMin,
    peakPerMin: peak,
    meanPerMin: mean,
    peakToMean,
    t50Ms: pct(sortedBack, n, 0.5),
    t99Ms: pct(sortedBack, n, 0.99),
    t100Ms: t100,
    back: backCount,
    regsTotal: platform.regTimes.length,
    regsPerDevice: platform.regTimes.length / n,
    regsDuringOutage,
    regsPerDeviceHourOutage,
    maxRegsOneDeviceOutage: maxOne,
    produced,
    delivered,
    queuedAtEnd: queued,
    droppedByPolicy: dropped,
    lost,
    uplinksAtPlatform: platform.uplinks,
    simulatedMs: end,
    wallMs: performance.now() - wall0,
    timersFired: clock.fired,
    goals,
  };
}

function fmtMin(ms: number): string {
  return (ms / MIN).toFixed(1) + " min";
}

export function formatFleet(r: FleetResult): string {
  const at = (ms: number) => (ms >= 0 ? fmtMin(ms) : "not reached");
  const lines = [
    "fleet: " + r.devices + " devices, seed " + r.seed + ", reports every " + r.reportIntervalS + " s; platform down from " + fmtMin(r.outageFromMs) + " for " + r.outageMin + " min (REGISTER -> reg,1 timeout)",
    "before the outage: " + r.readyAtOutageStart + "/" + r.devices + " Ready",
    "registrations per minute after the comeback (" + r.regsPerMinute.length + " min until the last device was back): peak " + r.peakPerMin + ", mean " + r.meanPerMin.toFixed(1) + ", peak/mean " + r.peakToMean.toFixed(2),
    "  first 10 min: " + r.regsPerMinute.slice(0, 10).join(" "),
    "Ready again after the comeback: 50% " + at(r.t50Ms) + ", 99% " + at(r.t99Ms) + ", 100% " + at(r.t100Ms) + " (" + r.back + "/" + r.devices + " back)",
    "registrations: " + r.regsTotal + " in total, " + r.regsPerDevice.toFixed(2) + " per device; during the outage " + r.regsDuringOutage + " = " + r.regsPerDeviceHourOutage.toFixed(2) + " per device-hour (worst device " + r.maxRegsOneDeviceOutage + ")",
    "reports: produced " + r.produced + ", delivered " + r.delivered + ", still queued " + r.queuedAtEnd + ", dropped by the full outbox " + r.droppedByPolicy + ", lost " + r.lost + " (uplinks at the platform " + r.uplinksAtPlatform + ")",
    "simulated " + fmtMin(r.simulatedMs) + " in " + (r.wallMs / 1000).toFixed(1) + " s wall, " + r.timersFired + " timer callbacks, one process",
    "goals:",
  ];
  for (const g of r.goals) lines.push("  " + (g.ok ? "PASS" : "FAIL") + "  " + g.name + ": " + g.value);
  return lines.join("\n");
}
