// CTWing codec: the application note's section-5 examples both ways, each field type's bytes, every
// validation error with its code, the 512-byte limit, and the sample application's profile.
import { describe, expect, it } from "vitest";
import {
  bytesToHex, checkProfile, codecErrName, decodeCommand, decodeFrame, decodeGeneric, encodeCommand, encodeResponse,
  encodeUplink, hexToBytes, CODEC_ERR_NAMES, E_BAD_PROFILE, E_FRAME_TOO_BIG, E_LENGTH, E_MISSING, E_NOT_HEX, E_ODD_HEX,
  E_RANGE, E_TOO_LONG, E_TRUNCATED, E_TYPE, E_UNKNOWN_SERVICE, E_UNKNOWN_TYPE, E_WRONG_KIND, FRAME_MAX_BYTES,
} from "../../lib/aep/codec";
import type { CodecError } from "../../lib/aep/codec";
import {
  FT_BYTES, FT_DATE, FT_FLOAT32, FT_FLOAT64, FT_INT16, FT_INT32, FT_INT8, FT_STRING, FT_VARBYTES, FT_VARSTRING,
  MODE_CON, MODE_NON, SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE,
} from "../../lib/aep/profile";
import type { FieldSpec, Profile } from "../../lib/aep/profile";
import { RESULT_BAD_RESPONSE } from "../../lib/aep/errors";
import {
  appProfile, APP_PROFILE, CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL, RSP_COMMAND_ERROR, RSP_REBOOT_MODULE, RSP_REPORT_NOW,
  RSP_SET_INTERVAL,
} from "../../firmware/profile";
import { ALL_TYPES_PROFILE } from "../../build/codec-cli";

// The note's examples use service 1 / 8001 with a fixed 6-byte string, and 1 / 8002 with a variable one.
const NOTE_FIXED: Profile = {
  services: [
    { id: 1, name: "data", kind: SK_REPORT, fields: [{ name: "payload", type: FT_STRING, len: 6 }] },
    { id: 8001, name: "cmdFixed", kind: SK_COMMAND, fields: [{ name: "payload", type: FT_STRING, len: 6 }] },
  ],
};
const NOTE_VAR: Profile = {
  services: [
    { id: 1, name: "data", kind: SK_REPORT, fields: [{ name: "payload", type: FT_VARSTRING }] },
    { id: 8002, name: "cmdVar", kind: SK_COMMAND, fields: [{ name: "payload", type: FT_VARSTRING }] },
  ],
};

/** A profile with one report service holding the given fields (id 1) and a command (id 2) with the same. */
function one(fields: FieldSpec[]): Profile {
  return { services: [{ id: 1, name: "r", kind: SK_REPORT, fields: fields }, { id: 2, name: "c", kind: SK_COMMAND, fields: fields }] };
}
const enc = (fields: FieldSpec[], values: Record<string, unknown>) => encodeUplink(one(fields), 1, values);
const FT_NAMES = ["", "int32", "int16", "int8", "float32", "float64", "date", "string", "bytes", "varstring", "varbytes"];
const err = (r: unknown) => (r as CodecError).err;

