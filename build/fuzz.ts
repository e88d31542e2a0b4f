// `npm run fuzz [-- --cases N] [--seed N] [--target a,b] [--builds N]`: every fuzz target in test/fuzz/
// for N cases each (default 100,000), the configuration through buildFirmware for a few dozen; prints
// the counts per target and each target's first counterexample; exits 1 if any target failed.

import { fuzzAtEngine, fuzzLineReader } from "../test/fuzz/at";
import type { FuzzResult } from "../test/fuzz/common";
import { fuzzConfig, fuzzConfigBuilds } from "../test/fuzz/config";
import { fuzzCodecTarget, fuzzDispatcher, fuzzNoteMutations, vectorsDecode } from "../test/fuzz/downlink";
import { isMain } from "./paths";

const TARGETS: Record<string, (cases: number, seed: number) => FuzzResult> = {
  "line-reader": fuzzLineReader,
  "at-engine": fuzzAtEngine,
  codec: fuzzCodecTarget,
  "codec-mutations": fuzzNoteMutations,
  dispatcher: fuzzDispatcher,
  config: fuzzConfig,
};

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

function show(r: FuzzResult, ms: number): string {
  const c = Object.keys(r.counters)
    .sort()
    .map((k) => k + " " + r.counters[k])
    .join(", ");
  return r.target.padEnd(16) + String(r.cases).padStart(7) + " cases  " + (r.failures.length ? "FAILED" : "ok    ") + (ms / 1000).toFixed(1).padStart(6) + " s   " + c;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cases = Number(arg(args, "--cases") ?? 100000);
  const seed = Number(arg(args, "--seed") ?? Date.now() % 2147483647);
  const builds = Number(arg(args, "--builds") ?? 40);
  const only = arg(args, "--target");
  const names = only ? only.split(",") : [...Object.keys(TARGETS), "config-build"];
  for (const n of names) if (!TARGETS[n] && n !== "config-build") throw new Error("unknown target " + n + " (known: " + Object.keys(TARGETS).join(", ") + ", config-build)");
  console.log("fuzz: seed " + seed + ", " + cases + " cases per target, " + builds + " configuration builds");
  const bad = vectorsDecode();
  if (bad) throw new Error("the note's vectors no longer decode: " + bad);
  const results: FuzzResult[] = [];
  for (const n of names) {
    const t0 = performance.now();
    const r = n === "config-build" ? await fuzzConfigBuilds(builds, seed) : TARGETS[n](cases, seed);
    results.push(r);
    console.log(show(r, performance.now() - t0));
  }
  const failed = results.filter((r) => r.failures.length);
  for (const r of failed) console.log("\n" + r.target + " (seed " + r.seed + "):\n" + r.failures.join("\n"));
  console.log("total: " + results.reduce((a, r) => a + r.cases, 0) + " cases, " + failed.length + " target(s) failed");
  process.exitCode = failed.length ? 1 : 0;
}

if (isMain("fuzz")) await main();
