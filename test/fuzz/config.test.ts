// Configuration fuzz inside `npm test`: a few thousand validateConfig cases, and a handful of builds
// (each runs esbuild and the bundle gate; `npm run fuzz` does a few dozen).
import { describe, expect, it } from "vitest";
import { fuzzConfig, fuzzConfigBuilds } from "./config";

const seed = Math.floor(Math.random() * 2147483647);

describe("fuzz: configuration", () => {
  it("every key's random and boundary values: a valid config or errors naming the key (seed " + seed + ")", () => {
    const r = fuzzConfig(3000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters.valid).toBeGreaterThan(0);
    expect(r.counters.invalid).toBeGreaterThan(0);
  });

  it("buildFirmware gives a bundle or exactly the validation errors (seed " + seed + ")", async () => {
    const r = await fuzzConfigBuilds(4, seed);
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(4);
  });
});
