// CTWing compact binary frames (../shared/protocol.md, last section): encode reports, events and command
// responses, decode commands, against a profile (profile.ts). Big-endian, uppercase hex. Pure functions
// that never throw: a result is the value or { err, msg } with a code from errors.ts. Nothing is
// allocated beyond FRAME_MAX_BYTES whatever a length field or a caller's value says. Written in few
// functions on purpose, because on the device each costs 5 JsVars plus one per parameter (its body
// nothing): encode, decode and util(), which does the small jobs (kind names, hex both ways, a field's
// limits) by an op code; errors are object literals, and checking and writing fields are encode's own
// two walks.

export { FRAME_MAX_BYTES, E_UNKNOWN_SERVICE, E_WRONG_KIND, E_MISSING, E_TYPE, E_RANGE, E_TOO_LONG, E_FRAME_TOO_BIG, E_TRUNCATED, E_LENGTH, E_ODD_HEX, E_NOT_HEX, E_UNKNOWN_TYPE, E_BAD_PROFILE, CODEC_ERR_NAMES, codecErrName } from "./errors";
import { FRAME_MAX_BYTES, E_UNKNOWN_SERVICE, E_WRONG_KIND, E_MISSING, E_TYPE, E_RANGE, E_TOO_LONG, E_FRAME_TOO_BIG, E_TRUNCATED, E_LENGTH, E_ODD_HEX, E_NOT_HEX, E_UNKNOWN_TYPE, E_BAD_PROFILE } from "./errors";
import { findService, FT_BYTES, FT_DATE, FT_FLOAT32, FT_FLOAT64, FT_INT16, FT_INT32, FT_INT8, FT_STRING, FT_VARBYTES, FT_VARSTRING, MODE_NON, SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE } from "./profile";
import type { FieldSpec, Profile, ServiceSpec } from "./profile";

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

const enum Num {
  TWO32 = 4294967296,
  FLOAT32_MAX = 3.4028234663852886e38,
  /** The JavaScript Date range; also keeps hi * 2^32 + lo exact. */
  DATE_MAX = 8.64e15,
}

/** What util() does. A const enum: the numbers are inlined and cost nothing at run time. */
const enum U {
  KIND_NAME,
  FROM_HEX,
  TO_HEX,
  LIMITS,
}

/** "report", "event", "command", "response", or "" for a byte that is no CTWing message type. */
function util(op: U.KIND_NAME, kind: number): string;
/**
 * Hex into `out` (the caller bounds the size), or only checked when `out` is undefined. Returns the
 * byte count, or a negative code: -E_ODD_HEX, -E_NOT_HEX, -E_FRAME_TOO_BIG (does not fit `out`).
 * Either case of hex digits.
 */
function util(op: U.FROM_HEX, hex: string, out: Uint8Array | undefined): number;
/** Uppercase hex of bytes[start..end). */
function util(op: U.TO_HEX, bytes: Uint8Array, start: number, end: number): string;
/**
 * [lo, hi] of a field: the value range for numbers, the byte-length range for strings and bytes;
 * null when the field type or `len` is invalid. An integer with min >= 0 is unsigned (lo >= 0).
 */
function util(op: U.LIMITS, f: FieldSpec): number[] | null;
/**
 * The codec's four small jobs in one function, chosen by `op` (the overloads above say what each
 * takes): on the device every function costs 5 JsVars plus one per parameter, its body nothing, so one
 * function with a switch is cheaper than four.
 */
