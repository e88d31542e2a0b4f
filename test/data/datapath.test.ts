// The data path against the simulator under the fake clock: a report leaves the outbox only after
// +CTM2M: send,0 for its own message id; every failure the module or the platform can produce keeps it
// queued and sends it again, except a frame the module calls malformed, which is dropped and logged.
// After each case the invariant holds: every report accepted is confirmed or still queued, in order.
import { describe, expect, it } from "vitest";
import { S_READY } from "../../lib/link/states";
import { decodeFrame, type DecodedFrame } from "../../lib/aep/codec";
import { EV_UPLINK } from "../../lib/link/events";
import { OB_OK, PRIO_NORMAL } from "../../lib/outbox/outbox";
import { APP_PROFILE } from "../../firmware/profile";
import type { Profile } from "../../lib/aep/profile";
import { MemoryStore } from "../support/memory-store";
import { makeDeviceRig, type DeviceRig } from "../device/rig";
import { linkStats, uplinkStats } from "../../lib/link/stats";

const MIN = 60_000;
/** Reports only when the test asks: the timer-driven ones would blur the counts. */
const QUIET = { app: { reportIntervalS: 604800 }, outbox: { flashBytes: 81920 } };

function ready(r: DeviceRig): void {
  expect(r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), 10 * MIN)).toBeGreaterThanOrEqual(0);
}

function drained(r: DeviceRig, maxMs = 60 * MIN): number {
  return r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), maxMs);
}

/** Telemetry seq numbers as the platform received them (duplicates included). */
function platformSeqs(r: DeviceRig): number[] {
  return r.sim
    .summary()
    .sends.map((s) => decodeFrame(APP_PROFILE, s.hex))
    .filter((d): d is DecodedFrame => d.err === undefined && d.service === "telemetry")
    .map((d) => d.values.seq as number);
}

/** None lost, none reordered: every accepted uplink is confirmed or still queued. */
function invariant(r: DeviceRig): void {
  const queued = r.device.outbox.entries().map((e) => e.seq);
  expect([...r.delivered, ...queued].sort((a, b) => a - b)).toEqual(r.produced);
  const seqs = platformSeqs(r);
  const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i);
  expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
  expect(r.sim.summary().violations).toEqual([]);
}

