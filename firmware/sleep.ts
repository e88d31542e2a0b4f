// MCU sleep policy with power saving on: between reports, when nothing is queued or on its way and the
// module has gone to sleep itself (+CPSMSTATUS: "ENTER PSM", or its active time is surely over — until
// then a downlink can still arrive), the ESP32 deep-sleeps until the next report. A wake is a reboot:
// the outbox is already in Storage, its sequence is checkpointed, and the module keeps its AEP session
// through PSM, so the link starts warm (straight to Ready; the data path wakes the module to send).
// Without ESP32.deepSleep (other boards, the Linux build) Espruino simply idles between timers.

import { FORGET_ALL } from "../lib/link/events";
import type { Device } from "../lib/device";
import { S_READY } from "../lib/link/states";
import { LOG_INFO, type Log, type Store } from "../lib/ports";
import type { SampleApp } from "./app";

export const enum Sleep {
  FILE = "sleep.json",
  /** ESP32.deepSleep takes at most about 35.8 minutes per call. */
  DEEP_SLEEP_MAX_MS = 2100000,
  /** Not worth a reboot for less. */
  MIN_SLEEP_MS = 60000,
  /** How often the policy looks, and the margin past the module's active time. */
  CHECK_MS = 2000,
  ACTIVE_MARGIN_MS = 10000,
}

export function canDeepSleep(): boolean {
  return typeof ESP32 !== "undefined" && ESP32 !== undefined && typeof ESP32.deepSleep === "function";
}

/** Check every Sleep.CHECK_MS and deep-sleep when the device and the module are both idle. */
export function startSleepPolicy(dev: Device, app: SampleApp, log: Log, store: Store): void {
  let idleSinceMs = -1;
  setInterval(function () {
    // Nothing queued, nothing on its way, no command in flight: a good moment to sleep.
    if (dev.link.state !== S_READY || dev.link.up.busy() || dev.link.at.busy()) {
      idleSinceMs = -1;
      return;
    }
    const now = Date.now();
    if (idleSinceMs < 0) idleSinceMs = now;
    const untilReportMs = Math.max(0, app.nextReportAtMs - now);
    if (untilReportMs < Sleep.MIN_SLEEP_MS || !(dev.link.info.asleep || now - idleSinceMs > CFG.network.psm.activeS * 1000 + Sleep.ACTIVE_MARGIN_MS)) return;
    sleepFor(untilReportMs, dev, log, store);
  }, Sleep.CHECK_MS);
}

function sleepFor(totalMs: number, dev: Device, log: Log, store: Store): void {
  const ms = Math.min(totalMs, Sleep.DEEP_SLEEP_MAX_MS);
  dev.outbox.checkpoint();
  store.write(Sleep.FILE, JSON.stringify({ remainingMs: totalMs - ms, rssi: dev.link.info.rssi }));
  log.write(LOG_INFO, "main", "deep sleep for " + Math.round(ms / 1000) + " s");
  dev.link.forget(FORGET_ALL);
  (ESP32 as EspruinoESP32).deepSleep(ms * 1000);
}

export const enum Wake {
  /** wokeFromSleep: a boot that is not our own planned wake. */
  NOT_A_WAKE = -2,
  /** wokeFromSleep: more sleep was owed and nothing is queued: it went back to sleep. */
  SLEEPING_AGAIN = -3,
}

/**
 * At boot: did we wake from our own deep sleep? Returns the rssi seen before it (-1 unknown) when the
 * wake is for a report, NOT_A_WAKE, or SLEEPING_AGAIN (an interval longer than one deepSleep call).
 */
export function wokeFromSleep(dev: Device, log: Log, store: Store): number {
  const raw = store.read(Sleep.FILE);
  if (!raw) return Wake.NOT_A_WAKE;
  store.erase(Sleep.FILE);
  let saved: { remainingMs?: number; rssi?: number };
  try {
    saved = JSON.parse(raw);
  } catch (e) {
    return Wake.NOT_A_WAKE;
  }
  const remainingMs = saved.remainingMs || 0;
  if (remainingMs >= Sleep.MIN_SLEEP_MS && dev.outbox.size() === 0 && canDeepSleep()) {
    sleepFor(remainingMs, dev, log, store);
    return Wake.SLEEPING_AGAIN;
  }
  return typeof saved.rssi === "number" ? saved.rssi : -1;
}
