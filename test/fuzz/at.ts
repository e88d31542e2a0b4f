// Fuzz targets for the bottom of the stack: the AT engine's line splitting against a model (any bytes,
// any chunking: the same lines as splitting the whole stream, over-long ones dropped and counted, glitch
// bytes at a line's ends stripped and counted), and the AT engine fed garbage that resembles the module
// (finals, errors, notices, partial and 2000-character lines) while commands come, are withdrawn and the
// engine is reset: nothing throws, every buffer stays bounded, every accepted command gets exactly one
// result unless it was withdrawn (then none), and once the garbage stops a normal command gets its
// proper result.

import fc from "fast-check";
import { Aep } from "../../lib/aep/ctm2m";
import { CTM2M_STRAY_OK_MS } from "../../lib/aep/codes";
import { At, AtLimit } from "../../lib/at/engine";
import { AT_CANCELLED, AT_ECHO, AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE, AT_OK } from "../../lib/at/result";
import { Net } from "../../lib/sim7020/rows";
import { FakeClock } from "../support/fake-clock";
import { bump, must, runProperty, type FuzzResult } from "./common";

/** Lines the module really prints, and near misses of them. */
export const REAL_LINES = [
  "OK", "ERROR", "+CME ERROR: 10", "+CME ERROR: 50", "+CME ERROR: SIM not inserted", "+CME ERROR:", "+CTM2M ERROR: 33",
  "+CTM2M ERROR: 17", "+CTM2M ERROR:", "+CTM2M: send,0,12", "+CTM2M: reg,0", "+CTM2M:reg,0", "+CTM2M: lwstatus,0",
  "+CTM2M: obsrv,0", "+CTM2M: plat,0,120,0", "+CTM2M: ", "+CTM2MRECV: 061F41001A0006613132333032", "+CTM2MRECV:",
  "+CTM2MSEND: 4711", "+CSQ: 20,0", "+CSQ: 99,99", "+CGREG: 0,1", "+CPIN: READY", "+CPIN: NOT READY", "RDY", "+CFUN: 1",
  "NORMAL POWER DOWN", "SMS Ready", "AT+CSQ", "AT", "ATE0", "O", "OKAY", "ERR", "ok", " OK", "OK ", "\u0000OK",
  '+CPSMSTATUS: "ENTER PSM"', "*MATREADY: 1", "864403040000000",
];

const byteChar = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const bytes = (max: number) => fc.string({ unit: byteChar, maxLength: max });
const eol = fc.constantFrom("\r\n", "\r", "\n", "\n\r", "\r\r\n");

/** One piece of module output: framed real lines, partial lines, line ends, an error and its stray OK, random bytes, long lines. */
export const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...REAL_LINES), eol).map(([l, e]) => "\r\n" + l + e) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...REAL_LINES), fc.nat()).map(([l, n]) => l.substring(0, n % (l.length + 1))) },
  { weight: 2, arbitrary: eol },
  // The module's own error and the stray OK it prints after it (the note's tables).
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }).map((n) => "\r\n+CTM2M ERROR: " + n + "\r\n\r\nOK\r\n") },
  { weight: 3, arbitrary: bytes(40) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 900, max: 2600 }), fc.constantFrom("A", "+CTM2MRECV: 06", "OK")).map(([n, head]) => head + "F".repeat(n)) },
);

/** Cut text into pieces with sizes from `sizes` (cycled): the UART's whims. */
export function chunk(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  for (let i = 0, k = 0; i < text.length; k++) {
    const n = sizes.length ? sizes[k % sizes.length] : text.length;
    out.push(text.substring(i, i + n));
    i += n;
  }
  return out;
}

const sizes = fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 12 });

// ---- line splitting: a model check -------------------------------------------------------------------

const LINE_MAX_CHARS: number = AtLimit.LINE_MAX_CHARS;

/** A byte the module never sends inside a line (controls, >= 0x7F): noise. */
const isNoise = (c: number): boolean => c < 32 || c > 126;

/**
 * What the engine must deliver for the whole stream when every line goes to the URC parser: lines split
 * at \r or \n, empty ones out, ones longer than `max` out and counted (also the unfinished last one); a
 * line that begins or ends with noise loses all its noise bytes (counted) and is out if nothing is left.
 */
