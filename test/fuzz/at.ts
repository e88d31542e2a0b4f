// Fuzz targets for the bottom of the stack: the line reader against a model (any bytes, any chunking:
// the same lines as splitting the whole stream, over-long ones dropped and counted), and the AT engine
// fed garbage that resembles the module (finals, errors, notices, partial and 2000-character lines)
// while commands come and go: nothing throws, every buffer stays bounded, every accepted command gets
// exactly one result, and once the garbage stops a normal command gets its proper result.

import fc from "fast-check";
import { AtEngine, AT_ENGINE_DEFAULTS, AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE, type AtSpec } from "../support/at-compat";
import { LineReader, LINE_MAX_CHARS } from "../../lib/at/lines";
import { AT_CANCELLED, AT_OK } from "../../lib/at/result";
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

/** One piece of module output: framed real lines, partial lines, line ends, random bytes, long lines. */
export const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...REAL_LINES), eol).map(([l, e]) => "\r\n" + l + e) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...REAL_LINES), fc.nat()).map(([l, n]) => l.substring(0, n % (l.length + 1))) },
  { weight: 2, arbitrary: eol },
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

// ---- line reader: a model check ------------------------------------------------------------------------

/** What the reader must produce for the whole stream: lines split at \r or \n, empty and over-long ones out. */
export function modelLines(stream: string, max: number): { lines: string[]; overflows: number } {
  const lines: string[] = [];
  let overflows = 0;
  let cur = "";
  for (let i = 0; i <= stream.length; i++) {
    const c = stream.charAt(i);
    if (i < stream.length && c !== "\r" && c !== "\n") {
      cur += c;
      continue;
    }
    if (cur.length > max) overflows++;
    else if (cur.length > 0 && i < stream.length) lines.push(cur);
    cur = "";
  }
  return { lines, overflows };
}

export function fuzzLineReader(cases: number, seed: number): FuzzResult {
  const counters: Record<string, number> = {};
  const arb = fc.record({ parts: fc.array(piece, { maxLength: 25 }), sizes, max: fc.constantFrom(LINE_MAX_CHARS, 16, 1) });
  return runProperty(
    "line-reader",
    arb,
    (v) => {
      const stream = v.parts.join("");
      const got: string[] = [];
      const r = new LineReader((l) => got.push(l), v.max);
      for (const c of chunk(stream, v.sizes)) {
        r.feed(c);
        must(r.pendingChars() <= v.max, "pending " + r.pendingChars() + " > " + v.max);
      }
      const want = modelLines(stream, v.max);
      must(JSON.stringify(got) === JSON.stringify(want.lines), "lines differ from the model: got " + got.length + ", want " + want.lines.length);
      // A line still being built at the end may already have been counted as over-long.
      must(r.overflows === want.overflows || r.overflows === want.overflows + 1, "overflows " + r.overflows + ", model " + want.overflows);
      bump(counters, "lines", got.length);
      bump(counters, "overflows", r.overflows);
      bump(counters, "chars", stream.length);
    },
    cases,
    seed,
    counters,
  );
}

// ---- AT engine -----------------------------------------------------------------------------------------

type Step = { feed: string } | { send: AtSpec; text: string } | { advance: number } | { cancel: true } | { reset: true };

const specArb: fc.Arbitrary<AtSpec> = fc.record({
  prefix: fc.constantFrom("", "+CSQ:", "+CTM2M:", "+CTM2MSEND:", "OK", "+CME ERROR:", "NORMAL POWER DOWN", "+"),
  timeoutMs: fc.integer({ min: 50, max: 5000 }),
  flags: fc.constantFrom(0, AT_F_BARE, AT_F_WAKE, AT_F_PREFIX_FINAL, AT_F_BARE | AT_F_WAKE),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: piece.map((feed) => ({ feed })) },
  { weight: 3, arbitrary: fc.tuple(specArb, fc.constantFrom("AT", "AT+CSQ", "AT+CTM2MSEND=00,0", "ATE0", "OK")).map(([send, text]) => ({ send, text })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 6000 }).map((advance) => ({ advance })) },
  { weight: 1, arbitrary: fc.constant({ cancel: true as const }) },
  { weight: 1, arbitrary: fc.constant({ reset: true as const }) },
);

