// The ports on Espruino: Clock on setTimeout/Date.now, the module's Serial, PWRKEY/STATUS pins, a
// compact console log, and Storage. Only this folder touches Espruino globals.

import type { Clock, Log, Pins, Store, Uart } from "../lib/ports";

export const clock: Clock = {
  now: function () {
    return Date.now();
  },
  setTimeout: function (fn, delayMs) {
    return setTimeout(fn, delayMs);
  },
  clearTimeout: function (id) {
    // clearTimeout(undefined) throws on the device; 0 is our "no timer".
    if (id) clearTimeout(id);
  },
};

/** Pin object from a name such as "D16", or the value unchanged (a path on the Linux build). */
export function resolvePin(v: any): any {
  if (typeof v === "string" && v.length >= 2 && v.length <= 4 && v.charCodeAt(0) >= 65 && v.charCodeAt(0) <= 90) {
    const c1 = v.charCodeAt(1);
    if (c1 >= 48 && c1 <= 57) {
      const p = (global as any)[v];
      if (p !== undefined) return p;
    }
  }
  return v;
}

/** modem.serialOptions with pin names turned into pins, for SerialN.setup(). */
export function serialOptions(opts: { [key: string]: string | number | boolean }): any {
  const out: any = {};
  const keys = Object.keys(opts);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = keys[i] === "path" ? opts[keys[i]] : resolvePin(opts[keys[i]]);
  return out;
}

export function openUart(name: string, baud: number, opts: { [key: string]: string | number | boolean }, onData: (chunk: string) => void): Uart {
  const serial = (global as any)[name];
  if (!serial || typeof serial.setup !== "function") throw new Error("modem.serial " + name + " does not exist on this board");
  serial.setup(baud, serialOptions(opts));
  serial.on("data", onData);
  return {
    write: function (data) {
      serial.write(data);
    },
  };
}

/**
 * PWRKEY through an NPN transistor: a high GPIO pulls PWRKEY low (asserted). STATUS high = running;
 * -1 when not wired.
 */
export function makePins(pwrkeyName: string | null, statusName: string | null): Pins {
  const pwr = pwrkeyName ? resolvePin(pwrkeyName) : undefined;
  const st = statusName ? resolvePin(statusName) : undefined;
  if (pwr !== undefined) digitalWrite(pwr, 0);
  return {
    pwrkey: function (asserted) {
      if (pwr !== undefined) digitalWrite(pwr, asserted ? 1 : 0);
    },
    status: function () {
      return st !== undefined ? (digitalRead(st) ? 1 : 0) : -1;
    },
  };
}

const LEVEL_LETTER = "EWID";

/** "I 12.345 link: Sync -> Configure (AT answered)": level, seconds since boot, source, text. */
export function makeLog(level: number): Log {
  const t0 = Date.now();
  return {
    level: level,
    write: function (lv, tag, text) {
      if (lv > this.level) return;
      console.log(LEVEL_LETTER.charAt(lv) + " " + ((Date.now() - t0) / 1000).toFixed(3) + " " + tag + ": " + text);
    },
  };
}

export function makeStore(): Store {
  // Through global: a bare require() would make esbuild try to bundle Espruino's built-in module.
  const storage: EspruinoStorage = (global as any).require("Storage");
  return {
    read: function (name) {
      return storage.read(name);
    },
    write: function (name, data) {
      try {
        return storage.write(name, data);
      } catch (e) {
        return false; // flash full: the caller keeps the data in RAM and says so
      }
    },
    writeAt: function (name, data, offset, size) {
      try {
        // Espruino throws for a missing file, a write past its end, or bytes already written.
        return storage.write(name, data, offset, size);
      } catch (e) {
        return false;
      }
    },
    erase: function (name) {
      storage.erase(name);
    },
  };
}
