// MCU sleep policy with power saving on: between reports, when nothing is queued or on its way, the
// ESP32 deep-sleeps until the next report (a wake is a reboot; the outbox is already in Storage and the
// module keeps its AEP session through PSM). Without ESP32.deepSleep (other boards, the Linux build)
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

function canDeepSleep(): boolean {
  return typeof ESP32 !== "undefined" && ESP32 !== undefined && typeof ESP32.deepSleep === "function";
}

/** After a delivered report: sleep if power saving is on and nothing else is pending. */
export function maybeSleep(dev: Device, app: SampleApp, cfg: FirmwareConfig, log: Log, store: Store): void {
  if (!cfg.network.psm.enabled || !canDeepSleep() || !dev.idle()) return;
  const untilReportMs = app.intervalS * 1000;
  if (untilReportMs < MIN_SLEEP_MS) return;
  const sleepMs = Math.min(untilReportMs, DEEP_SLEEP_MAX_MS);
  store.write(SLEEP_FILE, JSON.stringify({ remainingMs: untilReportMs - sleepMs }));
  log.write(LOG_INFO, "main", "deep sleep for " + Math.round(sleepMs / 1000) + " s");
  (ESP32 as EspruinoESP32).deepSleep(sleepMs * 1000);
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
    const ms = Math.min(remainingMs, DEEP_SLEEP_MAX_MS);
    store.write(SLEEP_FILE, JSON.stringify({ remainingMs: remainingMs - ms }));
    log.write(LOG_INFO, "main", "deep sleep again for " + Math.round(ms / 1000) + " s");
    (ESP32 as EspruinoESP32).deepSleep(ms * 1000);
    return false;
  }
  return true;
}
