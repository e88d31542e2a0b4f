// Simulator scenarios on the real ESP32-format interpreter, the firmware booted from .bootcde against the
// simulator on a pty, in real time: each is judged as the desktop tests judge it (Ready reached, reports
// confirmed, commands answered with their task ids, Ready again after the fault, no protocol violation,
// no Uncaught / OUT OF MEMORY line). Scenarios whose recovery waits minutes by design run as their
// real-time variants (test/sim/scenarios.ts: reg-fail-quick, psm-quick). Each run stops as soon as what
// it judges has happened; the time limits are generous so a loaded machine does not fail them.

import { describe, expect, it } from "vitest";
import { seqOf } from "../sandbox/desktop-run";
import {
  answeredTasks, countFrom, expectHealthy, indexLeavingReady, indexOfKind, named, ofKind, runScenario, SKIP, stateChange, tail, telemetryCount,
} from "./judge";

/** Ready reached and then at least `n` confirmations after that Ready. */
function readyThenConfirmed(n: number) {
  return (lines: string[]) => {
    const r = indexOfKind(lines, "ready");
    return r >= 0 && countFrom(lines, "confirmed", r) >= n;
  };
}

/** Ready, left Ready (the fault), Ready again, and `n` confirmations after that. */
function recoveredThenConfirmed(n: number) {
  return (lines: string[]) => {
    const r1 = indexOfKind(lines, "ready");
    const left = r1 < 0 ? -1 : indexLeavingReady(lines, r1);
    const r2 = left < 0 ? -1 : indexOfKind(lines, "ready", left);
    return r2 >= 0 && countFrom(lines, "confirmed", r2) >= n;
  };
}

/** Uplinks the console says were queued and never confirmed. */
function unconfirmed(lines: string[]): number[] {
  const confirmed = ofKind(lines, "confirmed").map(seqOf);
  return ofKind(lines, "queued")
    .map(seqOf)
    .filter((s) => confirmed.indexOf(s) < 0);
}

/** Nothing waiting, nothing lost: the `until` of runs that judge recovery. */
function drained(lines: string[]): boolean {
  return unconfirmed(lines).length === 0;
}

/** The run stopped when drained (its `until`), so nothing queued may be missing its confirmation. */
function expectNothingLost(lines: string[]): void {
  expect(unconfirmed(lines), "queued but never confirmed\n" + lines.slice(-40).join("\n")).toEqual([]);
}

