// CTWing compact binary frames (../shared/protocol.md, last section): encode reports, events and command
// responses, decode commands, against a profile (profile.ts). Big-endian, uppercase hex. Pure functions
// that never throw: a result is the value or { err, msg } with a code below. Nothing is allocated beyond
// FRAME_MAX_BYTES whatever a length field or a caller's value says.

import {
  findService, kindName, serviceMode, FT_BYTES, FT_DATE, FT_FLOAT32, FT_INT16, FT_INT32, FT_INT8,
  FT_FLOAT64, FT_STRING, FT_VARBYTES, FT_VARSTRING, SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE,
} from "./profile";
import type { FieldSpec, Profile } from "./profile";

/** AT+CTM2MSEND takes at most 1024 hex characters (error 14 beyond). */
export const FRAME_MAX_BYTES = 512;

export const E_UNKNOWN_SERVICE = 1;
/** The service exists but is not of the kind the operation needs (or the type byte disagrees with it). */
export const E_WRONG_KIND = 2;
export const E_MISSING = 3;
export const E_TYPE = 4;
export const E_RANGE = 5;
/** A string or bytes value longer than its field allows. */
export const E_TOO_LONG = 6;
export const E_FRAME_TOO_BIG = 7;
/** The frame ends before its header, or before the length its header announces. */
export const E_TRUNCATED = 8;
/** The length field disagrees with the data: trailing bytes, or fields that need more or fewer bytes. */
export const E_LENGTH = 9;
export const E_ODD_HEX = 10;
export const E_NOT_HEX = 11;
/** The first byte is none of 02, 07, 06, 86. */
export const E_UNKNOWN_TYPE = 12;
/** The profile itself is wrong (unknown field type, fixed field without `len`, ...): see checkProfile. */
export const E_BAD_PROFILE = 13;

/** Short names of the codes above, by code. */
export const CODEC_ERR_NAMES = [
  "ok", "unknown-service", "wrong-kind", "missing-value", "wrong-type", "out-of-range", "too-long",
  "frame-too-big", "truncated", "bad-length", "odd-hex", "not-hex", "unknown-type", "bad-profile",
];

export function codecErrName(code: number): string {
  return CODEC_ERR_NAMES[code] || "error-" + code;
}

/** Decoded values: numbers, strings (byte strings), bytes as uppercase hex. */
export type FieldValue = number | string;
export interface FieldValues {
  [name: string]: FieldValue;
}
/** Values to encode: numbers, strings (one byte per character), bytes as hex or a Uint8Array. */
export interface InputValues {
  [name: string]: unknown;
}

export interface CodecError {
  err: number;
  msg: string;
  /** Set by the decoders whenever the header could be read, so the caller can still answer the task. */
  serviceId?: number;
  taskId?: number;
}
export interface Encoded {
  err?: undefined;
  hex: string;
  /** The service's send mode (MODE_CON unless the profile says NON). */
  mode: number;
}
export interface DecodedFrame {
  err?: undefined;
  kind: number;
  serviceId: number;
  /** Present for commands (06) and responses (86). */
  taskId?: number;
  /** The service's name in the profile. */
  service: string;
  values: FieldValues;
}
export interface DecodedCommand extends DecodedFrame {
  taskId: number;
}
export interface GenericFrame {
  err?: undefined;
  kind: number;
  type: string;
  serviceId: number;
  taskId?: number;
  /** The header's length field (= payload bytes; checked against the data). */
  length: number;
  payloadHex: string;
}

const HEX = "0123456789ABCDEF";
const TWO32 = 4294967296;
const FLOAT32_MAX = 3.4028234663852886e38;
/** The JavaScript Date range; also keeps hi * 2^32 + lo exact. */
const DATE_MAX = 8.64e15;
/** Bytes per numeric type, indexed by FT_*. */
const NUM_SIZE = [0, 4, 2, 1, 4, 8, 8];
/** 2^(bits-1) per integer type, as literals: the device's Math.pow(2, 15) is not exactly 32768. */
const HALF = [0, 2147483648, 32768, 128];

