// Downlink commands end to end: every command gets a 0x86 answer with its task id, through the outbox
// and ahead of queued reports; unknown and malformed ones are answered with a non-zero result.
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeCommand, type DecodedFrame, type Encoded } from "../../lib/aep/codec";
import { PRIO_RESPONSE } from "../../lib/outbox/outbox";
import { APP_PROFILE, CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL } from "../../firmware/profile";
import { makeDeviceRig, type DeviceRig } from "../device/rig";
import { NOTE_DOWNLINKS } from "../sim/scenarios";
import { linkStats } from "../../lib/link/stats";

const MIN = 60_000;
const QUIET = { app: { reportIntervalS: 604800 } };

function ready(r: DeviceRig): void {
  expect(r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), 10 * MIN)).toBeGreaterThanOrEqual(0);
}

function settle(r: DeviceRig, maxMs = 30 * MIN): void {
  r.clock.advance(1000); // let the module's lines reach the host first
  expect(r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), maxMs)).toBeGreaterThanOrEqual(0);
}

function received(r: DeviceRig): DecodedFrame[] {
  return r.sim
    .summary()
    .sends.map((s) => decodeFrame(APP_PROFILE, s.hex))
    .filter((d): d is DecodedFrame => d.err === undefined);
}

function command(serviceId: number, taskId: number, values: object): string {
  return (encodeCommand(APP_PROFILE, serviceId, taskId, values as never) as Encoded).hex;
}

describe("downlink commands", () => {
  it("answers the note's two downlink examples with their task ids (their payloads do not fit this profile: non-zero result)", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.downlink(NOTE_DOWNLINKS[0]);
    r.sim.faults.downlink(NOTE_DOWNLINKS[1], true); // "+CTM2MRECV:061F42..." as the note prints it
    settle(r);
    const answers = received(r).filter((d) => d.kind === 0x86);
    expect(answers.map((a) => [a.taskId, a.service, a.values.commandServiceId])).toEqual([
      [0x001a, "commandError", 8001],
      [0x0012, "commandError", 8002],
    ]);
    expect(answers.every((a) => (a.values.result as number) > 0)).toBe(true);
  });

  it("setInterval: answered with result 0 and the new interval, kept in Storage, and the reports follow it", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.downlink(command(CMD_SET_INTERVAL, 0x0101, { intervalS: 60 }));
    settle(r);
    const a = received(r).find((d) => d.kind === 0x86);
    expect(a).toMatchObject({ service: "setIntervalResult", taskId: 0x0101, values: { result: 0, intervalS: 60 } });
    expect(JSON.parse(r.store.read("app.json") as string)).toEqual({ intervalS: 60 });
    const before = received(r).filter((d) => d.service === "telemetry").length;
    r.clock.advance(5 * MIN + 30_000);
    expect(received(r).filter((d) => d.service === "telemetry").length - before).toBe(5);
    // and after an MCU reboot the interval is still 60 s
    r.mcuReboot();
    expect(r.app.intervalS).toBe(60);
  });

  it("setInterval out of range: answered through the error response, interval unchanged", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    // encode by hand: the codec refuses to build an out-of-range value
    r.sim.faults.downlink("061FA50102000400000005");
    settle(r);
    const a = received(r).find((d) => d.kind === 0x86);
    expect(a).toMatchObject({ service: "commandError", taskId: 0x0102, values: { commandServiceId: CMD_SET_INTERVAL } });
    expect(a?.values.result).toBe(5); // out-of-range
    expect(r.app.intervalS).toBe(604800);
  });

  it("reportNow: answered, and a report goes out", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    const before = received(r).filter((d) => d.service === "telemetry").length;
    r.sim.faults.downlink(command(CMD_REPORT_NOW, 7, { reserved: 0 }));
    settle(r);
    expect(received(r).find((d) => d.kind === 0x86)).toMatchObject({ service: "reportNowResult", taskId: 7, values: { result: 0 } });
    expect(received(r).filter((d) => d.service === "telemetry").length).toBe(before + 1);
  });

  it("rebootModule: answered first, then the module is rebooted and the session comes back", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.downlink(command(CMD_REBOOT_MODULE, 9, { delayS: 5 }));
    r.clock.advance(20_000);
    settle(r);
    expect(received(r).find((d) => d.kind === 0x86)).toMatchObject({ service: "rebootModuleResult", taskId: 9, values: { result: 0 } });
    expect(r.uart.commands()).toContain("AT+CRESET");
    expect(r.sim.summary().registrations).toBe(2);
  });

  it("an unknown service is answered through the error response with result 1 and its service id", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.downlink("061F4900030001AB");
    settle(r);
    expect(received(r).find((d) => d.kind === 0x86)).toMatchObject({ service: "commandError", taskId: 3, values: { result: 1, commandServiceId: 0x1f49 } });
  });

  it("a truncated payload is answered with the codec's error; an unreadable header is counted (no task id to answer)", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.downlink("061F4100040004000000"); // length 4 but 3 bytes follow
    r.sim.faults.downlink("061F");
    r.sim.faults.downlink("ZZ");
    settle(r);
    const answers = received(r).filter((d) => d.kind === 0x86);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ service: "commandError", taskId: 4, values: { result: 8 } }); // truncated
    expect(r.device.commands.unanswerable).toBe(2);
    expect(linkStats(r.device.link).exceptions).toBe(0);
  });

  it("a response goes ahead of reports already queued", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.noSignal(20 * MIN);
    r.clock.advance(5000);
    r.app.report();
    r.app.report();
    r.device.linkDownlink(command(CMD_REPORT_NOW, 11, { reserved: 0 }));
    expect(r.device.outbox.head()?.prio).toBe(PRIO_RESPONSE);
    settle(r, 60 * MIN);
    const order = received(r).map((d) => d.service);
    const firstAfter = order.indexOf("reportNowResult");
    expect(firstAfter).toBeGreaterThanOrEqual(0);
    expect(order.slice(0, firstAfter).filter((s) => s === "telemetry").length).toBe(0);
  });

  it("a command that arrives just before the session breaks is answered once the session is back", () => {
    const r = makeDeviceRig({ config: QUIET });
    ready(r);
    r.sim.faults.downlink(command(CMD_REPORT_NOW, 21, { reserved: 0 }));
    r.sim.faults.lwstatus();
    settle(r);
    expect(received(r).filter((d) => d.kind === 0x86 && d.taskId === 21)).toHaveLength(1);
    expect(linkStats(r.device.link).recoveries).toBe(1);
  });
});
