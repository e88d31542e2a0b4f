// The whole firmware logic (Device + SampleApp) on the simulator under the fake clock: what the
// data-path tests and the soak run. A "MCU reboot" builds a new Device and App on the same Store.

import { validateConfig, type FirmwareConfig } from "../../lib/config";
import { Device } from "../../lib/device";
import { STATE_NAMES } from "../../lib/link/states";
import { LOG_INFO, type Log } from "../../lib/ports";
import { SampleApp } from "../../firmware/app";
import { APP_PROFILE, RSP_COMMAND_ERROR } from "../../firmware/profile";
import { FakeClock } from "../support/fake-clock";
import { MemoryStore } from "../support/memory-store";
import { UartStub } from "../support/uart-stub";
import { Rng } from "../sim/rng";
import { Sim7020, attachToStub, type SimOptions } from "../sim/sim7020";

export function testConfig(over: unknown = {}): FirmwareConfig {
  const r = validateConfig(over, {});
  if (!r.config) throw new Error(r.errors.join("; "));
  return r.config;
}

export interface DeviceRig {
  clock: FakeClock;
  uart: UartStub;
  sim: Sim7020;
  store: MemoryStore;
  device: Device;
  app: SampleApp;
  logs: string[];
  rng: Rng;
  /** Simulate an MCU reset: a new Device + App on the same Store (the module keeps running). */
  mcuReboot(): void;
  dump(n?: number): string;
}

export function makeDeviceRig(opts: { seed?: number; sim?: Partial<SimOptions>; config?: unknown; logLevel?: number; store?: MemoryStore } = {}): DeviceRig {
  const seed = opts.seed ?? 1;
  const clock = new FakeClock(0);
  const uart = new UartStub(clock);
  const sim = new Sim7020({ clock, output: () => {}, seed, ...(opts.sim ?? {}) });
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
  const rig = {} as DeviceRig;
  const build = () => {
    let app: SampleApp | undefined;
    const device = new Device({ uart, clock, pins: sim.pins, log, random: () => rng.next(), store }, cfg, APP_PROFILE, RSP_COMMAND_ERROR, {
      onStateChange(from, to, reason) {
        if (app) app.onStateChange(from, to, reason);
        void STATE_NAMES;
      },
    });
    app = new SampleApp(device, { clock, store, log, temperatureC: () => 21.5 }, cfg.app.reportIntervalS);
    uart.attach((c) => device.feed(c));
    rig.device = device;
    rig.app = app;
    app.start();
    device.start();
  };
  Object.assign(rig, {
    clock,
    uart,
    sim,
    store,
    logs,
    rng,
    mcuReboot() {
      // The old instance's timers die with the MCU: stop them so the fake clock forgets them.
      rig.app.stop();
      rig.device.link.halt();
      build();
    },
    dump(n = 80) {
      return logs.slice(-n).join("\n");
    },
  });
  build();
  return rig;
}