describe("the application note's examples (section 5)", () => {
  it("report, service 1, fixed 6-byte string", () => {
    expect(encodeUplink(NOTE_FIXED, 1, { payload: "123456" })).toEqual({ hex: "0200010006313233343536", mode: MODE_CON });
    expect(decodeFrame(NOTE_FIXED, "0200010006313233343536")).toEqual({ kind: SK_REPORT, serviceId: 1, service: "data", values: { payload: "123456" } });
  });

  it("report, service 1, variable string: frame length 8 = inner length 2 + 6", () => {
    expect(encodeUplink(NOTE_VAR, 1, { payload: "123456" })).toEqual({ hex: "02000100080006313233343536", mode: MODE_CON });
    expect(decodeFrame(NOTE_VAR, "02000100080006313233343536")).toEqual({ kind: SK_REPORT, serviceId: 1, service: "data", values: { payload: "123456" } });
  });

  it("command 8002, task 0x0012, variable string b12301", () => {
    expect(decodeCommand(NOTE_VAR, "061F42001200080006623132333031")).toEqual({ kind: SK_COMMAND, serviceId: 8002, taskId: 0x12, service: "cmdVar", values: { payload: "b12301" } });
    expect(encodeCommand(NOTE_VAR, 8002, 0x12, { payload: "b12301" })).toEqual({ hex: "061F42001200080006623132333031", mode: MODE_CON });
  });

  it("command 8001, task 0x001A, fixed 6-byte string a12302", () => {
    expect(decodeCommand(NOTE_FIXED, "061F41001A0006613132333032")).toEqual({ kind: SK_COMMAND, serviceId: 8001, taskId: 0x1a, service: "cmdFixed", values: { payload: "a12302" } });
    expect(encodeCommand(NOTE_FIXED, 8001, 0x1a, { payload: "a12302" })).toEqual({ hex: "061F41001A0006613132333032", mode: MODE_CON });
  });

  it("decodes the examples generically and accepts lowercase hex", () => {
    expect(decodeGeneric("061f42001200080006623132333031")).toEqual({ kind: 6, type: "command", serviceId: 8002, taskId: 0x12, length: 8, payloadHex: "0006623132333031" });
    expect(decodeGeneric("02000100080006313233343536")).toEqual({ kind: 2, type: "report", serviceId: 1, length: 8, payloadHex: "0006313233343536" });
  });
});

