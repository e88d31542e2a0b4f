// Fuzz targets for the downlink side: the codec (build/codec-cli.ts fuzzCodec: random, mutated and
// valid frames through every decoder), the application note's vectors mutated (bit flips, truncation,
// length-field changes, extension, case, junk characters), and the Device's downlink handler
// (lib/device.ts linkDownlink) fed random hex: it never throws, and every frame with a readable header
// gets exactly one response with its task id, from the command's own response service or the error one.

import fc from "fast-check";
import { fuzzCodec } from "../../build/codec-cli";
import { CODEC_ERR_NAMES, codecErrName, decodeCommand, decodeFrame, decodeGeneric, encodeCommand, type CodecError, type FieldValues, type InputValues } from "../../lib/aep/codec";
import { RESULT_BAD_RESPONSE, RESULT_HANDLER_FAILED } from "../../lib/aep/errors";
import { FT_STRING, FT_VARSTRING, SK_COMMAND, SK_REPORT, SK_RESPONSE, type Profile } from "../../lib/aep/profile";
import { Device } from "../../lib/device";
import { PRIO_RESPONSE } from "../../lib/outbox/outbox";
import { LOG_INFO } from "../../lib/ports";
import { APP_PROFILE, appProfile, CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL, RSP_COMMAND_ERROR, RSP_REBOOT_MODULE, RSP_REPORT_NOW, RSP_SET_INTERVAL } from "../../firmware/profile";
import { NOTE_DOWNLINKS } from "../sim/scenarios";
import { testConfig } from "../support/config";
import { FakeClock } from "../support/fake-clock";
import { MemoryStore } from "../support/memory-store";
import { bump, must, runProperty, type FuzzResult } from "./common";

/** The note's section 5 profiles: a fixed 6-byte string (8001) and a variable one (8002), reports on 1. */
export const NOTE_PROFILES: Profile[] = [
  {
    services: [
      { id: 1, name: "data", kind: SK_REPORT, fields: [{ name: "payload", type: FT_STRING, len: 6 }] },
      { id: 8001, name: "cmdFixed", kind: SK_COMMAND, fields: [{ name: "payload", type: FT_STRING, len: 6 }] },
    ],
  },
  {
    services: [
      { id: 1, name: "data", kind: SK_REPORT, fields: [{ name: "payload", type: FT_VARSTRING }] },
      { id: 8002, name: "cmdVar", kind: SK_COMMAND, fields: [{ name: "payload", type: FT_VARSTRING }] },
    ],
  },
];
/** The note's frames: its two downlink commands and the two reports that carry "123456". */
export const NOTE_VECTORS = [...NOTE_DOWNLINKS, "0200010006313233343536", "02000100080006313233343536"];

export function fuzzCodecTarget(cases: number, seed: number): FuzzResult {
  const r = fuzzCodec(cases, seed);
  const counters: Record<string, number> = { decoded: r.decoded };
  for (const k of Object.keys(r.errors)) counters["error:" + k] = r.errors[k];
  return { target: "codec", cases: r.cases, seed, failures: r.failures, counters };
}

const hexDigit = fc.constantFrom(..."0123456789ABCDEF".split(""));
const HEX = "0123456789ABCDEF";
const byteHex = (b: number) => HEX.charAt((b >> 4) & 15) + HEX.charAt(b & 15);

/** One mutation of a hex frame, as data so a counterexample shows what was done. */
type Mutation =
  | { flip: number; bit: number }
  | { cut: number }
  | { len: number }
  | { extend: string }
  | { type: number }
  | { lower: true }
  | { junk: number; ch: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ flip: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ cut: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ len: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0x7fff, 0x8000, 0xffff), fc.integer({ min: 0, max: 0xffff })) }) },
  { weight: 2, arbitrary: fc.record({ extend: fc.array(hexDigit, { maxLength: 12 }).map((a) => a.join("")) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom(0x02, 0x06, 0x07, 0x86, 0x00, 0xff) }) },
  { weight: 1, arbitrary: fc.constant({ lower: true as const }) },
  { weight: 1, arbitrary: fc.record({ junk: fc.nat(), ch: fc.constantFrom("G", "z", " ", ",", "\r", "-", "\u00ff") }) },
);

