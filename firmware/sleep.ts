// MCU sleep policy with power saving on: between reports, when nothing is queued or on its way and the
// module has gone to sleep itself (+CPSMSTATUS: "ENTER PSM", or its active time is surely over — until
// then a downlink can still arrive), the ESP32 deep-sleeps until the next report. A wake is a reboot:
// the outbox is already in Storage, its sequence is checkpointed, and the module keeps its AEP session
// through PSM, so the link takes its warm path. Without ESP32.deepSleep (other boards, the Linux build)
// Espruino simply idles between timers.

import type { FirmwareConfig } from "../lib/config";
import type { Device } from "../lib/device";
import { LOG_INFO, type Log, type Store } from "../lib/ports";
import type { SampleApp } from "./app";

const SLEEP_FILE = "sleep.json";
/** ESP32.deepSleep takes at most about 35.8 minutes per call. */
export const DEEP_SLEEP_MAX_MS = 35 * 60 * 1000;
/** Not worth a reboot for less. */
const MIN_SLEEP_MS = 60 * 1000;
/** How often the policy looks, and the margin past the module's active time. */
const CHECK_MS = 2000;
const ACTIVE_MARGIN_MS = 10000;

export function canDeepSleep(): boolean {
  return typeof ESP32 !== "undefined" && ESP32 !== undefined && typeof ESP32.deepSleep === "function";
}

/** Start the policy (power saving on and a deep sleep available); returns the timer, or 0. */
export function startSleepPolicy(dev: Device, app: SampleApp, cfg: FirmwareConfig, log: Log, store: Store): number {
  if (!cfg.network.psm.enabled || !canDeepSleep()) return 0;
  let idleSinceMs = -1;
  return setInterval(function () {
    if (!dev.idle()) {
      idleSinceMs = -1;
      return;
    }
    const now = Date.now();
    if (idleSinceMs < 0) idleSinceMs = now;
    const moduleAsleep = dev.link.asleep || now - idleSinceMs > cfg.network.psm.activeS * 1000 + ACTIVE_MARGIN_MS;
    const untilReportMs = app.msUntilNextReport();
    if (!moduleAsleep || untilReportMs < MIN_SLEEP_MS) return;
    sleepFor(untilReportMs, dev, log, store);
  }, CHECK_MS);
}

function sleepFor(totalMs: number, dev: Device, log: Log, store: Store): void {
  const ms = Math.min(totalMs, DEEP_SLEEP_MAX_MS);
  dev.outbox.checkpoint();
  store.write(SLEEP_FILE, JSON.stringify({ remainingMs: totalMs - ms }));
  log.write(LOG_INFO, "main", "deep sleep for " + Math.round(ms / 1000) + " s");
  dev.link.halt();
  (ESP32 as EspruinoESP32).deepSleep(ms * 1000);
}

/**
 * At boot: did we wake from our own deep sleep? Returns true when the wake is for a report. When more
 * sleep is owed (intervals beyond one deepSleep call) and nothing is queued, sleeps again at once.
 */
export function resumeAfterSleep(dev: Device, store: Store, log: Log): boolean {
  const raw = store.read(SLEEP_FILE);
  if (!raw) return false;
  store.erase(SLEEP_FILE);
  let remainingMs = 0;
  try {
    remainingMs = JSON.parse(raw).remainingMs || 0;
  } catch (e) {
    return false;
  }
  dev.link.warm = true;
  if (remainingMs >= MIN_SLEEP_MS && dev.outbox.size() === 0 && canDeepSleep()) {
    sleepFor(remainingMs, dev, log, store);
    return false;
  }
  return true;
}