describe("field encodings (big-endian, uppercase hex)", () => {
  const cases: [FieldSpec, unknown, string][] = [
    [{ name: "v", type: FT_INT32 }, -1, "FFFFFFFF"],
    [{ name: "v", type: FT_INT32 }, 2147483647, "7FFFFFFF"],
    [{ name: "v", type: FT_INT32, min: 0, max: 4294967295 }, 4294967295, "FFFFFFFF"],
    [{ name: "v", type: FT_INT16 }, -32768, "8000"],
    [{ name: "v", type: FT_INT16, min: 0, max: 65535 }, 65535, "FFFF"],
    [{ name: "v", type: FT_INT8 }, -128, "80"],
    [{ name: "v", type: FT_INT8, min: 0, max: 255 }, 200, "C8"],
    [{ name: "v", type: FT_INT8, min: 0, max: 1 }, 1, "01"], // bool
    [{ name: "v", type: FT_FLOAT32 }, 1.5, "3FC00000"],
    [{ name: "v", type: FT_FLOAT32 }, -0, "80000000"],
    [{ name: "v", type: FT_FLOAT64 }, 1.5, "3FF8000000000000"],
    [{ name: "v", type: FT_DATE }, 0, "0000000000000000"],
    [{ name: "v", type: FT_DATE }, 1700000000000, "0000018BCFE56800"],
    [{ name: "v", type: FT_DATE }, -1, "FFFFFFFFFFFFFFFF"],
    [{ name: "v", type: FT_DATE }, 8.64e15, "001EB208C2DC0000"],
    [{ name: "v", type: FT_STRING, len: 4 }, "ab", "61620000"],
    [{ name: "v", type: FT_BYTES, len: 3 }, "0a", "0A0000"],
    [{ name: "v", type: FT_BYTES, len: 2 }, new Uint8Array([1, 255]), "01FF"],
    [{ name: "v", type: FT_VARSTRING }, "", "0000"],
    [{ name: "v", type: FT_VARSTRING }, "\u00ff", "0001FF"],
    [{ name: "v", type: FT_VARBYTES }, "DEad", "0002DEAD"],
  ];
  for (const [f, v, params] of cases) {
    it(FT_NAMES[f.type] + " " + String(v) + " -> " + params, () => {
      const len = (params.length / 2).toString(16).toUpperCase().padStart(4, "0");
      expect(enc([f], { v: v })).toEqual({ hex: "020001" + len + params, mode: MODE_CON });
    });
  }

  it("decodes each one back (fixed strings lose their 0x00 padding, fixed bytes keep it, bytes come as hex)", () => {
    const back = (f: FieldSpec, hex: string) => {
      const r = decodeFrame(one([f]), "020001" + (hex.length / 2).toString(16).padStart(4, "0") + hex);
      return r.err === undefined ? r.values.v : r;
    };
    expect(back({ name: "v", type: FT_INT32, min: 0, max: 4294967295 }, "FFFFFFFF")).toBe(4294967295);
    expect(back({ name: "v", type: FT_INT32 }, "FFFFFFFF")).toBe(-1);
    expect(back({ name: "v", type: FT_INT8 }, "80")).toBe(-128);
    expect(back({ name: "v", type: FT_INT8, min: 0, max: 255 }, "C8")).toBe(200);
    expect(back({ name: "v", type: FT_DATE }, "0000018BCFE56800")).toBe(1700000000000);
    expect(back({ name: "v", type: FT_DATE }, "FFFFFFFFFFFFFFFF")).toBe(-1);
    expect(Object.is(back({ name: "v", type: FT_FLOAT32 }, "80000000"), -0)).toBe(true);
    expect(back({ name: "v", type: FT_STRING, len: 4 }, "61620000")).toBe("ab");
    expect(back({ name: "v", type: FT_STRING, len: 4 }, "61006200")).toBe("a\u0000b");
    expect(back({ name: "v", type: FT_BYTES, len: 3 }, "0A0000")).toBe("0A0000");
    expect(back({ name: "v", type: FT_VARBYTES }, "0002dead")).toBe("DEAD");
  });

  it("an event is 07, a response 86 with its task id, and the service's mode comes back", () => {
    const p: Profile = {
      services: [
        { id: 2, name: "ev", kind: SK_EVENT, mode: MODE_NON, fields: [{ name: "c", type: FT_INT8 }] },
        { id: 9001, name: "rsp", kind: SK_RESPONSE, fields: [{ name: "result", type: FT_INT8 }] },
      ],
    };
    expect(encodeUplink(p, 2, { c: 3 })).toEqual({ hex: "070002000103", mode: MODE_NON });
    expect(encodeResponse(p, 9001, 0xabcd, { result: 0 })).toEqual({ hex: "862329ABCD000100", mode: MODE_CON });
    expect(decodeFrame(p, "862329ABCD000100")).toEqual({ kind: SK_RESPONSE, serviceId: 9001, taskId: 0xabcd, service: "rsp", values: { result: 0 } });
  });

  it("a service without fields has length 0; extra values are ignored", () => {
    expect(encodeCommand(ALL_TYPES_PROFILE, 0x0103, 7, { junk: 1 })).toEqual({ hex: "06010300070000", mode: MODE_CON });
    expect(decodeCommand(ALL_TYPES_PROFILE, "06010300070000")).toEqual({ kind: 6, serviceId: 0x103, taskId: 7, service: "empty", values: {} });
  });
});

