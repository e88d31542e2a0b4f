// Configuration fuzz: random and boundary values for every key in CONFIG_KEYS, alone and together, give
// either a valid configuration (that validates again to itself) or errors that each name the key, say
// what is allowed, and never depend on the PSK's content; and a sample of them through buildFirmware
// gives a bundle or exactly the same errors (slow: esbuild and the gate per build, so it stays small).

import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildFirmware } from "../../build/build";
import { CONFIG_KEYS, validateConfig, type KeySpec } from "../../lib/config";
import { bump, must, runProperty, type FuzzResult } from "./common";

const ODD: unknown[] = [null, undefined, true, "", "x", [], {}, NaN, Infinity, -Infinity, 1.5, -1, 0, 2 ** 53, "12"];

/** Values for one key: its boundaries, just past them, wrong types, and random ones. */
export function valuesFor(k: KeySpec): fc.Arbitrary<unknown> {
  const odd = fc.constantFrom(...ODD);
  switch (k.kind) {
    case "int": {
      const lo = k.min as number;
      const hi = k.max as number;
      return fc.oneof(fc.constantFrom(lo, hi, lo - 1, hi + 1, lo + 1, hi - 1, String(lo)), fc.integer({ min: lo - 1000, max: hi + 1000 }), fc.double(), odd);
    }
    case "string": {
      const max = k.maxLen as number;
      const min = k.minLen || 0;
      return fc.oneof(
        fc.constantFrom("ctnb", "x".repeat(max), "x".repeat(max + 1), "x".repeat(Math.max(0, min - 1)), 'a"b', "a,b", "a\rb", "a\u0000b", "caf\u00e9", "\u4e2d", " "),
        fc.string({ maxLength: max + 4 }),
        fc.string({ unit: "grapheme", maxLength: 8 }),
        odd,
      );
    }
    case "bool":
      return fc.oneof(fc.boolean(), fc.constantFrom(0, 1, "true", "false"), odd);
    case "enum": {
      const vs = k.values as readonly (string | number)[];
      return fc.oneof(fc.constantFrom(...vs), fc.constantFrom(...vs.map((v) => (typeof v === "number" ? String(v) : v.toUpperCase()))), fc.constantFrom(-2, 3, 115201, "drop"), odd);
    }
    case "pin":
      return fc.oneof(fc.constantFrom("D4", "D16", "A0", "D39", null, "D", "d4", "DD4", "D12345", "4", "", " D4", 4), odd);
    case "options":
      return fc.oneof(
        fc.constantFrom({ rx: "D16", tx: "D17" }, {}, { path: "/dev/pts/3" }, { rx: {} }, { rx: [1] }, { a: true, b: 1 }, { rx: null }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null))),
        odd,
      );
  }
}

function setPath(obj: Record<string, any>, key: string, v: unknown): void {
  const parts = key.split(".");
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) cur = cur[parts[i]] = typeof cur[parts[i]] === "object" && cur[parts[i]] !== null ? cur[parts[i]] : {};
  cur[parts[parts.length - 1]] = v;
}

const KEY_NAMES = CONFIG_KEYS.map((k) => k.key);
/** Keys whose rules involve another key: their errors may appear when the other is set. */
const CROSS = ["aep.security", "network.psm.activeS"];

/** A user's configuration: some keys with random or boundary values, sometimes a misspelt key. */
export const configArb: fc.Arbitrary<{ cfg: Record<string, any>; keys: string[]; typo: string }> = fc
  .tuple(fc.subarray(CONFIG_KEYS.slice(), { maxLength: 8 }), fc.constantFrom("", "", "", "aep.sever", "network.apm", "outbox.capacty"))
  .chain(([specs, typo]) =>
    fc.tuple(fc.tuple(...specs.map(valuesFor)), fc.constant(specs), fc.constant(typo)).map(([vals, specs2, t]) => {
      const cfg: Record<string, any> = {};
      specs2.forEach((s, i) => setPath(cfg, s.key, vals[i]));
      if (t) setPath(cfg, t, 1);
      return { cfg, keys: specs2.map((s) => s.key), typo: t };
    }),
  );

/** The key an error names: the text before the first ": ". */
function keyOf(err: string): string {
  return err.substring(0, err.indexOf(": "));
}