function fail(err: number, msg: string): CodecError {
  return { err: err, msg: msg };
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Hex into `out` (the caller bounds the size). Returns the byte count, or a negative code:
 * -E_ODD_HEX, -E_NOT_HEX, -E_FRAME_TOO_BIG (does not fit `out`). Either case of hex digits.
 */
export function hexToBytes(hex: string, out: Uint8Array): number {
  const n = hex.length;
  if (n & 1) return -E_ODD_HEX;
  if (n / 2 > out.length) return -E_FRAME_TOO_BIG;
  for (let i = 0; i < n; i += 2) {
    const a = nibble(hex.charCodeAt(i));
    const b = nibble(hex.charCodeAt(i + 1));
    if (a < 0 || b < 0) return -E_NOT_HEX;
    out[i >> 1] = (a << 4) | b;
  }
  return n >> 1;
}

/** Uppercase hex of bytes[start..end) (whole array by default). */
export function bytesToHex(bytes: Uint8Array, start?: number, end?: number): string {
  const e = end === undefined ? bytes.length : end;
  let s = "";
  for (let i = start === undefined ? 0 : start; i < e; i++) s += HEX.charAt(bytes[i] >> 4) + HEX.charAt(bytes[i] & 15);
  return s;
}

/**
 * [lo, hi] of a field: the value range for numbers, the byte-length range for strings and bytes;
 * null when the field type or `len` is invalid. An integer with min >= 0 is unsigned (lo >= 0).
 */
function limits(f: FieldSpec): number[] | null {
  const t = f.type;
  let lo: number;
  let hi: number;
  if (t >= FT_INT32 && t <= FT_INT8) {
    const half = HALF[t];
    const unsigned = f.min !== undefined && f.min >= 0;
    lo = unsigned ? 0 : -half;
    const top = unsigned ? 2 * half - 1 : half - 1;
    hi = f.max === undefined ? half - 1 : f.max < top ? f.max : top;
    if (f.min !== undefined && f.min > lo) lo = f.min;
    return [lo, hi];
  }
  if (t === FT_FLOAT32 || t === FT_FLOAT64 || t === FT_DATE) {
    hi = t === FT_FLOAT32 ? FLOAT32_MAX : t === FT_DATE ? DATE_MAX : Number.MAX_VALUE;
    lo = -hi;
  } else if (t === FT_STRING || t === FT_BYTES) {
    const len = f.len === undefined ? 0 : f.len;
    if (!(len >= 1 && len <= FRAME_MAX_BYTES)) return null;
    lo = 0;
    hi = len;
  } else if (t === FT_VARSTRING || t === FT_VARBYTES) {
    lo = 0;
    hi = 65535;
  } else return null;
  if (f.min !== undefined && f.min > lo) lo = f.min;
  if (f.max !== undefined && f.max < hi) hi = f.max;
  return [lo, hi];
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (nibble(s.charCodeAt(i)) < 0) return false;
  return true;
}

/** Bytes the field's value takes in the frame, or why it cannot be encoded. */
function sizeOf(f: FieldSpec, v: unknown): number | CodecError {
  const lim = limits(f);
  const t = f.type;
  const name = f.name + ": ";
  if (!lim) return fail(E_BAD_PROFILE, name + "bad type or len");
  if (v === undefined || v === null) return fail(E_MISSING, name + "missing");
  if (t <= FT_DATE) {
    if (typeof v !== "number" || !isFinite(v)) return fail(E_TYPE, name + "not a finite number");
    if (t !== FT_FLOAT32 && t !== FT_FLOAT64 && v !== Math.floor(v)) return fail(E_TYPE, name + "not an integer");
    if (v < lim[0] || v > lim[1]) return fail(E_RANGE, name + v + " outside " + lim[0] + ".." + lim[1]);
    return NUM_SIZE[t];
  }
  const text = t === FT_STRING || t === FT_VARSTRING;
  let n: number;
  if (typeof v === "string" && !text && v.length & 1) return fail(E_TYPE, name + "bytes must be even-length hex");
  if (typeof v === "string") n = text ? v.length : v.length / 2;
  else if (!text && v instanceof Uint8Array) n = v.length;
  else return fail(E_TYPE, name + (text ? "not a string" : "not hex or Uint8Array"));
  if (n > lim[1]) return fail(E_TOO_LONG, name + n + " bytes, at most " + lim[1]);
  if (n < lim[0]) return fail(E_RANGE, name + n + " bytes, at least " + lim[0]);
  // Content checks after the length check: an oversized value is refused without being walked.
  if (typeof v === "string") {
    if (!text && !isHex(v)) return fail(E_TYPE, name + "bytes must be even-length hex");
    if (text) {
      for (let i = 0; i < v.length; i++) {
        if (v.charCodeAt(i) > 255) return fail(E_TYPE, name + "character above 0xFF (pass UTF-8 bytes)");
      }
    }
  }
  return t === FT_STRING || t === FT_BYTES ? (f.len as number) : n + 2;
}

/** Writes a checked value at `pos`; returns the position after it. Fixed fields stay 0x00-padded. */
function writeField(dv: DataView, buf: Uint8Array, pos: number, f: FieldSpec, v: any): number {
  const t = f.type;
  if (t === FT_INT32) {
    if (v < 0) dv.setInt32(pos, v, false);
    else dv.setUint32(pos, v, false);
  } else if (t === FT_INT16) {
    if (v < 0) dv.setInt16(pos, v, false);
    else dv.setUint16(pos, v, false);
  } else if (t === FT_INT8) buf[pos] = v & 255;
  else if (t === FT_FLOAT32) dv.setFloat32(pos, v, false);
  else if (t === FT_DATE) {
    // No BigInt on the device: two 32-bit halves, exact below 2^53.
    const hi = Math.floor(v / TWO32);
    dv.setInt32(pos, hi, false);
    dv.setUint32(pos + 4, v - hi * TWO32, false);
  } else if (t <= FT_DATE) dv.setFloat64(pos, v, false);
  else {
    const text = t === FT_STRING || t === FT_VARSTRING;
    const n = typeof v === "string" ? (text ? v.length : v.length >> 1) : v.length;
    let p = pos;
    if (t >= FT_VARSTRING) {
      dv.setUint16(p, n, false);
      p += 2;
    }
    if (typeof v !== "string") buf.set(v, p);
    else if (text) for (let i = 0; i < n; i++) buf[p + i] = v.charCodeAt(i);
    else hexToBytes(v, buf.subarray(p, p + n));
    return t >= FT_VARSTRING ? p + n : pos + (f.len as number);
  }
  return pos + NUM_SIZE[t];
}

function encodeFrame(profile: Profile, serviceId: number, want: number, taskId: number, values: InputValues): Encoded | CodecError {
  const s = typeof serviceId === "number" ? findService(profile, serviceId) : undefined;
  if (!s) return fail(E_UNKNOWN_SERVICE, "service " + serviceId + " not in the profile");
  const uplink = s.kind === SK_REPORT || s.kind === SK_EVENT;
  if (want === SK_REPORT ? !uplink : s.kind !== want)
    return fail(E_WRONG_KIND, "service " + serviceId + " is a " + kindName(s.kind) + ", not a " + (want === SK_REPORT ? "report or event" : kindName(want)));
  const tasked = want !== SK_REPORT;
  if (tasked && !(taskId >= 0 && taskId <= 65535 && taskId === Math.floor(taskId))) return fail(E_RANGE, "taskId " + taskId + " outside 0..65535");
  if (typeof values !== "object" || values === null) return fail(E_TYPE, "values must be an object");
  const fields = s.fields;
  const hdr = tasked ? 7 : 5;
  let total = hdr;
  for (let i = 0; i < fields.length; i++) {
    const r = sizeOf(fields[i], values[fields[i].name]);
    if (typeof r !== "number") return r;
    total += r;
  }
  if (total > FRAME_MAX_BYTES) return fail(E_FRAME_TOO_BIG, "frame would be " + total + " bytes, at most " + FRAME_MAX_BYTES);
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  buf[0] = s.kind;
  dv.setUint16(1, s.id, false);
  if (tasked) dv.setUint16(3, taskId, false);
  dv.setUint16(hdr - 2, total - hdr, false);
  let pos = hdr;
  for (let i = 0; i < fields.length; i++) pos = writeField(dv, buf, pos, fields[i], values[fields[i].name]);
  return { hex: bytesToHex(buf), mode: serviceMode(s) };
}

/** Report (02) or event (07) frame: `kind | serviceId(2) | length(2) | params`. */
export function encodeUplink(profile: Profile, serviceId: number, values: InputValues): Encoded | CodecError {
  return encodeFrame(profile, serviceId, SK_REPORT, 0, values);
}

/** Command response frame: `86 | serviceId(2) | taskId(2) | length(2) | params`. */
export function encodeResponse(profile: Profile, serviceId: number, taskId: number, values: InputValues): Encoded | CodecError {
  return encodeFrame(profile, serviceId, SK_RESPONSE, taskId, values);
}

/** Command frame (06), as the platform sends it: for simulators, tests and the CLI. */
export function encodeCommand(profile: Profile, serviceId: number, taskId: number, values: InputValues): Encoded | CodecError {
  return encodeFrame(profile, serviceId, SK_COMMAND, taskId, values);
}

interface Frame {
  err?: undefined;
  kind: number;
  serviceId: number;
  taskId?: number;
  bytes: Uint8Array;
  start: number;
  length: number;
}

function failIds(err: number, msg: string, serviceId: number | undefined, taskId: number | undefined): CodecError {
  const e = fail(err, msg);
  if (serviceId !== undefined) e.serviceId = serviceId;
  if (taskId !== undefined) e.taskId = taskId;
  return e;
}

/** Checks hex and header; the declared length must match the bytes present exactly. */
function readFrame(hex: string): Frame | CodecError {
  if (typeof hex !== "string") return fail(E_TYPE, "hex must be a string");
  const n = hex.length;
  if (n > FRAME_MAX_BYTES * 2) return fail(E_FRAME_TOO_BIG, n + " hex characters, at most " + FRAME_MAX_BYTES * 2);
  if (n & 1) return fail(E_ODD_HEX, "odd hex length " + n);
  const bytes = new Uint8Array(n >> 1);
  if (hexToBytes(hex, bytes) < 0) {
    let i = 0;
    while (nibble(hex.charCodeAt(i)) >= 0) i++;
    return fail(E_NOT_HEX, "not hex at character " + i);
  }
  const len = bytes.length;
  if (len < 1) return fail(E_TRUNCATED, "empty frame");
  const kind = bytes[0];
  const type = kindName(kind);
  if (!type) return fail(E_UNKNOWN_TYPE, "type byte 0x" + bytesToHex(bytes, 0, 1) + " is not 02, 07, 06 or 86");
  const hdr = kind === SK_COMMAND || kind === SK_RESPONSE ? 7 : 5;
  const serviceId = len >= 3 ? (bytes[1] << 8) | bytes[2] : undefined;
  const taskId = hdr === 7 && len >= 5 ? (bytes[3] << 8) | bytes[4] : undefined;
  if (len < hdr) return failIds(E_TRUNCATED, type + " header needs " + hdr + " bytes, got " + len, serviceId, taskId);
  const declared = (bytes[hdr - 2] << 8) | bytes[hdr - 1];
  if (declared > len - hdr) return failIds(E_TRUNCATED, "length field says " + declared + " bytes, " + (len - hdr) + " present", serviceId, taskId);
  if (declared < len - hdr) return failIds(E_LENGTH, "length field says " + declared + " bytes, " + (len - hdr) + " present (trailing bytes)", serviceId, taskId);
  return { kind: kind, serviceId: serviceId as number, taskId: taskId, bytes: bytes, start: hdr, length: declared };
}

/** Reads one field at `pos` into `out`; returns the position after it, or an error. */
function readField(dv: DataView, bytes: Uint8Array, pos: number, end: number, f: FieldSpec, out: FieldValues): number | CodecError {
  const lim = limits(f);
  const t = f.type;
  const name = f.name + ": ";
  if (!lim) return fail(E_BAD_PROFILE, name + "bad type or len");
  if (t <= FT_DATE) {
    const size = NUM_SIZE[t];
    if (pos + size > end) return fail(E_LENGTH, name + "needs " + size + " bytes, " + (end - pos) + " left");
    const u = lim[0] >= 0;
    let v: number;
    if (t === FT_INT32) v = u ? dv.getUint32(pos, false) : dv.getInt32(pos, false);
    else if (t === FT_INT16) v = u ? dv.getUint16(pos, false) : dv.getInt16(pos, false);
    else if (t === FT_INT8) v = u ? bytes[pos] : dv.getInt8(pos);
    else if (t === FT_FLOAT32) v = dv.getFloat32(pos, false);
    else if (t === FT_DATE) v = dv.getInt32(pos, false) * TWO32 + dv.getUint32(pos + 4, false);
    else v = dv.getFloat64(pos, false);
    if (!isFinite(v)) return fail(E_RANGE, name + "not a finite number");
    if (v < lim[0] || v > lim[1]) return fail(E_RANGE, name + v + " outside " + lim[0] + ".." + lim[1]);
    out[f.name] = v;
    return pos + size;
  }
  const fixed = t === FT_STRING || t === FT_BYTES;
  let p = pos;
  let n = f.len as number;
  if (!fixed) {
    if (p + 2 > end) return fail(E_LENGTH, name + "needs a 2-byte length, " + (end - p) + " left");
    n = (bytes[p] << 8) | bytes[p + 1];
    p += 2;
  }
  if (p + n > end) return fail(E_LENGTH, name + "needs " + n + " bytes, " + (end - p) + " left");
  let m = n;
  if (t === FT_STRING) while (m > 0 && bytes[p + m - 1] === 0) m--;
  if (m > lim[1]) return fail(E_TOO_LONG, name + m + " bytes, at most " + lim[1]);
  if (m < lim[0]) return fail(E_RANGE, name + m + " bytes, at least " + lim[0]);
  if (t === FT_STRING || t === FT_VARSTRING) {
    let s = "";
    for (let i = 0; i < m; i++) s += String.fromCharCode(bytes[p + i]);
    out[f.name] = s;
  } else out[f.name] = bytesToHex(bytes, p, p + n);
  return p + n;
}

function decodeWith(profile: Profile, hex: string, want: number): DecodedFrame | CodecError {
  const h = readFrame(hex);
  if (h.err !== undefined) return h;
  const sid = h.serviceId;
  if (want && h.kind !== want) return failIds(E_WRONG_KIND, "a " + kindName(h.kind) + " frame, not a " + kindName(want), sid, h.taskId);
  const s = findService(profile, sid);
  if (!s) return failIds(E_UNKNOWN_SERVICE, "service " + sid + " not in the profile", sid, h.taskId);
  if (s.kind !== h.kind) return failIds(E_WRONG_KIND, "service " + sid + " is a " + kindName(s.kind) + ", frame says " + kindName(h.kind), sid, h.taskId);
  const values: FieldValues = {};
  const dv = new DataView(h.bytes.buffer);
  const end = h.start + h.length;
  let pos = h.start;
  for (let i = 0; i < s.fields.length; i++) {
    const r = readField(dv, h.bytes, pos, end, s.fields[i], values);
    if (typeof r !== "number") return failIds(r.err, r.msg, sid, h.taskId);
    pos = r;
  }
  if (pos !== end) return failIds(E_LENGTH, "length field says " + h.length + " bytes, fields use " + (pos - h.start), sid, h.taskId);
  const d: DecodedFrame = { kind: h.kind, serviceId: sid, service: s.name, values: values };
  if (h.taskId !== undefined) d.taskId = h.taskId;
  return d;
}

/** Any frame of a service the profile knows (02, 07, 06, 86), to values. */
export function decodeFrame(profile: Profile, hex: string): DecodedFrame | CodecError {
  return decodeWith(profile, hex, 0);
}

/** A downlink `+CTM2MRECV` payload: only 06 frames of a command service in the profile. */
export function decodeCommand(profile: Profile, hex: string): DecodedCommand | CodecError {
  return decodeWith(profile, hex, SK_COMMAND) as DecodedCommand | CodecError;
}

/** Header and payload of any well-formed frame, known service or not. */
export function decodeGeneric(hex: string): GenericFrame | CodecError {
  const h = readFrame(hex);
  if (h.err !== undefined) return h;
  const g: GenericFrame = { kind: h.kind, type: kindName(h.kind), serviceId: h.serviceId, length: h.length, payloadHex: bytesToHex(h.bytes, h.start) };
  if (h.taskId !== undefined) g.taskId = h.taskId;
  return g;
}

/**
 * Null when the profile is usable, else its first problem (E_BAD_PROFILE): ids 0..65535 and unique,
 * names unique, known kinds and field types, `len` on fixed fields, min/max within what the type holds
 * (an integer is unsigned only with min >= 0), and a smallest frame within FRAME_MAX_BYTES.
 */
export function checkProfile(profile: Profile): CodecError | null {
  const ss = profile.services;
  for (let i = 0; i < ss.length; i++) {
    const s = ss[i];
    const where = "service " + s.id + " " + s.name + ": ";
    if (!(s.id >= 0 && s.id <= 65535 && s.id === Math.floor(s.id))) return fail(E_BAD_PROFILE, where + "id outside 0..65535");
    for (let j = 0; j < i; j++) if (ss[j].id === s.id || ss[j].name === s.name) return fail(E_BAD_PROFILE, where + "duplicate id or name");
    if (!kindName(s.kind)) return fail(E_BAD_PROFILE, where + "unknown kind " + s.kind);
    if (s.mode !== undefined && s.mode !== 0 && s.mode !== 1) return fail(E_BAD_PROFILE, where + "mode must be 0 or 1");
    let size = s.kind === SK_COMMAND || s.kind === SK_RESPONSE ? 7 : 5;
    for (let k = 0; k < s.fields.length; k++) {
      const f = s.fields[k];
      const lim = limits(f);
      if (!lim) return fail(E_BAD_PROFILE, where + f.name + ": unknown type or bad len");
      for (let j = 0; j < k; j++) if (s.fields[j].name === f.name) return fail(E_BAD_PROFILE, where + f.name + ": duplicate field");
      // limits() clamps min/max to the type: a difference means the profile asks for the impossible.
      if ((f.min !== undefined && f.min !== lim[0]) || (f.max !== undefined && f.max !== lim[1]) || lim[0] > lim[1])
        return fail(E_BAD_PROFILE, where + f.name + ": min/max outside the type (min >= 0 makes an integer unsigned)");
      size += f.type <= FT_DATE ? NUM_SIZE[f.type] : f.type === FT_STRING || f.type === FT_BYTES ? (f.len as number) : 2 + lim[0];
    }
    if (size > FRAME_MAX_BYTES) return fail(E_BAD_PROFILE, where + "smallest frame is " + size + " bytes");
  }
  return null;
}
