// `npm run codec -- decode <hex>` | `encode <service> <json> [taskId]` | `profile [--json]` | `fuzz [cases]
// [seed]`: CTWing frames against the sample application's profile (firmware/profile.ts), for people
// debugging payloads and setting up the product's thing model on the CTWing console. A frame of a service
// the profile does not know (the note's own examples, 8001/8002) is decoded generically. fuzzCodec() is
// also what the test suite and a long fuzz run call. Helpers live here, not in lib/aep/codec.ts: every
// function there costs the device RAM.

import {
  checkProfile, codecErrName, decodeCommand, decodeFrame, decodeGeneric, encodeCommand, encodeResponse, encodeUplink,
  hexToBytes, kindName, CODEC_ERR_NAMES, E_UNKNOWN_SERVICE, FRAME_MAX_BYTES,
} from "../lib/aep/codec";
import type { CodecError, FieldValues, GenericFrame } from "../lib/aep/codec";
import {
  findService, FT_BYTES, FT_DATE, FT_FLOAT32, FT_FLOAT64, FT_INT16, FT_INT32, FT_INT8, FT_STRING,
  FT_VARBYTES, FT_VARSTRING, MODE_NON, SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE,
} from "../lib/aep/profile";
import type { FieldSpec, Profile, ServiceSpec } from "../lib/aep/profile";
import { APP_PROFILE, RSP_COMMAND_ERROR } from "../firmware/profile";
import { Rng } from "../test/sim/rng";
import { isMain } from "./paths";

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

const USAGE = [
  "usage: npm run codec -- decode <hex>",
  "       npm run codec -- encode <service id|name> '<json values>' [taskId]",
  "       npm run codec -- profile [--json]",
  "       npm run codec -- fuzz [cases] [seed]",
].join("\n");

const isText = (f: FieldSpec) => f.type === FT_STRING || f.type === FT_VARSTRING;

/** The codec works on byte strings (as the device does); people type and read UTF-8. */
function toDisplay(s: ServiceSpec, values: FieldValues): FieldValues {
  const out: FieldValues = {};
  for (const f of s.fields) {
    const v = values[f.name];
    if (isText(f) && typeof v === "string") {
      const utf8 = Buffer.from(v, "latin1").toString("utf8");
      out[f.name] = Buffer.from(utf8, "utf8").toString("latin1") === v ? utf8 : v;
    } else out[f.name] = v;
  }
  return out;
}

/** Accepts pasted log lines too: `+CTM2MRECV: 06...`, `AT+CTM2MSEND=02...,0`, spaces between bytes. */
function cleanHex(s: string): string {
  let h = s.replace(/\s+/g, "");
  for (const p of ["+CTM2MRECV:", "AT+CTM2MSEND="]) if (h.toUpperCase().startsWith(p)) h = h.slice(p.length);
  return h.replace(/,[01]$/, "");
}