/** Apply a mutation. `len` adds to the 2-byte length field (bytes 3-4 of a report, 5-6 of a command), mod 2^16. */
export function mutate(hex: string, m: Mutation): string {
  const n = hex.length;
  if ("flip" in m) {
    if (n < 2) return hex;
    const b = (m.flip % (n >> 1)) * 2;
    return hex.substring(0, b) + byteHex(parseInt(hex.substring(b, b + 2), 16) ^ (1 << m.bit)) + hex.substring(b + 2);
  }
  if ("cut" in m) return hex.substring(0, m.cut % (n + 1));
  if ("len" in m) {
    const at = hex.startsWith("06") || hex.startsWith("86") ? 10 : 6;
    if (n < at + 4) return hex;
    const v = (parseInt(hex.substring(at, at + 4), 16) + m.len) & 0xffff;
    return hex.substring(0, at) + byteHex(v >> 8) + byteHex(v & 255) + hex.substring(at + 4);
  }
  if ("extend" in m) return hex + m.extend;
  if ("type" in m) return byteHex(m.type) + hex.substring(2);
  if ("lower" in m) return hex.toLowerCase();
  const at = m.junk % (n + 1);
  return hex.substring(0, at) + m.ch + hex.substring(at + 1);
}

/** A valid command of the sample application's profile (what the platform would really send). */
const appCommand: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(CMD_SET_INTERVAL, CMD_REPORT_NOW, CMD_REBOOT_MODULE), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 10, max: 604800 }), fc.integer({ min: 0, max: 3600 }))
  .map(([id, task, interval, delay]) => {
    const v = id === CMD_SET_INTERVAL ? { intervalS: interval } : id === CMD_REPORT_NOW ? { reserved: delay & 127 } : { delayS: delay };
    const e = encodeCommand(APP_PROFILE, id, task, v);
    return e.err === undefined ? e.hex : "";
  });

function checkError(x: { err?: number; msg?: string }, counters: Record<string, number>): void {
  if (x.err === undefined) return;
  must(x.err >= 1 && x.err < CODEC_ERR_NAMES.length && typeof x.msg === "string" && x.msg.length > 0, "error outside the table: " + JSON.stringify(x));
  bump(counters, "error:" + codecErrName(x.err));
}

/** The header rule, independently: hex, even, at most 512 bytes, type 06 or 86, at least 5 bytes. */
export function headerReadable(hex: string): number {
  if (hex.length > 1024 || hex.length < 10 || hex.length % 2 !== 0) return -1;
  for (let i = 0; i < hex.length; i++) if ("0123456789abcdefABCDEF".indexOf(hex.charAt(i)) < 0) return -1;
  const t = hex.substring(0, 2);
  if (t !== "06" && t !== "86") return -1;
  return parseInt(hex.substring(6, 10), 16);
}

export function fuzzNoteMutations(cases: number, seed: number): FuzzResult {
  const counters: Record<string, number> = {};
  const arb = fc.record({ base: fc.oneof(fc.constantFrom(...NOTE_VECTORS), appCommand), muts: fc.array(mutation, { minLength: 1, maxLength: 4 }) });
  const profiles = [...NOTE_PROFILES, APP_PROFILE];
  return runProperty(
    "codec-mutations",
    arb,
    (v) => {
      let hex = v.base;
      for (const m of v.muts) hex = mutate(hex, m);
      const task = headerReadable(hex);
      for (const p of profiles) {
        const d = decodeFrame(p, hex);
        const c = decodeCommand(p, hex);
        checkError(d, counters);
        checkError(c, counters);
        if (task >= 0 && hex.substring(0, 2) === "06") must(c.taskId === task, "command header readable but task id " + c.taskId + ", want " + task);
        if (c.err === undefined) {
          bump(counters, "decoded");
          const e = encodeCommand(p, c.serviceId, c.taskId, c.values);
          must(e.err === undefined && e.hex === hex.toUpperCase(), "decoded command does not re-encode to itself: " + (e.err === undefined ? e.hex : e.msg));
        }
      }
      const g = decodeGeneric(hex);
      checkError(g, counters);
      if (g.err === undefined) must(task < 0 || g.taskId === task, "generic decode disagrees on the task id");
    },
    cases,
    seed,
    counters,
  );
}

