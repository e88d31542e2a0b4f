// Property: under any seeded random fault schedule drawing from every fault the simulator has, the
// firmware logic never has two commands in flight, never leaks a timer out of a state, loses no
// uplink, and is Ready with an empty outbox within a bound once the faults stop.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RECOVERY_BOUND_MS } from "../../lib/link/retry";
import { makeDeviceRig } from "../device/rig";
import { randomSchedule } from "../sim/scenarios";
import { linkStats } from "../../lib/link/stats";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Wiring and power-saving variants: every path (PWRKEY pulses, blind pulses, wake-ups) gets faults. */
export const VARIANTS: Record<string, object> = {
  plain: {},
  psm: { network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 } },
  pins: { modem: { pwrkeyPin: "D4", statusPin: "D5" } },
  "pwrkey-only": { modem: { pwrkeyPin: "D4" } },
};

export function faultRun(seed: number, faultsMs: number, meanGapMs: number, variant = "plain") {
  const r = makeDeviceRig({ seed, config: { app: { reportIntervalS: 300 }, outbox: { flashBytes: 81920 }, ...VARIANTS[variant] } });
  const plan = randomSchedule(r.sim, r.rng, r.clock, { periodMs: faultsMs, quietAfterMs: faultsMs, meanGapMs });
  r.clock.advance(faultsMs);
  r.stopReports();
  const recoveryMs = r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), RECOVERY_BOUND_MS);
  return { r, plan, recoveryMs };
}

describe("link under random fault schedules", () => {
  it("recovers within the bound, one command in flight, no timer leak, nothing lost", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(...Object.keys(VARIANTS)), (seed, variant) => {
        const { r, plan, recoveryMs } = faultRun(seed, 3 * HOUR, 2 * MIN, variant);
        const why = "seed " + seed + " (" + variant + "), " + plan.length + " faults\n" + r.dump(40);
        expect(r.sim.summary().violations, why).toEqual([]);
        expect(r.leakedTimers, why).toBe(0);
        expect(recoveryMs, why).toBeGreaterThanOrEqual(0);
        // Delivered, or set aside after RSTs (logged, counted, reported): never silently lost. A frame
        // moved behind the queue lives on as its copy.
        const moved = new Set(r.requeued.map((x) => x[0]));
        expect([...r.delivered, ...r.dropped].sort((a, b) => a - b), why).toEqual(r.produced.filter((s) => !moved.has(s)));
        expect(linkStats(r.device.link).exceptions, why).toBe(0);
      }),
      { numRuns: Number(process.env.LINK_PROPERTY_RUNS ?? 25) },
    );
  });
});