describe("encode errors", () => {
  it("unknown service, and a wrong kind for the operation", () => {
    expect(err(encodeUplink(APP_PROFILE, 99, {}))).toBe(E_UNKNOWN_SERVICE);
    expect(err(encodeUplink(APP_PROFILE, "telemetry" as unknown as number, {}))).toBe(E_UNKNOWN_SERVICE);
    expect(err(encodeUplink(APP_PROFILE, 8101, { intervalS: 60 }))).toBe(E_WRONG_KIND);
    expect(err(encodeResponse(APP_PROFILE, 1, 0, {}))).toBe(E_WRONG_KIND);
    expect(err(encodeCommand(APP_PROFILE, 9101, 0, {}))).toBe(E_WRONG_KIND);
    expect(encodeResponse(APP_PROFILE, 8101, 0, {})).toEqual({ err: E_WRONG_KIND, msg: "service 8101 is a command, not a response" });
  });

  it("missing values", () => {
    expect(enc([{ name: "a", type: FT_INT8 }], {})).toEqual({ err: E_MISSING, msg: "a: missing" });
    expect(err(enc([{ name: "a", type: FT_INT8 }], { a: null }))).toBe(E_MISSING);
  });

  it("wrong value types", () => {
    const t = (f: FieldSpec, v: unknown) => err(enc([f], { v: v }));
    expect(t({ name: "v", type: FT_INT32 }, "1")).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_INT16 }, 1.5)).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_DATE }, 0.5)).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_INT8 }, true)).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_FLOAT32 }, NaN)).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_FLOAT64 }, Infinity)).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_VARSTRING }, 5)).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_VARSTRING }, new Uint8Array(1))).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_STRING, len: 4 }, "\u4e2d")).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_VARBYTES }, "ABC")).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_VARBYTES }, "zz")).toBe(E_TYPE);
    expect(t({ name: "v", type: FT_BYTES, len: 2 }, [1, 2])).toBe(E_TYPE);
    expect(err(encodeUplink(one([]), 1, null as unknown as {}))).toBe(E_TYPE);
  });

  it("values out of range: type defaults, min/max, unsigned via min >= 0, task ids", () => {
    const t = (f: FieldSpec, v: unknown) => err(enc([f], { v: v }));
    expect(t({ name: "v", type: FT_INT8 }, 128)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_INT8 }, -129)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_INT8, min: 0, max: 255 }, 256)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_INT8, min: 0, max: 255 }, -1)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_INT8, min: 0 }, 128)).toBe(E_RANGE); // unsigned only with an explicit max
    expect(t({ name: "v", type: FT_INT16 }, 32768)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_INT32 }, 2147483648)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_INT32, min: 0, max: 4294967295 }, 4294967296)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_FLOAT32 }, 1e39)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_FLOAT32, min: -40, max: 85 }, 85.5)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_DATE }, 8.64e15 + 1)).toBe(E_RANGE);
    expect(t({ name: "v", type: FT_VARSTRING, min: 2 }, "a")).toBe(E_RANGE);
    expect(encodeUplink(APP_PROFILE, 1, { seq: 1, uptimeS: 0, rssi: 100, temperatureC: 0, registrations: 0, recoveries: 0, moduleReboots: 0 })).toEqual({ err: E_RANGE, msg: "rssi: 100 outside 0..99" });
    expect(err(encodeResponse(APP_PROFILE, 9102, 65536, { result: 0 }))).toBe(E_RANGE);
    expect(err(encodeResponse(APP_PROFILE, 9102, -1, { result: 0 }))).toBe(E_RANGE);
    expect(err(encodeResponse(APP_PROFILE, 9102, 1.5, { result: 0 }))).toBe(E_RANGE);
  });

  it("strings and bytes too long for their field (shorter fixed ones are padded instead)", () => {
    expect(enc([{ name: "s", type: FT_STRING, len: 6 }], { s: "1234567" })).toEqual({ err: E_TOO_LONG, msg: "s: 7 bytes, at most 6" });
    expect(err(enc([{ name: "b", type: FT_BYTES, len: 1 }], { b: "0102" }))).toBe(E_TOO_LONG);
    expect(err(encodeUplink(APP_PROFILE, 2, { code: 1, detail: "x".repeat(65) }))).toBe(E_TOO_LONG);
    expect(encodeUplink(APP_PROFILE, 2, { code: 1, detail: "x".repeat(64) }).err).toBeUndefined();
    // No bound in the profile: the wire's 2-byte length is the limit, checked before anything is walked.
    expect(err(enc([{ name: "s", type: FT_VARSTRING }], { s: "x".repeat(70000) }))).toBe(E_TOO_LONG);
  });

  it("the largest frame (512 bytes) encodes; 513 is refused", () => {
    const f: FieldSpec[] = [{ name: "b", type: FT_VARBYTES }];
    const max = enc(f, { b: "AB".repeat(FRAME_MAX_BYTES - 7) });
    expect(max.err).toBeUndefined();
    expect((max as { hex: string }).hex.length).toBe(1024);
    expect(enc(f, { b: "AB".repeat(FRAME_MAX_BYTES - 6) })).toEqual({ err: E_FRAME_TOO_BIG, msg: "frame would be 513 bytes, at most 512" });
    const big = decodeFrame(one(f), (max as { hex: string }).hex);
    expect(big.err === undefined && big.values.b).toBe("AB".repeat(505));
    expect(err(encodeResponse({ services: [{ id: 1, name: "r", kind: SK_RESPONSE, fields: f }] }, 1, 0, { b: "00".repeat(504) }))).toBe(E_FRAME_TOO_BIG);
  });

  it("allocates nothing beyond FRAME_MAX_BYTES whatever a value's size (the device has no RAM for it)", () => {
    const Native = Uint8Array;
    let largest = 0;
    // Every typed array the codec makes goes through this constructor while the test runs.
    (globalThis as { Uint8Array: unknown }).Uint8Array = new Proxy(Native, {
      construct(target, args, newTarget) {
        const a = Reflect.construct(target, args, newTarget) as Uint8Array;
        if (a.length > largest) largest = a.length;
        return a;
      },
    });
    try {
      const vb: FieldSpec[] = [{ name: "b", type: FT_VARBYTES }];
      expect(enc(vb, { b: "AB".repeat(60000) })).toEqual({ err: E_FRAME_TOO_BIG, msg: "frame would be 60007 bytes, at most 512" });
      expect(err(enc(vb, { b: "AB".repeat(70000) }))).toBe(E_TOO_LONG);
      expect(err(enc(vb, { b: "AB".repeat(506) }))).toBe(E_FRAME_TOO_BIG);
      expect(err(enc([{ name: "s", type: FT_VARSTRING }], { s: "x".repeat(60000) }))).toBe(E_FRAME_TOO_BIG);
      expect(err(decodeFrame(one(vb), "02000100" + "FF".repeat(600)))).toBe(E_FRAME_TOO_BIG);
      // Oversized and not even hex: refused by its size, never copied.
      expect(err(enc(vb, { b: "ZZ".repeat(600) }))).toBe(E_FRAME_TOO_BIG);
      // Within the frame the content is still checked.
      expect(err(enc(vb, { b: "ZZ".repeat(10) }))).toBe(E_TYPE);
      expect(enc(vb, { b: "AB".repeat(505) }).err).toBeUndefined();
    } finally {
      (globalThis as { Uint8Array: unknown }).Uint8Array = Native;
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(FRAME_MAX_BYTES);
  });

  it("a broken profile is an error, not an exception", () => {
    expect(err(enc([{ name: "x", type: 99 }], { x: 1 }))).toBe(E_BAD_PROFILE);
    expect(err(enc([{ name: "x", type: FT_STRING }], { x: "a" }))).toBe(E_BAD_PROFILE);
    expect(err(decodeFrame(one([{ name: "x", type: FT_BYTES, len: 0 }]), "0200010000"))).toBe(E_BAD_PROFILE);
  });
});

