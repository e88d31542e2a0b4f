// The soak inside `npm test`: a few simulated days on fixed seeds, a run of nothing but long outages
// (up to a week without network), every seed that ever breached an invariant (the regression list),
// and proof that the invariants bite. The month-long runs are `npm run soak -- --days 30 --seeds 100`.
import { FORGET_ALL } from "../../lib/link/events";
import { describe, expect, it } from "vitest";
import { LOG_INFO } from "../../lib/ports";
import { makeDeviceRig } from "../device/rig";
import { Ledger, formatSoak, runSoak, VARIANT_NAMES } from "./soak";

/**
 * Breaches found by the soak in code this suite does not own, still open. A random seed that hits one
 * of these passes with a note; any other breach fails. Remove an entry once its fix lands (its
 * regression seeds below then fail until their `open` is removed too).
 */
const KNOWN_OPEN: { pattern: RegExp; what: string }[] = [];

/**
 * Every seed that ever breached, replayed to just past the breach. `open`: still reproduces a KNOWN_OPEN
 * bug. Runs of more than LONG_DAYS simulated days run only with SOAK_LONG=1 (about 1 s per 10 days).
 */
const REGRESSIONS: { seed: number; days: number; variant: string; outages?: boolean; open?: RegExp }[] = [
  // AT+CRESET sent while the module still owed an answer (PowerCycle without PWRKEY dropped the
  // in-flight command first): fixed by letting the engine hold the reset until that answer comes.
  { seed: 5, days: 2, variant: "plain" },
  { seed: 11, days: 4, variant: "psm" },
  { seed: 16, days: 9, variant: "psm" },
  { seed: 15, days: 9, variant: "plain" },
  { seed: 6, days: 12, variant: "psm" },
  { seed: 10, days: 12, variant: "plain" },
  { seed: 1, days: 13, variant: "psm" },
  { seed: 21, days: 20, variant: "psm" },
  { seed: 20, days: 22, variant: "plain" },
  // PWRKEY on-pulse less than 5 s after the module went off (after an MCU reset mid power-cycle, or an
  // unasked power-down): fixed by PowerOn waiting out the off time it cannot vouch for.
  { seed: 4, days: 3, variant: "psm-pins" },
  // The supervisor cut a PowerCycle's off pulse short and started another: the module went off and was
  // pulsed on again 1 s later. Fixed: the supervisor never interrupts PowerCycle/PowerOn/Shutdown.
  { seed: 13, days: 21, variant: "pwrkey-only" },
  // Boot lines arrived in the same millisecond a queued send went out; the reboot handling dropped the
  // send and sent AT while the module executed it. Fixed: a reboot keeps the command in flight.
  { seed: 89, days: 23, variant: "psm-pins" },
  // A frame moved behind the queue during an RST storm met one stray RST later and was dropped (one
  // strike was proof). Fixed: three strikes, each after other frames got through.
  { seed: 43, days: 10, variant: "pwrkey-only", outages: true },
];
const LONG_DAYS = 25;

function knownOpen(breach: string): string | undefined {
  const k = KNOWN_OPEN.find((x) => x.pattern.test(breach));
  return k ? k.what : undefined;
}