function errText(what: string, e: CodecError): string {
  const ids = e.serviceId === undefined ? "" : " [service " + e.serviceId + (e.taskId === undefined ? "" : ", task " + e.taskId) + "]";
  return what + " failed: " + codecErrName(e.err) + " (" + e.err + "): " + e.msg + ids;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
/** The bytes as text when every one is printable ASCII (and there is at least one). */
function printable(hex: string): string | undefined {
  const b = Buffer.from(hex, "hex");
  return b.length > 0 && b.every((c) => c >= 0x20 && c <= 0x7e) ? b.toString("latin1") : undefined;
}

/**
 * A frame as its header has it, for a service the profile does not describe: type, ids (decimal and
 * as the frame's hex), the length field, the payload bytes, and when the payload is exactly one
 * 2-byte length followed by that many bytes (a varchar/binary value alone, as in the note's 8002
 * example), that inner length and its bytes.
 */
function genericView(g: GenericFrame): Record<string, unknown> {
  const o: Record<string, unknown> = { type: g.type, typeByte: hex2(g.kind), serviceId: g.serviceId, serviceIdHex: hex4(g.serviceId) };
  if (g.taskId !== undefined) {
    o.taskId = g.taskId;
    o.taskIdHex = hex4(g.taskId);
  }
  o.length = g.length;
  o.payloadHex = g.payloadHex;
  const text = printable(g.payloadHex);
  if (text !== undefined) o.payloadText = text;
  if (g.length >= 2) {
    const inner = parseInt(g.payloadHex.substring(0, 4), 16);
    if (2 + inner === g.length) {
      o.innerLength = inner;
      o.innerHex = g.payloadHex.substring(4);
      const t = printable(o.innerHex as string);
      if (t !== undefined) o.innerText = t;
    }
  }
  return o;
}

function decode(hexArg: string): CliResult {
  const hex = cleanHex(hexArg);
  const d = decodeFrame(APP_PROFILE, hex);
  if (d.err === undefined) {
    const s = findService(APP_PROFILE, d.serviceId) as ServiceSpec;
    const o: Record<string, unknown> = { type: kindName(d.kind), serviceId: d.serviceId, service: d.service };
    if (d.taskId !== undefined) o.taskId = d.taskId;
    o.values = toDisplay(s, d.values);
    return { code: 0, out: JSON.stringify(o, null, 2) + "\n", err: "" };
  }
  const g = decodeGeneric(hex);
  if (d.err !== E_UNKNOWN_SERVICE) {
    // The frame may still be well-formed (a profile mismatch): show its raw parts to help.
    const raw = g.err === undefined ? "frame: " + JSON.stringify(genericView(g)) + "\n" : "";
    return { code: 1, out: "", err: errText("decode", d) + "\n" + raw };
  }
  if (g.err !== undefined) return { code: 1, out: "", err: errText("decode", g) + "\n" };
  return { code: 0, out: JSON.stringify(genericView(g), null, 2) + "\n", err: "service " + g.serviceId + " is not in firmware/profile.ts: decoded generically\n" };
}

// ---- the profile as the CTWing console wants it ------------------------------------------------------

const TYPE_NAMES: Record<number, string> = {
  [FT_INT32]: "int", [FT_INT16]: "short", [FT_INT8]: "byte", [FT_FLOAT32]: "float", [FT_FLOAT64]: "double", [FT_DATE]: "date",
  [FT_STRING]: "string", [FT_BYTES]: "bytes", [FT_VARSTRING]: "varchar", [FT_VARBYTES]: "varbytes",
};
const NUM_BYTES: Record<number, number> = { [FT_INT32]: 4, [FT_INT16]: 2, [FT_INT8]: 1, [FT_FLOAT32]: 4, [FT_FLOAT64]: 8, [FT_DATE]: 8 };

export interface FieldView {
  name: string;
  type: string;
  /** Bytes in the frame: fixed for numbers and fixed strings/bytes; for varchar/varbytes the 2-byte length plus minLength..maxLength. */
  bytes: number | { lengthPrefix: 2; minLength: number; maxLength: number };
  /** Value range of a number (integers always; floats and dates only when the profile bounds them). */
  min?: number;
  max?: number;
  /** Byte-length range of a fixed string or bytes (shorter values are 0x00-padded). */
  minLength?: number;
  maxLength?: number;
}
export interface ServiceView {
  id: number;
  name: string;
  kind: string;
  typeByte: string;
  /** Uplinks: how the device sends it (AT+CTM2MSEND mode). */
  mode?: "CON" | "NON";
  /** A command: the response service that answers it. */
  response?: number;
  /** A response: the commands it answers (the error response: every command that has no answer of its own). */
  answers?: number[] | "any";
  frameBytes: { min: number; max: number };
  fields: FieldView[];
}

/** One field as the console needs it, with the limits the codec enforces (lib/aep/codec.ts util(U.LIMITS)). */
function fieldView(f: FieldSpec): FieldView {
  const v: FieldView = { name: f.name, type: TYPE_NAMES[f.type] ?? "type-" + f.type, bytes: 0 };
  const t = f.type;
  if (t === FT_INT32 || t === FT_INT16 || t === FT_INT8) {
    const half = t === FT_INT32 ? 2147483648 : t === FT_INT16 ? 32768 : 128;
    const unsigned = f.min !== undefined && f.min >= 0;
    v.bytes = NUM_BYTES[t];
    v.min = Math.max(unsigned ? 0 : -half, f.min ?? -Infinity);
    v.max = f.max === undefined ? half - 1 : Math.min(f.max, unsigned ? 2 * half - 1 : half - 1);
  } else if (t in NUM_BYTES) {
    v.bytes = NUM_BYTES[t];
    if (f.min !== undefined) v.min = f.min;
    if (f.max !== undefined) v.max = f.max;
  } else if (t === FT_STRING || t === FT_BYTES) {
    v.bytes = f.len ?? 0;
    v.minLength = f.min ?? 0;
    v.maxLength = Math.min(f.max ?? Infinity, f.len ?? 0);
  } else v.bytes = { lengthPrefix: 2, minLength: f.min ?? 0, maxLength: Math.min(f.max ?? 65535, 65535) };
  return v;
}

/** The profile's services as the CTWing console defines them (what `profile --json` prints). */
export function profileView(profile: Profile, errorServiceId: number): ServiceView[] {
  return profile.services.map((s) => {
    const tasked = s.kind === SK_COMMAND || s.kind === SK_RESPONSE;
    const fields = s.fields.map(fieldView);
    let min = tasked ? 7 : 5;
    let max = min;
    for (const f of fields) {
      if (typeof f.bytes === "number") {
        min += f.bytes;
        max += f.bytes;
      } else {
        min += 2 + f.bytes.minLength;
        max += 2 + f.bytes.maxLength;
      }
    }
    // Built in this order so the JSON reads top-down: who it is, how it pairs, its size, its fields.
    const v = { id: s.id, name: s.name, kind: kindName(s.kind), typeByte: hex2(s.kind) } as ServiceView;
    if (s.kind === SK_REPORT || s.kind === SK_EVENT) v.mode = s.mode === MODE_NON ? "NON" : "CON";
    if (s.kind === SK_COMMAND && s.response !== undefined) v.response = s.response;
    if (s.kind === SK_RESPONSE) {
      if (s.id === errorServiceId) v.answers = "any";
      else v.answers = profile.services.filter((c) => c.kind === SK_COMMAND && c.response === s.id).map((c) => c.id);
    }
    v.frameBytes = { min, max: Math.min(max, FRAME_MAX_BYTES) };
    v.fields = fields;
    return v;
  });
}

function bytesText(f: FieldView): string {
  return typeof f.bytes === "number" ? String(f.bytes) : "2+" + f.bytes.minLength + ".." + f.bytes.maxLength;
}
function rangeText(f: FieldView): string {
  if (f.min !== undefined || f.max !== undefined) return (f.min ?? "") + ".." + (f.max ?? "");
  if (f.maxLength !== undefined) return "length " + f.minLength + ".." + f.maxLength + " (0x00-padded)";
  if (typeof f.bytes !== "number") return "length " + f.bytes.minLength + ".." + f.bytes.maxLength;
  return f.type === "date" ? "ms since 1970" : "any";
}

/** The table a user types into the CTWing console (`profile`): one row per field, in frame order. */
export function profileTable(profile: Profile, errorServiceId: number): string {
  const rows: string[][] = [["service id", "name", "kind", "pairs with", "frame bytes", "field", "type", "bytes", "range"]];
  for (const s of profileView(profile, errorServiceId)) {
    const pair = s.response !== undefined ? "response " + s.response : s.answers === "any" ? "any command (errors)" : s.answers !== undefined ? "answers " + (s.answers.length ? s.answers.join(", ") : "nothing") : "";
    const frame = s.frameBytes.min === s.frameBytes.max ? String(s.frameBytes.min) : s.frameBytes.min + ".." + s.frameBytes.max;
    const head = [String(s.id), s.name, s.kind + " (" + s.typeByte + ")", pair, frame];
    if (s.fields.length === 0) rows.push([...head, "(no fields)", "", "", ""]);
    s.fields.forEach((f, i) => rows.push([...(i === 0 ? head : ["", "", "", "", ""]), f.name, f.type, bytesText(f), rangeText(f)]));
  }
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((x, c) => x.padEnd(w[c])).join("  ").trimEnd();
  return [
    "CTWing thing model of firmware/profile.ts: on the console, define each service with this id, kind and",
    "fields in this order (payload format: compact binary, big-endian).",
    "",
    line(rows[0]),
    line(w.map((n) => "-".repeat(n))),
    ...rows.slice(1).map(line),
    "",
    "types: int 4 bytes, short 2, byte 1 (also enum/bool), float 4 (IEEE-754), double 8, date 8 (ms since 1970),",
    "string/bytes fixed length (0x00-padded), varchar/varbytes a 2-byte length then the bytes.",
    "integers with a range from 0 are unsigned. frame bytes include the header (5, or 7 with a task id).",
    "",
  ].join("\n");
}

function profileCmd(json: boolean): CliResult {
  if (json) return { code: 0, out: JSON.stringify({ format: "CTWing compact binary, big-endian", services: profileView(APP_PROFILE, RSP_COMMAND_ERROR) }, null, 2) + "\n", err: "" };
  return { code: 0, out: profileTable(APP_PROFILE, RSP_COMMAND_ERROR), err: "" };
}

function parseId(s: string): number {
  return /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : NaN;
}

function encode(service: string, json: string, task: string | undefined): CliResult {
  const id = parseId(service);
  const s = findService(APP_PROFILE, isNaN(id) ? service : id);
  if (!s) {
    const known = APP_PROFILE.services.map((x) => x.id + " " + x.name).join(", ");
    return { code: 1, out: "", err: "unknown service " + JSON.stringify(service) + "; known: " + known + "\n" };
  }
  let values: unknown;
  try {
    values = JSON.parse(json);
  } catch (e) {
    return { code: 1, out: "", err: "values are not valid JSON: " + (e as Error).message + "\n" };
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) return { code: 1, out: "", err: "values must be a JSON object\n" };
  const input: Record<string, unknown> = Object.assign({}, values as Record<string, unknown>);
  for (const f of s.fields) if (isText(f) && typeof input[f.name] === "string") input[f.name] = Buffer.from(input[f.name] as string, "utf8").toString("latin1");
  const taskId = task === undefined ? 0 : parseId(task);
  if ((s.kind === SK_COMMAND || s.kind === SK_RESPONSE) && isNaN(taskId)) return { code: 1, out: "", err: "taskId must be a number\n" };
  const r =
    s.kind === SK_COMMAND ? encodeCommand(APP_PROFILE, s.id, taskId, input)
    : s.kind === SK_RESPONSE ? encodeResponse(APP_PROFILE, s.id, taskId, input)
    : encodeUplink(APP_PROFILE, s.id, input);
  if (r.err !== undefined) return { code: 1, out: "", err: errText("encode", r) + "\n" };
  return { code: 0, out: r.hex + "\n", err: "" };
}

/** Runs the CLI on its arguments (after `--`); the process wrapper below only prints and exits. */
export function runCodecCli(args: string[]): CliResult {
  const cmd = args[0];
  if (cmd === "decode" && args.length === 2) return decode(args[1]);
  if (cmd === "encode" && (args.length === 3 || args.length === 4)) return encode(args[1], args[2], args[3]);
  if (cmd === "profile" && (args.length === 1 || (args.length === 2 && args[1] === "--json"))) return profileCmd(args.length === 2);
  if (cmd === "fuzz" && args.length <= 3) {
    const r = fuzzCodec(args[1] ? Number(args[1]) : 100000, args[2] ? Number(args[2]) : 1);
    return { code: r.failures.length ? 1 : 0, out: JSON.stringify(r, null, 2) + "\n", err: "" };
  }
  return { code: 1, out: "", err: USAGE + "\n" };
}

// ---- fuzzing: random, mutated and truncated frames must never throw, and what decodes must re-encode
// to the very same hex (the codec is canonical), against a profile holding every field type.

/** Every field type, as command services (06, decoded by decodeCommand) and one report. */
export const ALL_TYPES_PROFILE: Profile = {
  services: [
    {
      id: 0x0101, name: "numbers", kind: SK_COMMAND,
      fields: [
        { name: "i32", type: FT_INT32 }, { name: "u32", type: FT_INT32, min: 0, max: 4294967295 },
        { name: "i16", type: FT_INT16 }, { name: "u16", type: FT_INT16, min: 0, max: 65535 },
        { name: "i8", type: FT_INT8 }, { name: "u8", type: FT_INT8, min: 0, max: 255 },
        { name: "f32", type: FT_FLOAT32 }, { name: "f64", type: FT_FLOAT64 }, { name: "at", type: FT_DATE },
      ],
    },
    {
      id: 0x0102, name: "texts", kind: SK_COMMAND,
      fields: [
        { name: "s", type: FT_STRING, len: 6 }, { name: "b", type: FT_BYTES, len: 4 },
        { name: "vs", type: FT_VARSTRING, max: 40 }, { name: "vb", type: FT_VARBYTES, max: 40 },
      ],
    },
    { id: 0x0103, name: "empty", kind: SK_COMMAND, fields: [] },
    { id: 0x0001, name: "report", kind: SK_REPORT, fields: [{ name: "vs", type: FT_VARSTRING }, { name: "n", type: FT_INT16 }] },
  ],
};

export interface FuzzReport {
  cases: number;
  seed: number;
  decoded: number;
  errors: Record<string, number>;
  failures: string[];
}


function randomValue(f: FieldSpec, r: () => number): unknown {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  const half = f.type === FT_INT32 ? 2147483648 : f.type === FT_INT16 ? 32768 : f.type === FT_INT8 ? 128 : 0;
  if (half) return int(f.min ?? -half, f.max ?? half - 1);
  if (f.type === FT_FLOAT32) return Math.fround((r() - 0.5) * Math.pow(10, int(-30, 30)));
  if (f.type === FT_FLOAT64) return (r() - 0.5) * Math.pow(10, int(-300, 300));
  if (f.type === FT_DATE) return int(-8.64e15, 8.64e15);
  const n = f.type === FT_STRING || f.type === FT_BYTES ? int(0, f.len as number) : int(0, Math.min(f.max ?? 60, 60));
  return isText(f) ? bytes(n).toString("latin1") : bytes(n).toString("hex");
}

function validFrame(r: () => number): string {
  const profile = r() < 0.5 ? ALL_TYPES_PROFILE : APP_PROFILE;
  const s = profile.services[Math.floor(r() * profile.services.length)];
  const values: Record<string, unknown> = {};
  for (const f of s.fields) values[f.name] = randomValue(f, r);
  const task = Math.floor(r() * 65536);
  const e = s.kind === SK_COMMAND ? encodeCommand(profile, s.id, task, values) : s.kind === SK_RESPONSE ? encodeResponse(profile, s.id, task, values) : encodeUplink(profile, s.id, values);
  return e.err === undefined ? e.hex : "";
}

function mutate(hex: string, r: () => number): string {
  const pick = Math.floor(r() * 8);
  const at = Math.floor(r() * (hex.length + 1));
  const digit = () => "0123456789ABCDEFabcdef"[Math.floor(r() * 22)];
  if (pick === 0) return hex.slice(0, at);
  if (pick === 1) return hex.slice(0, at) + digit() + digit() + hex.slice(at);
  if (pick === 2) return hex.slice(0, at) + digit() + hex.slice(at + 1);
  if (pick === 3) return hex.slice(0, at) + String.fromCharCode(Math.floor(r() * 256)) + hex.slice(at + 1);
  if (pick === 4) return hex.slice(0, at) + hex.slice(at + 2);
  if (pick === 5) return ["02", "07", "06", "86", "05"][Math.floor(r() * 5)] + hex.slice(2);
  if (pick === 6) return hex.toLowerCase();
  return hex + hex.slice(0, at);
}

function randomHex(r: () => number): string {
  const n = r() < 0.02 ? Math.floor(r() * 1100) : Math.floor(r() * 48);
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789ABCDEF"[Math.floor(r() * 16)];
  return s;
}

function checkOne(profile: Profile, hex: string, rep: FuzzReport): void {
  const where = " for " + JSON.stringify(hex.slice(0, 80));
  const shape = (x: { err?: number; msg?: string }) => {
    if (x.err === undefined) return;
    if (!(x.err >= 1 && x.err < CODEC_ERR_NAMES.length) || typeof x.msg !== "string") rep.failures.push("bad error " + JSON.stringify(x) + where);
    rep.errors[codecErrName(x.err)] = (rep.errors[codecErrName(x.err)] || 0) + 1;
  };
  try {
    hexToBytes(hex, new Uint8Array(FRAME_MAX_BYTES));
    const g = decodeGeneric(hex);
    const d = decodeFrame(profile, hex);
    const c = decodeCommand(profile, hex);
    shape(d);
    if (d.err !== undefined) return;
    rep.decoded++;
    if (g.err !== undefined || g.serviceId !== d.serviceId || g.taskId !== d.taskId) rep.failures.push("decodeGeneric disagrees" + where);
    if ((c.err === undefined) !== (d.kind === SK_COMMAND)) rep.failures.push("decodeCommand disagrees" + where);
    const s = findService(profile, d.serviceId) as ServiceSpec;
    const e = s.kind === SK_COMMAND ? encodeCommand(profile, s.id, d.taskId as number, d.values) : s.kind === SK_RESPONSE ? encodeResponse(profile, s.id, d.taskId as number, d.values) : encodeUplink(profile, s.id, d.values);
    if (e.err !== undefined || e.hex !== hex.toUpperCase()) rep.failures.push("re-encode differs: " + (e.err === undefined ? e.hex : e.msg) + where);
  } catch (x) {
    rep.failures.push("threw " + (x as Error).message + where);
  }
}

/** `cases` random, mutated and valid frames through every decoder; failures list what broke. */
export function fuzzCodec(cases: number, seed: number): FuzzReport {
  const rep: FuzzReport = { cases: cases, seed: seed, decoded: 0, errors: {}, failures: [] };
  const r = new Rng(seed).fn();
  for (let i = 0; i < cases && rep.failures.length < 20; i++) {
    const kind = r();
    let hex = kind < 0.3 ? randomHex(r) : validFrame(r);
    if (kind >= 0.3 && kind < 0.85) hex = mutate(hex, r);
    if (r() < 0.1) hex = mutate(hex, r);
    checkOne(r() < 0.5 ? ALL_TYPES_PROFILE : APP_PROFILE, hex, rep);
  }
  return rep;
}

function main(): void {
  const bad = checkProfile(APP_PROFILE);
  if (bad) {
    process.stderr.write("firmware/profile.ts: " + bad.msg + "\n");
    process.exit(1);
  }
  const r = runCodecCli(process.argv.slice(2));
  process.stdout.write(r.out);
  process.stderr.write(r.err);
  process.exitCode = r.code;
}

if (isMain("codec-cli")) main();
