// CTWing codec properties (fast-check): every field type round-trips, and no input — random values,
// random or mutated hex — makes the codec throw or answer outside its error table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  codecErrName, decodeCommand, decodeFrame, decodeGeneric, encodeCommand, encodeResponse, encodeUplink, hexToBytes,
  CODEC_ERR_NAMES, FRAME_MAX_BYTES,
} from "../../lib/aep/codec";
import {
  FT_BYTES, FT_DATE, FT_FLOAT32, FT_FLOAT64, FT_INT16, FT_INT32, FT_INT8, FT_STRING, FT_VARBYTES, FT_VARSTRING,
  SK_COMMAND, SK_REPORT, SK_RESPONSE,
} from "../../lib/aep/profile";
import type { FieldSpec, Profile } from "../../lib/aep/profile";
import { APP_PROFILE } from "../../firmware/profile";
import { ALL_TYPES_PROFILE, fuzzCodec } from "../../build/codec-cli";

const byteString = (max: number) => fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: max });
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** For each field type: the field, values for it, and what decoding gives back. */
const TYPES: [FieldSpec, fc.Arbitrary<unknown>, (v: any) => unknown][] = [
  [{ name: "i32", type: FT_INT32 }, fc.integer(), (v) => v],
  [{ name: "u32", type: FT_INT32, min: 0, max: 4294967295 }, fc.integer({ min: 0, max: 2147483647 }).chain((h) => fc.constantFrom(h, h * 2 + 1)), (v) => v],
  [{ name: "i16", type: FT_INT16 }, fc.integer({ min: -32768, max: 32767 }), (v) => v],
  [{ name: "u16", type: FT_INT16, min: 0, max: 65535 }, fc.integer({ min: 0, max: 65535 }), (v) => v],
  [{ name: "i8", type: FT_INT8 }, fc.integer({ min: -128, max: 127 }), (v) => v],
  [{ name: "u8", type: FT_INT8, min: 0, max: 255 }, fc.integer({ min: 0, max: 255 }), (v) => v],
  [{ name: "bool", type: FT_INT8, min: 0, max: 1 }, fc.constantFrom(0, 1), (v) => v],
  [{ name: "f32", type: FT_FLOAT32 }, fc.double({ min: -3.4028234663852886e38, max: 3.4028234663852886e38, noNaN: true }), (v) => Math.fround(v)],
  [{ name: "f64", type: FT_FLOAT64 }, fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => v],
  [{ name: "date", type: FT_DATE }, fc.oneof(fc.maxSafeInteger().filter((v) => Math.abs(v) <= 8.64e15), fc.date({ noInvalidDate: true }).map((d) => d.getTime())), (v) => v],
  [{ name: "str", type: FT_STRING, len: 12 }, byteString(12), (v: string) => v.replace(/\0+$/, "")],
  [{ name: "bin", type: FT_BYTES, len: 5 }, fc.uint8Array({ maxLength: 5 }), (v: Uint8Array) => (hexOf(v) + "00".repeat(5 - v.length)).toUpperCase()],
  [{ name: "vstr", type: FT_VARSTRING, max: 100 }, byteString(100), (v) => v],
  [{ name: "vbin", type: FT_VARBYTES, max: 100 }, fc.uint8Array({ maxLength: 100 }).map(hexOf), (v: string) => v.toUpperCase()],
];

const FIELDS = TYPES.map((t) => t[0]);
const PROFILE: Profile = {
  services: [
    { id: 0x10, name: "all", kind: SK_REPORT, fields: FIELDS },
    { id: 0x11, name: "allCmd", kind: SK_COMMAND, fields: FIELDS },
    { id: 0x12, name: "allRsp", kind: SK_RESPONSE, fields: FIELDS },
  ],
};
const allValues = fc.tuple(...TYPES.map((t) => t[1]));

function expectedOf(vals: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  TYPES.forEach((t, i) => (o[t[0].name] = t[2](vals[i])));
  return o;
}
function valuesOf(vals: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  TYPES.forEach((t, i) => (o[t[0].name] = vals[i]));
  return o;
}

