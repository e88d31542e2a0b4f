// The device lib: every built-in the interpreter lacks is a compile error for lib/ and firmware/.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../build/paths";

const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

describe("device typecheck", () => {
  it("refuses every missing built-in, one error per line, and accepts the ones the device has", () => {
    const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "test", "fixtures", "device-lib"), "--pretty", "false"], { encoding: "utf8" });
    const errs = r.stdout.split("\n").filter((l) => l.includes("error TS"));
    const lines = new Set(errs.filter((l) => l.includes("missing.ts")).map((l) => Number(/missing\.ts\((\d+),/.exec(l)![1])));
    expect([...lines].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(errs.filter((l) => l.includes("present.ts"))).toEqual([]);
  });
});