describe("decode errors (never thrown; ids reported whenever the header was readable)", () => {
  it("hex: odd length, non-hex characters, over 1024 characters", () => {
    expect(decodeCommand(APP_PROFILE, "061")).toEqual({ err: E_ODD_HEX, msg: "odd hex length 3" });
    expect(decodeCommand(APP_PROFILE, "06 F41")).toEqual({ err: E_NOT_HEX, msg: "not hex at character 2" });
    expect(err(decodeGeneric("0G"))).toBe(E_NOT_HEX);
    expect(err(decodeGeneric(5 as unknown as string))).toBe(E_TYPE);
    expect(err(decodeCommand(APP_PROFILE, "06".repeat(513)))).toBe(E_FRAME_TOO_BIG);
    expect(err(decodeCommand(APP_PROFILE, "0".repeat(1e6 + 1)))).toBe(E_FRAME_TOO_BIG);
  });

  it("type byte, truncated header, truncated data", () => {
    expect(decodeGeneric("05000100")).toEqual({ err: E_UNKNOWN_TYPE, msg: "type byte 0x05 is not 02, 07, 06 or 86" });
    expect(err(decodeGeneric(""))).toBe(E_TRUNCATED);
    expect(decodeGeneric("06")).toEqual({ err: E_TRUNCATED, msg: "command header needs 7 bytes, got 1" });
    expect(decodeGeneric("061F41")).toEqual({ err: E_TRUNCATED, msg: "command header needs 7 bytes, got 3", serviceId: 8001 });
    expect(decodeCommand(APP_PROFILE, "061FA5001A00")).toEqual({ err: E_TRUNCATED, msg: "command header needs 7 bytes, got 6", serviceId: 8101, taskId: 26 });
    expect(decodeCommand(APP_PROFILE, "061FA5001A00040000")).toEqual({ err: E_TRUNCATED, msg: "length field says 4 bytes, 2 present", serviceId: 8101, taskId: 26 });
  });

  it("length field inconsistent: trailing bytes, too short for the fields, longer than the fields", () => {
    expect(decodeCommand(APP_PROFILE, "061FA5001A00040000012C00")).toEqual({ err: E_LENGTH, msg: "length field says 4 bytes, 5 present (trailing bytes)", serviceId: 8101, taskId: 26 });
    expect(decodeCommand(APP_PROFILE, "061FA5001A0002012C")).toEqual({ err: E_LENGTH, msg: "intervalS: needs 4 bytes, 2 left", serviceId: 8101, taskId: 26 });
    expect(decodeCommand(APP_PROFILE, "061FA5001A00050000012C00")).toEqual({ err: E_LENGTH, msg: "length field says 5 bytes, fields use 4", serviceId: 8101, taskId: 26 });
    // A variable-length field whose inner length runs past the frame, or lacks its 2 bytes.
    expect(err(decodeCommand(NOTE_VAR, "061F420012000800076231323330313"))).toBe(E_ODD_HEX);
    expect(decodeCommand(NOTE_VAR, "061F42001200080007623132333031")).toEqual({ err: E_LENGTH, msg: "payload: needs 7 bytes, 6 left", serviceId: 8002, taskId: 18 });
    expect(decodeCommand(NOTE_VAR, "061F4200120001FF")).toEqual({ err: E_LENGTH, msg: "payload: needs a 2-byte length, 1 left", serviceId: 8002, taskId: 18 });
    // The fixed/variable reading of the note's examples must not be confused.
    expect(err(decodeCommand(NOTE_FIXED, "061F41001A00080006613132333032"))).toBe(E_LENGTH);
    expect(err(decodeCommand(NOTE_VAR, "061F42001A0006613132333032"))).toBe(E_LENGTH);
  });

  it("unknown service and wrong kind, with ids so the task can still be answered", () => {
    expect(decodeCommand(APP_PROFILE, "061388001200020102")).toEqual({ err: E_UNKNOWN_SERVICE, msg: "service 5000 not in the profile", serviceId: 5000, taskId: 18 });
    expect(decodeCommand(APP_PROFILE, "02000100020102")).toEqual({ err: E_WRONG_KIND, msg: "a report frame, not a command", serviceId: 1 });
    expect(decodeCommand(APP_PROFILE, "0600010012000101")).toEqual({ err: E_WRONG_KIND, msg: "service 1 is a report, frame says command", serviceId: 1, taskId: 18 });
    expect(err(decodeFrame(APP_PROFILE, "021FA500040000012C"))).toBe(E_WRONG_KIND);
  });

  it("decoded values are range-checked like encoded ones", () => {
    expect(decodeCommand(APP_PROFILE, "061FA5001A000400000005")).toEqual({ err: E_RANGE, msg: "intervalS: 5 outside 10..604800", serviceId: 8101, taskId: 26 });
    expect(err(decodeCommand(APP_PROFILE, "061FA7001A0002FFFF"))).toBe(E_RANGE); // delayS is unsigned: 65535
    expect(err(decodeFrame(one([{ name: "f", type: FT_FLOAT32 }]), "02000100047FC00000"))).toBe(E_RANGE); // NaN
    expect(err(decodeFrame(one([{ name: "f", type: FT_FLOAT64 }]), "02000100087FF0000000000000"))).toBe(E_RANGE); // Infinity
    expect(err(decodeFrame(one([{ name: "d", type: FT_DATE }]), "02000100087FFFFFFFFFFFFFFF"))).toBe(E_RANGE);
    expect(err(decodeFrame(APP_PROFILE, "0700020006010003414243"))).toBeUndefined();
    expect(decodeFrame(one([{ name: "s", type: FT_VARSTRING, max: 2 }]), "02000100050003414243")).toEqual({ err: E_TOO_LONG, msg: "s: 3 bytes, at most 2", serviceId: 1 });
  });
});

