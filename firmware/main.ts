// Firmware entry on Espruino: builds the ports (Serial, pins, Storage, console, timers), the Device and
// the sample application, feeds the watchdog while the link is healthy, logs memory, and lets the MCU
// deep-sleep between reports when power saving is on. Runs at every boot (.bootcde), when the file is
// run directly, and after each deep-sleep wake (a wake is a reboot).

import { Device } from "../lib/device";
import { S_READY } from "../lib/link/states";
import { LOG_INFO, LOG_WARN } from "../lib/ports";
import { SampleApp } from "./app";
import { CONFIG } from "./config";
import { clock, makeLog, makePins, makeStore, openUart } from "./ports";
import { APP_PROFILE, RSP_COMMAND_ERROR } from "./profile";
import { resumeAfterSleep, startSleepPolicy } from "./sleep";

const log = makeLog(CONFIG.log.level);

function info(text: string): void {
  log.write(LOG_INFO, "main", text);
}

function logMemory(why: string): void {
  const m = process.memory();
  info("memory " + why + ": " + m.usage + "/" + m.total + " JsVars used, " + m.free + " free");
}

function temperatureC(): number {
  return typeof E !== "undefined" && typeof E.getTemperature === "function" ? E.getTemperature() : NaN;
}

function start(): void {
  const store = makeStore();
  let device: Device | undefined;
  const uart = openUart(CONFIG.modem.serial, CONFIG.modem.baud, CONFIG.modem.serialOptions, function (chunk) {
    if (device) device.feed(chunk);
  });
  let app: SampleApp | undefined;
  let delivered = 0;
  const every = CONFIG.log.memoryEveryReports;
  const dev = new Device(
    { uart: uart, clock: clock, pins: makePins(CONFIG.modem.pwrkeyPin, CONFIG.modem.statusPin), log: log, random: Math.random, store: store },
    CONFIG,
    APP_PROFILE,
    RSP_COMMAND_ERROR,
    {
      onStateChange: function (from, to, reason) {
        if (app) app.onStateChange(from, to, reason);
        if (to === S_READY) logMemory("at Ready");
      },
      onDelivered: function () {
        delivered++;
        if (every > 0 && delivered % every === 0) logMemory("after " + delivered + " reports");
      },
    },
  );
  device = dev;
  app = new SampleApp(dev, { clock: clock, store: store, log: log, temperatureC: temperatureC }, CONFIG.app.reportIntervalS);
  const wokeForReport = resumeAfterSleep(dev, store, log);
  app.start(!wokeForReport); // a planned wake is not news to the platform: just the report
  if (wokeForReport) app.report();
  startSleepPolicy(dev, app, CONFIG, log, store);

  if (CONFIG.watchdog.timeoutS > 0) {
    // Fed only while the link machine is alive: a wedged machine lets the watchdog reset the MCU.
    const periodMs = CONFIG.watchdog.timeoutS * 1000;
    E.enableWatchdog(CONFIG.watchdog.timeoutS, false);
    setInterval(function () {
      if (dev.link.healthy(periodMs)) E.kickWatchdog();
      else log.write(LOG_WARN, "main", "link not healthy: letting the watchdog bite");
    }, Math.max(1000, Math.floor(periodMs / 3)));
  }
  info("firmware started: module on " + CONFIG.modem.serial + " at " + CONFIG.modem.baud + " baud, APN " + CONFIG.network.apn + ", AEP " + CONFIG.aep.server + ":" + CONFIG.aep.port);
  logMemory("at start");
  dev.start();
}

// Once per boot, whichever way the code was loaded.
const g = global as any;
if (!g.__sim7020Started) {
  g.__sim7020Started = true;
  start();
}
