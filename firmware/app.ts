// The sample application: a telemetry report every app.reportIntervalS, a link event at boot, after each
// recovery and when an uplink had to be dropped, and three commands (set the interval, report now,
// reboot the module), each answered with its 0x86 response. No Espruino globals: the environment comes
// in, so the soak runs it too. It is the Device's listener (methods, no closures).
//
// Adding your own service takes a few lines: describe it in profile.ts, then
//   device.send(SVC_MINE, { field: value })          // an uplink
//   case CMD_MINE: ...; return { result: 0 };          // a command, in command() below

import type { FieldValues, InputValues } from "../lib/aep/codec";
import type { Device, DeviceListener } from "../lib/device";
import { EV_STOP, LE_DELIVERED, LE_DROPPED, LE_REQUEUED, LE_STATE } from "../lib/link/events";
import { S_READY } from "../lib/link/states";
import { Stat } from "../lib/link/stats";
import { LOG_INFO, type Clock, type Log, type Store } from "../lib/ports";
import { CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL, RESULT_OK, SVC_LINK_EVENT, SVC_TELEMETRY } from "./ids";

export interface AppEnv {
  clock: Clock;
  store: Store;
  log: Log;
  /** MCU temperature in °C (E.getTemperature); undefined (or NaN) where the board has no sensor. */
  temperatureC: (() => number) | undefined;
  /** JsVars in use, in all and free (process.memory()); a desktop run says it did not measure them. */
  memory(): { usage: number; total: number; free: number };
}

/** Link event codes (service linkEvent). */
export const enum AppEvent {
  BOOT = 0,
  RECOVERED = 1,
  DROPPED = 2,
}

const enum App {
  SETTINGS_FILE = "app.json",
  /** linkEvent's kind for the boot event (past the link's LE_* kinds). */
  BOOT = 9,
  /** Sent as the temperature when the board cannot measure it (float32 has no "unknown"). */
  NO_TEMPERATURE = -273.15,
}

export interface AppStats {
  reports: number;
  events: number;
  notQueued: number;
  commands: number;
  /** Link events not sent because an earlier one was still waiting to go out. */
  eventsFolded: number;
}

export class SampleApp implements DeviceListener {
  device: Device | undefined;
  private env: AppEnv;
  intervalS: number;
  timer: number;
  /** When the next report is due (the MCU may deep-sleep until then). */
  nextReportAtMs: number;
  private startMs: number;
  private wasReady: boolean;
  private outageReason: string;
  /** The last link event queued; while it waits, a newer one is folded into it (no event flood). */
  private eventSeq: number;
  /** 1 once an event was dropped (refused): no more events this boot. */
  private eventsOff: number;
  private delivered: number;
  private memoryEvery: number;
  stats: AppStats;

  constructor(env: AppEnv, defaultIntervalS: number, memoryEveryReports: number) {
    this.device = undefined;
    this.env = env;
    this.intervalS = defaultIntervalS;
    this.timer = 0;
    this.nextReportAtMs = 0;
    this.startMs = env.clock.now();
    this.wasReady = false;
    this.outageReason = "";
    this.eventSeq = -1;
    this.eventsOff = 0;
    this.delivered = 0;
    this.memoryEvery = memoryEveryReports;
    this.stats = { reports: 0, events: 0, notQueued: 0, commands: 0, eventsFolded: 0 };
    const raw = env.store.read(App.SETTINGS_FILE);
    if (raw) {
      try {
        const v = JSON.parse(raw).intervalS;
        if (typeof v === "number" && v >= 10 && v <= 604800) this.intervalS = v;
      } catch (e) {
        // A torn settings file: keep the default.
      }
    }
  }

  /** `bootEvent`: tell the platform the MCU started (not after a planned deep-sleep wake). */
  start(device: Device, bootEvent: boolean): void {
    this.device = device;
    if (bootEvent) this.linkEvent(App.BOOT, 0, 0, "boot");
    this.schedule();
  }

