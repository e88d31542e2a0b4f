// The on-device line-handling bench, as plain code that runs on the interpreter and on node alike: a
// fixed 2,000-line module stream (URCs, a maximum-size downlink, CSQ answers, sends and their notices),
// fed in 16-character chunks, the command for each answer sent first; through the firmware's line
// reader + AT engine ("ours", lines-ours.ts), through an Espruino-AT-module-style handler ("peer",
// peer.ts), and through a handler that does nothing ("base": the cost of the loop and the chunking
// themselves, subtracted from both). Every handler counts results, notices and answer lines, so the
// work is known to be the same.

import type { Clock } from "../../lib/ports";
import { Rng } from "../sim/rng";
import { expectLines, PeerAt } from "./peer";

export const STREAM_LINES = 2000;
export const CHUNK_CHARS = 16;
/** Separates exchanges in the stream file; the first character of each is its command kind. */
export const RECORD_SEP = "\x1e";
/** Notices both handlers register (line prefixes). */
export const URC_PREFIXES = ["+CTM2M:", "+CTM2MRECV:", "RDY", "+CFUN:"];
/** Command kinds: [command, answer prefix, bare answer]. Kind "0" is no command (notices alone). */
export const KINDS: [string, string, boolean][] = [
  ["", "", false],
  ["AT+CSQ", "+CSQ:", false],
  ["AT+CTM2MSEND=02000100130000000200000014,0", "+CTM2MSEND:", false],
  ["AT+CGREG?", "+CGREG:", false],
  ["AT+CTM2MREG?", "+CTM2MREG:", false],
  ["AT+CGSN", "", true],
  ["AT+CPIN?", "+CPIN:", false],
  ["AT", "", false],
];

export interface BenchCounts {
  results: number;
  notices: number;
  lines: number;
}

export interface BenchHandler {
  send(cmd: string, prefix: string, bare: boolean): void;
  feed(chunk: string): void;
}

const framed = (lines: string[]) => lines.map((x) => "\r\n" + x + "\r\n").join("");

/** The fixed stream: exchanges drawn from a seeded generator until exactly STREAM_LINES lines. */
export function makeStream(seed: number): { text: string; lines: number; expected: BenchCounts } {
  const rng = new Rng(seed);
  const recs: string[] = [];
  const expected: BenchCounts = { results: 0, notices: 0, lines: 0 };
  let lines = 0;
  let id = 2000;
  let hex = "061F44";
  while (hex.length < 1024) hex += "0123456789ABCDEF".charAt(rng.int(0, 15));
  const add = (kind: number, answer: string[], answerLines: number, notices: string[]) => {
    recs.push(String.fromCharCode(48 + kind) + framed(answer) + framed(notices));
    lines += answer.length + notices.length;
    if (kind > 0) expected.results++;
    expected.lines += answerLines;
    expected.notices += notices.length;
  };
  let downlinkAt = rng.int(600, 1400);
  while (lines < STREAM_LINES) {
    const room = STREAM_LINES - lines;
    const r = rng.next() * 10;
    if (lines >= downlinkAt && room >= 1) {
      add(0, [], 0, ["+CTM2MRECV: " + hex]);
      downlinkAt = Infinity;
    } else if (room < 3) add(7, ["OK"], 0, []);
    else if (r < 3) add(1, ["+CSQ: " + rng.int(5, 31) + ",0", "OK"], 1, []);
    else if (r < 6) {
      id++;
      add(2, ["+CTM2MSEND: " + id, "OK"], 1, ["+CTM2M: send,0," + id]);
    } else if (r < 7) add(3, ["+CGREG: 0,1", "OK"], 1, []);
    else if (r < 8) add(4, ["+CTM2MREG: 3", "OK"], 1, []);
    else if (r < 8.5) add(5, ["864403041234567", "OK"], 1, []);
    else if (r < 9) add(6, ["+CME ERROR: 10"], 0, []);
    else add(0, [], 0, [rng.pick(["+CTM2M: ping,0", "+CTM2M: obsrv,0", "+CFUN: 1"])]);
  }
  return { text: recs.join(RECORD_SEP), lines, expected };
}

/** One pass over the stream through `h`; returns the seconds `now()` says it took. */
export function pass(stream: string, h: BenchHandler, now: () => number): number {
  const t0 = now();
  const n = stream.length;
  let p = 0;
  while (p < n) {
    let q = stream.indexOf(RECORD_SEP, p);
    if (q < 0) q = n;
    const k = KINDS[stream.charCodeAt(p) - 48];
    if (k[0].length > 0) h.send(k[0], k[1], k[2]);
    for (let i = p + 1; i < q; i += CHUNK_CHARS) h.feed(stream.substring(i, i + CHUNK_CHARS < q ? i + CHUNK_CHARS : q));
    p = q + 1;
  }
  return now() - t0;
}

export function makePeer(clock: Clock, counts: BenchCounts): BenchHandler {
  const at = new PeerAt({ write: function () {} }, clock);
  for (let i = 0; i < URC_PREFIXES.length; i++)
    at.register(URC_PREFIXES[i], function () {
      counts.notices++;
    });
  const done = function (ok: boolean, lines: string[]) {
    counts.results++;
    counts.lines += lines.length;
  };
  return {
    send: function (cmd, prefix) {
      at.cmd(cmd, 5000, expectLines(prefix, done));
    },
    feed: function (chunk) {
      at.feed(chunk);
    },
  };
}

export function makeBase(counts: BenchCounts): BenchHandler {
  return {
    send: function () {
      counts.results++;
    },
    feed: function (chunk) {
      if (chunk.length === 0) counts.lines++;
    },
  };
}