const FINAL_TAG = 1 << 20;

interface EnginePrivate {
  qText: string[];
  resp: string[];
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
      const opts = AT_ENGINE_DEFAULTS;
      const engine: AtEngine = new AtEngine(
        { write: (d) => void writes.push(d) },
        clock,
        ["+CTM2M:", "+CTM2MRECV:", "+CPIN:", "RDY", "+CFUN:"].map((prefix) => ({ prefix, handler: () => void urcs++ })),
        {
          atDone(tag, code) {
            must(!inDone, "atDone re-entered");
            must(code >= 0 && code <= AT_CANCELLED, "result code " + code);
            inDone = true;
            for (let i = 0; i < engine.lineCount(); i++) must(engine.line(i).length <= LINE_MAX_CHARS, "kept line too long");
            inDone = false;
            if (tag === FINAL_TAG) finalLine = engine.lineCount() === 1 ? engine.line(0) : engine.lineCount() + " lines";
            const r = results.get(tag) || [];
            r.push(code);
            results.set(tag, r);
            bump(counters, "result:" + code);
          },
          atEcho() {
            bump(counters, "echoes");
          },
        },
        opts,
      );
      const priv = engine as unknown as EnginePrivate;
      const bounded = () => {
        must(engine.pendingChars() <= LINE_MAX_CHARS, "reader holds " + engine.pendingChars());
        must(engine.queued() <= opts.queueCapacity, "queue " + engine.queued());
        must(priv.qText.length <= opts.queueCapacity, "queue array grew to " + priv.qText.length);
        must(priv.resp.length <= opts.maxLines, "line array grew to " + priv.resp.length);
        must(engine.lastUnexpected.length <= 40, "lastUnexpected holds " + engine.lastUnexpected.length);
      };
      let tag = 0;
      const accepted: number[] = [];
      for (const s of v.steps) {
        if ("feed" in s) for (const c of chunk(s.feed, v.sizes)) engine.feed(c);
        else if ("send" in s) {
          if (engine.send(s.text, s.send, ++tag)) accepted.push(tag);
        } else if ("advance" in s) clock.advance(s.advance);
        else if ("cancel" in s) engine.cancelAll();
        else engine.moduleReset();
        bounded();
      }
      // The garbage stops: its line in progress ends, and every timeout and guard runs out.
      engine.feed("\r\n");
      clock.advance(2 * 5000 * (opts.queueCapacity + 2) + 1000);
      must(!engine.busy(), "still busy after every timeout");
      for (const t of accepted) must((results.get(t) || []).length === 1, "command " + t + " got " + (results.get(t) || []).length + " results");
      // A normal exchange now gets its proper result, whatever came before.
      const before = writes.length;
      must(engine.send("AT+CSQ", { prefix: "+CSQ:", timeoutMs: 3000, flags: 0 }, FINAL_TAG), "queue refused the command after the garbage");
      must(writes.length === before + 1 && writes[before] === "AT+CSQ\r", "AT+CSQ not written");
      for (const c of chunk("\r\n+CSQ: 20,0\r\n\r\nOK\r\n", v.endSizes)) engine.feed(c);
      const r = results.get(FINAL_TAG) || [];
      must(r.length === 1 && r[0] === AT_OK && finalLine === "+CSQ: 20,0", "normal command after the garbage: results " + JSON.stringify(r) + ", line " + JSON.stringify(finalLine));
      bounded();
      bump(counters, "commands", accepted.length + 1);
      bump(counters, "urcs", urcs);
      bump(counters, "unexpected", engine.stats.unexpected);
      bump(counters, "overflows", engine.overflows());
      bump(counters, "timeouts", engine.stats.timeouts);
    },
    cases,
    seed,
    counters,
  );
}