describe.skipIf(SKIP !== "")("simulator scenarios on the real interpreter, from .bootcde", () => {
  it(named("happy: Ready, reports confirmed by the platform"), async () => {
    const r = await runScenario("happy", { forS: 120, until: readyThenConfirmed(3) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(telemetryCount(r.summary)).toBeGreaterThanOrEqual(2);
    expect(r.summary.registrations).toBe(1);
  });

  it(named("downlink: the note's two commands are answered with their task ids (26, 18)"), async () => {
    const tasksSeen = (lines: string[]) => [26, 18].every((t) => ofKind(lines, "command").some((l) => l.indexOf(" task " + t + " ") > 0));
    // Both answers queued (the command line may come before its answer is queued) and confirmed.
    const responsesConfirmed = (lines: string[]) => {
      const confirmed = ofKind(lines, "confirmed").map(seqOf);
      const responses = ofKind(lines, "queued").filter((l) => l.indexOf("response #") >= 0);
      return responses.length >= 2 && responses.every((l) => confirmed.indexOf(seqOf(l)) >= 0);
    };
    const r = await runScenario("downlink", { forS: 240, until: (lines) => tasksSeen(lines) && responsesConfirmed(lines) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    const tasks = answeredTasks(r.summary);
    expect(tasks, "task ids the platform got answers for").toContain(26);
    expect(tasks).toContain(18);
    expect(r.summary.downlinks).toBeGreaterThanOrEqual(2);
  });

  it(named("lwstatus: session unusable after 60 s; deregistered, registered again, reports go on"), async () => {
    const r = await runScenario("lwstatus", { forS: 240, until: (l) => recoveredThenConfirmed(2)(l) && drained(l) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    const left = stateChange(r.lines[indexLeavingReady(r.lines, indexOfKind(r.lines, "ready"))]);
    expect(left!.reason).toContain("lwstatus");
    expect(r.summary.faults.lwstatus).toBeGreaterThanOrEqual(1);
    expect(r.summary.registrations).toBeGreaterThanOrEqual(2);
    expectNothingLost(r.lines);
  });

  it(named("reg-fail-quick: reg,1 then reg,13, then Ready and every queued report confirmed"), async () => {
    const r = await runScenario("reg-fail-quick", { forS: 300, until: (l) => readyThenConfirmed(3)(l) && drained(l) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    const failures = r.lines.filter((l) => l.indexOf("registration failed: reg,") >= 0 && stateChange(l) !== undefined);
    expect(failures.map((l) => l.substring(l.indexOf("reg,"), l.indexOf(" ", l.indexOf("reg,"))))).toEqual(["reg,1", "reg,13"]);
    expect(r.summary.regFailures).toBe(2);
    // the reports queued while it could not register all went out once it did
    expect(countFrom(r.lines.slice(0, indexOfKind(r.lines, "ready")), "queued", 0)).toBeGreaterThanOrEqual(5);
    expectNothingLost(r.lines);
  });

  it(named("reboot: the module reboots at 90 s; the firmware notices, brings it up again, reports go on"), async () => {
    const r = await runScenario("reboot", { forS: 360, until: (l) => recoveredThenConfirmed(2)(l) && drained(l) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(r.summary.reboots).toBeGreaterThanOrEqual(1);
    expect(r.summary.registrations).toBeGreaterThanOrEqual(2);
    expectNothingLost(r.lines);
  });

  it(named("wrong-apn: the saved APN is fixed (CFUN=0, AT*MCGDEFCONT, CFUN=1), then Ready"), async () => {
    const r = await runScenario("wrong-apn", { forS: 180, until: readyThenConfirmed(2) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(r.lines.some((l) => stateChange(l)?.to === "ApnFix"), tail(r)).toBe(true);
    expect(Object.keys(r.summary.commands).filter((k) => k.indexOf("MCGDEFCONT") >= 0 && !k.endsWith("?")).length, JSON.stringify(r.summary.commands)).toBeGreaterThan(0);
  });

  it(named("send-fail: send,1, send,9 (session torn down), send,2; Ready again and the first report still arrives"), async () => {
    const r = await runScenario("send-fail", { forS: 240, until: (l) => recoveredThenConfirmed(3)(l) && drained(l) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(r.summary.sendResults["1"]).toBe(1);
    expect(r.summary.sendResults["9"]).toBe(1);
    expect(r.summary.sendResults["2"]).toBe(1);
    expect(ofKind(r.lines, "confirmed").map(seqOf)).toContain(1);
    expectNothingLost(r.lines);
  });

  it(named("junk: unknown notices and binary noise between the answers change nothing"), async () => {
    const r = await runScenario("junk", { forS: 180, until: readyThenConfirmed(5) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(r.summary.faults.junk).toBeGreaterThanOrEqual(5);
    expect(ofKind(r.lines, "error"), tail(r)).toEqual([]);
  });

  it(named("chunked: module output in 1-3 character pieces"), async () => {
    const r = await runScenario("chunked", { forS: 120, until: readyThenConfirmed(3) });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    expect(telemetryCount(r.summary)).toBeGreaterThanOrEqual(2);
  });

  it(named("psm-quick: PSM twice (a swallowed wake command, then a TAU wake); every report still confirmed"), async () => {
    // The simulator's PSM rounds are not on the console: run through both (Ready + 30 s and + 60 s,
    // the TAU at + 75 s) and then some reports more.
    // With power saving on, as a deployment that sees PSM has it: the PSM notices are on, and a report
    // after ENTER PSM goes out after a wake AT (the one PSM swallows).
    const r = await runScenario("psm-quick", {
      forS: 300,
      override: { app: { reportIntervalS: 10 }, network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 } },
      until: (lines) => {
        const ready = indexOfKind(lines, "ready");
        return ready >= 0 && countFrom(lines, "confirmed", ready) >= 11 && drained(lines);
      },
    });
    expectHealthy(r);
    expect(r.ended, tail(r)).toBe("until");
    // The scenario's two rounds, and the module's own sleeps after each report's active time.
    expect(r.summary.psmEntries).toBeGreaterThanOrEqual(2);
    expect(r.summary.psmExits).toBeGreaterThanOrEqual(2);
    expect(r.summary.swallowed.psm, "a wake command swallowed by PSM (then the send goes out)").toBeGreaterThanOrEqual(1);
    expectNothingLost(r.lines);
  });
});