describe("data path: confirmed uplinks", () => {
  it("removes a report only on send,0 for its message id; the msgid comes from +CTM2MSEND", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.app.report();
    r.clock.runUntil(() => r.device.link.up.busy(), MIN);
    r.clock.runUntil(() => !r.device.link.up.busy(), MIN);
    const sent = r.sim.summary().sends;
    expect(r.logs.join("\n")).toContain("confirmed (msgid " + sent[sent.length - 1].msgid + ")");
    expect(r.device.outbox.size()).toBe(0);
    invariant(r);
  });

  it("send,1 (no ACK): kept and sent again", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.sendFail(1, 1);
    r.app.report();
    expect(drained(r)).toBeGreaterThan(0);
    expect(r.sim.summary().sendResults["1"]).toBe(1);
    expect(platformSeqs(r).length).toBe(1);
    invariant(r);
  });

  it("send,2 (not sent): kept and sent again", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.sendFail(2, 1);
    r.app.report();
    expect(drained(r)).toBeGreaterThan(0);
    expect(r.sim.summary().sendResults["2"]).toBe(1);
    invariant(r);
  });

  it("send,9 (platform RST): registers again, then sends it again", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.sendFail(9, 1);
    r.app.report();
    expect(drained(r)).toBeGreaterThan(0);
    expect(r.sim.summary().registrations).toBe(2);
    expect(platformSeqs(r).length).toBe(1);
    invariant(r);
  });

  it("lwstatus with reports waiting: DEREG, REG, then they go out in order", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.lwstatus();
    r.app.report();
    r.app.report();
    r.app.report();
    expect(drained(r)).toBeGreaterThan(0);
    const c = r.uart.commands();
    expect(c.indexOf("AT+CTM2MDEREG")).toBeGreaterThan(0);
    expect(platformSeqs(r)).toEqual([...platformSeqs(r)].sort((a, b) => a - b));
    invariant(r);
  });

  it("a module reboot mid-send: the report is sent again after the bring-up", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.app.report();
    r.clock.runUntil(() => r.uart.commands().some((c) => c.startsWith("AT+CTM2MSEND=0200010")), MIN);
    r.sim.faults.reboot();
    expect(drained(r)).toBeGreaterThan(0);
    expect(linkStats(r.device.link).rebootsSeen).toBe(1);
    expect(platformSeqs(r).length).toBeGreaterThanOrEqual(1);
    invariant(r);
  });

  it("an MCU reboot with reports queued: a new outbox on the same Store sends them, seq continues", () => {
    const store = new MemoryStore();
    const r = makeDeviceRig({ config: QUIET, store, sim: {} });
    ready(r);
    r.sim.faults.noSignal(30 * MIN);
    r.clock.advance(5_000);
    r.app.report();
    r.app.report();
    const before = r.device.outbox.entries().map((e) => e.seq);
    expect(before.length).toBe(2);
    r.mcuReboot();
    // the same two, in order, then the new instance's boot event
    expect(r.device.outbox.entries().map((e) => e.seq).slice(0, 2)).toEqual(before);
    expect(r.device.outbox.size()).toBe(3);
    const nextSeq = r.device.outbox.nextSeq();
    expect(nextSeq).toBeGreaterThan(before[1]);
    expect(drained(r, 3 * 60 * MIN)).toBeGreaterThan(0);
    const seqs = platformSeqs(r);
    expect(seqs).toContain(before[0]);
    expect(seqs).toContain(before[1]);
    invariant(r);
  });

  it("a lost confirmation times out and the report is sent again: the platform sees a duplicate it can spot by seq", () => {
    const r = makeDeviceRig({ config: { ...QUIET, outbox: { flashBytes: 81920, confirmTimeoutS: 30 } } });
    ready(r);
    r.app.report();
    // the module goes quiet right after accepting the send: its send,0 never reaches us
    r.clock.runUntil(() => r.uart.commands().some((c) => c.startsWith("AT+CTM2MSEND=0200010")), MIN);
    r.clock.advance(100);
    r.sim.faults.silent(10_000);
    expect(drained(r)).toBeGreaterThan(0);
    const seqs = platformSeqs(r);
    expect(uplinkStats(r.device.link).confirmTimeouts).toBeGreaterThanOrEqual(1);
    expect(seqs.length).toBe(2);
    expect(seqs[0]).toBe(seqs[1]);
    invariant(r);
  });

  it("a confirmation for an unknown message id is counted and ignored", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.junk("+CTM2M: send,0,999");
    r.clock.advance(1000);
    expect(uplinkStats(r.device.link).unknownConfirms).toBe(1);
    expect(r.device.outbox.size()).toBe(0);
  });

  it("+CTM2M ERROR 17 / 13 / 14: the frame can never succeed, so it is dropped with a logged error", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    // frames the codec would never make, pushed straight into the outbox
    expect(r.device.outbox.push("0200010", 0, PRIO_NORMAL)).toBe(OB_OK); // odd length: 17
    expect(r.device.outbox.push("02000100ZZ", 0, PRIO_NORMAL)).toBe(OB_OK); // not hex: 13
    expect(r.device.outbox.push("AB".repeat(512) + "00", 0, PRIO_NORMAL)).toBe(2); // 1026: refused by the outbox itself
    r.app.report(); // a good one behind them
    r.device.link.post(EV_UPLINK, 0, 0, 0, -1, -1, "");
    expect(drained(r)).toBeGreaterThan(0);
    expect(uplinkStats(r.device.link).dropped).toBe(2);
    const log = r.logs.join("\n");
    expect(log).toContain("dropped: module refused the frame: odd hex length");
    expect(log).toContain("dropped: module refused the frame: hex decode failed");
    expect(platformSeqs(r).length).toBe(1);
  });

  it("error 15 (not observed yet) keeps the report and checks the session", () => {
    const r = makeDeviceRig({ config: QUIET, sim: { printObsrv: false } });
    ready(r);
    r.app.report();
    expect(drained(r)).toBeGreaterThan(0);
    invariant(r);
  });

  it("queue full, drop-oldest: the oldest report goes, counted and logged; never more than capacity", () => {
    // The smallest budget, 4096 bytes, holds 60 sample reports.
    const r = makeDeviceRig({ config: { app: { reportIntervalS: 604800 }, outbox: { flashBytes: 4096, fullPolicy: "drop-oldest" } } });
    ready(r);
    r.sim.faults.noSignal(60 * MIN);
    r.clock.advance(5000);
    const first = r.device.outbox.nextSeq();
    for (let i = 0; i < 70; i++) r.app.report();
    expect(r.device.outbox.size()).toBe(60);
    expect(r.device.outbox.stats.droppedOldest).toBe(10);
    expect(r.logs.join("\n")).toContain("outbox full: dropped its oldest report");
    expect(drained(r, 3 * 60 * MIN)).toBeGreaterThan(0);
    expect(r.device.outbox.stats.peak).toBe(60);
    // the newest survive (the link event after the outage may push out one or two more)
    const seqs = platformSeqs(r).filter((s) => s >= first);
    expect(seqs.length).toBeGreaterThanOrEqual(58);
    expect(seqs[seqs.length - 1]).toBe(first + 69);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("queue full, refuse-newest: the new report is refused, counted and logged", () => {
    const r = makeDeviceRig({ config: { app: { reportIntervalS: 604800 }, outbox: { flashBytes: 4096, fullPolicy: "refuse-newest" } } });
    ready(r);
    r.sim.faults.noSignal(60 * MIN);
    r.clock.advance(5000);
    for (let i = 0; i < 70; i++) r.app.report();
    expect(r.device.outbox.size()).toBe(60);
    expect(r.device.outbox.stats.refused).toBe(10);
    expect(r.app.stats.notQueued).toBe(10);
    expect(drained(r, 3 * 60 * MIN)).toBeGreaterThan(0);
    const seqs = platformSeqs(r);
    expect(seqs.length).toBe(60);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});

describe("data path: NON mode", () => {
  it("a NON service is sent with mode 1 and removed on send,0 (no ACK to wait for)", async () => {
    const { FakeClock } = await import("../support/fake-clock");
    const { UartStub } = await import("../support/uart-stub");
    const { Sim7020, attachToStub } = await import("../sim/sim7020");
    const { Device } = await import("../../lib/device");
    const { testConfig } = await import("../device/rig");
    const profile: Profile = {
      services: [
        { id: 5, name: "beacon", kind: 0x02, mode: 1, fields: [{ name: "n", type: 3 }] },
        { id: 9000, name: "commandError", kind: 0x86, fields: [{ name: "result", type: 3 }, { name: "commandServiceId", type: 2, min: 0, max: 65535 }] },
      ],
    };
    testConfig();
    const clock = new FakeClock();
    const uart = new UartStub(clock);
    const sim = new Sim7020({ clock, output: () => {}, seed: 3 });
    attachToStub(sim, uart);
    const quiet = { linkEvent() {}, command: () => undefined };
    const dev = new Device({ uart, clock, pins: { pwrkey() {}, status: () => -1 }, log: { level: 0, write() {} }, random: () => 0.5, store: new MemoryStore() }, () => profile, 9000, quiet);
    uart.attach((c) => dev.link.at.feed(c));
    dev.start(false, -1);
    clock.runUntil(() => dev.link.state === S_READY, 10 * MIN);
    expect(dev.send(5, { n: 7 })).toBeGreaterThan(0);
    clock.runUntil(() => dev.outbox.size() === 0, 10 * MIN);
    expect(uart.commands()).toContain("AT+CTM2MSEND=0200050001" + "07,1");
    expect(sim.summary().sends.map((s) => s.mode)).toEqual([1]);
  });
});

describe("data path: a platform that never acknowledges", () => {
  it("restarts the session after three failed tries, then slows right down instead of re-registering every few minutes", () => {
    const r = makeDeviceRig({ config: { app: { reportIntervalS: 604800 } } });
    r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0, 10 * MIN);
    r.sim.faults.sendFail(1, 1000); // every CON send times out
    const seq = r.device.outbox.nextSeq();
    r.app.report();
    r.clock.advance(6 * 60 * MIN);
    const regs = r.sim.summary().registrations;
    // without the slow-down this would be a registration every few minutes: dozens in 6 h
    expect(regs).toBeGreaterThanOrEqual(3);
    expect(regs).toBeLessThanOrEqual(12);
    // still queued, never dropped (behind it: the app's "recovered" events after each restart)
    expect(r.device.outbox.entries().map((e) => e.seq)).toContain(seq);
    expect(r.sim.summary().violations).toEqual([]);
  });
});
