// The benchmark's helpers stay honest: the peer and our engine do the same work on the same input, the
// firmware's run-time state does not grow with reports.
// (Figures and wall-clock times are printed by `npm run bench`; nothing here asserts a time.)
import { describe, expect, it } from "vitest";
import { makeInput, runOurs, runPeer } from "./cpu";
import { walkRuntime } from "./walk";
import { firmwareOnSim, idle } from "./protocol";

const MIN = 60_000;

describe("bench helpers", () => {
  it("ours and the AT-module-style peer see the same results and notices", () => {
    const input = makeInput(2000, 5);
    expect(runOurs(input)).toEqual(runPeer(input));
    expect(input.lines).toBeGreaterThan(4000);
  });

  it("the firmware's run-time state once settled (identity read) equals the state after 300 more reports", () => {
    const f = firmwareOnSim({}, 9);
    const walk = () => walkRuntime([f.dev, f.app], new Set(f.ports)).units;
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
});