/** Random hex of every sort a downlink line could carry. */
const downlinkHex: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(hexDigit, { maxLength: 64 }).map((a) => a.join("")) },
  { weight: 3, arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...NOTE_VECTORS), appCommand), fc.array(mutation, { maxLength: 3 })).map(([h, ms]) => ms.reduce(mutate, h)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("06", "86", "02"), fc.array(hexDigit, { minLength: 8, maxLength: 1100 })).map(([t, a]) => t + a.join("")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/**
 * The sample application's handlers plus every way a handler can fail: setInterval echoes its value;
 * reportNow throws for reserved % 3 == 1 and has no answer (undefined) for reserved % 3 == 2;
 * rebootModule answers a value the response cannot hold for delayS > 1800.
 */
function handlerAnswer(serviceId: number, v: FieldValues): InputValues | undefined {
  if (serviceId === CMD_SET_INTERVAL) return { result: 0, intervalS: v.intervalS };
  if (serviceId === CMD_REPORT_NOW) {
    const r = ((v.reserved as number) % 3 + 3) % 3;
    if (r === 1) throw new Error("handler failed");
    return r === 2 ? undefined : { result: 0 };
  }
  if (serviceId === CMD_REBOOT_MODULE) return (v.delayS as number) > 1800 ? { result: "soon" } : { result: 0 };
  return undefined;
}

const OWN_RESPONSE: Record<number, number> = { [CMD_SET_INTERVAL]: RSP_SET_INTERVAL, [CMD_REPORT_NOW]: RSP_REPORT_NOW, [CMD_REBOOT_MODULE]: RSP_REBOOT_MODULE };

/** What the device must answer to `hex`, worked out here from the codec and the handler rules above. */
function expectedAnswer(hex: string): { service: number; result: number; commandServiceId?: number } {
  const c = decodeCommand(APP_PROFILE, hex);
  if (c.err !== undefined) return { service: RSP_COMMAND_ERROR, result: c.err, commandServiceId: c.serviceId };
  let out: InputValues | undefined;
  try {
    out = handlerAnswer(c.serviceId, c.values);
  } catch {
    return { service: RSP_COMMAND_ERROR, result: RESULT_HANDLER_FAILED, commandServiceId: c.serviceId };
  }
  if (out === undefined) return { service: RSP_COMMAND_ERROR, result: 1, commandServiceId: c.serviceId };
  if (typeof out.result !== "number") return { service: RSP_COMMAND_ERROR, result: RESULT_BAD_RESPONSE, commandServiceId: c.serviceId };
  return { service: OWN_RESPONSE[c.serviceId], result: out.result };
}

/** A Device on stubs (no module: the link is never started), recording every response it queues. */
export function downlinkDevice(): { device: Device; queued: { hex: string; prio: number }[]; calls: number[] } {
  const queued: { hex: string; prio: number }[] = [];
  const calls: number[] = [];
  const device = new Device(
    { uart: { write() {} }, clock: new FakeClock(0), pins: { pwrkey() {}, status: () => -1 }, log: { level: LOG_INFO, write() {} }, random: () => 0.5, store: new MemoryStore() },
    appProfile,
    RSP_COMMAND_ERROR,
    {
      linkEvent() {},
      command(serviceId: number, values: FieldValues, taskId: number) {
        calls.push(taskId);
        return handlerAnswer(serviceId, values);
      },
    },
  );
  const push = device.outbox.push.bind(device.outbox);
  device.outbox.push = (hex: string, mode: number, prio: number) => {
    queued.push({ hex, prio });
    return push(hex, mode, prio);
  };
  return { device, queued, calls };
}

export function fuzzDispatcher(cases: number, seed: number): FuzzResult {
  const counters: Record<string, number> = {};
  // The outbox holds a case's responses (at most 8) without dropping any.
  testConfig({ outbox: { flashBytes: 4096 } });
  return runProperty(
    "dispatcher",
    fc.array(downlinkHex, { minLength: 1, maxLength: 8 }),
    (hexes) => {
      const { device, queued, calls } = downlinkDevice();
      const st = device.commands;
      for (const hex of hexes) {
        const before = queued.length;
        const was = { ...st };
        const handled = calls.length;
        try {
          device.linkDownlink(hex);
        } catch (e) {
          throw new Error("device threw on a downlink: " + (e as Error).message);
        }
        const task = headerReadable(hex);
        const n = queued.length - before;
        must(n === (task >= 0 ? 1 : 0), "frame " + hex.substring(0, 40) + ": " + n + " responses, header " + (task >= 0 ? "readable (task " + task + ")" : "unreadable"));
        must(st.received === was.received + 1, "received not counted");
        must(n === 1 ? st.answered === was.answered + 1 && st.unanswerable === was.unanswerable : st.unanswerable === was.unanswerable + 1 && st.answered === was.answered, "stats do not match " + n + " responses: " + JSON.stringify(st));
        const c = decodeCommand(APP_PROFILE, hex);
        must(calls.length - handled === (c.err === undefined ? 1 : 0), "the handler ran " + (calls.length - handled) + " times for " + (c.err === undefined ? "a decoded command" : "a refused one"));
        if (c.err === undefined) must(calls[calls.length - 1] === c.taskId, "handler got task " + calls[calls.length - 1] + ", want " + c.taskId);
        if (n === 1) {
          const q = queued[before];
          must(q.prio === PRIO_RESPONSE, "response queued at priority " + q.prio);
          const r = decodeFrame(APP_PROFILE, q.hex);
          must(r.err === undefined && r.kind === SK_RESPONSE && r.taskId === task, "response does not decode as a response for task " + task + ": " + JSON.stringify(r));
          if (r.err !== undefined) return;
          const want = expectedAnswer(hex);
          must(r.serviceId === want.service && r.values.result === want.result, "answered " + r.service + " result " + r.values.result + ", want service " + want.service + " result " + want.result);
          if (want.commandServiceId !== undefined) must(r.values.commandServiceId === want.commandServiceId, "error response names service " + r.values.commandServiceId + ", want " + want.commandServiceId);
          must(st.answeredWithError === was.answeredWithError + (want.result !== 0 ? 1 : 0), "answeredWithError off for result " + want.result);
          bump(counters, want.result === 0 ? "answered ok" : "answered with error " + want.result);
        } else bump(counters, "unanswerable");
      }
      must(st.received === hexes.length && st.answered + st.unanswerable + st.queueRefused === st.received, "stats do not add up: " + JSON.stringify(st));
    },
    cases,
    seed,
    counters,
  );
}

/** The vectors themselves decode as the note says (a fuzz run that starts from wrong vectors proves little). */
export function vectorsDecode(): string | undefined {
  const a = decodeCommand(NOTE_PROFILES[0], NOTE_VECTORS[0]);
  const b = decodeCommand(NOTE_PROFILES[1], NOTE_VECTORS[1]);
  if (a.err !== undefined || a.values.payload !== "a12302" || a.taskId !== 0x1a) return "fixed vector: " + JSON.stringify(a as CodecError);
  if (b.err !== undefined || b.values.payload !== "b12301" || b.taskId !== 0x12) return "variable vector: " + JSON.stringify(b as CodecError);
  return undefined;
}