function util(op: U, a: any, b?: any, c?: any): any {
  if (op === U.KIND_NAME) return a === SK_REPORT ? "report" : a === SK_EVENT ? "event" : a === SK_COMMAND ? "command" : a === SK_RESPONSE ? "response" : "";
  if (op === U.FROM_HEX) {
    const hex: string = a;
    const out: Uint8Array | undefined = b;
    const n = hex.length;
    if (n & 1) return -E_ODD_HEX;
    if (out && n / 2 > out.length) return -E_FRAME_TOO_BIG;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const ch = hex.charCodeAt(i);
      const d = ch >= 48 && ch <= 57 ? ch - 48 : ch >= 65 && ch <= 70 ? ch - 55 : ch >= 97 && ch <= 102 ? ch - 87 : -1;
      if (d < 0) return -E_NOT_HEX;
      v = (v << 4) | d;
      if (out && i & 1) out[i >> 1] = v & 255;
    }
    return n >> 1;
  }
  if (op === U.TO_HEX) {
    const digits = "0123456789ABCDEF";
    let s = "";
    for (let i = b; i < c; i++) s += digits.charAt(a[i] >> 4) + digits.charAt(a[i] & 15);
    return s;
  }
  const f: FieldSpec = a;
  const t = f.type;
  let lo: number;
  let hi: number;
  if (t >= FT_INT32 && t <= FT_INT8) {
    // 2^(bits-1), as literals: the device's Math.pow(2, 15) is not exactly 32768.
    const half = t === FT_INT32 ? 2147483648 : t === FT_INT16 ? 32768 : 128;
    const unsigned = f.min !== undefined && f.min >= 0;
    lo = unsigned ? 0 : -half;
    const top = unsigned ? 2 * half - 1 : half - 1;
    hi = f.max === undefined ? half - 1 : f.max < top ? f.max : top;
    if (f.min !== undefined && f.min > lo) lo = f.min;
    return [lo, hi];
  }
  if (t === FT_FLOAT32 || t === FT_FLOAT64 || t === FT_DATE) {
    hi = t === FT_FLOAT32 ? Num.FLOAT32_MAX : t === FT_DATE ? Num.DATE_MAX : Number.MAX_VALUE;
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

// The same jobs by name, for desktop code (tests, build/codec-cli.ts): the device calls util().

/**
 * Hex into `out` (the caller bounds the size). Returns the byte count, or a negative code:
 * -E_ODD_HEX, -E_NOT_HEX, -E_FRAME_TOO_BIG (does not fit `out`). Either case of hex digits.
 */
export function hexToBytes(hex: string, out: Uint8Array): number {
  return util(U.FROM_HEX, hex, out);
}

/** Uppercase hex of bytes[start..end) (whole array by default). */
export function bytesToHex(bytes: Uint8Array, start?: number, end?: number): string {
  return util(U.TO_HEX, bytes, start === undefined ? 0 : start, end === undefined ? bytes.length : end);
}

/** "report", "event", "command", "response", or "" for a byte that is no CTWing message type. */
export function kindName(kind: number): string {
  return util(U.KIND_NAME, kind);
}

/**
 * Encode a frame of kind `want` (SK_REPORT: a report or an event; SK_RESPONSE; SK_COMMAND) for
 * service `serviceId` with `values`: `kind | serviceId(2) [| taskId(2)] | length(2) | params`.
 */
export function encode(profile: Profile, serviceId: number, want: number, taskId: number, values: InputValues): Encoded | CodecError {
  const s = typeof serviceId === "number" ? findService(profile, serviceId) : undefined;
  if (!s) return { err: E_UNKNOWN_SERVICE, msg: "service " + serviceId + " not in the profile" };
  const uplink = s.kind === SK_REPORT || s.kind === SK_EVENT;
  if (want === SK_REPORT ? !uplink : s.kind !== want)
    return { err: E_WRONG_KIND, msg: "service " + serviceId + " is a " + util(U.KIND_NAME, s.kind) + ", not a " + (want === SK_REPORT ? "report or event" : util(U.KIND_NAME, want)) };
  const tasked = want !== SK_REPORT;
  if (tasked && !(taskId >= 0 && taskId <= 65535 && taskId === Math.floor(taskId))) return { err: E_RANGE, msg: "taskId " + taskId + " outside 0..65535" };
  if (typeof values !== "object" || values === null) return { err: E_TYPE, msg: "values must be an object" };
  const fields = s.fields;
  const hdr = tasked ? 7 : 5;
  // Two walks of the fields, one code (not a per-field function: RAM on the device). The first checks
  // every value and adds up the frame's size; the second, with `dv`, writes them (fixed fields stay
  // 0x00-padded).
  let buf: Uint8Array | undefined;
  let dv: DataView | undefined;
  let pos = hdr;
  for (;;) {
    pos = hdr;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const v: any = values[f.name];
      const lim = util(U.LIMITS, f);
      const t = f.type;
      const name = f.name + ": ";
      if (!lim) return { err: E_BAD_PROFILE, msg: name + "bad type or len" };
      if (v === undefined || v === null) return { err: E_MISSING, msg: name + "missing" };
      if (t <= FT_DATE) {
        if (typeof v !== "number" || !isFinite(v)) return { err: E_TYPE, msg: name + "not a finite number" };
        if (t !== FT_FLOAT32 && t !== FT_FLOAT64 && v !== Math.floor(v)) return { err: E_TYPE, msg: name + "not an integer" };
        if (v < lim[0] || v > lim[1]) return { err: E_RANGE, msg: name + v + " outside " + lim[0] + ".." + lim[1] };
        if (dv) {
          if (t === FT_INT32) {
            if (v < 0) dv.setInt32(pos, v, false);
            else dv.setUint32(pos, v, false);
          } else if (t === FT_INT16) {
            if (v < 0) dv.setInt16(pos, v, false);
            else dv.setUint16(pos, v, false);
          } else if (t === FT_INT8) dv.setUint8(pos, v & 255);
          else if (t === FT_FLOAT32) dv.setFloat32(pos, v, false);
          else if (t === FT_DATE) {
            // No BigInt on the device: two 32-bit halves, exact below 2^53.
            const hi = Math.floor(v / Num.TWO32);
            dv.setInt32(pos, hi, false);
            dv.setUint32(pos + 4, v - hi * Num.TWO32, false);
          } else dv.setFloat64(pos, v, false);
        }
        pos += t === FT_INT16 ? 2 : t === FT_INT8 ? 1 : t === FT_FLOAT64 || t === FT_DATE ? 8 : 4;
        continue;
      }
      const text = t === FT_STRING || t === FT_VARSTRING;
      const fixed = t === FT_STRING || t === FT_BYTES;
      let n: number;
      if (typeof v === "string" && !text && v.length & 1) return { err: E_TYPE, msg: name + "bytes must be even-length hex" };
      if (typeof v === "string") n = text ? v.length : v.length / 2;
      else if (!text && v instanceof Uint8Array) n = v.length;
      else return { err: E_TYPE, msg: name + (text ? "not a string" : "not hex or Uint8Array") };
      if (n > lim[1]) return { err: E_TOO_LONG, msg: name + n + " bytes, at most " + lim[1] };
      if (n < lim[0]) return { err: E_RANGE, msg: name + n + " bytes, at least " + lim[0] };
      // Content checks after the length check: an oversized value is refused without being walked.
      let p = pos;
      if (dv && !fixed) {
        dv.setUint16(p, n, false);
        p += 2;
      }
      if (typeof v !== "string") {
        if (dv) for (let k = 0; k < n; k++) dv.setUint8(p + k, v[k]);
      } else if (text) {
        for (let k = 0; k < n; k++) {
          const c = v.charCodeAt(k);
          if (c > 255) return { err: E_TYPE, msg: name + "character above 0xFF (pass UTF-8 bytes)" };
          if (dv) dv.setUint8(p + k, c);
        }
      } else if ((dv || n <= FRAME_MAX_BYTES) && util(U.FROM_HEX, v, dv ? new Uint8Array(dv.buffer, p, n) : undefined) < 0) return { err: E_TYPE, msg: name + "bytes must be even-length hex" };
      // (Bytes that cannot fit a frame are not checked or copied: the frame is refused by its size.)
      pos += fixed ? (f.len as number) : n + 2;
    }
    if (buf) return { hex: util(U.TO_HEX, buf, 0, buf.length), mode: s.mode === MODE_NON ? MODE_NON : 0 };
    if (pos > FRAME_MAX_BYTES) return { err: E_FRAME_TOO_BIG, msg: "frame would be " + pos + " bytes, at most " + FRAME_MAX_BYTES };
    buf = new Uint8Array(pos);
    dv = new DataView(buf.buffer);
    buf[0] = s.kind;
    dv.setUint16(1, s.id, false);
    if (tasked) dv.setUint16(3, taskId, false);
    dv.setUint16(hdr - 2, pos - hdr, false);
  }
}

