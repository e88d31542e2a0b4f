// The fleet in `npm test`: 100 devices, a 30 min platform outage, one fake clock (the full run is
// `npm run fleet -- --devices 1000 --outage-min 120 --seed N`). Asserts issue 12's goals; the one
// today's firmware misses is `it.fails` with the defect named, for the lead to flip when it is fixed.

import { describe, expect, it } from "vitest";
import { formatFleet, GOAL_PEAK_TO_MEAN, GOAL_REGS_PER_DEVICE_HOUR, RECOVERY_BOUND_MS, runFleet, type FleetResult } from "./fleet";

let result: FleetResult | undefined;
function fleet(): FleetResult {
  if (!result) {
    result = runFleet({ devices: 100, outageMin: 30, seed: 1 });
    console.log(formatFleet(result));
  }
  return result;
}

describe("fleet: 100 devices, 30 min platform outage, one fake clock", () => {
  it("set-up: the whole fleet was Ready before the outage, registered through it, and every device came back", () => {
    const r = fleet();
    expect(r.readyAtOutageStart).toBe(100);
    expect(r.regsDuringOutage).toBeGreaterThan(100); // every device noticed and tried
    expect(r.back).toBe(100);
    expect(r.delivered).toBeGreaterThan(500);
  });

  it("peak/mean registrations per minute after the comeback <= " + GOAL_PEAK_TO_MEAN, () => {
    const r = fleet();
    expect(r.meanPerMin).toBeGreaterThan(0);
    expect(r.peakToMean).toBeLessThanOrEqual(GOAL_PEAK_TO_MEAN);
  });

  it("100% Ready again within the recovery bound (RECOVERY_BOUND_MS)", () => {
    const r = fleet();
    expect(r.t100Ms).toBeGreaterThanOrEqual(0);
    expect(r.t100Ms).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    expect(r.t50Ms).toBeLessThanOrEqual(r.t99Ms);
    expect(r.t99Ms).toBeLessThanOrEqual(r.t100Ms);
  });

  // Signalling storms in a fleet: before the registration guard, the retry table's quick tries (1, 2,
  // 4 ... s, a restart, a power-cycle) cost every device 11 registrations in a 30 min outage, 22 per
  // device-hour. The guard allows three quick tries, then one per 7.5 min jittered by up to half of
  // that: about 11 per device-hour here, where the three quick tries weigh most.
  it("<= " + GOAL_REGS_PER_DEVICE_HOUR + " registrations per device-hour during the outage", () => {
    expect(fleet().regsPerDeviceHourOutage).toBeLessThanOrEqual(GOAL_REGS_PER_DEVICE_HOUR);
  });

  it("no report lost within the outbox's capacity (nothing dropped by the full-queue policy either)", () => {
    const r = fleet();
    expect(r.droppedByPolicy).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.delivered + r.queuedAtEnd).toBe(r.produced);
  });

  it("the same seed gives the same figures", () => {
    const again = runFleet({ devices: 20, outageMin: 10, seed: 7 });
    const twice = runFleet({ devices: 20, outageMin: 10, seed: 7 });
    expect({ ...twice, wallMs: 0 }).toEqual({ ...again, wallMs: 0 });
  });
});
