// Power paths: PWRKEY pulse at power-on, the blind pulse without STATUS, escalation to a power-cycle,
// shutdown and a requested module reboot.
import { describe, expect, it } from "vitest";
import { EV_REBOOT } from "../../lib/link/events";
import { S_OFF, S_READY } from "../../lib/link/states";
import { makeDeviceRig } from "../device/rig";
import { linkStats } from "../../lib/link/stats";

const MIN = 60_000;
const PINS = { modem: { pwrkeyPin: "D4", statusPin: "D5" } };

describe("power", () => {
  it("pulses PWRKEY when STATUS says the module is off, waits for the UART, then syncs", () => {
    const r = makeDeviceRig({ sim: { poweredOn: false }, config: PINS });
    expect(r.clock.runUntil(() => r.isReady(), 5 * MIN)).toBeGreaterThan(0);
    const s = r.sim.summary();
    expect(s.powerOns).toBe(1);
    expect(s.violations).toEqual([]);
    const t = r.transitions().map((x) => x.to);
    // Quiet after the MCU reset; the off time first (how long it has been off is unknown); the on
    // pulse; the UART's 2 s; then AT.
    expect(t.slice(0, 7)).toEqual(["Quiet", "PowerOn", "OffWait", "PowerOn", "BootWait", "Sync", "Configure"]);
  });

  it("does not pulse a running module (a pulse that long would switch it off)", () => {
    const r = makeDeviceRig({ config: PINS });
    r.clock.runUntil(() => r.isReady(), 5 * MIN);
    expect(r.sim.summary().powerOffs).toBe(0);
    expect(r.transitions()[2]).toEqual({ from: "PowerOn", to: "Sync", reason: "STATUS high" });
  });

  it("without STATUS, pulses once when AT gets no answer", () => {
    const r = makeDeviceRig({ sim: { poweredOn: false }, config: { modem: { pwrkeyPin: "D4" } } });
    expect(r.clock.runUntil(() => r.isReady(), 10 * MIN)).toBeGreaterThan(0);
    expect(r.logs.join("\n")).toContain("no answer to AT: pulsing PWRKEY");
    expect(r.sim.summary().powerOns).toBe(1);
    expect(r.sim.summary().violations).toEqual([]);
  });

  it("escalates a module that never answers: retry, restart bring-up, then power-cycle with the 5 s off time", () => {
    const r = makeDeviceRig({ config: PINS });
    r.clock.runUntil(() => r.isReady(), 5 * MIN);
    r.sim.faults.silent(30 * MIN);
    r.sim.faults.reboot(); // echo back on: the next command reveals nothing, the module is silent
    r.device.link.post(EV_REBOOT, 0, 0, 0, -1, -1, "test");
    expect(r.clock.runUntil(() => linkStats(r.device.link).powerCycles > 0, 60 * MIN)).toBeGreaterThan(0);
    expect(r.logs.join("\n")).toContain("power-cycling the module");
    expect(r.clock.runUntil(() => r.isReady(), 90 * MIN)).toBeGreaterThan(0);
    const s = r.sim.summary();
    expect(s.powerOffs).toBeGreaterThanOrEqual(1);
    expect(s.violations).toEqual([]); // includes "powered on less than 5 s after power-off"
  });

  it("shutdown: deregisters, then AT+CPOWD=1, then Off", () => {
    const r = makeDeviceRig({ config: PINS });
    r.clock.runUntil(() => r.isReady(), 5 * MIN);
    r.stop();
    expect(r.clock.runUntil(() => r.device.link.state === S_OFF, MIN)).toBeGreaterThan(0);
    const c = r.uart.commands();
    expect(c.slice(-2)).toEqual(["AT+CTM2MDEREG", "AT+CPOWD=1"]);
    expect(r.sim.state().powered).toBe(false);
  });

  it("a requested module reboot powers it off and on again and re-registers; queued reports survive", () => {
    const r = makeDeviceRig({ config: PINS });
    r.clock.runUntil(() => r.isReady(), 5 * MIN);
    r.stop(true);
    r.app.report();
    expect(r.clock.runUntil(() => r.device.link.state !== S_READY, MIN)).toBeGreaterThanOrEqual(0);
    expect(r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0, 10 * MIN)).toBeGreaterThan(0);
    const s = r.sim.summary();
    expect(s.powerOffs).toBe(1);
    expect(s.powerOns).toBe(1);
    expect(s.registrations).toBe(2);
    expect(s.violations).toEqual([]);
  });

  it("a requested module reboot without PWRKEY uses AT+CRESET (a powered-down module could not come back)", () => {
    const r = makeDeviceRig();
    r.clock.runUntil(() => r.isReady(), 5 * MIN);
    r.stop(true);
    expect(r.clock.runUntil(() => r.device.link.state !== S_READY, MIN)).toBeGreaterThanOrEqual(0);
    expect(r.clock.runUntil(() => r.isReady(), 10 * MIN)).toBeGreaterThan(0);
    expect(r.uart.commands()).toContain("AT+CRESET");
    expect(r.uart.commands()).not.toContain("AT+CPOWD=1");
  });
});