/** Report (02) or event (07) frame: `kind | serviceId(2) | length(2) | params`. */
export function encodeUplink(profile: Profile, serviceId: number, values: InputValues): Encoded | CodecError {
  return encode(profile, serviceId, SK_REPORT, 0, values);
}

/** Command response frame: `86 | serviceId(2) | taskId(2) | length(2) | params`. */
export function encodeResponse(profile: Profile, serviceId: number, taskId: number, values: InputValues): Encoded | CodecError {
  return encode(profile, serviceId, SK_RESPONSE, taskId, values);
}

/** Command frame (06), as the platform sends it: for simulators, tests and the CLI. */
export function encodeCommand(profile: Profile, serviceId: number, taskId: number, values: InputValues): Encoded | CodecError {
  return encode(profile, serviceId, SK_COMMAND, taskId, values);
}

/**
 * Decode a frame: `want` SK_COMMAND (a downlink: only 06 frames of a command service in the profile), 0
 * (any frame of a service the profile knows), or -1 (header and payload of any well-formed frame,
 * known service or not: a GenericFrame). The declared length must match the bytes present exactly.
 */
export function decode(profile: Profile | undefined, hex: string, want: number): DecodedFrame | GenericFrame | CodecError {
  if (typeof hex !== "string") return { err: E_TYPE, msg: "hex must be a string" };
  const n = hex.length;
  if (n > FRAME_MAX_BYTES * 2) return { err: E_FRAME_TOO_BIG, msg: n + " hex characters, at most " + FRAME_MAX_BYTES * 2 };
  if (n & 1) return { err: E_ODD_HEX, msg: "odd hex length " + n };
  const bytes = new Uint8Array(n >> 1);
  if (util(U.FROM_HEX, hex, bytes) < 0) {
    let i = 0;
    for (; i < n; i++) {
      const c = hex.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) break;
    }
    return { err: E_NOT_HEX, msg: "not hex at character " + i };
  }
  const len = bytes.length;
  if (len < 1) return { err: E_TRUNCATED, msg: "empty frame" };
  const kind = bytes[0];
  const type = util(U.KIND_NAME, kind);
  if (!type) return { err: E_UNKNOWN_TYPE, msg: "type byte 0x" + util(U.TO_HEX, bytes, 0, 1) + " is not 02, 07, 06 or 86" };
  const hdr = kind === SK_COMMAND || kind === SK_RESPONSE ? 7 : 5;
  const sid = len >= 3 ? (bytes[1] << 8) | bytes[2] : undefined;
  const tid = hdr === 7 && len >= 5 ? (bytes[3] << 8) | bytes[4] : undefined;
  // From here on an error carries the ids read so far, set once at the end: the caller can still answer
  // the task. (One exit instead of an error-making function: RAM on the device.)
  const declared = len < hdr ? -1 : (bytes[hdr - 2] << 8) | bytes[hdr - 1];
  let e: CodecError | undefined;
  let s: ServiceSpec | undefined;
  if (declared < 0) e = { err: E_TRUNCATED, msg: type + " header needs " + hdr + " bytes, got " + len };
  else if (declared > len - hdr) e = { err: E_TRUNCATED, msg: "length field says " + declared + " bytes, " + (len - hdr) + " present" };
  else if (declared < len - hdr) e = { err: E_LENGTH, msg: "length field says " + declared + " bytes, " + (len - hdr) + " present (trailing bytes)" };
  else if (want < 0 || !profile) {
    const g: GenericFrame = { kind: kind, type: type, serviceId: sid as number, length: declared, payloadHex: util(U.TO_HEX, bytes, hdr, len) };
    if (tid !== undefined) g.taskId = tid;
    return g;
  } else if (want && kind !== want) e = { err: E_WRONG_KIND, msg: "a " + type + " frame, not a " + util(U.KIND_NAME, want) };
  else if (!(s = findService(profile, sid as number))) e = { err: E_UNKNOWN_SERVICE, msg: "service " + sid + " not in the profile" };
  else if (s.kind !== kind) e = { err: E_WRONG_KIND, msg: "service " + sid + " is a " + util(U.KIND_NAME, s.kind) + ", frame says " + type };
  else {
    const values: FieldValues = {};
    const dv = new DataView(bytes.buffer);
    const end = hdr + declared;
    let pos = hdr;
    for (let i = 0; i < s.fields.length; i++) {
      // One field at `pos`: range-checked like an encoded value.
      const f = s.fields[i];
      const lim = util(U.LIMITS, f);
      const t = f.type;
      const name = f.name + ": ";
      if (!lim) {
        e = { err: E_BAD_PROFILE, msg: name + "bad type or len" };
        break;
      }
      if (t <= FT_DATE) {
        const size = t === FT_INT16 ? 2 : t === FT_INT8 ? 1 : t === FT_FLOAT64 || t === FT_DATE ? 8 : 4;
        if (pos + size > end) {
          e = { err: E_LENGTH, msg: name + "needs " + size + " bytes, " + (end - pos) + " left" };
          break;
        }
        const u = lim[0] >= 0;
        let v: number;
        if (t === FT_INT32) v = u ? dv.getUint32(pos, false) : dv.getInt32(pos, false);
        else if (t === FT_INT16) v = u ? dv.getUint16(pos, false) : dv.getInt16(pos, false);
        else if (t === FT_INT8) v = u ? bytes[pos] : dv.getInt8(pos);
        else if (t === FT_FLOAT32) v = dv.getFloat32(pos, false);
        else if (t === FT_DATE) v = dv.getInt32(pos, false) * Num.TWO32 + dv.getUint32(pos + 4, false);
        else v = dv.getFloat64(pos, false);
        if (!isFinite(v)) e = { err: E_RANGE, msg: name + "not a finite number" };
        else if (v < lim[0] || v > lim[1]) e = { err: E_RANGE, msg: name + v + " outside " + lim[0] + ".." + lim[1] };
        if (e) break;
        values[f.name] = v;
        pos += size;
        continue;
      }
      const fixed = t === FT_STRING || t === FT_BYTES;
      let p = pos;
      let fl = f.len as number;
      if (!fixed) {
        if (p + 2 > end) {
          e = { err: E_LENGTH, msg: name + "needs a 2-byte length, " + (end - p) + " left" };
          break;
        }
        fl = (bytes[p] << 8) | bytes[p + 1];
        p += 2;
      }
      if (p + fl > end) {
        e = { err: E_LENGTH, msg: name + "needs " + fl + " bytes, " + (end - p) + " left" };
        break;
      }
      let m = fl;
      if (t === FT_STRING) while (m > 0 && bytes[p + m - 1] === 0) m--;
      if (m > lim[1]) e = { err: E_TOO_LONG, msg: name + m + " bytes, at most " + lim[1] };
      else if (m < lim[0]) e = { err: E_RANGE, msg: name + m + " bytes, at least " + lim[0] };
      if (e) break;
      if (t === FT_STRING || t === FT_VARSTRING) {
        let str = "";
        for (let k = 0; k < m; k++) str += String.fromCharCode(bytes[p + k]);
        values[f.name] = str;
      } else values[f.name] = util(U.TO_HEX, bytes, p, p + fl);
      pos = p + fl;
    }
    if (!e && pos !== end) e = { err: E_LENGTH, msg: "length field says " + declared + " bytes, fields use " + (pos - hdr) };
    if (!e) {
      const d: DecodedFrame = { kind: kind, serviceId: sid as number, service: s.name, values: values };
      if (tid !== undefined) d.taskId = tid;
      return d;
    }
  }
  const r = e as CodecError;
  if (sid !== undefined) r.serviceId = sid;
  if (tid !== undefined) r.taskId = tid;
  return r;
}