describe("hex helpers", () => {
  it("hexToBytes fills a caller-bounded buffer or returns a negative code", () => {
    const out = new Uint8Array(3);
    expect(hexToBytes("0aFf10", out)).toBe(3);
    expect([...out]).toEqual([10, 255, 16]);
    expect(hexToBytes("", out)).toBe(0);
    expect(hexToBytes("abc", out)).toBe(-E_ODD_HEX);
    expect(hexToBytes("0x", out)).toBe(-E_NOT_HEX);
    expect(hexToBytes("00000000", out)).toBe(-E_FRAME_TOO_BIG);
  });

  it("bytesToHex is uppercase and takes a range", () => {
    const b = new Uint8Array([0, 0xab, 0x0f, 0xff]);
    expect(bytesToHex(b)).toBe("00AB0FFF");
    expect(bytesToHex(b, 1, 3)).toBe("AB0F");
    expect(bytesToHex(b, 2)).toBe("0FFF");
  });

  it("every error code has a name", () => {
    expect(CODEC_ERR_NAMES.length).toBe(14);
    for (let c = 1; c <= 13; c++) expect(codecErrName(c)).toMatch(/^[a-z-]+$/);
    expect(codecErrName(E_UNKNOWN_SERVICE)).toBe("unknown-service");
    expect(codecErrName(99)).toBe("error-99");
  });
});

