// Entry of the on-device line-handling bench bundle (booted from .bootcde on the real interpreter by
// test/bench/device.ts): reads the stream from Storage (memory-mapped, so it costs no RAM), then runs
// rounds of base, ours and peer in turn on the same stream, printing each pass's seconds and counts.
// Output: "LINES <round> <name> <seconds> <results> <notices> <lines>" per pass, then "LINES done".

import type { Clock } from "../../lib/ports";
import { makeOurs } from "./lines-ours";
import { makeBase, makePeer, pass, URC_PREFIXES, type BenchCounts, type BenchHandler } from "./lines-harness";

declare const __BENCH_FILE__: string;
declare const __BENCH_ROUNDS__: number;
declare const getTime: () => number;

const g = global as any;
const clock: Clock = {
  now: function () {
    return Date.now();
  },
  setTimeout: function (fn, ms) {
    return g.setTimeout(fn, ms);
  },
  clearTimeout: function (id) {
    if (id) g.clearTimeout(id);
  },
};

function run(round: number, name: string, make: (c: BenchCounts) => BenchHandler): void {
  const counts: BenchCounts = { results: 0, notices: 0, lines: 0 };
  const h = make(counts);
  const stream = g.require("Storage").read(__BENCH_FILE__);
  const s = pass(stream, h, getTime);
  console.log("LINES " + round + " " + name + " " + s.toFixed(4) + " " + counts.results + " " + counts.notices + " " + counts.lines);
}

function runOurs(): void {
  run(round, "ours", function (c) {
    return makeOurs(clock, URC_PREFIXES, c);
  });
}

function runPeer(): void {
  run(round, "peer", function (c) {
    return makePeer(clock, c);
  });
}

let round = 0;
function next(): void {
  if (round >= __BENCH_ROUNDS__) {
    console.log("LINES done");
    return;
  }
  round++;
  run(round, "base", makeBase);
  // Alternate which goes first, so neither always runs on a freshly collected heap.
  if (round % 2 === 1) {
    runOurs();
    runPeer();
  } else {
    runPeer();
    runOurs();
  }
  // Between rounds: let pending timers and the console drain, as the device would between bursts.
  g.setTimeout(next, 200);
}
g.setTimeout(next, 500);
