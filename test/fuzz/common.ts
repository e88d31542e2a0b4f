// What every fuzz target returns, and one way to run a fast-check property for a counted number of
// cases with a seed, turning a counterexample into text instead of a throw (the CLI prints it).

import fc from "fast-check";

export interface FuzzResult {
  target: string;
  cases: number;
  seed: number;
  /** Empty when every case held; otherwise the first counterexample and what broke. */
  failures: string[];
  /** What the cases exercised (lines routed, results by code, errors by name...). */
  counters: Record<string, number>;
}

export function bump(c: Record<string, number>, k: string, n = 1): void {
  c[k] = (c[k] || 0) + n;
}

/** Run `prop` for `cases` cases; a failure (after shrinking) becomes the result's failure text. */
export function runProperty<T>(target: string, arb: fc.Arbitrary<T>, check: (v: T) => void, cases: number, seed: number, counters: Record<string, number>): FuzzResult {
  const out: FuzzResult = { target, cases: 0, seed, failures: [], counters };
  const d = fc.check(
    fc.property(arb, (v) => {
      out.cases++;
      check(v);
    }),
    { numRuns: cases, seed, endOnFailure: false, maxSkipsPerRun: 0 },
  );
  if (d.failed) {
    const ex = JSON.stringify(d.counterexample, (k, v) => (typeof v === "string" && v.length > 300 ? v.substring(0, 300) + "...(" + v.length + ")" : v));
    out.failures.push((d.errorInstance instanceof Error ? d.errorInstance.message : String(d.errorInstance)) + "\ncounterexample: " + (ex || "?").substring(0, 2000));
  }
  return out;
}

/** A fuzz-time assertion: throws a plain Error that fast-check reports with the counterexample. */
export function must(cond: unknown, what: string): void {
  if (!cond) throw new Error(what);
}