describe("soak (short)", () => {
  it("3 simulated days, seed 2: every invariant holds, every fault kind is drawn, the figures add up", () => {
    const r = runSoak({ days: 3, seed: 2 });
    const text = formatSoak(r);
    expect(r.ok, text).toBe(true);
    expect(text).toMatch(/^lost: 0$/m);
    expect(text).toMatch(/^dropped: 0$/m);
    expect(r.kindsNeverDrawn, text).toEqual([]);
    expect(r.cycles).toBeGreaterThan(5);
    expect(r.reportsConfirmed).toBeGreaterThan(0);
    expect(r.commandsHandled).toBeGreaterThan(0);
    // Everything queued is confirmed, dropped by policy, or was torn by a power cut mid-push.
    expect(r.uplinksConfirmed + r.droppedByPolicy + r.outstandingAtEnd).toBe(r.uplinksProduced);
    // Every policy drop is accounted for: never confirmed, or on its way and confirmed anyway.
    expect(r.droppedByPolicy + r.confirmedAfterDrop).toBe(r.droppedOldestStat);
    expect(r.worstRecoveryMs).toBeLessThanOrEqual(90 * 60_000);
  });

  it("long outages only, 12 days: no signal or the platform down for up to a week, nothing lost or dropped", () => {
    const r = runSoak({ days: 12, seed: 12, outageEvery: 1 });
    const text = formatSoak(r);
    expect(r.ok, text).toBe(true);
    expect(text).toMatch(/^lost: 0$/m);
    expect(text).toMatch(/^dropped: 0$/m);
    expect(r.outages.length).toBeGreaterThan(1);
    // the longest: over six days, 1,800 uplinks queued (the former 16-slot outbox held 80 minutes)
    expect(Math.max(...r.outages.map((x) => x.ms))).toBeGreaterThan(6 * 86_400_000);
    expect(Math.max(...r.outages.map((x) => x.queuedAfter))).toBeGreaterThan(1800);
  });

  // Fixed seeds, so CI is repeatable; `npm run soak -- --seed N` explores new ones.
  const seeds = [101, 20262, 3030303];
  for (const seed of seeds) {
    it("seed " + seed + " (variant " + VARIANT_NAMES[seed % VARIANT_NAMES.length] + "), 1 day", () => {
      const r = runSoak({ days: 1, seed });
      if (!r.ok && knownOpen(r.breach)) {
        console.log("seed " + seed + " hit a known open bug: " + knownOpen(r.breach));
        return;
      }
      expect(r.ok, "add this seed to REGRESSIONS:\n" + formatSoak(r)).toBe(true);
    });
  }
});

describe("soak regressions (every seed that ever breached)", () => {
  for (const x of REGRESSIONS) {
    it.skipIf(x.days > LONG_DAYS && !process.env.SOAK_LONG)("seed " + x.seed + " (" + x.variant + "), " + x.days + " days" + (x.open ? ": still breaches (known open bug)" : ""), () => {
      const r = runSoak({ days: x.days, seed: x.seed, variant: x.variant, outages: x.outages ?? false });
      if (x.open) {
        expect(r.ok, "fixed? then drop `open` from this REGRESSIONS entry (and its KNOWN_OPEN entry)").toBe(false);
        expect(r.breach).toMatch(x.open);
      } else expect(r.ok, formatSoak(r)).toBe(true);
    });
  }
});

describe("the invariants bite", () => {
  function ready() {
    const rig = makeDeviceRig({ seed: 3, logLevel: LOG_INFO });
    const ledger = new Ledger(16);
    let first: string | undefined;
    rig.uart.onWrite = ((w) => (data: string) => {
      w(data);
      ledger.noteHostWrite(data);
      first = first || ledger.check(rig);
    })(rig.uart.onWrite as (d: string) => void);
    rig.clock.runUntil(() => rig.isReady() && rig.device.outbox.size() === 0, 600_000);
    expect(first).toBeUndefined();
    expect(ledger.check(rig)).toBeUndefined();
    return { rig, ledger };
  }

  it("an uplink that vanishes from the outbox unconfirmed is reported lost", () => {
    const { rig, ledger } = ready();
    rig.device.link.forget(FORGET_ALL); // keep the frame from being sent
    rig.app.report();
    expect(ledger.check(rig)).toBeUndefined();
    const seq = rig.device.outbox.head()!.seq;
    rig.device.outbox.remove(seq);
    expect(ledger.check(rig)).toMatch(/^lost 1 uplink/);
  });

  it("a second command sent before the first one's final result is reported", () => {
    const { rig, ledger } = ready();
    rig.uart.write("AT+CSQ\r");
    rig.uart.write("AT+CSQ\r");
    expect(ledger.check(rig)).toMatch(/two AT commands in flight/);
  });

  it("a frame the platform gets more often than the host sent it is reported", () => {
    const { rig, ledger } = ready();
    const sends = rig.sim.rec.s.sends;
    sends.push({ ...sends[sends.length - 1] });
    expect(ledger.check(rig)).toMatch(/platform received .* 2 times, the host sent it 1 times/);
  });
});