export function modelLines(stream: string, max: number): { lines: string[]; overflows: number; noise: number } {
  const lines: string[] = [];
  let overflows = 0;
  let noise = 0;
  let cur = "";
  for (let i = 0; i <= stream.length; i++) {
    const c = stream.charAt(i);
    if (i < stream.length && c !== "\r" && c !== "\n") {
      cur += c;
      continue;
    }
    if (cur.length > max) overflows++;
    else if (cur.length > 0 && i < stream.length) {
      if (isNoise(cur.charCodeAt(0)) || isNoise(cur.charCodeAt(cur.length - 1))) {
        let clean = "";
        for (const ch of cur) if (!isNoise(ch.charCodeAt(0))) clean += ch;
        noise += cur.length - clean.length;
        if (clean.length > 0) lines.push(clean);
      } else lines.push(cur);
    }
    cur = "";
  }
  return { lines, overflows, noise };
}

/** An engine on a fake clock writing into `writes`. */
function engine(writes: string[], owner: { atDone(tag: number, code: number, errNo: number): void }, urc: (line: string) => boolean): At {
  return new At({ write: (d) => void writes.push(d) }, new FakeClock(), owner, (_o, line) => urc(line), Aep.FINAL, CTM2M_STRAY_OK_MS);
}

export function fuzzLineReader(cases: number, seed: number): FuzzResult {
  const counters: Record<string, number> = {};
  const arb = fc.record({ parts: fc.array(piece, { maxLength: 25 }), sizes });
  return runProperty(
    "line-reader",
    arb,
    (v) => {
      const stream = v.parts.join("");
      const got: string[] = [];
      const at = engine([], { atDone: (_t, code) => must(false, code === AT_ECHO ? "an echo with nothing sent" : "a result with nothing sent") }, (l) => {
        got.push(l);
        return true;
      });
      for (const c of chunk(stream, v.sizes)) {
        at.feed(c);
        must(at.partial.length <= LINE_MAX_CHARS, "pending " + at.partial.length + " > " + LINE_MAX_CHARS);
      }
      const want = modelLines(stream, LINE_MAX_CHARS);
      must(JSON.stringify(got) === JSON.stringify(want.lines), "lines differ from the model: got " + got.length + ", want " + want.lines.length);
      must(at.overflows === want.overflows, "overflows " + at.overflows + ", model " + want.overflows);
      must(at.noise === want.noise, "noise " + at.noise + ", model " + want.noise);
      must(at.unexpected === 0, "unexpected " + at.unexpected + " with a parser that takes every line");
      bump(counters, "lines", got.length);
      bump(counters, "overflows", at.overflows);
      bump(counters, "noise", at.noise);
      bump(counters, "chars", stream.length);
    },
    cases,
    seed,
    counters,
  );
}

// ---- AT engine -----------------------------------------------------------------------------------------

/** `withdraw`: as the link machine withdraws a state's commands (at.cancelled = at.inFlight, at.qLen = 0). */
type Step = { feed: string } | { send: string; text: string } | { advance: number } | { withdraw: true } | { reset: number };

/** A row's head (prefix, timeout, flags); the command text is appended. */
const rowHead: fc.Arbitrary<string> = fc
  .record({
    prefix: fc.constantFrom("", "+CSQ:", "+CTM2M:", "+CTM2MSEND:", "OK", "+CME ERROR:", "NORMAL POWER DOWN", "+"),
    timeoutMs: fc.integer({ min: 50, max: 5000 }),
    flags: fc.constantFrom(0, AT_F_BARE, AT_F_WAKE, AT_F_PREFIX_FINAL, AT_F_BARE | AT_F_WAKE),
  })
  .map((r) => r.prefix + "|" + r.timeoutMs + "|" + r.flags + "|");

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: piece.map((feed) => ({ feed })) },
  { weight: 3, arbitrary: fc.tuple(rowHead, fc.constantFrom("AT", "AT+CSQ", "AT+CTM2MSEND=00,0", "ATE0", "OK")).map(([send, text]) => ({ send, text })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 6000 }).map((advance) => ({ advance })) },
  { weight: 1, arbitrary: fc.constant({ withdraw: true as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 }).map((reset) => ({ reset })) },
);

const FINAL_TAG = 1 << 20;

/** The engine's private fields the checks read. */
interface AtPrivate {
  tag: number;
  qRow: string[];
}

