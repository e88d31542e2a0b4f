// Firmware entry on Espruino: builds the ports (Serial, pins, Storage, console, timers), the Device and
// the sample application, feeds the watchdog while the link is healthy, and lets the MCU deep-sleep
// between reports when power saving is on. Runs at every boot (.bootcde), when the file is run
// directly, and after each deep-sleep wake (a wake is a reboot).

import { Device } from "../lib/device";
import { Stat } from "../lib/link/stats";
import { LOG_ERROR, LOG_INFO, LOG_WARN, type Pins } from "../lib/ports";
import { SampleApp } from "./app";
import { RSP_COMMAND_ERROR } from "./ids";
import { clock, log, makePins } from "./ports";
import { appProfile } from "./profile";
import { canDeepSleep, startSleepPolicy, Wake, wokeFromSleep } from "./sleep";

function start(): void {
  // Storage is the Store as it is (read, write, erase). Through global: a bare require() would make
  // esbuild try to bundle Espruino's built-in module.
  const store = (global as any).require("Storage");
  // The module's Serial object itself is the Uart, set up from the configuration (pin names resolved).
  const uart = (global as any)[CFG.modem.serial];
  if (!uart || typeof uart.setup !== "function") throw new Error("modem.serial " + CFG.modem.serial + " does not exist on this board");
  const opts: any = {};
  const given = CFG.modem.serialOptions as any;
  const keys = Object.keys(given);
  for (let i = 0; i < keys.length; i++) {
    // A pin name ("D16") becomes the pin object; anything else (a path on the Linux build) stays.
    const v = given[keys[i]];
    const pin = typeof v === "string" && keys[i] !== "path" && v.length >= 2 && v.length <= 4 && v.charCodeAt(0) >= 65 && v.charCodeAt(0) <= 90 && v.charCodeAt(1) >= 48 && v.charCodeAt(1) <= 57;
    opts[keys[i]] = pin && (global as any)[v] !== undefined ? (global as any)[v] : v;
  }
  uart.setup(CFG.modem.baud, opts);
  const temperature = typeof E.getTemperature === "function" ? E.getTemperature : undefined;
  const app = new SampleApp({ clock: clock, store: store, log: log, temperatureC: temperature, memory: process.memory }, CFG.app.reportIntervalS, CFG.log.memoryEveryReports);
  // The link only touches a pin the configuration wires (each use is guarded by CFG).
  const pins = CFG.modem.pwrkeyPin !== null || CFG.modem.statusPin !== null ? makePins() : ({} as Pins);
  const d = new Device({ uart: uart, clock: clock, pins: pins, log: log, random: Math.random, store: store }, appProfile, RSP_COMMAND_ERROR, app);
  // The module's bytes go straight to the AT engine: a bound method, not a closure (which would keep
  // start()'s whole scope alive, ~30 JsVars) nor a wrapper function (one more call frame under every
  // handler). Nothing is sent before d.start() below, so nothing can be missed.
  uart.on("data", d.link.at.feed.bind(d.link.at));
  // At log level 3 the device is reachable from the console, for E.getSizeOf() and inspection.
  if (CFG.log.level >= 3) (global as any).__device = d;
  // Espruino 2v26..2v29 (the releases) lose UART bytes on the ESP32 past 64 bytes of a burst: a long
  // downlink is such a burst (espruino.md). Builds after the fix carry a ".N" suffix (2v29.1 ...).
  const v = process.env.VERSION;
  if (process.env.BOARD === "ESP32" && v.length === 4 && v >= "2v26" && v <= "2v29") {
    d.link.stats[Stat.BAD_INTERPRETER]++;
    log.write(LOG_ERROR, "main", "Espruino " + v + " on ESP32 loses UART bytes: flash a 2v29.1+ cutting-edge build or a release after 2v29");
  }
  const rssi = CFG.network.psm.enabled ? wokeFromSleep(d, log, store) : Wake.NOT_A_WAKE;
  if (rssi === Wake.SLEEPING_AGAIN) return;
  const wake = rssi !== Wake.NOT_A_WAKE;
  app.start(d, !wake); // a planned wake is not news to the platform: just the report
  if (wake) app.report();
  if (CFG.network.psm.enabled && canDeepSleep()) startSleepPolicy(d, app, log, store);

  if (CFG.watchdog.timeoutS > 0) {
    E.enableWatchdog(CFG.watchdog.timeoutS, false);
    setInterval(feedWatchdog, Math.max(1000, Math.floor((CFG.watchdog.timeoutS * 1000) / 3)), d);
  }
  const m = process.memory();
  log.write(LOG_INFO, "main", "firmware started: module on " + CFG.modem.serial + " at " + CFG.modem.baud + " baud, APN " + CFG.network.apn + ", AEP " + CFG.aep.server + ":" + CFG.aep.port);
  log.write(LOG_INFO, "main", "memory at start: " + m.usage + "/" + m.total + " JsVars used, " + m.free + " free");
  d.start(wake, rssi);
}

/** Fed only while the link machine is alive: a wedged machine lets the watchdog reset the MCU. */
function feedWatchdog(d: Device): void {
  if (d.link.healthy(CFG.watchdog.timeoutS * 1000)) E.kickWatchdog();
  else d.link.ports.log.write(LOG_WARN, "main", "link not healthy: letting the watchdog bite");
}

// Once per boot, whichever way the code was loaded.
const g = global as any;
if (!g.__sim7020Started) {
  g.__sim7020Started = true;
  start();
}