function checkResult(cfg: Record<string, any>, given: string[], typo: string, counters: Record<string, number>): void {
  const r = validateConfig(cfg, {});
  if (r.config) {
    must(r.errors.length === 0, "config and errors both");
    const again = validateConfig(r.config, {});
    must(again.config && JSON.stringify(again.config) === JSON.stringify(r.config), "a valid configuration does not validate to itself");
    bump(counters, "valid");
    return;
  }
  must(r.errors.length > 0, "neither config nor errors");
  bump(counters, "invalid");
  for (const e of r.errors) {
    const k = keyOf(e);
    must(k === typo || KEY_NAMES.indexOf(k) >= 0, "error names no key: " + e);
    must(k === typo || given.indexOf(k) >= 0 || CROSS.indexOf(k) >= 0, "error names a key that was not given: " + e);
    must(e.indexOf("must") > 0 || e.indexOf("unknown key") > 0 || e.indexOf("needs") > 0, "error does not say what is allowed: " + e);
    bump(counters, "error:" + k);
  }
  // The PSK never shows: another PSK of the same shape (letters and digits swapped) gives the same errors.
  if (cfg.aep && typeof cfg.aep.psk === "string") {
    const other = structuredClone(cfg); // keeps NaN, Infinity and undefined as given
    other.aep.psk = cfg.aep.psk.replace(/[A-Za-z0-9]/g, (ch: string) => (ch === "x" ? "y" : "x"));
    must(JSON.stringify(validateConfig(other, {}).errors) === JSON.stringify(r.errors), "an error depends on the PSK's content: " + JSON.stringify(r.errors));
  }
  // Every key that is bad on its own is named.
  for (const k of given) {
    const alone: Record<string, any> = {};
    const parts = k.split(".");
    let cur: any = cfg;
    for (const p of parts) cur = cur === undefined || cur === null ? undefined : cur[p];
    setPath(alone, k, cur);
    const single = validateConfig(alone, {});
    // Rules across keys (security needs pskId and psk; activeS < tauS) run only once every key is valid
    // on its own, so they may come to light in a second round: not required here.
    const crossOnly = single.errors.every((e) => e.indexOf(" needs aep.pskId") > 0 || e.indexOf("shorter than network.psm.tauS") > 0);
    if (!single.config && !crossOnly && single.errors.some((e) => keyOf(e) === k)) must(r.errors.some((e) => keyOf(e) === k), "bad " + k + " not named in " + JSON.stringify(r.errors));
  }
}

export function fuzzConfig(cases: number, seed: number): FuzzResult {
  const counters: Record<string, number> = {};
  // Half the cases change one key (every key's boundaries get hit), half change several at once.
  const one = fc.constantFrom(...CONFIG_KEYS).chain((k) => valuesFor(k).map((v) => ({ k: k.key, v })));
  return runProperty(
    "config",
    fc.oneof(one.map((x) => ({ single: x })), configArb.map((x) => ({ multi: x }))),
    (c) => {
      if ("single" in c) {
        const cfg: Record<string, any> = {};
        setPath(cfg, c.single.k, c.single.v);
        checkResult(cfg, [c.single.k], "", counters);
      } else checkResult(c.multi.cfg, c.multi.keys, c.multi.typo, counters);
    },
    cases,
    seed,
    counters,
  );
}

/** `builds` configurations through buildFirmware: a bundle exactly when validateConfig accepts. */
export async function fuzzConfigBuilds(builds: number, seed: number): Promise<FuzzResult> {
  const counters: Record<string, number> = {};
  const out: FuzzResult = { target: "config-build", cases: 0, seed, failures: [], counters };
  const dir = mkdtempSync(path.join(os.tmpdir(), "fuzz-build-"));
  try {
    // Bias towards valid ones: a random mix of keys is mostly invalid, and the bundle path matters too.
    const samples = fc.sample(fc.oneof(configArb, configArb.filter((x) => validateConfig(x.cfg, {}).config !== undefined)), { numRuns: builds, seed });
    for (const s of samples) {
      out.cases++;
      const v = validateConfig(s.cfg, {});
      const b = await buildFirmware({ config: s.cfg, outFile: path.join(dir, "fw.js"), env: {} });
      const show = JSON.stringify(s.cfg).substring(0, 300);
      if (v.config) {
        bump(counters, "bundles");
        if (!b.ok || !(b.bytes && b.bytes > 0)) out.failures.push("valid configuration did not build: " + b.errors.join("; ") + "\n" + show);
        else if (JSON.stringify(b.config) !== JSON.stringify(v.config)) out.failures.push("the bundle baked another configuration\n" + show);
      } else {
        bump(counters, "build errors");
        const want = v.errors.map((e) => "config " + e);
        if (b.ok || JSON.stringify(b.errors) !== JSON.stringify(want)) out.failures.push("build errors " + JSON.stringify(b.errors) + " differ from " + JSON.stringify(want) + "\n" + show);
      }
      if (out.failures.length >= 5) break;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