/** Any frame of a service the profile knows (02, 07, 06, 86), to values. */
export function decodeFrame(profile: Profile, hex: string): DecodedFrame | CodecError {
  return decode(profile, hex, 0) as DecodedFrame | CodecError;
}

/** A downlink `+CTM2MRECV` payload: only 06 frames of a command service in the profile. */
export function decodeCommand(profile: Profile, hex: string): DecodedCommand | CodecError {
  return decode(profile, hex, SK_COMMAND) as DecodedCommand | CodecError;
}

/** Header and payload of any well-formed frame, known service or not. */
export function decodeGeneric(hex: string): GenericFrame | CodecError {
  return decode(undefined, hex, -1) as GenericFrame | CodecError;
}

/**
 * Null when the profile is usable, else its first problem (E_BAD_PROFILE): ids 0..65535 and unique,
 * names unique, known kinds and field types, `len` on fixed fields, min/max within what the type holds
 * (an integer is unsigned only with min >= 0), and a smallest frame within FRAME_MAX_BYTES. Desktop.
 */
export function checkProfile(profile: Profile): CodecError | null {
  const ss = profile.services;
  for (let i = 0; i < ss.length; i++) {
    const s = ss[i];
    const where = "service " + s.id + " " + s.name + ": ";
    const bad = (why: string): CodecError => ({ err: E_BAD_PROFILE, msg: where + why });
    if (!(s.id >= 0 && s.id <= 65535 && s.id === Math.floor(s.id))) return bad("id outside 0..65535");
    for (let j = 0; j < i; j++) if (ss[j].id === s.id || ss[j].name === s.name) return bad("duplicate id or name");
    if (!util(U.KIND_NAME, s.kind)) return bad("unknown kind " + s.kind);
    if (s.mode !== undefined && s.mode !== 0 && s.mode !== 1) return bad("mode must be 0 or 1");
    let size = s.kind === SK_COMMAND || s.kind === SK_RESPONSE ? 7 : 5;
    for (let k = 0; k < s.fields.length; k++) {
      const f = s.fields[k];
      const lim = util(U.LIMITS, f);
      if (!lim) return bad(f.name + ": unknown type or bad len");
      for (let j = 0; j < k; j++) if (s.fields[j].name === f.name) return bad(f.name + ": duplicate field");
      // util(U.LIMITS) clamps min/max to the type: a difference means the profile asks for the impossible.
      if ((f.min !== undefined && f.min !== lim[0]) || (f.max !== undefined && f.max !== lim[1]) || lim[0] > lim[1])
        return bad(f.name + ": min/max outside the type (min >= 0 makes an integer unsigned)");
      const t = f.type;
      size += t <= FT_DATE ? (t === FT_INT16 ? 2 : t === FT_INT8 ? 1 : t === FT_FLOAT64 || t === FT_DATE ? 8 : 4) : f.type === FT_STRING || f.type === FT_BYTES ? (f.len as number) : 2 + lim[0];
    }
    if (size > FRAME_MAX_BYTES) return bad("smallest frame is " + size + " bytes");
  }
  return null;
}