describe("round trips (encode then decode gives the same values)", () => {
  for (const [i, [f, arb, back]] of TYPES.entries()) {
    it(f.name + " alone, in every frame kind", () => {
      const p: Profile = { services: [{ id: 1, name: "r", kind: SK_REPORT, fields: [f] }, { id: 2, name: "c", kind: SK_COMMAND, fields: [f] }] };
      fc.assert(
        fc.property(arb, fc.integer({ min: 0, max: 65535 }), (v, task) => {
          const want = { [f.name]: back(v) };
          const r = encodeUplink(p, 1, { [f.name]: v });
          expect(r.err).toBeUndefined();
          expect(decodeFrame(p, (r as { hex: string }).hex)).toMatchObject({ serviceId: 1, values: want });
          const c = encodeCommand(p, 2, task, { [f.name]: v });
          expect(decodeCommand(p, (c as { hex: string }).hex)).toMatchObject({ serviceId: 2, taskId: task, values: want });
        }),
        { numRuns: 300, seed: 1000 + i },
      );
    });
  }

  it("every type at once, as report, command and response", () => {
    fc.assert(
      fc.property(allValues, fc.integer({ min: 0, max: 65535 }), (vals, task) => {
        const want = expectedOf(vals);
        const u = encodeUplink(PROFILE, 0x10, valuesOf(vals));
        const c = encodeCommand(PROFILE, 0x11, task, valuesOf(vals));
        const r = encodeResponse(PROFILE, 0x12, task, valuesOf(vals));
        for (const e of [u, c, r]) {
          expect(e.err).toBeUndefined();
          const hex = (e as { hex: string }).hex;
          expect(hex).toMatch(/^[0-9A-F]*$/);
          expect(hex.length).toBeLessThanOrEqual(FRAME_MAX_BYTES * 2);
          expect(decodeFrame(PROFILE, hex)).toMatchObject({ values: want });
          // The header's length covers the params, inner 2-byte lengths included.
          const g = decodeGeneric(hex);
          expect(g.err === undefined && g.payloadHex.length).toBe(hex.length - (e === u ? 10 : 14));
        }
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it("fixed bytes may be given as a Uint8Array too, and hex in either case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (b) => {
        const p: Profile = { services: [{ id: 1, name: "r", kind: SK_REPORT, fields: [{ name: "b", type: FT_BYTES, len: 5 }] }] };
        const a = encodeUplink(p, 1, { b: b });
        expect(a).toEqual(encodeUplink(p, 1, { b: hexOf(b) }));
        expect(a).toEqual(encodeUplink(p, 1, { b: hexOf(b).toUpperCase() }));
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe("malformed input never throws (and errors stay in the table)", () => {
  const known = (r: { err?: number; msg?: string }) => r.err === undefined || (r.err >= 1 && r.err < CODEC_ERR_NAMES.length && typeof r.msg === "string" && r.msg.length > 0);
  const allDecoders = (hex: string) => {
    for (const p of [APP_PROFILE, PROFILE, ALL_TYPES_PROFILE]) {
      expect(known(decodeFrame(p, hex))).toBe(true);
      expect(known(decodeCommand(p, hex))).toBe(true);
    }
    expect(known(decodeGeneric(hex))).toBe(true);
    const n = hexToBytes(hex, new Uint8Array(FRAME_MAX_BYTES));
    expect(n >= 0 || -n < CODEC_ERR_NAMES.length).toBe(true);
  };

  it("any string", () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), allDecoders), { numRuns: 1000, seed: 11 });
  });

  it("random hex, valid headers with random bodies and lengths", () => {
    const header = fc.tuple(fc.constantFrom("02", "07", "06", "86", "00", "FF"), fc.constantFrom("0001", "0002", "1FA5", "1FA6", "1FA7", "238C", "238D", "1F41", "1F42", "0010", "0011", "0101", "0102"), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 600 }));
    const body = fc.uint8Array({ maxLength: 80 }).map(hexOf);
    fc.assert(
      fc.property(header, body, fc.boolean(), ([k, s, t, len], b, tasked) => {
        const h4 = (n: number) => n.toString(16).padStart(4, "0");
        allDecoders(k + s + (tasked ? h4(t) : "") + h4(len) + b);
        allDecoders(k + s + (tasked ? h4(t) : "") + h4(b.length / 2) + b);
      }),
      { numRuns: 1500, seed: 12 },
    );
  });

  it("valid frames with one byte flipped, cut or extended", () => {
    fc.assert(
      fc.property(allValues, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "extend"), (vals, at, byte, how) => {
        const e = encodeCommand(PROFILE, 0x11, 1, valuesOf(vals));
        const hex = (e as { hex: string }).hex;
        const i = (at % (hex.length / 2)) * 2;
        const b = byte.toString(16).padStart(2, "0");
        const bad = how === "flip" ? hex.slice(0, i) + b + hex.slice(i + 2) : how === "cut" ? hex.slice(0, i) : hex + b;
        allDecoders(bad);
      }),
      { numRuns: 1000, seed: 13 },
    );
  });

  it("any value for any field type is encoded or refused with a code", () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.anything({ withTypedArray: true, withBigInt: false }), (f, v) => {
        const p: Profile = { services: [{ id: 1, name: "r", kind: SK_REPORT, fields: [f] }] };
        const r = encodeUplink(p, 1, { [f.name]: v });
        expect(known(r)).toBe(true);
        if (r.err === undefined) expect(decodeFrame(p, r.hex).err).toBeUndefined();
      }),
      { numRuns: 1500, seed: 14 },
    );
  });

  it("fuzzCodec: mutated frames never throw, and whatever decodes re-encodes to the same hex", () => {
    const r = fuzzCodec(5000, 42);
    expect(r.failures).toEqual([]);
    expect(r.decoded).toBeGreaterThan(500);
    // Every decode error the codec has shows up (bad-profile and encode-only codes aside).
    for (const code of [1, 2, 5, 7, 8, 9, 10, 11, 12]) expect(Object.keys(r.errors)).toContain(codecErrName(code));
  });
});
