// The fleet's only door into the firmware: one device instance (Device + SampleApp, wired as
// test/device/rig.ts wires them) on a clock and a UART the fleet provides, reduced to what the fleet
// measures. When the Device API changes (the link redesign), re-map this file and nothing else.

import { Device } from "../../lib/device";
import { S_READY } from "../../lib/link/states";
import { FORGET_ALL, LE_DELIVERED, LE_REQUEUED, LE_STATE } from "../../lib/link/events";
import { LOG_WARN, type Clock, type Log, type Pins } from "../../lib/ports";
import { SampleApp } from "../../firmware/app";
import { appProfile, RSP_COMMAND_ERROR } from "../../firmware/profile";
import type { FieldValues } from "../../lib/aep/codec";
import { testConfig, wiredPins } from "../device/rig";
import { MemoryStore } from "../support/memory-store";
import type { UartStub } from "../support/uart-stub";

export interface FleetDeviceHooks {
  /** The link reached Ready. */
  onReady(): void;
  /** The link left Ready. */
  onLeftReady(): void;
  /** The platform confirmed an uplink. */
  onDelivered(): void;
}

/** One device as the fleet sees it. */
export interface FleetDevice {
  isReady(): boolean;
  /** Uplinks queued (reports, events, command responses), by sequence number. */
  produced(): number[];
  delivered(seq: number): boolean;
  queued(seq: number): boolean;
  /** Uplinks the full outbox dropped (drop-oldest). */
  droppedByPolicy(): number;
  /** Warnings and errors the firmware logged (counted, not kept: a thousand devices log a lot). */
  warnings(): number;
  stop(): void;
}

export interface FleetDeviceEnv {
  clock: Clock;
  uart: UartStub;
  pins: Pins;
  /** The device's own jitter source (seeded per device). */
  random: () => number;
  /** Configuration overrides (validated like a user's file). */
  config: unknown;
}

/**
 * The firmware reads its configuration from the global CFG (baked in by the build); every device of a
 * fleet shares it, so the fleet sets it once per run with the same `config` for all.
 */
export function makeFleetDevice(env: FleetDeviceEnv, hooks: FleetDeviceHooks): FleetDevice {
  const cfg = testConfig(env.config);
  const store = new MemoryStore();
  let warnings = 0;
  const log: Log = {
    level: LOG_WARN,
    write() {
      warnings++;
    },
  };
  const produced: number[] = [];
  const delivered = new Set<number>();
  const app = new SampleApp({ clock: env.clock, store, log, temperatureC: () => 21.5, memory: () => ({ usage: 0, total: 0, free: 0 }) }, cfg.app.reportIntervalS, 0);
  const pins = wiredPins(env.pins, cfg.modem.pwrkeyPin !== null, cfg.modem.statusPin !== null);
  const listener = {
    linkEvent(kind: number, a: number, b: number, text: string) {
      app.linkEvent(kind, a, b, text);
      if (kind === LE_STATE) {
        if (b === S_READY) hooks.onReady();
        else if (a === S_READY) hooks.onLeftReady();
      } else if (kind === LE_DELIVERED) {
        delivered.add(a);
        hooks.onDelivered();
      } else if (kind === LE_REQUEUED) {
        // The copy stands for the original: the fleet counts uplinks, not copies.
        const i = produced.indexOf(a);
        if (i >= 0) produced.splice(i, 1);
      }
    },
    command(id: number, v: FieldValues) {
      return app.command(id, v);
    },
  };
  const device = new Device({ uart: env.uart, clock: env.clock, pins, log, random: env.random, store }, appProfile, RSP_COMMAND_ERROR, listener);
  const push = device.outbox.push.bind(device.outbox);
  device.outbox.push = (hex, mode, prio) => {
    const seq = device.outbox.nextSeq();
    const r = push(hex, mode, prio);
    if (r !== 2 /* OB_REFUSED */) produced.push(seq);
    return r;
  };
  env.uart.attach((c) => device.link.at.feed(c));
  app.start(device, true);
  device.start(false, -1);
  return {
    isReady: () => device.link.state === S_READY,
    produced: () => produced,
    delivered: (seq) => delivered.has(seq),
    queued: (seq) => device.outbox.has(seq),
    droppedByPolicy: () => device.outbox.stats.droppedOldest,
    warnings: () => warnings,
    stop() {
      env.clock.clearTimeout(app.timer);
      device.link.forget(FORGET_ALL);
    },
  };
}
