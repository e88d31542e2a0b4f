// Shared by the bundle tests: build the real firmware bundle (buildFirmware, the same path as
// `npm run build`) into a temp file once per test file, and the checks every sandboxed run must pass.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { decodeFrame, type DecodedFrame } from "../../lib/aep/codec";
import type { FirmwareConfig } from "../../lib/config";
import { buildFirmware } from "../../build/build";
import { APP_PROFILE } from "../../firmware/profile";
import { classifyLine, seqOf, type DesktopRun, type LogLine } from "../sandbox/desktop-run";

export interface TestBundle {
  code: string;
  file: string;
  config: FirmwareConfig;
  bytes: number;
  gzipBytes: number;
  /** Source property name -> its name in the bundle (the build mangles them). */
  names: Record<string, string>;
}

export async function buildTestBundle(config: unknown): Promise<TestBundle> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "fw-bundle-")), "firmware.js");
  const r = await buildFirmware({ config, outFile: file, env: {} });
  if (!r.ok) throw new Error("bundle build failed:\n" + r.errors.join("\n"));
  return { code: readFileSync(file, "utf8"), file, config: r.config as FirmwareConfig, bytes: r.bytes as number, gzipBytes: r.gzipBytes as number, names: r.names ?? {} };
}

/** Frames the simulated platform confirmed, decoded with the sample profile (undecodable ones dropped). */
export function confirmedFrames(run: DesktopRun): DecodedFrame[] {
  const out: DecodedFrame[] = [];
  for (const s of run.sim.summary().sends) {
    const d = decodeFrame(APP_PROFILE, s.hex);
    if (d.err === undefined) out.push(d as DecodedFrame);
  }
  return out;
}

/** Telemetry seq values the platform received, duplicates (an at-least-once resend) removed. */
export function telemetrySeqs(run: DesktopRun): number[] {
  const seen: number[] = [];
  for (const d of confirmedFrames(run)) if (d.service === "telemetry" && seen.indexOf(d.values.seq as number) < 0) seen.push(d.values.seq as number);
  return seen;
}

export function linesOf(logs: LogLine[], kind: ReturnType<typeof classifyLine>): LogLine[] {
  return logs.filter((l) => classifyLine(l.line) === kind);
}

/** Sequence numbers queued before `beforeMs` that no "confirmed" line ever reported. */
export function unconfirmed(logs: LogLine[], beforeMs: number): number[] {
  const done = linesOf(logs, "confirmed").map((l) => seqOf(l.line));
  return linesOf(logs, "queued")
    .filter((l) => l.tMs < beforeMs)
    .map((l) => seqOf(l.line))
    .filter((s) => done.indexOf(s) < 0);
}

export function dump(run: DesktopRun, n = 60): string {
  return run.logs
    .slice(-n)
    .map((l) => (l.tMs / 1000).toFixed(1) + " [" + l.boot + "] " + l.line)
    .join("\n");
}

/** No exception escaped, none was caught and logged by the link machine, the watchdog never bit. */
export function expectHealthy(run: DesktopRun): void {
  const sb = run.sandbox;
  const exceptions = run.logs.filter((l) => l.line.indexOf("exception in ") >= 0).map((l) => l.line);
  if (sb.uncaught.length || exceptions.length || sb.watchdog.bites.length) console.log(dump(run));
  expect(sb.uncaught).toEqual([]);
  expect(exceptions).toEqual([]);
  expect(sb.watchdog.kicks).toBeGreaterThan(0);
  expect(sb.watchdog.bites).toEqual([]);
}