describe("checkProfile", () => {
  const bad = (p: Profile) => {
    const r = checkProfile(p);
    return r === null ? "ok" : r.err === E_BAD_PROFILE ? r.msg : "code " + r.err;
  };
  const svc = (fields: FieldSpec[]) => ({ services: [{ id: 1, name: "a", kind: SK_REPORT, fields: fields }] });

  it("accepts the sample application's profile and the all-types test profile", () => {
    expect(checkProfile(APP_PROFILE)).toBeNull();
    expect(checkProfile(ALL_TYPES_PROFILE)).toBeNull();
    expect(checkProfile(NOTE_FIXED)).toBeNull();
  });

  it("refuses what could never encode or decode", () => {
    expect(bad({ services: [{ id: 70000, name: "a", kind: SK_REPORT, fields: [] }] })).toBe("service 70000 a: id outside 0..65535");
    expect(bad({ services: [{ id: 1, name: "a", kind: SK_REPORT, fields: [] }, { id: 1, name: "b", kind: SK_REPORT, fields: [] }] })).toContain("duplicate");
    expect(bad({ services: [{ id: 1, name: "a", kind: SK_REPORT, fields: [] }, { id: 2, name: "a", kind: SK_REPORT, fields: [] }] })).toContain("duplicate");
    expect(bad({ services: [{ id: 1, name: "a", kind: 3, fields: [] }] })).toContain("unknown kind 3");
    expect(bad({ services: [{ id: 1, name: "a", kind: SK_REPORT, mode: 2 as 0, fields: [] }] })).toContain("mode");
    expect(bad(svc([{ name: "x", type: 0 }]))).toContain("unknown type");
    expect(bad(svc([{ name: "x", type: FT_BYTES, len: 513 }]))).toContain("bad len");
    expect(bad(svc([{ name: "x", type: FT_INT8 }, { name: "x", type: FT_INT8 }]))).toContain("duplicate field");
    expect(bad(svc([{ name: "x", type: FT_INT8, max: 200 }]))).toContain("min/max outside the type");
    expect(bad(svc([{ name: "x", type: FT_INT8, min: 0, max: 256 }]))).toContain("min/max");
    expect(bad(svc([{ name: "x", type: FT_INT16, min: -40000 }]))).toContain("min/max");
    expect(bad(svc([{ name: "x", type: FT_STRING, len: 4, max: 5 }]))).toContain("min/max");
    expect(bad(svc([{ name: "x", type: FT_INT32, min: 10, max: 5 }]))).toContain("min/max");
    expect(bad(svc([{ name: "x", type: FT_BYTES, len: 500 }, { name: "y", type: FT_VARSTRING, min: 10 }]))).toBe("service 1 a: smallest frame is 517 bytes");
  });
});

