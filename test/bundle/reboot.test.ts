// The bundle across MCU restarts in the sandbox: a reset mid-run (a new instance on the same Storage)
// loses no queued report; with power saving and an ESP32, the firmware deep-sleeps between reports and
// each wake (a reboot) carries on; and the sandbox is as strict as the device about missing built-ins.

import { beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../support/memory-store";
import { classifyLine, lastState, seqOf, startDesktopRun } from "../sandbox/desktop-run";
import { buildTestBundle, dump, expectHealthy, linesOf, telemetrySeqs, unconfirmed, type TestBundle } from "./bundle";

const MIN = 60_000;

describe("MCU reset mid-run", () => {
  let bundle: TestBundle;
  beforeAll(async () => {
    bundle = await buildTestBundle({ app: { reportIntervalS: 30 } });
  });

  it("a report queued and not yet confirmed survives the reset in Storage and is confirmed after it", () => {
    const store = new MemoryStore();
    let resetAt = -1;
    const r = startDesktopRun({
      code: bundle.code,
      config: bundle.config,
      scenario: "happy",
      store,
      onLog(l) {
        // Pull the reset line 1 ms after report #5 is queued: it is in Storage, not yet sent or confirmed.
        if (resetAt < 0 && classifyLine(l.line) === "queued" && seqOf(l.line) === 5) {
          resetAt = l.tMs + 1;
          r.clock.setTimeout(() => r.sandbox.reset("test: reset line pulled"), 1);
        }
      },
    });
    r.clock.advance(15 * MIN);
    expect(resetAt).toBeGreaterThan(0);
    expect(r.sandbox.boots).toBe(2);
    const before = r.logs.filter((l) => l.boot === 1);
    expect(before.some((l) => classifyLine(l.line) === "confirmed" && seqOf(l.line) === 5)).toBe(false);
    const after = r.logs.filter((l) => l.boot === 2);
    if (!after.some((l) => l.line.indexOf("kept through the restart") > 0)) console.log(dump(r, 80));
    expect(after.some((l) => l.line.indexOf("kept through the restart") > 0)).toBe(true);
    expect(after.some((l) => classifyLine(l.line) === "confirmed" && seqOf(l.line) === 5)).toBe(true);
    expect(telemetrySeqs(r)).toContain(5);
    expect(unconfirmed(r.logs, 14 * MIN)).toEqual([]);
    // Numbering carries on from Storage: the new instance does not start again at #1.
    expect(Math.min(...linesOf(after, "queued").map((l) => seqOf(l.line)))).toBeGreaterThan(5);
    expect(lastState(r.logs)).toBe("Ready");
    expectHealthy(r);
  });
});

describe("deep sleep between reports (ESP32, power saving on)", () => {
  let bundle: TestBundle;
  beforeAll(async () => {
    bundle = await buildTestBundle({ app: { reportIntervalS: 300 }, network: { psm: { enabled: true, tauS: 3600, activeS: 10 } } });
  });

  it("sleeps after a delivered report, wakes as a new boot on the same Storage, and keeps reporting", () => {
    const r = startDesktopRun({ code: bundle.code, config: bundle.config, scenario: "happy", esp32: true });
    r.clock.advance(60 * MIN);
    const sleeps = r.sandbox.events.filter((e) => e.kind === "deep-sleep");
    if (sleeps.length === 0) console.log(dump(r, 80));
    expect(sleeps.length).toBeGreaterThanOrEqual(5);
    expect(r.sandbox.boots).toBeGreaterThanOrEqual(sleeps.length);
    // A wake is a reboot whose code reports at once; seq numbers keep rising across the wakes.
    const seqs = telemetrySeqs(r);
    expect(seqs.length).toBeGreaterThanOrEqual(8);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(unconfirmed(r.logs, 50 * MIN)).toEqual([]);
    expect(r.sim.summary().violations).toEqual([]);
    expect(r.sandbox.uncaught).toEqual([]);
    expect(r.sandbox.watchdog.bites).toEqual([]);
  });
});

describe("the sandbox is as strict as the device", () => {
  let bundle: TestBundle;
  beforeAll(async () => {
    bundle = await buildTestBundle({});
  });

  it("Map, Set, Symbol, Array.from, Object.freeze and friends are gone; clearTimeout(undefined) throws", () => {
    const r = startDesktopRun({ code: bundle.code, config: bundle.config, scenario: "happy" });
    const sb = r.sandbox;
    expect(() => sb.evaluate("new Map()")).toThrow(/Map is not defined/);
    expect(() => sb.evaluate("new Set([1])")).toThrow(/Set is not defined/);
    expect(sb.evaluate("typeof Symbol + typeof Reflect + typeof Proxy + typeof WeakMap")).toBe("undefinedundefinedundefinedundefined");
    expect(sb.evaluate("typeof Array.from + typeof Object.freeze + typeof Number.isInteger + typeof Math.trunc")).toBe("undefinedundefinedundefinedundefined");
    expect(sb.evaluate("typeof [].lastIndexOf + typeof ''.trimEnd + typeof Promise.prototype.finally")).toBe("undefinedundefinedundefined");
    // What the device has is still there, and for-of still iterates without Symbol.
    expect(sb.evaluate("var s = 0; for (const x of [1, 2, 3]) s += x; s + [1, 2].indexOf(2) + 'ab'.padStart(3).length")).toBe(10);
    expect(() => sb.evaluate("clearTimeout(undefined)")).toThrow(/not allowed/);
    expect(sb.keptBuiltins).toEqual([]);
  });

  it("a bundle that uses a missing built-in fails in the sandbox, as on the device", () => {
    const code = "(function(){ var m = new Map(); m.set(1, 2); console.log('never'); })();";
    const r = startDesktopRun({ code, config: bundle.config, scenario: "happy" });
    expect(r.sandbox.uncaught).toEqual(["Uncaught ReferenceError: Map is not defined"]);
    expect(r.logs.map((l) => l.line)).not.toContain("never");
  });
});
