// The AT engine's line splitting and the AT engine fuzz targets, a few thousand cases each inside `npm test` (a random
// seed per run, printed on failure; `npm run fuzz -- --seed N --target at-engine` replays it).
import { describe, expect, it } from "vitest";
import { fuzzAtEngine, fuzzLineReader } from "./at";

const seed = Math.floor(Math.random() * 2147483647);

describe("fuzz: bytes in any chunking", () => {
  it("At's line splitting matches the split-the-stream model (noise stripped and counted), buffer bounded (seed " + seed + ")", () => {
    const r = fuzzLineReader(3000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters.lines).toBeGreaterThan(0);
    expect(r.counters.overflows).toBeGreaterThan(0);
    expect(r.counters.noise).toBeGreaterThan(0);
  });

  it("AT engine: no throw, bounded, one result per command (none when withdrawn), works after the garbage (seed " + seed + ")", () => {
    const r = fuzzAtEngine(3000, seed);
    expect(r.failures).toEqual([]);
    for (const k of ["result:0", "result:1", "result:2", "result:3", "result:4", "timeouts", "wakeResends", "withdrawn", "strayOk", "noise", "overflows"]) expect(r.counters[k], k).toBeGreaterThan(0);
  });
});
