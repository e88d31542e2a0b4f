// The downlink fuzz targets inside `npm test`: the codec (fuzzCodec), the note's vectors mutated, and
// the command dispatcher fed random hex; a random seed per run, printed in the test name.
import { describe, expect, it } from "vitest";
import { fuzzCodecTarget, fuzzDispatcher, fuzzNoteMutations, headerReadable, mutate, NOTE_VECTORS, vectorsDecode } from "./downlink";

const seed = Math.floor(Math.random() * 2147483647);

describe("fuzz: downlinks", () => {
  it("the note's vectors decode as the note says, and the mutations do what they say", () => {
    expect(vectorsDecode()).toBeUndefined();
    expect(mutate(NOTE_VECTORS[0], { flip: 0, bit: 1 }).substring(0, 2)).toBe("04");
    expect(mutate(NOTE_VECTORS[0], { len: 1 })).toBe("061F41001A0007613132333032");
    expect(mutate(NOTE_VECTORS[2], { len: -6 })).toBe("0200010000313233343536");
    expect(mutate(NOTE_VECTORS[0], { cut: 9 })).toBe("061F41001");
    expect(headerReadable(NOTE_VECTORS[0])).toBe(0x1a);
    expect(headerReadable(NOTE_VECTORS[2])).toBe(-1);
  });

  it("codec: random, mutated and valid frames (seed " + seed + ")", () => {
    const r = fuzzCodecTarget(3000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters.decoded).toBeGreaterThan(0);
  });

  it("codec: the note's vectors with bit flips, truncation, length-field changes (seed " + seed + ")", () => {
    const r = fuzzNoteMutations(3000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters.decoded).toBeGreaterThan(0);
  });

  it("dispatcher: never throws, one response per readable header with its task id (seed " + seed + ")", () => {
    const r = fuzzDispatcher(2000, seed);
    expect(r.failures).toEqual([]);
    expect(r.counters.unanswerable).toBeGreaterThan(0);
    expect(r.counters["answered ok"]).toBeGreaterThan(0);
  });
});
