// The benchmark's helpers stay honest: the peer and our engine do the same work on the same input, the
// firmware's run-time state does not grow with reports.
// (Figures and wall-clock times are printed by `npm run bench`; nothing here asserts a time.)
import { describe, expect, it } from "vitest";
import { makeInput, runOurs, runPeer } from "./cpu";
import { countBundle, partOf } from "./device";
import { makeBase, makePeer, makeStream, pass, STREAM_LINES, URC_PREFIXES, type BenchCounts } from "./lines-harness";
import { makeOurs } from "./lines-ours";
import { countModuleScope, walkRuntime } from "./jsvars";
import { coldBoot, firmwareOnSim, idle, psmModels } from "./protocol";

const MIN = 60_000;

describe("bench helpers", () => {
  it("ours and the AT-module-style peer see the same results and notices", () => {
    const input = makeInput(2000, 5);
    expect(runOurs(input)).toEqual(runPeer(input));
    expect(input.lines).toBeGreaterThan(4000);
  });

  it("the device line bench: ours, the peer and the stream's own count agree on its 2,000 lines", () => {
    const s = makeStream(7);
    expect(s.lines).toBe(STREAM_LINES);
    expect(s.text).toContain("+CTM2MRECV: 061F44"); // the one downlink, of the largest size
    const clock = { now: () => 0, setTimeout: () => 1, clearTimeout: () => {} };
    const count = (make: (c: BenchCounts) => Parameters<typeof pass>[1]) => {
      const c: BenchCounts = { results: 0, notices: 0, lines: 0 };
      pass(s.text, make(c), () => 0);
      return c;
    };
    expect(count((c) => makeOurs(clock, URC_PREFIXES, c))).toEqual(s.expected);
    expect(count((c) => makePeer(clock, c))).toEqual(s.expected);
    expect(count(makeBase).results).toBe(s.expected.results);
  });

  it("bundle counts: functions (and those made at load), classes, top-level bindings and constants", () => {
    const c = countBundle('(()=>{var a=1,b="x",c=[1],n=-2;function d(x){return function(){}}class E{m(){}}d(a)})();');
    expect(c).toEqual({ functions: 3, loadFunctions: 2, classes: 1, topLevelBindings: 6, topLevelConstants: 3 });
    expect(partOf("lib/at/engine.ts")).toBe("AT engine (lib/at)");
    expect(partOf("<define:CFG.modem.serialOptions>")).toBe("configuration");
    expect(partOf("lib/new/thing.ts")).toBe("other");
  });

  it("the cost model: objects, properties, elements, strings, functions", () => {
    const f = function (a: number, b: number) {
      return a + b;
    };
    const c = walkRuntime([{ a: 1, s: "x".repeat(25), arr: [1, 2], f }], new Set());
    // object 1 + 3 pairs + string 3 + array (1 + 2) + closure (2 + 2 params + 2 scope)
    expect(c.jsvars).toBe(1 + 4 + 3 + 3 + 6);
    const m = countModuleScope('(()=>{var a=1,b="hello",c=[1,2];function d(x){}class E{m(y){}}d(a)})();');
    expect(m).toMatchObject({ bindings: 5, functions: 2, classes: 1 });
    expect(m.jsvars).toBe(5 + 0 + 1 + 3 + 3 + (3 + 1 + 3));
  });

  it("the firmware's run-time state once settled (identity read) equals the state after 300 more reports", () => {
    const f = firmwareOnSim({}, 9);
    const walk = () => walkRuntime([f.dev, f.app], new Set(f.ports)).jsvars;
    // The IMEI and IMSI are read once, a minute into Ready after a delivery: settled means after that.
    f.clock.runUntil(() => idle(f.dev) && f.dev.link.info.imsi !== "", 60 * MIN);
    // ...and one report more, so both walks see the same transient fields (the last command and event).
    const d1 = f.delivered();
    f.clock.runUntil(() => f.delivered() > d1 && idle(f.dev), 60 * MIN);
    const settled = walk();
    const d0 = f.delivered();
    f.clock.runUntil(() => f.delivered() - d0 >= 300 && idle(f.dev), 300 * f.cfg.app.reportIntervalS * 2000);
    expect(f.delivered() - d0).toBeGreaterThanOrEqual(300);
    expect(walk()).toBe(settled);
  });

  // Counts, not times: the command budgets, on the simulator under the fake clock.
  it("AT commands: cold boot to the first confirmed uplink <= 12; per report with PWRKEY wired <= 2 in true PSM", () => {
    const c = coldBoot(1);
    expect(c.toFirstUplink).toBeLessThanOrEqual(12);
    expect(c.toFirstReport).toBe(c.toFirstUplink + 1); // the report is one SEND after the boot event
    const [auto, pwrkey, none] = psmModels(1);
    expect(pwrkey.atPerReport).toBeLessThanOrEqual(2);
    expect(pwrkey.wakePulses).toBeGreaterThan(10);
    expect(auto.atPerReport).toBeLessThanOrEqual(2.5); // a wake AT and the SEND, plus the session checks
    expect(none.wakePulses).toBe(0);
    expect(none.reports).toBeGreaterThan(10); // delivered at the TAU wakes
  });
});
