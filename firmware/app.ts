// The sample application: a telemetry report every app.reportIntervalS, a link event at boot and after
// each recovery, and three commands (set the interval, report now, reboot the module), each answered
// with its 0x86 response. No Espruino globals: the environment comes in, so the soak runs it too.
//
// Adding your own service takes a few lines: describe it in profile.ts, then
//   device.send(SVC_MINE, { field: value })                       // an uplink
//   device.onCommand(CMD_MINE, RSP_MINE, function (v) { ...; return { result: 0 }; })   // a command

import type { Device } from "../lib/device";
import { S_READY } from "../lib/link/states";
import { LOG_INFO, type Clock, type Log, type Store } from "../lib/ports";
import { CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL, RESULT_OK, RSP_REBOOT_MODULE, RSP_REPORT_NOW, RSP_SET_INTERVAL, SVC_LINK_EVENT, SVC_TELEMETRY } from "./profile";

export interface AppEnv {
  clock: Clock;
  store: Store;
  log: Log;
  /** MCU temperature in °C, NaN where the board has no sensor. */
  temperatureC(): number;
}

/** Link event codes (service linkEvent). */
export const EVENT_BOOT = 0;
export const EVENT_RECOVERED = 1;

const SETTINGS_FILE = "app.json";
/** Sent as the temperature when the board cannot measure it (float32 has no "unknown"). */
export const NO_TEMPERATURE = -273.15;

export interface AppStats {
  reports: number;
  events: number;
  notQueued: number;
  commands: number;
  /** Recovery events not sent because an earlier one was still waiting to go out. */
  eventsFolded: number;
}

export class SampleApp {
  private device: Device;
  private env: AppEnv;
  intervalS: number;
  private timer: number;
  private nextReportAtMs: number;
  private startMs: number;
  private wasReady: boolean;
  private outageReason: string;
  /** The last link event queued; while it waits, a newer outage is folded into it (no event flood). */
  private eventSeq: number;
  private onTick: () => void;
  stats: AppStats;

  constructor(device: Device, env: AppEnv, defaultIntervalS: number) {
    const self = this;
    this.device = device;
    this.env = env;
    this.intervalS = defaultIntervalS;
    this.timer = 0;
    this.nextReportAtMs = 0;
    this.startMs = env.clock.now();
    this.wasReady = false;
    this.outageReason = "";
    this.eventSeq = -1;
    this.stats = { reports: 0, events: 0, notQueued: 0, commands: 0, eventsFolded: 0 };
    this.onTick = function () {
      self.timer = 0;
      self.report();
      self.schedule();
    };
    const saved = readSettings(env.store);
    if (saved > 0) this.intervalS = saved;
  }

  /** `bootEvent`: tell the platform the MCU started (not after a planned deep-sleep wake). */
  start(bootEvent: boolean): void {
    const self = this;
    this.device.onCommand(CMD_SET_INTERVAL, RSP_SET_INTERVAL, function (v) {
      self.stats.commands++;
      self.intervalS = v.intervalS as number;
      self.env.store.write(SETTINGS_FILE, JSON.stringify({ intervalS: self.intervalS }));
      self.schedule();
      self.info("report interval set to " + self.intervalS + " s");
      return { result: RESULT_OK, intervalS: self.intervalS };
    });
    this.device.onCommand(CMD_REPORT_NOW, RSP_REPORT_NOW, function () {
      self.stats.commands++;
      self.report();
      return { result: RESULT_OK };
    });
    this.device.onCommand(CMD_REBOOT_MODULE, RSP_REBOOT_MODULE, function (v) {
      self.stats.commands++;
      const delayMs = Math.max(1, v.delayS as number) * 1000;
      // Give the response a head start: it is queued first and survives the reboot in the outbox anyway.
      self.env.clock.setTimeout(function () {
        self.device.rebootModule();
      }, delayMs);
      self.info("module reboot in " + delayMs / 1000 + " s");
      return { result: RESULT_OK };
    });
    if (bootEvent) this.event(EVENT_BOOT, "boot");
    this.schedule();
  }

  /** Milliseconds until the next scheduled report (the MCU may deep-sleep that long). */
  msUntilNextReport(): number {
    return this.timer === 0 ? this.intervalS * 1000 : Math.max(0, this.nextReportAtMs - this.env.clock.now());
  }

  /** Feed link state changes: after an outage, tell the platform what happened. */
  onStateChange(from: number, to: number, reason: string): void {
    if (from === S_READY && to !== S_READY && this.outageReason === "") this.outageReason = reason;
    if (to === S_READY) {
      if (this.wasReady && this.outageReason !== "") this.event(EVENT_RECOVERED, this.outageReason);
      this.wasReady = true;
      this.outageReason = "";
    }
  }

  /** Build and queue one telemetry report now. */
  report(): void {
    const link = this.device.link;
    const t = this.env.temperatureC();
    const seq = this.device.send(SVC_TELEMETRY, {
      seq: this.device.nextSeq(),
      uptimeS: Math.floor((this.env.clock.now() - this.startMs) / 1000),
      rssi: link.rssi >= 0 && link.rssi <= 99 ? link.rssi : 99,
      temperatureC: t === t && t > -200 && t < 200 ? t : NO_TEMPERATURE,
      registrations: link.stats.registrations & 0x7fff,
      recoveries: link.stats.recoveries & 0x7fff,
      moduleReboots: link.stats.rebootsSeen & 0x7fff,
    });
    if (seq < 0) this.stats.notQueued++;
    else this.stats.reports++;
  }

  private event(code: number, detail: string): void {
    if (code === EVENT_RECOVERED && this.eventSeq >= 0 && this.device.outbox.has(this.eventSeq)) {
      // Still waiting to go out: outages in a row would otherwise push reports out of a full outbox.
      this.stats.eventsFolded++;
      return;
    }
    const seq = this.device.send(SVC_LINK_EVENT, { code: code, detail: detail.length > 64 ? detail.substring(0, 64) : detail });
    if (seq < 0) this.stats.notQueued++;
    else {
      this.stats.events++;
      this.eventSeq = seq;
    }
  }

  private schedule(): void {
    if (this.timer !== 0) this.env.clock.clearTimeout(this.timer);
    this.nextReportAtMs = this.env.clock.now() + this.intervalS * 1000;
    this.timer = this.env.clock.setTimeout(this.onTick, this.intervalS * 1000);
  }

  private info(text: string): void {
    if (this.env.log.level >= LOG_INFO) this.env.log.write(LOG_INFO, "app", text);
  }

  /** Stop the report timer (tests, shutdown). */
  stop(): void {
    if (this.timer !== 0) this.env.clock.clearTimeout(this.timer);
    this.timer = 0;
  }
}

function readSettings(store: Store): number {
  const raw = store.read(SETTINGS_FILE);
  if (!raw) return 0;
  try {
    const v = JSON.parse(raw);
    return typeof v.intervalS === "number" && v.intervalS >= 10 && v.intervalS <= 604800 ? v.intervalS : 0;
  } catch (e) {
    return 0;
  }
}
