// The line reader and AT engine fuzz targets, a few thousand cases each inside `npm test` (a random
// seed per run, printed on failure; `npm run fuzz -- --seed N --target at-engine` replays it).
import { describe, expect, it } from "vitest";
import { fuzzAtEngine, fuzzLineReader } from "./at";

const seed = Math.floor(Math.random() * 2147483647);

describe("fuzz: bytes in any chunking", () => {
  it("line reader matches the split-the-stream model, buffer bounded (seed " + seed + ")", () => {
    const r = fuzzLineReader(3000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters.lines).toBeGreaterThan(0);
    expect(r.counters.overflows).toBeGreaterThan(0);
  });

  it("AT engine: no throw, bounded, one result per command, works after the garbage (seed " + seed + ")", () => {
    const r = fuzzAtEngine(3000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters["result:0"]).toBeGreaterThan(0);
    expect(r.counters.timeouts).toBeGreaterThan(0);
  });
});
