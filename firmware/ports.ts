// The ports on Espruino, as cheap as they can be: the native timer functions and Date.now as the Clock,
// the module's Serial object itself as the Uart, PWRKEY/STATUS pins (functions only when wired), and
// a compact console log. Storage itself is the Store (main.ts). Only this folder touches Espruino globals.

import type { Clock, Log, Pins, Uart } from "../lib/ports";

/** Espruino's setTimeout passes extra arguments to the callback, so the natives serve as they are. */
export const clock: Clock = { now: Date.now, setTimeout: setTimeout, clearTimeout: clearTimeout } as unknown as Clock;

/** The Serial object wired to the module, set up from the configuration (pin names resolved). */
export function openUart(onData: (chunk: string) => void): Uart {
  const serial = (global as any)[CFG.modem.serial];
  if (!serial || typeof serial.setup !== "function") throw new Error("modem.serial " + CFG.modem.serial + " does not exist on this board");
  const opts: any = {};
  const given = CFG.modem.serialOptions as any;
  const keys = Object.keys(given);
  for (let i = 0; i < keys.length; i++) {
    // A pin name ("D16") becomes the pin object; anything else (a path on the Linux build) stays.
    const v = given[keys[i]];
    const pin = typeof v === "string" && keys[i] !== "path" && v.length >= 2 && v.length <= 4 && v.charCodeAt(0) >= 65 && v.charCodeAt(0) <= 90 && v.charCodeAt(1) >= 48 && v.charCodeAt(1) <= 57;
    opts[keys[i]] = pin && (global as any)[v] !== undefined ? (global as any)[v] : v;
  }
  serial.setup(CFG.modem.baud, opts);
  serial.on("data", onData);
  return serial as Uart;
}

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

/** When the firmware started, for the log's seconds. */
let bootMs = 0;

/** "I 12.345 link: Sync -> Configure (AT answered)": level, seconds since boot, source, text. */
function logWrite(lv: number, tag: string, text: string): void {
  if (lv <= CFG.log.level) console.log("EWID".charAt(lv) + " " + ((Date.now() - bootMs) / 1000).toFixed(3) + " " + tag + ": " + text);
}

export function makeLog(): Log {
  bootMs = Date.now();
  return { level: CFG.log.level, write: logWrite };
}
