// The downlink fuzz targets inside `npm test`: the codec (fuzzCodec), the note's vectors mutated, and
// the device's downlink handler (Device.linkDownlink) fed random hex; a random seed per run, printed in the test name.
import { describe, expect, it } from "vitest";
import { decodeFrame, E_UNKNOWN_SERVICE } from "../../lib/aep/codec";
import { RESULT_BAD_RESPONSE, RESULT_HANDLER_FAILED } from "../../lib/aep/errors";
import { APP_PROFILE } from "../../firmware/profile";
import { testConfig } from "../support/config";
import { downlinkDevice, fuzzCodecTarget, fuzzDispatcher, fuzzNoteMutations, headerReadable, mutate, NOTE_VECTORS, vectorsDecode } from "./downlink";

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

  it("the note's downlinks name services this profile lacks: each is answered through commandError with its task id", () => {
    testConfig({});
    const { device, queued, calls } = downlinkDevice();
    device.linkDownlink(NOTE_VECTORS[0]);
    device.linkDownlink(NOTE_VECTORS[1]);
    device.linkDownlink("06"); // no task id to answer
    expect(calls).toEqual([]);
    expect(queued.map((q) => decodeFrame(APP_PROFILE, q.hex))).toEqual([
      { kind: 0x86, serviceId: 9100, taskId: 0x1a, service: "commandError", values: { result: E_UNKNOWN_SERVICE, commandServiceId: 8001 } },
      { kind: 0x86, serviceId: 9100, taskId: 0x12, service: "commandError", values: { result: E_UNKNOWN_SERVICE, commandServiceId: 8002 } },
    ]);
    expect(device.commands).toEqual({ received: 3, answered: 2, answeredWithError: 2, unanswerable: 1, queueRefused: 0 });
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
    // Each way a handler fails was met (throws; answers what its response cannot hold).
    expect(r.counters["answered with error " + RESULT_HANDLER_FAILED]).toBeGreaterThan(0);
    expect(r.counters["answered with error " + RESULT_BAD_RESPONSE]).toBeGreaterThan(0);
  });
});
