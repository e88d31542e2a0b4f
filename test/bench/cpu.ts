// Host CPU per 1,000 module lines through our line reader + AT engine and through the AT-module-style
// peer (peer.ts), on the same input measured in the same run: a seeded mix of the exchanges a running
// device has (sends and their confirmations dominate, then polls, notices, downlinks, a few errors),
// cut into the same random UART chunks for both. Both count what they saw, so the work is comparable.

import { AtEngine, AT_ENGINE_DEFAULTS, AT_F_BARE, type AtSpec } from "../support/at-compat";
import type { Clock } from "../../lib/ports";
import { Rng } from "../sim/rng";
import { expectLines, PeerAt } from "./peer";

interface Exchange {
  cmd: string;
  spec: AtSpec;
  /** Module output: the answer, then any notice that follows it. */
  chunks: string[];
}

const HEX = "0123456789ABCDEF";
const frame = (rng: Rng, n: number) => {
  let s = "02000100";
  for (let i = 0; i < n; i++) s += HEX.charAt(rng.int(0, 15));
  return s;
};
const lines = (...l: string[]) => l.map((x) => "\r\n" + x + "\r\n").join("");

/** One exchange drawn with the weights of a steady-state soak transcript. */
function draw(rng: Rng, i: number): { cmd: string; prefix: string; flags: number; out: string } {
  const r = rng.next() * 15;
  const id = 1000 + (i % 60000);
  if (r < 5) return { cmd: "AT+CTM2MSEND=" + frame(rng, 56) + ",0", prefix: "+CTM2MSEND:", flags: 0, out: lines("+CTM2MSEND: " + id, "OK") + lines("+CTM2M: send,0," + id) };
  if (r < 7) return { cmd: "AT", prefix: "", flags: 0, out: lines("OK") };
  if (r < 9) return { cmd: "AT+CSQ", prefix: "+CSQ:", flags: 0, out: lines("+CSQ: " + rng.int(5, 31) + ",0", "OK") };
  if (r < 11) return { cmd: "AT+CGREG?", prefix: "+CGREG:", flags: 0, out: lines("+CGREG: 0,1", "OK") };
  if (r < 12) return { cmd: "AT+CTM2MREG?", prefix: "+CTM2MREG:", flags: 0, out: lines("+CTM2MREG: 3", "OK") };
  if (r < 12.5) return { cmd: "AT+CGCONTRDP", prefix: "+CGCONTRDP:", flags: 0, out: lines('+CGCONTRDP: 1,5,"ctnb","10.44.12.7.255.255.255.0"', "OK") };
  if (r < 13) return { cmd: "AT+CGSN", prefix: "+CGSN:", flags: AT_F_BARE, out: lines("864403041234567", "OK") };
  if (r < 13.7) return { cmd: "AT+CPIN?", prefix: "+CPIN:", flags: 0, out: lines("+CPIN: READY", "OK") + lines("+CTM2MRECV: 061F41001A0006613132333032") };
  if (r < 14.2) return { cmd: "AT+CPIN?", prefix: "+CPIN:", flags: 0, out: lines("+CME ERROR: 10") };
  return { cmd: "AT+CTM2MREG?", prefix: "+CTM2MREG:", flags: 0, out: lines("+CTM2MREG: 3", "OK") + lines("+CSCON: 1") };
}

export interface CpuInput {
  exchanges: Exchange[];
  lines: number;
  chars: number;
}

export function makeInput(exchangeCount: number, seed: number): CpuInput {
  const rng = new Rng(seed);
  const exchanges: Exchange[] = [];
  let count = 0;
  let chars = 0;
  for (let i = 0; i < exchangeCount; i++) {
    const d = draw(rng, i);
    const chunks: string[] = [];
    for (let p = 0; p < d.out.length; ) {
      const n = rng.int(1, 64);
      chunks.push(d.out.substring(p, p + n));
      p += n;
    }
    count += d.out.split("\r\n").filter((x) => x.length > 0).length;
    chars += d.out.length;
    exchanges.push({ cmd: d.cmd, spec: { prefix: d.prefix, timeoutMs: 5000, flags: d.flags }, chunks });
  }
  return { exchanges, lines: count, chars };
}

/** A clock whose timers never fire (nothing times out in the bench): O(1) set and clear for both. */
function stillClock(): Clock {
  let id = 0;
  return { now: () => 0, setTimeout: () => ++id, clearTimeout: () => {} };
}

export interface Seen {
  results: number;
  notices: number;
}

export function runOurs(input: CpuInput): Seen {
  const seen: Seen = { results: 0, notices: 0 };
  const e = new AtEngine(
    { write: () => {} },
    stillClock(),
    ["+CTM2M:", "+CTM2MRECV:", "+CPIN:", "RDY", "+CFUN:"].map((prefix) => ({ prefix, handler: () => void seen.notices++ })),
    {
      atDone: () => {
        for (let i = 0; i < e.lineCount(); i++) e.line(i);
        seen.results++;
      },
      atEcho: () => {},
    },
    AT_ENGINE_DEFAULTS,
  );
  let tag = 0;
  for (const x of input.exchanges) {
    e.send(x.cmd, x.spec, ++tag);
    for (const c of x.chunks) e.feed(c);
  }
  return seen;
}

export function runPeer(input: CpuInput): Seen {
  const seen: Seen = { results: 0, notices: 0 };
  const at = new PeerAt({ write: () => {} }, stillClock());
  for (const p of ["+CTM2M:", "+CTM2MRECV:", "RDY", "+CFUN:"]) at.register(p, () => void seen.notices++);
  const done = () => void seen.results++;
  for (const x of input.exchanges) {
    at.cmd(x.cmd, x.spec.timeoutMs, expectLines(x.spec.flags & AT_F_BARE ? "" : x.spec.prefix, done));
    for (const c of x.chunks) at.feed(c);
  }
  return seen;
}

function cpuMs(fn: () => void): number {
  const u0 = process.cpuUsage();
  fn();
  const u = process.cpuUsage(u0);
  return (u.user + u.system) / 1000;
}

export interface CpuFigures {
  lines: number;
  chars: number;
  rounds: number;
  oursUsPer1000: number;
  peerUsPer1000: number;
  /** Median of the per-round ratios ours/peer, and its quartiles (the spread of the host's noise). */
  ratio: number;
  ratioQ1: number;
  ratioQ3: number;
  ours: Seen;
  peer: Seen;
}

/** Interleaved rounds (ours then peer, each round on the same input) after a warm-up; medians. */
export function measureCpu(exchangeCount: number, rounds: number, seed: number): CpuFigures {
  const input = makeInput(exchangeCount, seed);
  let ours = runOurs(input);
  let peer = runPeer(input);
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(cpuMs(() => void (ours = runOurs(input))));
    b.push(cpuMs(() => void (peer = runPeer(input))));
    ratios.push(a[r] / b[r]);
  }
  const q = (x: number[], p: number) => x.slice().sort((u, v) => u - v)[Math.floor(p * (x.length - 1))];
  const per = (ms: number) => (ms * 1000 * 1000) / input.lines;
  return {
    lines: input.lines,
    chars: input.chars,
    rounds,
    oursUsPer1000: per(q(a, 0.5)),
    peerUsPer1000: per(q(b, 0.5)),
    ratio: q(ratios, 0.5),
    ratioQ1: q(ratios, 0.25),
    ratioQ3: q(ratios, 0.75),
    ours,
    peer,
  };
}
