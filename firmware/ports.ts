// The ports on Espruino, as cheap as they can be: the native timer functions and Date.now as the Clock,
// PWRKEY/STATUS pins (functions only when wired), and
// a compact console log. Storage itself is the Store (main.ts). Only this folder touches Espruino globals.

import type { Clock, Log, Pins } from "../lib/ports";

/** Espruino's setTimeout passes extra arguments to the callback, so the natives serve as they are. */
export const clock: Clock = { now: Date.now, setTimeout: setTimeout, clearTimeout: clearTimeout } as unknown as Clock;

/**
 * PWRKEY through an NPN transistor: a high GPIO pulls PWRKEY low (asserted). STATUS high = running;
 * -1 when not wired. The link only calls these when the configuration wires the pin.
 */
export function makePins(): Pins {
  const pwr = (global as any)[CFG.modem.pwrkeyPin as string];
  const st = (global as any)[CFG.modem.statusPin as string];
  if (CFG.modem.pwrkeyPin !== null) digitalWrite(pwr, 0);
  return {
    pwrkey: function (asserted) {
      if (CFG.modem.pwrkeyPin !== null) digitalWrite(pwr, asserted ? 1 : 0);
    },
    status: function () {
      return CFG.modem.statusPin !== null ? (digitalRead(st) ? 1 : 0) : -1;
    },
  };
}

/** When the firmware started (the bundle's top level runs at boot), for the log's seconds. */
const bootMs = Date.now();

/** "I 12.345 link: Sync -> Configure (AT answered)": level, seconds since boot, source, text. */
function logWrite(lv: number, tag: string, text: string): void {
  if (lv <= CFG.log.level) console.log("EWID".charAt(lv) + " " + ((Date.now() - bootMs) / 1000).toFixed(3) + " " + tag + ": " + text);
}

/** The Log port: an object, not a function that makes one (a function costs RAM on the device). */
export const log: Log = { level: CFG.log.level, write: logWrite };
