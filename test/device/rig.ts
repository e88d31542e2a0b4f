// The whole firmware logic (Device + SampleApp) on the simulator under the fake clock: what the
// data-path tests and the soak run. A "MCU reboot" builds a new Device and App on the same Store.

import { validateConfig, type FirmwareConfig } from "../../lib/config";
import { Device } from "../../lib/device";
import { STATE_NAMES } from "../../lib/link/states";
import { LOG_INFO, type Log, type Pins } from "../../lib/ports";
import { SampleApp } from "../../firmware/app";
import { APP_PROFILE, RSP_COMMAND_ERROR } from "../../firmware/profile";
import { FakeClock } from "../support/fake-clock";
import { MemoryStore } from "../support/memory-store";
import { UartStub } from "../support/uart-stub";
import { Rng } from "../sim/rng";
import { Sim7020, attachToStub, type SimOptions } from "../sim/sim7020";
import { scenario as findScenario, scenarioChunker, startScenario } from "../sim/scenarios";

/** Pins as the firmware's makePins gives them: a line not wired reads -1 and drives nothing. */
export function wiredPins(pins: Pins, hasPwrkey: boolean, hasStatus: boolean): Pins {
  return {
    pwrkey: (asserted: boolean) => {
      if (hasPwrkey) pins.pwrkey(asserted);
    },
    status: () => (hasStatus ? pins.status() : -1),
  };
}

export function testConfig(over: unknown = {}): FirmwareConfig {
  const r = validateConfig(over, {});
  if (!r.config) throw new Error(r.errors.join("; "));
  return r.config;
}

export interface DeviceRig {
  /** Sequence numbers the application queued, in order, and those the platform confirmed. */
  produced: number[];
  delivered: number[];
  /** Largest number of fake-clock timers pending at a state change (bounded: no leaks). */
  peakTimers: number;
  /** Timers the link held right after leaving a state, beyond its supervisor (must stay 0). */
  leakedTimers: number;
  transitions(): { from: string; to: string; reason: string }[];
  clock: FakeClock;
  uart: UartStub;
  sim: Sim7020;
  store: MemoryStore;
  device: Device;
  app: SampleApp;
  logs: string[];
  rng: Rng;
  /** Simulate an MCU reset: a new Device + App on the same Store (the module keeps running). */
  mcuReboot(opts?: { warmWake?: boolean }): void;
  dump(n?: number): string;
}

export function makeDeviceRig(opts: { seed?: number; sim?: Partial<SimOptions>; config?: unknown; logLevel?: number; store?: MemoryStore; scenario?: string } = {}): DeviceRig {
  const seed = opts.seed ?? 1;
  const clock = new FakeClock(0);
  const uart = new UartStub(clock);
  let sim: Sim7020;
  if (opts.scenario) {
    const sc = findScenario(opts.scenario);
    if (!sc) throw new Error("no scenario " + opts.scenario);
    sim = startScenario(sc, { clock, output: () => {}, seed, ...(opts.sim ?? {}) }).sim;
    uart.chunker = scenarioChunker(sc, seed);
  } else sim = new Sim7020({ clock, output: () => {}, seed, ...(opts.sim ?? {}) });
  attachToStub(sim, uart);
  const store = opts.store ?? new MemoryStore();
  const logs: string[] = [];
  const rng = new Rng(seed * 104729 + 7);
  const cfg = testConfig(opts.config ?? {});
  const log: Log = {
    level: opts.logLevel ?? LOG_INFO,
    write(level, tag, text) {
      logs.push((clock.now() / 1000).toFixed(3) + " " + "EWID".charAt(level) + " " + tag + ": " + text);
      if (logs.length > 6000) logs.splice(0, 2000);
    },
  };
  const trans: { from: string; to: string; reason: string }[] = [];
  const rig = { produced: [] as number[], delivered: [] as number[], peakTimers: 0, leakedTimers: 0, transitions: () => trans } as DeviceRig;
  const build = (warmWake = false) => {
    let app: SampleApp | undefined;
    const pins = wiredPins(sim.pins, cfg.modem.pwrkeyPin !== null, cfg.modem.statusPin !== null);
    const device: Device = new Device({ uart, clock, pins, log, random: () => rng.next(), store }, cfg, APP_PROFILE, RSP_COMMAND_ERROR, {
      onStateChange(from, to, reason) {
        if (app) app.onStateChange(from, to, reason);
        trans.push({ from: STATE_NAMES[from], to: STATE_NAMES[to], reason });
        if (trans.length > 5000) trans.splice(0, 1000);
        // go() has cleared the old state's timers and has not entered the new one yet.
        const held = device.link.timersRunning() - (device.link.supervisorRunning() ? 1 : 0);
        if (held > 0) {
          rig.leakedTimers += held;
          log.write(0, "test", "timer leak leaving " + STATE_NAMES[from]);
        }
        if (clock.pending() > rig.peakTimers) rig.peakTimers = clock.pending();
      },
      onDelivered(seq) {
        rig.delivered.push(seq);
      },
    });
    // Every uplink the outbox accepts (reports, events and command responses), by sequence number.
    const push = device.outbox.push.bind(device.outbox);
    device.outbox.push = (hex, mode, prio) => {
      const seq = device.outbox.nextSeq();
      const res = push(hex, mode, prio);
      if (res !== 2 /* OB_REFUSED */) rig.produced.push(seq);
      return res;
    };
    app = new SampleApp(device, { clock, store, log, temperatureC: () => 21.5 }, cfg.app.reportIntervalS);
    uart.attach((c) => device.feed(c));
    rig.device = device;
    rig.app = app;
    // A planned deep-sleep wake (firmware/sleep.ts): no boot event, the link's warm path.
    app.start(!warmWake);
    device.link.warm = warmWake;
    device.start();
  };
  Object.assign(rig, {
    clock,
    uart,
    sim,
    store,
    logs,
    rng,
    mcuReboot(opts: { warmWake?: boolean } = {}) {
      // The old instance's timers die with the MCU: stop them so the fake clock forgets them.
      rig.app.stop();
      rig.device.link.halt();
      build(opts.warmWake === true);
    },
    dump(n = 80) {
      return logs.slice(-n).join("\n");
    },
  });
  build();
  return rig;
}
