// The whole firmware logic (Device + SampleApp) on the simulator under the fake clock: what the
// data-path tests and the soak run. A "MCU reboot" builds a new Device and App on the same Store.

import type { FirmwareConfig } from "../../lib/config";
import { Device } from "../../lib/device";
import { EV_STOP, FORGET_ALL, LE_DELIVERED, LE_DROPPED, LE_REQUEUED, LE_STATE } from "../../lib/link/events";
import { S_READY, stateName } from "../../lib/link/states";
import { LOG_INFO, type Log, type Pins } from "../../lib/ports";
import { SampleApp } from "../../firmware/app";
import { appProfile, RSP_COMMAND_ERROR } from "../../firmware/profile";
import { testConfig } from "../support/config";
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

export { testConfig };
export type { FirmwareConfig };

export interface DeviceRig {
  /** Sequence numbers the application queued, in order, those the platform confirmed, and those dropped (refused by the module, or set aside after RSTs). */
  produced: number[];
  delivered: number[];
  dropped: number[];
  /** [from, to]: uplinks moved behind the queue after RSTs (both seqs are in produced; only `to` can be delivered). */
  requeued: [number, number][];
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
  /** The link is Ready. */
  isReady(): boolean;
  /** No more reports from the sample application (its timer stops): let the outbox drain. */
  stopReports(): void;
  /** Ask for a shutdown (deregister, power off), or with `reboot` a module reboot (EV_STOP). */
  stop(reboot?: boolean): void;
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
  const rig = { produced: [] as number[], delivered: [] as number[], dropped: [] as number[], requeued: [] as [number, number][], peakTimers: 0, leakedTimers: 0, transitions: () => trans } as DeviceRig;
  const build = (warmWake = false) => {
    const app = new SampleApp({ clock, store, log, temperatureC: () => 21.5, memory: () => ({ usage: 0, total: 0, free: 0 }) }, cfg.app.reportIntervalS, cfg.log.memoryEveryReports);
    const pins = wiredPins(sim.pins, cfg.modem.pwrkeyPin !== null, cfg.modem.statusPin !== null);
    let device: Device;
    // The application hears the link through the rig, which records what it sees on the way.
    const listener = {
      linkEvent(kind: number, a: number, b: number, text: string) {
        app.linkEvent(kind, a, b, text);
        if (kind === LE_DELIVERED) rig.delivered.push(a);
        else if (kind === LE_DROPPED) rig.dropped.push(a);
        // `b` is in produced too (the copy went through outbox.push): count uplinks as produced - requeued.
        else if (kind === LE_REQUEUED) rig.requeued.push([a, b]);
        if (kind !== LE_STATE) return;
        const from = a;
        const to = b;
        const reason = text;
        trans.push({ from: stateName(from), to: stateName(to), reason });
        if (trans.length > 5000) trans.splice(0, 1000);
        // go() has cleared the old state's timers and has not entered the new one yet.
        const held = device.link.timerId.slice(0, 3).filter((x) => x !== 0).length;
        if (held > 0) {
          rig.leakedTimers += held;
          log.write(0, "test", "timer leak leaving " + stateName(from));
        }
        if (clock.pending() > rig.peakTimers) rig.peakTimers = clock.pending();
      },
      command(id: number, v: any, taskId: number) {
        return app.command(id, v);
      },
    };
    device = new Device({ uart, clock, pins, log, random: () => rng.next(), store }, appProfile, RSP_COMMAND_ERROR, listener);
    // Every uplink the outbox accepts (reports, events and command responses), by sequence number.
    const push = device.outbox.push.bind(device.outbox);
    device.outbox.push = (hex, mode, prio) => {
      const seq = device.outbox.nextSeq();
      const res = push(hex, mode, prio);
      if (res !== 2 /* OB_REFUSED */) rig.produced.push(seq);
      return res;
    };
    uart.attach((c) => device.link.at.feed(c));
    rig.device = device;
    rig.app = app;
    // A planned deep-sleep wake (firmware/sleep.ts): no boot event, the link's warm start.
    app.start(device, !warmWake);
    device.start(warmWake, -1);
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
      clock.clearTimeout(rig.app.timer);
      rig.device.link.forget(FORGET_ALL);
      build(opts.warmWake === true);
    },
    dump(n = 80) {
      return logs.slice(-n).join("\n");
    },
    isReady() {
      return rig.device.link.state === S_READY;
    },
    stopReports() {
      clock.clearTimeout(rig.app.timer);
      rig.app.timer = 0;
    },
    stop(reboot = false) {
      rig.device.link.post(EV_STOP, 0, reboot ? 1 : 0, 0, -1, -1, "");
    },
  });
  build();
  return rig;
}