export function fuzzAtEngine(cases: number, seed: number): FuzzResult {
  const counters: Record<string, number> = {};
  const arb = fc.record({ steps: fc.array(step, { maxLength: 40 }), sizes, endSizes: sizes });
  return runProperty(
    "at-engine",
    arb,
    (v) => {
      const clock = new FakeClock();
      const writes: string[] = [];
      const results = new Map<number, number[]>();
      let urcs = 0;
      let inDone = false;
      let finalLine = "";
      const urcPrefixes = ["+CTM2M:", "+CTM2MRECV:", "+CPIN:", "RDY", "+CFUN:"];
      const at: At = new At(
        { write: (d) => void writes.push(d) },
        clock,
        {
          atDone(tag, code) {
            if (code === AT_ECHO) return void bump(counters, "echoes");
            must(!inDone, "atDone re-entered");
            must(code >= AT_OK && code < AT_CANCELLED, "result code " + code);
            inDone = true;
            must(at.lines <= AtLimit.MAX_LINES, "lines " + at.lines);
            for (let i = 0; i < at.lines; i++) must(at.resp[i].length <= LINE_MAX_CHARS, "kept line too long");
            inDone = false;
            if (tag === FINAL_TAG) finalLine = at.lines === 1 ? at.resp[0] : at.lines + " lines";
            const r = results.get(tag) || [];
            r.push(code);
            results.set(tag, r);
            bump(counters, "result:" + code);
          },
        },
        (_o, line) => {
          for (const p of urcPrefixes) {
            if (line.indexOf(p) === 0) {
              urcs++;
              return true;
            }
          }
          return false;
        },
        Aep.FINAL,
        CTM2M_STRAY_OK_MS,
      );
      const priv = at as unknown as AtPrivate;
      const bounded = () => {
        must(at.partial.length <= LINE_MAX_CHARS, "reader holds " + at.partial.length);
        must(at.qLen >= 0 && at.qLen <= AtLimit.QUEUE, "queue " + at.qLen);
        must(priv.qRow.length === AtLimit.QUEUE, "queue array has " + priv.qRow.length);
        must(at.resp.length === AtLimit.MAX_LINES, "line array has " + at.resp.length);
        must(at.lastUnexpected.length <= 40, "lastUnexpected holds " + at.lastUnexpected.length);
      };
      let tag = 0;
      const accepted: number[] = [];
      const withdrawn = new Set<number>();
      /** Accepted, not yet reported and not withdrawn: in flight or queued. */
      const pending = () => accepted.filter((t) => !results.has(t) && !withdrawn.has(t));
      for (const s of v.steps) {
        if ("feed" in s) for (const c of chunk(s.feed, v.sizes)) at.feed(c);
        else if ("send" in s) {
          if (at.send(s.send + s.text, ++tag)) accepted.push(tag);
        } else if ("advance" in s) clock.advance(s.advance);
        else if ("withdraw" in s) {
          for (const t of pending()) withdrawn.add(t);
          at.cancelled = at.inFlight;
          at.qLen = 0;
          bump(counters, "withdrawals");
        } else {
          if (s.reset === 2) for (const t of pending()) withdrawn.add(t);
          else if (s.reset === 1 && at.inFlight) withdrawn.add(priv.tag);
          at.reset(s.reset);
          bump(counters, "reset" + s.reset);
        }
        bounded();
      }
      // The garbage stops: its line in progress ends, and every timeout and hold runs out.
      at.feed("\r\n");
      clock.advance(2 * 5000 * (AtLimit.QUEUE + 2) + 1000);
      must(!at.busy(), "still busy after every timeout");
      for (const t of accepted) {
        const n = (results.get(t) || []).length;
        must(n === (withdrawn.has(t) ? 0 : 1), "command " + t + (withdrawn.has(t) ? " (withdrawn)" : "") + " got " + n + " results");
      }
      for (const t of results.keys()) must(accepted.indexOf(t) >= 0, "a result for command " + t + ", never accepted");
      // A normal exchange now gets its proper result, whatever came before.
      const before = writes.length;
      must(at.send(Net.CSQ, FINAL_TAG), "queue refused the command after the garbage");
      must(writes.length === before + 1 && writes[before] === "AT+CSQ\r", "AT+CSQ not written");
      for (const c of chunk("\r\n+CSQ: 20,0\r\n\r\nOK\r\n", v.endSizes)) at.feed(c);
      const r = results.get(FINAL_TAG) || [];
      must(r.length === 1 && r[0] === AT_OK && finalLine === "+CSQ: 20,0", "normal command after the garbage: results " + JSON.stringify(r) + ", line " + JSON.stringify(finalLine));
      bounded();
      bump(counters, "commands", accepted.length + 1);
      bump(counters, "withdrawn", withdrawn.size);
      bump(counters, "urcs", urcs);
      bump(counters, "unexpected", at.unexpected);
      bump(counters, "overflows", at.overflows);
      bump(counters, "noise", at.noise);
      bump(counters, "timeouts", at.timeouts);
      bump(counters, "wakeResends", at.wakeResends);
      bump(counters, "strayOk", at.strayOk);
    },
    cases,
    seed,
    counters,
  );
}
