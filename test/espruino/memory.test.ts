// Memory as a budget, measured where it counts: process.memory().usage on the real ESP32-format
// interpreter (14-byte JsVars), the firmware booted from .bootcde against the simulator. The firmware's
// own lines give the figures at start, at Ready and every 100 confirmed uplinks; a probe appended to
// the bundle gives the peak while commands of the maximum size (1,024 hex characters) come in. The
// budgets below are the figures measured when this test was written plus a small margin: the redesign
// lowers them step by step, and nothing may grow them again without changing this file.

import { describe, expect, it } from "vitest";
import { measureDownlinkPeak, measureReports, MAX_DOWNLINK_TASKS } from "../bench/device";
import { answeredTasks, BIN, brokenLines, countFrom, expectHealthy, indexOfKind, memoryLines, named, runScenario, SKIP, tail } from "./judge";

/**
 * JsVars in use at Ready (the firmware's "main: memory at Ready" line, logged inside the state change,
 * so transient state included). Measured 5,012-5,018 (of 16,383) before the link redesign, 1,646 after
 * it, 1,356 after the function merges, const enums and typed-array counters, 1,243 with the bundle out of
 * its IIFE (build/hoist.ts), 1,192 with fewer functions and call frames; the target is 1,200 or less.
 */
export const READY_BUDGET_JSVARS = 1250;
/**
 * Usage after 1,000 reports minus usage at Ready. Measured +49..+51 before the redesign, +34 after, +38, then +31 (1,243 -> 1,274): the
 * first commands and reports leave state behind (the identity read once, the outbox holding the next
 * uplink), and then the figure stays flat (LEAK_JSVARS).
 */
export const GROWTH_AFTER_READY_JSVARS = 48;
/**
 * No leak over the 1,000-report run: the median of the "after N uplinks" lines from the fourth on, minus
 * the first. A leak grows with the reports, so the median shows it; a single line can read 2-3 more than
 * its neighbours (what is in flight when it is logged: 1,380 x3, 1,382 x16, then 1,385 on the last line
 * in one run), which a max-minus-first check took for a leak.
 */
export const LEAK_JSVARS = 4;
/** Peak while 1,024-hex commands come in, the probe's own cost taken off. Measured 5,312-5,314 before the redesign, 2,083 after, 1,790 after the merges, 1,674 hoisted. */
export const DOWNLINK_PEAK_BUDGET_JSVARS = 1750;
/** A board this much bigger than the Ready budget must run the happy scenario: room for the peaks (a 1 KB command peaks ~430 above Ready). */
export const HEADROOM_JSVARS = 450;
/** Reports in the long run (each one asked for by a reportNow command and answered). */
export const REPORTS = 1000;

describe.skipIf(SKIP !== "")("memory on the real interpreter, from .bootcde", () => {
  it(named("JsVars at start and at Ready within the budget; flat over " + REPORTS + " confirmed reports"), async () => {
    const f = await measureReports(BIN, REPORTS);
    const r = f.run;
    console.log(
      "JsVars (of " + f.total + "): at start " + f.startJsVars + ", at Ready " + f.readyJsVars + ", after " + f.reports + " reports (" + f.uplinks + " uplinks) " +
        (f.after.length ? f.after[f.after.length - 1][1] : "?") + "; every " + (f.after.length > 1 ? f.after[1][0] - f.after[0][0] : "?") + " uplinks: " + f.after.map((a) => a[1]).join(" ") + " (" + (r.wallMs / 1000).toFixed(0) + " s)",
    );
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(f.reports, "telemetry reports the platform confirmed").toBeGreaterThanOrEqual(REPORTS);
    // Every reportNow the platform sent was answered with its task id.
    const tasks = answeredTasks(r.summary);
    expect(Array.from({ length: REPORTS }, (_, i) => i + 1).filter((t) => tasks.indexOf(t) < 0), "reportNow tasks never answered").toEqual([]);
    expect(f.startJsVars).toBeGreaterThan(0);
    expect(f.readyJsVars, "JsVars at Ready").toBeLessThanOrEqual(READY_BUDGET_JSVARS);
    const last = f.after[f.after.length - 1];
    expect(last[0]).toBeGreaterThanOrEqual(2 * REPORTS);
    expect(last[1] - f.readyJsVars, "growth from Ready to after " + REPORTS + " reports").toBeLessThanOrEqual(GROWTH_AFTER_READY_JSVARS);
    const steady = f.after.map((a) => a[1]);
    const later = steady.slice(3).sort((a, b) => a - b);
    expect(later.length, "after-N lines").toBeGreaterThanOrEqual(10);
    expect(later[Math.floor(later.length / 2)] - steady[0], "JsVars over the run: " + steady.join(" ")).toBeLessThanOrEqual(LEAK_JSVARS);
  }, 1_600_000);

  it(named("the peak while commands of the maximum size (1,024 hex) arrive stays within its budget; each is answered"), async () => {
    const f = await measureDownlinkPeak(BIN);
    const r = f.run;
    console.log("JsVars while 1,024-hex commands arrive: peak " + f.peakJsVars + ", idle before " + f.idleBeforeJsVars + " (probe's own " + f.probeCost + " taken off)");
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(answeredTasks(r.summary)).toEqual(MAX_DOWNLINK_TASKS);
    expect(f.probeCost).toBeGreaterThan(0);
    expect(f.peakJsVars).toBeGreaterThan(f.idleBeforeJsVars);
    expect(f.peakJsVars, "peak JsVars").toBeLessThanOrEqual(DOWNLINK_PEAK_BUDGET_JSVARS);
  }, 400_000);

  it(named("a board with the budget plus headroom (ESPRUINO_JSVARS=" + (READY_BUDGET_JSVARS + HEADROOM_JSVARS) + ") runs the happy scenario"), async () => {
    const jsvars = READY_BUDGET_JSVARS + HEADROOM_JSVARS;
    const r = await runScenario("happy", {
      forS: 150,
      jsvars,
      until: (lines) => {
        const ready = indexOfKind(lines, "ready");
        return ready >= 0 && countFrom(lines, "confirmed", ready) >= 3;
      },
    });
    expect(brokenLines(r.lines), tail(r)).toEqual([]);
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    const mem = memoryLines(r.lines);
    expect(mem.length, tail(r)).toBeGreaterThan(0);
    expect(mem.every((m) => m.total === jsvars), "the interpreter had " + jsvars + " JsVars").toBe(true);
  }, 300_000);
});
