// What the real-interpreter tests judge, black-box: the firmware's console lines (the contract is
// classifyLine in test/sandbox/desktop-run.ts: state lines, READY, confirmed, command, queued, memory)
// and the simulator's JSON summary (sends, violations, registrations, faults), whose recorded sends are
// decoded test-side with the codec and the sample profile (test/bench/device.ts: answeredTasks,
// telemetryCount). Nothing here reaches into lib/ internals: the firmware behind these lines may be
// rewritten and must still pass.

import { expect } from "vitest";
import { parseMemoryLine, type MemoryLine } from "../bench/device";
import { classifyLine, seqOf, type LineKind } from "../sandbox/desktop-run";
import { findEspruino, realSkipReason, runOnEspruino, type RealRunOptions, type RealRunResult } from "../sandbox/real-espruino";

/** "" when the interpreter and socat are here; else why every test in test/espruino skips. */
export const SKIP = realSkipReason();
export const BIN = findEspruino().bin;

/** A test's name, with the reason it is skipped appended when it is. */
export function named(title: string): string {
  return SKIP ? title + " (SKIPPED: " + SKIP + ")" : title;
}

/** Lines the interpreter prints when the firmware broke: never acceptable in any scenario. */
const BROKEN = ["Uncaught", "OUT OF MEMORY", "New interpreter error", "Error processing Serial data handler", "exception in ", "Too much recursion"];

export function brokenLines(lines: string[]): string[] {
  return lines.filter((l) => BROKEN.some((b) => l.indexOf(b) >= 0));
}

export function ofKind(lines: string[], kind: LineKind): string[] {
  return lines.filter((l) => classifyLine(l) === kind);
}

/** Index of the first line at or after `from` of this kind, or -1. */
export function indexOfKind(lines: string[], kind: LineKind, from = 0): number {
  for (let i = from; i < lines.length; i++) if (classifyLine(lines[i]) === kind) return i;
  return -1;
}

export function countFrom(lines: string[], kind: LineKind, from: number): number {
  let n = 0;
  for (let i = Math.max(0, from); i < lines.length; i++) if (classifyLine(lines[i]) === kind) n++;
  return n;
}

/** "link: Ready -> Deregistering (lwstatus,0: ...)" -> { from: "Ready", to: "Deregistering", reason }. */
export function stateChange(line: string): { from: string; to: string; reason: string } | undefined {
  if (classifyLine(line) !== "state") return undefined;
  const body = line.substring(line.indexOf("link: ") + 6);
  const arrow = body.indexOf(" -> ");
  const paren = body.indexOf(" (", arrow);
  return { from: body.substring(0, arrow), to: body.substring(arrow + 4, paren), reason: body.substring(paren + 2, body.length - 1) };
}

/** Index of the first state line leaving Ready at or after `from`, or -1. */
export function indexLeavingReady(lines: string[], from = 0): number {
  for (let i = Math.max(0, from); i < lines.length; i++) {
    const s = stateChange(lines[i]);
    if (s && s.from === "Ready" && s.to !== "Ready") return i;
  }
  return -1;
}

/** Every "main: memory ..." line of a run, parsed. */
export function memoryLines(lines: string[]): MemoryLine[] {
  return lines.map(parseMemoryLine).filter((m): m is MemoryLine => m !== undefined);
}

/** The last lines of a run, for a failure message. */
export function tail(r: { lines: string[] }, n = 40): string {
  return r.lines.slice(-n).join("\n");
}

/**
 * What every scenario must show: no broken line, a summary from the simulator, no protocol violation,
 * Ready reached, and every uplink the console says was confirmed was first queued (or is older than
 * the first one queued in this boot: kept in Storage through a restart).
 */
export function expectHealthy(r: RealRunResult): void {
  const why = tail(r);
  expect(brokenLines(r.lines), why).toEqual([]);
  expect(r.summary, "the simulator's summary\n" + why).toBeDefined();
  expect(r.summary.violations, why).toEqual([]);
  expect(indexOfKind(r.lines, "ready"), "Ready reached\n" + why).toBeGreaterThanOrEqual(0);
  const queued = ofKind(r.lines, "queued").map(seqOf);
  const first = queued.length ? Math.min(...queued) : Infinity;
  for (const s of ofKind(r.lines, "confirmed").map(seqOf)) if (s >= first) expect(queued, "uplink #" + s + " confirmed but never queued").toContain(s);
}

/**
 * Every scenario runs on a small board: ESPRUINO_JSVARS=3000 (issue 11's target; real ESP32 builds give
 * about 3,400 to 8,000), so a firmware that needs more fails here first.
 */
export const SCENARIO_BOARD_JSVARS = 3000;

/** Scenario runs of the test files: seed 1, the user's configuration with a 10 s report interval, a 3,000-JsVar board. */
export function runScenario(scenario: string, o: Partial<RealRunOptions> & { forS: number }): Promise<RealRunResult> {
  return runOnEspruino({ bin: BIN, scenario, seed: 1, override: { app: { reportIntervalS: 10 } }, jsvars: SCENARIO_BOARD_JSVARS, ...o });
}

export { answeredTasks, telemetryCount } from "../bench/device";
