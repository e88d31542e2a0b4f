// The interpreter guard (issue 12): Espruino releases 2v26..2v29 lose UART bytes on the ESP32 past a
// 64-byte burst (../shared/espruino.md), so at boot the firmware names the build to flash instead, in an
// error line, and counts it in the link statistics. Builds after the fix carry a ".N" suffix.

import { beforeAll, describe, expect, it } from "vitest";
import { startDesktopRun, type DesktopRun } from "../sandbox/desktop-run";
import { buildTestBundle, type TestBundle } from "./bundle";
import { Stat } from "../../lib/link/stats";

let bundle: TestBundle;
beforeAll(async () => {
  // Log level 3 exposes the Device on the console (global.__device) for the statistics.
  bundle = await buildTestBundle({ log: { level: 3 } });
});

function boot(version: string, esp32: boolean): DesktopRun {
  const r = startDesktopRun({ code: bundle.code, config: bundle.config, scenario: "happy", esp32, version });
  r.clock.advance(60_000);
  return r;
}

const guardLines = (r: DesktopRun) => r.logs.filter((l) => /^E .*Espruino 2v2\d on ESP32 loses UART bytes: flash a 2v29\.1\+/.test(l.line));
/** The link's badInterpreter counter (stats[Stat.BAD_INTERPRETER]), read inside the running bundle through the build's map of mangled names. */
function counted(r: DesktopRun): number {
  const n = (k: string) => bundle.names[k] ?? k;
  return r.sandbox.evaluate("global.__device." + n("link") + "." + n("stats") + "[" + Stat.BAD_INTERPRETER + "]") as number;
}

describe("interpreter guard", () => {
  for (const v of ["2v26", "2v28", "2v29"]) {
    it(v + " on an ESP32: one error line naming the build to flash, and the link still comes up", () => {
      const r = boot(v, true);
      expect(guardLines(r)).toHaveLength(1);
      expect(counted(r)).toBe(1);
      expect(r.logs.some((l) => / -> Ready /.test(l.line))).toBe(true);
    });
  }
  for (const [v, esp32] of [["2v29.1", true], ["2v29.277", true], ["2v25", true], ["2v30", true], ["2v29", false]] as const) {
    it(v + (esp32 ? " on an ESP32" : " elsewhere") + ": no guard line", () => {
      const r = boot(v, esp32);
      expect(guardLines(r)).toEqual([]);
      expect(counted(r)).toBe(0);
    });
  }
});