  /**
   * What the link says (LE_* in lib/link/events.ts), and the app's own App.BOOT: one method, not five (on
   * the device each costs RAM). After an outage, after a drop and at boot it queues a link event.
   */
  linkEvent(kind: number, a: number, b: number, text: string): void {
    let code = -1;
    switch (kind) {
      case LE_STATE:
        if (a === S_READY && b !== S_READY && this.outageReason === "") this.outageReason = text;
        if (b !== S_READY) return;
        this.say("memory at Ready", true);
        if (this.wasReady && this.outageReason !== "") code = AppEvent.RECOVERED;
        text = this.outageReason;
        this.wasReady = true;
        this.outageReason = "";
        break;
      case LE_DELIVERED:
        this.delivered++;
        if (this.memoryEvery > 0 && this.delivered % this.memoryEvery === 0) this.say("memory after " + this.delivered + " reports", true);
        return;
      case LE_DROPPED:
        if (a === this.eventSeq) {
          // The platform (or the module) refuses link events: another would meet the same fate, and each
          // RST costs a session. Telemetry goes on; events stay off until the next boot.
          this.eventsOff = 1;
          this.say("link events off: uplink #" + a + " (an event) was dropped", false);
          return;
        }
        code = AppEvent.DROPPED;
        text = "uplink #" + a + " dropped: " + text;
        break;
      case LE_REQUEUED:
        if (a === this.eventSeq) this.eventSeq = b;
        return;
      case App.BOOT:
        code = AppEvent.BOOT;
        break;
    }
    // Queue the link event `code` with `text` as its detail.
    const dev = this.device as Device;
    if (code < 0 || this.eventsOff) return;
    if (code !== AppEvent.BOOT && this.eventSeq >= 0 && dev.outbox.has(this.eventSeq)) {
      // Still waiting to go out: outages in a row would otherwise push reports out of a full outbox.
      this.stats.eventsFolded++;
      return;
    }
    const seq = dev.send(SVC_LINK_EVENT, { code: code, detail: text.length > 64 ? text.substring(0, 64) : text });
    if (seq < 0) this.stats.notQueued++;
    else {
      this.stats.events++;
      this.eventSeq = seq;
    }
  }

  command(serviceId: number, v: FieldValues): InputValues | undefined {
    switch (serviceId) {
      case CMD_SET_INTERVAL:
        this.stats.commands++;
        this.intervalS = v.intervalS as number;
        try {
          this.env.store.write(App.SETTINGS_FILE, JSON.stringify({ intervalS: this.intervalS }));
        } catch (e) {
          // Flash full: the interval holds until the next boot.
        }
        this.schedule();
        this.say("report interval set to " + this.intervalS + " s", false);
        return { result: RESULT_OK, intervalS: this.intervalS };
      case CMD_REPORT_NOW:
        this.stats.commands++;
        this.report();
        return { result: RESULT_OK };
      case CMD_REBOOT_MODULE: {
        this.stats.commands++;
        const delayMs = Math.max(1, v.delayS as number) * 1000;
        // Give the response a head start: it is queued first and survives the reboot in the outbox anyway.
        this.env.clock.setTimeout(appTimer, delayMs, this, 1);
        this.say("module reboot in " + delayMs / 1000 + " s", false);
        return { result: RESULT_OK };
      }
    }
    return undefined;
  }

  /** Build and queue one telemetry report now. */
  report(): void {
    const dev = this.device as Device;
    const info = dev.link.info;
    const st = dev.link.stats;
    const t = this.env.temperatureC ? this.env.temperatureC() : NaN;
    const seq = dev.send(SVC_TELEMETRY, {
      seq: dev.outbox.nextSeq(),
      uptimeS: Math.floor((this.env.clock.now() - this.startMs) / 1000),
      rssi: info.rssi >= 0 && info.rssi <= 99 ? info.rssi : 99,
      temperatureC: t === t && t > -200 && t < 200 ? t : App.NO_TEMPERATURE,
      registrations: st[Stat.REGISTRATIONS] & 0x7fff,
      recoveries: st[Stat.RECOVERIES] & 0x7fff,
      moduleReboots: st[Stat.REBOOTS_SEEN] & 0x7fff,
    });
    if (seq < 0) this.stats.notQueued++;
    else this.stats.reports++;
  }


  schedule(): void {
    this.env.clock.clearTimeout(this.timer);
    this.nextReportAtMs = this.env.clock.now() + this.intervalS * 1000;
    this.timer = this.env.clock.setTimeout(appTimer, this.intervalS * 1000, this, 0);
  }

  /** An info line from "app"; with `memory`, a "main" line with the JsVars figure after the text. */
  private say(text: string, memory: boolean): void {
    if (this.env.log.level < LOG_INFO) return;
    const m = memory ? this.env.memory() : undefined;
    this.env.log.write(LOG_INFO, memory ? "main" : "app", m === undefined ? text : text + ": " + (m.total > 0 ? m.usage + "/" + m.total + " JsVars used, " + m.free + " free" : "not measured in the sandbox"));
  }
}

/**
 * The app's timer callback (a plain function, so no closure is made, and a class cannot name itself on the
 * device): `what` 0 is the report timer; 1 the module reboot a command asked for (EV_STOP with code 1:
 * deregister, power-cycle the module, bring the session up again).
 */
function appTimer(app: SampleApp, what: number): void {
  if (what === 1) {
    (app.device as Device).link.post(EV_STOP, 0, 1, 0, -1, -1, "");
    return;
  }
  app.timer = 0;
  app.report();
  app.schedule();
}