describe("the sample application's profile", () => {
  const svc = (id: number) => APP_PROFILE.services.find((s) => s.id === id);

  it("every command names a response service of its own; the error response is nobody's", () => {
    const commands = APP_PROFILE.services.filter((s) => s.kind === SK_COMMAND);
    expect(commands.map((s) => s.id)).toEqual([CMD_SET_INTERVAL, CMD_REPORT_NOW, CMD_REBOOT_MODULE]);
    const answers = commands.map((s) => s.response);
    expect(answers).toEqual([RSP_SET_INTERVAL, RSP_REPORT_NOW, RSP_REBOOT_MODULE]);
    for (const r of answers) {
      expect(svc(r as number)?.kind).toBe(SK_RESPONSE);
      // The device reads `result` from a handler's answer: every response carries it first.
      expect(svc(r as number)?.fields[0]).toEqual({ name: "result", type: FT_INT8 });
    }
    expect(new Set(answers).size).toBe(answers.length);
    expect(answers).not.toContain(RSP_COMMAND_ERROR);
    // The error response answers any command id (unsigned 16 bits) with a codec code or 100/101.
    expect(svc(RSP_COMMAND_ERROR)).toMatchObject({ kind: SK_RESPONSE, name: "commandError" });
    expect(encodeResponse(APP_PROFILE, RSP_COMMAND_ERROR, 1, { result: RESULT_BAD_RESPONSE, commandServiceId: 65535 }).err).toBeUndefined();
  });

  it("does not reuse the application note's example ids (8001, 8002): its downlinks are foreign here", () => {
    const ids = APP_PROFILE.services.map((s) => s.id);
    expect(ids).not.toContain(8001);
    expect(ids).not.toContain(8002);
    expect(decodeCommand(APP_PROFILE, "061F42001200080006623132333031")).toEqual({ err: E_UNKNOWN_SERVICE, msg: "service 8002 not in the profile", serviceId: 8002, taskId: 0x12 });
    expect(decodeCommand(APP_PROFILE, "061F41001A0006613132333032")).toEqual({ err: E_UNKNOWN_SERVICE, msg: "service 8001 not in the profile", serviceId: 8001, taskId: 0x1a });
  });

  it("encodes a telemetry report and answers a command on the same task", () => {
    const t = encodeUplink(APP_PROFILE, 1, { seq: 1, uptimeS: 60, rssi: 99, temperatureC: 21.5, registrations: 1, recoveries: 0, moduleReboots: 0 });
    expect(t).toEqual({ hex: "0200010013000000010000003C6341AC0000000100000000", mode: MODE_CON });
    const c = decodeCommand(APP_PROFILE, "061FA5001A000400000E10");
    expect(c).toEqual({ kind: 6, serviceId: CMD_SET_INTERVAL, taskId: 26, service: "setInterval", values: { intervalS: 3600 } });
    if (c.err !== undefined) return;
    expect(encodeResponse(APP_PROFILE, svc(c.serviceId)?.response as number, c.taskId, { result: 0, intervalS: 3600 })).toEqual({ hex: "86238D001A00050000000E10", mode: MODE_CON });
    expect(encodeResponse(APP_PROFILE, RSP_COMMAND_ERROR, 18, { result: E_UNKNOWN_SERVICE, commandServiceId: 65535 })).toEqual({ hex: "86238C0012000301FFFF", mode: MODE_CON });
  });

  it("reportNow carries one reserved byte", () => {
    expect(decodeCommand(APP_PROFILE, "061FA600120001FF")).toEqual({ kind: 6, serviceId: CMD_REPORT_NOW, taskId: 18, service: "reportNow", values: { reserved: -1 } });
  });

  it("appProfile() builds the same profile each time (APP_PROFILE is one of them)", () => {
    expect(appProfile()).toEqual(APP_PROFILE);
    expect(appProfile()).not.toBe(appProfile());
  });
});
