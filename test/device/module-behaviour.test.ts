// Issue 12, "the module as it really behaves": the whole firmware logic (Device + SampleApp through
// makeDeviceRig) against the simulator's new faults and scenarios, asserting what the issue REQUIRES.
// The firmware before the redesign broke each requirement (the comments say how, measured then); the
// redesign fixed them. Mostly the black-box surface is used (the rig, the simulator's transcript and
// summary, the UART writes, the log lines). Each group first checks, in a plain `it`, that the simulator
// really produced the fault, so a pass cannot come from a broken set-up.

import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../lib/aep/codec";
import { APP_PROFILE } from "../../firmware/profile";
import { MODULE_FAULT_KINDS } from "../sim/scenarios";
import { formatSoak, runSoak, type SoakOptions } from "../soak/soak";
import type { TranscriptEntry } from "../sim/sim7020";
import { makeDeviceRig as makeRig, type DeviceRig } from "./rig";
import { regCommands, registrationsPerHour } from "../bench/protocol";
import { uplinkStats } from "../../lib/link/stats";

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

/** The rig with a transcript long enough for hours of storm (the tests count in it). */
function makeDeviceRig(opts: Parameters<typeof makeRig>[0] = {}): DeviceRig {
  return makeRig({ ...opts, sim: { transcriptLimit: 2_000_000, ...(opts.sim ?? {}) } });
}

/** Build once, share between a group's tests (the runs are deterministic). */
function once<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v === undefined ? (v = make()) : v);
}

/** Host lines (commands) in the simulator's transcript. */
function hostLines(r: DeviceRig): TranscriptEntry[] {
  return r.sim.transcript().filter((e) => e.dir === "host");
}

/** How many times each distinct frame went out with AT+CTM2MSEND. */
function sendsByFrame(r: DeviceRig): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of r.uart.commands()) if (c.startsWith("AT+CTM2MSEND=")) m.set(c, (m.get(c) || 0) + 1);
  return m;
}

/** Frames the platform received more than once. */
function duplicatesAtPlatform(r: DeviceRig): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const s of r.sim.summary().sends) {
    if (seen.has(s.hex)) dups.push(s.hex);
    seen.add(s.hex);
  }
  return dups;
}

function firstReadyAt(r: DeviceRig, afterMs = 0): number {
  const m = r.logs.map((l) => /^(\d+\.\d+) . link: \w+ -> Ready /.exec(l)).find((x) => x !== null && Number(x[1]) * S >= afterMs);
  return m ? Number(m[1]) * S : -1;
}

function moduleLineAt(r: DeviceRig, line: string): number {
  const e = r.sim.transcript().find((x) => x.dir === "module" && x.line === line);
  return e ? e.tMs : -1;
}

// ---- 1. A confirmation that arrives before the SEND's OK --------------------------------------------

describe("defect 1: a SEND confirmation before the SEND's OK (+CTM2MSEND: N, +CTM2M: send,0,N, OK)", () => {
  const run = once(() => {
    const r = makeDeviceRig({ seed: 1, scenario: "confirm-early", config: { app: { reportIntervalS: 60 } } });
    r.clock.advance(20 * MIN);
    return r;
  });

  it("set-up: every confirmation the simulator printed came between +CTM2MSEND: N and OK", () => {
    const lines = run().sim.transcript().map((e) => e.line);
    const at = lines.map((l, i) => (l.startsWith("+CTM2M: send,") ? i : -1)).filter((i) => i >= 0);
    expect(at.length).toBeGreaterThan(5);
    for (const i of at) {
      expect(lines[i - 1]).toMatch(/^\+CTM2MSEND: \d+$/);
      expect(lines[i + 1]).toBe("OK");
    }
  });

  // Defect 1: lib/aep/uplink.ts learns the msgid only at OK, so the confirmation is lost; the frame is
  // re-sent every confirmTimeoutS (90 s) and never removed.
  it("the confirmed frame is removed and not re-sent: every uplink delivered once", () => {
    const r = run();
    for (const [cmd, n] of sendsByFrame(r)) expect(n, cmd).toBe(1);
    expect(r.delivered.length).toBeGreaterThanOrEqual(r.produced.length - 1);
    expect(r.device.outbox.size()).toBeLessThanOrEqual(1);
  });
});

// ---- 2. Signalling storms: persistent faults through successful registrations -----------------------

const STORM_HOURS = 4;
/** The guard: at most 12 registrations per device-hour, after the first few quick tries. */
const REGS_PER_HOUR = 12;
const QUICK_TRIES = 6;

function stormRun(persistent: object, hours = STORM_HOURS) {
  return once(() => {
    const r = makeDeviceRig({ seed: 1, sim: { persistent } });
    r.clock.advance(hours * HOUR);
    return r;
  });
}

/** First hour: the quick tries plus the hourly budget; every later hour: the budget. */
function expectRegistrationGuard(r: DeviceRig): void {
  const perHour = registrationsPerHour(r, STORM_HOURS);
  expect(perHour[0], "first hour: " + perHour.join(", ")).toBeLessThanOrEqual(QUICK_TRIES + REGS_PER_HOUR);
  for (let h = 1; h < perHour.length; h++) expect(perHour[h], "hour " + (h + 1) + ": " + perHour.join(", ")).toBeLessThanOrEqual(REGS_PER_HOUR);
}

describe("defect 2: no signalling storm under a fault that persists through successful registrations", () => {
  const cases: { name: string; fault: object; evidence: (r: DeviceRig) => number }[] = [
    { name: "the platform answers every report with RST (send,9) and the module drops the session", fault: { rst: true }, evidence: (r) => r.sim.summary().sendResults[9] || 0 },
    { name: "update,13 after every registration", fault: { updateFail: 13 }, evidence: (r) => r.sim.summary().faults["persistent:update13"] || 0 },
    { name: "ping,13 after every registration", fault: { pingFail: 13 }, evidence: (r) => r.sim.summary().faults["persistent:ping13"] || 0 },
    { name: "lwstatus,0 after every registration", fault: { lwstatus: true }, evidence: (r) => r.sim.summary().faults["persistent:lwstatus"] || 0 },
  ];
  for (const c of cases) {
    const run = stormRun(c.fault);
    it("set-up (" + c.name + "): the fault struck session after session", () => {
      // Every hour, more than once (the guard lets a dozen sessions an hour be struck at most).
      expect(c.evidence(run())).toBeGreaterThan(STORM_HOURS * 2);
      expect(run().sim.summary().registrations).toBeGreaterThan(1);
    });
    // Defect 2: noteReady() resets the failure count at every Ready, so recoveries that start from
    // Ready never back off (measured today: rst ~800, update13/ping13 ~630, lwstatus ~560 per hour).
    it(c.name + ": at most " + REGS_PER_HOUR + " registrations per device-hour after the first few quick tries", () => {
      expectRegistrationGuard(run());
    });
  }

  for (const code of [15, 4]) {
    const run = stormRun({ sendError: code }, 3);
    it("set-up (SEND refused with " + code + " while AT+CTM2MREG? says 3): refused again and again", () => {
      const r = run();
      expect(r.sim.summary().faults["persistent:send" + code]).toBeGreaterThan(3 * 3);
      expect(r.sim.transcript().filter((e) => e.line === "+CTM2MREG: 3").length).toBeGreaterThan(0);
    });
    // Defect 2: error 15/4 -> "session check" -> AT+CTM2MREG? says 3 -> Ready -> send again, at full
    // speed (measured today: ~850 AT commands per minute).
    it("SEND refused with " + code + " while AT+CTM2MREG? says 3: the retries back off (under 60 AT commands an hour after the first)", () => {
      const r = run();
      const late = hostLines(r).filter((e) => e.tMs >= HOUR).length;
      expect(late / 2, "AT commands per hour in hours 2-3").toBeLessThan(60);
    });
  }

  const badFrame = once(() => {
    // Every event frame (0x07 ...) is refused with RST; telemetry (0x02 ...) is fine.
    const r = makeDeviceRig({ seed: 1, sim: { persistent: { rstPrefix: "07" } }, config: { app: { reportIntervalS: 60 } } });
    r.clock.advance(HOUR);
    return r;
  });
  it("set-up (one frame the platform always answers with RST): the boot event is refused with send,9", () => {
    const r = badFrame();
    const boot = [...sendsByFrame(r).keys()].find((c) => c.startsWith("AT+CTM2MSEND=07"));
    expect(boot).toBeDefined();
    expect(r.sim.summary().sendResults[9]).toBeGreaterThanOrEqual(3);
  });
  // Defect 2: a frame answered with RST is re-sent after every re-registration, for ever (today the
  // boot event is sent ~800 times an hour). Required: set aside after 3 RSTs, the queue moves on.
  // Set aside = moved behind the queue after 3 RSTs; each RST after another frame was delivered is a
  // strike (the frame, not a platform answering everything with RST): moved behind again, and at the
  // third strike dropped and reported.
  it("a frame the platform answered with RST 3 times is set aside: moved behind the queue, dropped at its third strike, never sent a 7th time; the reports behind it are delivered", () => {
    const r = badFrame();
    for (const [cmd, n] of sendsByFrame(r)) if (cmd.startsWith("AT+CTM2MSEND=07")) expect(n, cmd.substring(0, 40)).toBeLessThanOrEqual(6);
    expect(r.logs.filter((l) => / moved behind the queue as #\d+: the platform answered it with RST 3 times/.test(l)).length).toBe(1);
    expect(r.logs.filter((l) => / moved behind the queue as #\d+: RST again after other frames got through \(strike [12] of 3/.test(l)).length).toBe(2);
    expect(r.logs.filter((l) => / set aside: RST again after other frames got through \(strike 3 of 3/.test(l)).length).toBe(1);
    expect(r.logs.filter((l) => /link events off/.test(l)).length).toBe(1);
    expect(r.dropped).toHaveLength(1);
    const telemetry = r.sim.summary().sends.filter((s) => {
      const d = decodeFrame(APP_PROFILE, s.hex);
      return d.err === undefined && d.service === "telemetry";
    }).length;
    expect(telemetry).toBeGreaterThanOrEqual(55);
  });
});

// ---- 3. Line noise ------------------------------------------------------------------------------------

describe("defect 3: line noise next to OK or a URC (\\x00OK, \\xff+CTM2M: lwstatus,0)", () => {
  const okNoise = once(() => {
    const r = makeDeviceRig({ seed: 1, config: { app: { reportIntervalS: 60 } } });
    const toSim = r.uart.onWrite as (d: string) => void;
    let armed = false;
    r.uart.onWrite = (d) => {
      // A NUL glued to the OK of the first uplink's SEND.
      if (!armed && d.startsWith("AT+CTM2MSEND=")) {
        armed = true;
        r.sim.faults.noise("OK", "\u0000");
      }
      toSim(d);
    };
    r.clock.advance(10 * MIN);
    return r;
  });
  it("set-up: the first SEND's OK reached the host as \\x00OK", () => {
    const t = okNoise().sim.transcript();
    const i = t.findIndex((e) => e.dir === "host" && e.line.startsWith("AT+CTM2MSEND="));
    expect(t.slice(i + 1, i + 3).map((e) => e.line)).toEqual([expect.stringMatching(/^\+CTM2MSEND: \d+$/), "\u0000OK"]);
  });
  // Defect 3: the line is not recognised as OK, the SEND times out and is sent again: the platform
  // gets the frame twice.
  it("a NUL before the SEND's OK: the frame goes out once and reaches the platform once", () => {
    const r = okNoise();
    for (const [cmd, n] of sendsByFrame(r)) expect(n, cmd.substring(0, 40)).toBe(1);
    expect(duplicatesAtPlatform(r)).toEqual([]);
  });

  const lwNoise = once(() => {
    const r = makeDeviceRig({ seed: 1 });
    r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0, 10 * MIN);
    r.clock.advance(30 * S);
    r.sim.faults.noise("+CTM2M: lwstatus", "\u00ff");
    const t0 = r.clock.now();
    r.sim.faults.lwstatus();
    r.clock.advance(5 * MIN);
    return { r, t0 };
  });
  it("set-up: the lwstatus reached the host as \\xff+CTM2M: lwstatus,0", () => {
    expect(moduleLineAt(lwNoise().r, "\u00ff+CTM2M: lwstatus,0")).toBe(lwNoise().t0);
  });
  // Defect 3: the noisy lwstatus is missed; the session is only restarted after sends fail (~36 s).
  it("0xFF before a lwstatus,0: AT+CTM2MDEREG follows within 5 s (the note's reaction)", () => {
    const { r, t0 } = lwNoise();
    const dereg = hostLines(r).find((e) => e.line === "AT+CTM2MDEREG" && e.tMs >= t0);
    expect(dereg).toBeDefined();
    expect((dereg as TranscriptEntry).tMs - t0).toBeLessThanOrEqual(5 * S);
  });

  const scenarioNoise = once(() => {
    const r = makeDeviceRig({ seed: 2, scenario: "noise", config: { app: { reportIntervalS: 60 } } });
    r.clock.advance(40 * MIN);
    return r;
  });
  it("set-up (scenario noise): glitches on several lines", () => {
    expect(scenarioNoise().sim.summary().faults["noise:random"]).toBeGreaterThanOrEqual(4);
  });
  // Defect 3: lines with glitch bytes are dropped as unrecognisable: commands time out and are resent.
  it("scenario noise: no frame reaches the platform twice and every report queued is delivered", () => {
    const r = scenarioNoise();
    expect(duplicatesAtPlatform(r)).toEqual([]);
    expect(r.delivered.length).toBeGreaterThanOrEqual(r.produced.length - 1);
  });
});

// ---- 4. PSM in Ready ---------------------------------------------------------------------------------

describe("defect 4: PSM entered while Ready (auto-sleep module)", () => {
  const run = once(() => {
    const r = makeDeviceRig({ seed: 1, config: { network: { psm: { enabled: true, tauS: 3600, activeS: 60 } }, aep: { autoTau: 2 } } });
    r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0, 10 * MIN);
    r.clock.advance(1000);
    r.sim.faults.psmEnter(); // +CPSMSTATUS: "ENTER PSM" while Ready
    r.clock.advance(500);
    const t0 = r.clock.now();
    r.app.report(); // within 4 s of ENTER PSM
    r.clock.advance(MIN);
    return { r, t0 };
  });
  it("set-up: ENTER PSM was printed and the module slept when the report was queued", () => {
    const { r, t0 } = run();
    expect(r.sim.transcript().some((e) => e.line === '+CPSMSTATUS: "ENTER PSM"' && e.tMs < t0)).toBe(true);
    expect(r.sim.summary().psmEntries).toBeGreaterThanOrEqual(1);
  });
  // Defect 4: Ready handles the PSM notice itself and never sets `asleep`, so for 4 s after ENTER PSM
  // a send goes out without the wake AT and the dozing module swallows it.
  it("a report right after ENTER PSM is preceded by a wake AT: the SEND itself is never swallowed", () => {
    const { r, t0 } = run();
    const swallowedSends = hostLines(r).filter((e) => e.tMs >= t0 && e.line.startsWith("AT+CTM2MSEND=") && e.note === "swallowed: psm");
    expect(swallowedSends).toEqual([]);
    expect(r.delivered.length).toBe(r.produced.length);
  });
});

// ---- 5. The note's own registration flow -------------------------------------------------------------

describe("defect 5: the note's registration flow (reg,0, no obsrv ever, AT+CTM2MREG? says 3)", () => {
  const readyAfterReg = (r: DeviceRig): number => {
    const reg = regCommands(r)[0];
    return firstReadyAt(r) - reg.tMs;
  };
  const afterOk = once(() => {
    const r = makeDeviceRig({ seed: 1, sim: { printObsrv: false } });
    r.clock.advance(5 * MIN);
    return r;
  });
  const beforeOk = once(() => {
    const r = makeDeviceRig({ seed: 1, scenario: "note-reg" });
    r.clock.advance(5 * MIN);
    return r;
  });
  it("reg,0 after the REG's OK: Ready within 10 s of AT+CTM2MREG (holds today)", () => {
    const r = afterOk();
    expect(r.sim.summary().faults).toEqual({});
    expect(readyAfterReg(r)).toBeGreaterThan(0);
    expect(readyAfterReg(r)).toBeLessThanOrEqual(10 * S);
  });
  it("set-up (scenario note-reg): reg,0 came before the REG's OK, and no obsrv line", () => {
    const lines = beforeOk().sim.transcript().map((e) => e.line);
    const i = lines.indexOf("+CTM2M: reg,0");
    expect(lines.slice(i - 1, i + 2)).toEqual(["AT+CTM2MREG", "+CTM2M: reg,0", "OK"]);
    expect(lines).not.toContain("+CTM2M: obsrv,0");
  });
  // Defect 5: the REG's OK overwrites the step reg,0 set; Ready only after the 90 s result timeout.
  it("reg,0 before the REG's OK: Ready within 10 s of AT+CTM2MREG, with one registration", () => {
    const r = beforeOk();
    expect(readyAfterReg(r)).toBeGreaterThan(0);
    expect(readyAfterReg(r)).toBeLessThanOrEqual(10 * S);
    expect(regCommands(r)).toHaveLength(1);
  });
});

// ---- 6. Smaller ones -----------------------------------------------------------------------------------

describe("defect 6: +CGCONTRDP: split over two lines with a URC between them", () => {
  const run = once(() => {
    const r = makeDeviceRig({ seed: 1, scenario: "contrdp-split" });
    r.clock.advance(3 * MIN);
    return r;
  });
  it("set-up: the module printed +CGCONTRDP:, +CSCON: 1, then the context line", () => {
    const lines = run().sim.transcript().map((e) => e.line);
    const i = lines.indexOf("+CGCONTRDP:");
    expect(lines.slice(i, i + 3)).toEqual(["+CGCONTRDP:", "+CSCON: 1", expect.stringMatching(/^1,5,"ctnb",/)]);
  });
  // Defect 6: the URC is taken for the context line: APN and IP are lost and the APN check skipped.
  it("the APN and the IP are read anyway (the link's network line names them)", () => {
    const r = run();
    expect(r.logs.some((l) => l.includes("APN ctnb, IP " + r.sim.state().ip))).toBe(true);
  });
});

describe("defect 6: +CTM2M: plat with a disable timeout and an end notice (data2 = 1)", () => {
  const short = once(() => {
    const r = makeDeviceRig({ seed: 1, scenario: "plat-disable" });
    r.clock.advance(20 * MIN);
    return r;
  });
  const long = once(() => {
    const r = makeDeviceRig({ seed: 1, scenario: "plat-window" });
    r.clock.advance(40 * MIN);
    return r;
  });
  it("set-up: plat,0,T,0 then plat,0,T,1 exactly T later (T = 120 s and 1200 s)", () => {
    for (const [r, t] of [[short(), 120], [long(), 1200]] as const) {
      const begin = moduleLineAt(r, "+CTM2M: plat,0," + t + ",0");
      expect(begin).toBeGreaterThan(0);
      expect(moduleLineAt(r, "+CTM2M: plat,0," + t + ",1") - begin).toBe(t * S);
    }
  });
  // Defect 6: the pause is a fixed 600 s and only plat,1,...,1 ends it: Ready ~8 min after the end notice.
  it("the end notice ends the pause: Ready within 30 s of plat,0,120,1", () => {
    const r = short();
    const end = moduleLineAt(r, "+CTM2M: plat,0,120,1");
    const ready = firstReadyAt(r, end);
    expect(ready).toBeGreaterThan(0);
    expect(ready - end).toBeLessThanOrEqual(30 * S);
  });
  // Defect 6: the fixed 600 s pause ignores the 1200 s timeout: REG is refused with 7 again at 600 s.
  it("the pause uses the disable timeout: no REG tried (and refused with 7) again inside the 1200 s window", () => {
    const r = long();
    const begin = moduleLineAt(r, "+CTM2M: plat,0,1200,0");
    const refusals = r.sim.transcript().filter((e) => e.line === "+CTM2M ERROR: 7" && e.tMs > begin && e.tMs < begin + 1200 * S);
    expect(refusals.length).toBeLessThanOrEqual(1);
  });
});

describe("defect 6: a firmware whose bare AT+CTM2MREG answers ERROR", () => {
  const run = once(() => {
    const r = makeDeviceRig({ seed: 1, scenario: "reg-lifetime" });
    r.clock.advance(30 * MIN);
    return r;
  });
  it("set-up: the bare AT+CTM2MREG was answered ERROR", () => {
    const t = run().sim.transcript();
    const i = t.findIndex((e) => e.dir === "host" && e.line === "AT+CTM2MREG");
    expect(t[i + 1]).toMatchObject({ dir: "module", line: "ERROR" });
  });
  // Defect 6: the ERROR is retried as it is, for ever; AT+CTM2MREG=<lifetime> is never tried.
  it("the note's AT+CTM2MREG=<lifetime> is tried and the device reaches Ready within 2 min", () => {
    const r = run();
    expect(hostLines(r).some((e) => /^AT\+CTM2MREG=\d+$/.test(e.line))).toBe(true);
    const ready = firstReadyAt(r);
    expect(ready).toBeGreaterThan(0);
    expect(ready).toBeLessThanOrEqual(2 * MIN);
  });
});

describe("defect 6: AT+CTM2MINIT? answering with <PSKID>,<PSK>", () => {
  const PSK = "s3cretK3y";
  const mk = (pskid: string, logLevel: number) =>
    once(() => {
      const r = makeDeviceRig({
        seed: 1,
        logLevel,
        sim: { initReadShowsPsk: true, savedInit: { ip: "221.229.214.202", port: 5684, lifetimeS: 300, autoTau: 0, security: 1, pskid, psk: PSK } },
        config: { aep: { port: 5684, lifetimeS: 300, security: 1, pskId: "dev1", psk: PSK } },
      });
      r.clock.advance(5 * MIN);
      return r;
    });
  const same = mk("dev1", 3);
  const other = mk("other", 3);
  it("set-up: the module printed the PSK in its INIT read", () => {
    expect(same().sim.transcript().some((e) => e.dir === "module" && e.line.endsWith(",dev1," + PSK))).toBe(true);
  });
  // Defect 6: at log level 3 every AT line is logged raw, and the read line carries the PSK.
  it("the PSK appears in no log line, at any level (debug included)", () => {
    for (const r of [same(), other()]) expect(r.logs.filter((l) => l.includes(PSK))).toEqual([]);
  });
  // Defect 6: only the first five fields are compared, so a module provisioned for another identity is kept.
  it("the pskid is compared too: a module saved with another pskid gets AT+CTM2MINIT= written", () => {
    expect(other().uart.commands().filter((c) => c.startsWith("AT+CTM2MINIT=")).length).toBe(1);
    expect(same().uart.commands().filter((c) => c.startsWith("AT+CTM2MINIT=")).length).toBe(0);
  });
});

// ---- True PSM ------------------------------------------------------------------------------------------

const PSM_CONFIG = { network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 } };

describe("true PSM, PWRKEY wired: a report while the module sleeps goes out after a wake pulse", () => {
  const run = once(() => {
    const r = makeDeviceRig({ seed: 1, sim: { psmModel: "true" }, config: { ...PSM_CONFIG, modem: { pwrkeyPin: "D4", statusPin: "D5" } } });
    r.clock.advance(3 * HOUR);
    return r;
  });
  it("set-up: the module went into true PSM (nothing swallowed: its UART was dead) and was woken by PWRKEY pulses", () => {
    const r = run();
    const s = r.sim.summary();
    expect(s.psmEntries).toBeGreaterThan(3);
    expect(s.psmExits).toBeGreaterThan(3);
    expect(s.swallowed.psm).toBeUndefined();
    expect(uplinkStats(r.device.link).wakePulses).toBeGreaterThan(3);
  });
  // True PSM: the firmware has no wake pulse; the silent module is taken for dead and power-cycled,
  // and each +CPIN: READY is taken for a reboot (measured today: 8 registrations, 7 power-offs in 3 h).
  it("one registration for 3 hours, no power-off, no full bring-up after a wake; every report delivered", () => {
    const r = run();
    const s = r.sim.summary();
    expect(s.registrations).toBe(1);
    expect(s.powerOffs).toBe(0);
    expect(hostLines(r).filter((e) => e.line === "ATE0")).toHaveLength(1);
    expect(r.delivered.length).toBeGreaterThanOrEqual(r.produced.length - 1);
  });
});

describe("true PSM, PWRKEY not wired: reports wait for the module's own TAU wake", () => {
  const run = once(() => {
    const r = makeDeviceRig({ seed: 1, sim: { psmModel: "true" }, config: PSM_CONFIG });
    r.clock.advance(3 * HOUR);
    return r;
  });
  it("set-up: the module slept in true PSM and woke by its TAU timer (psm,0)", () => {
    const r = run();
    expect(r.sim.summary().psmEntries).toBeGreaterThan(0);
    expect(r.sim.transcript().some((e) => e.line === "+CTM2M: psm,0")).toBe(true);
  });
  // True PSM: a sleeping module is silent; today that escalates into AT+CRESET and re-registration
  // attempts, and reports pile up (measured today: 1 of 37 reports delivered in 3 h, 11 AT+CRESET).
  it("no AT+CRESET, no re-registration, and each report queued before a TAU wake is delivered after it", () => {
    const r = run();
    expect(r.uart.commands().filter((c) => c === "AT+CRESET")).toEqual([]);
    expect(r.sim.summary().registrations).toBe(1);
    const wakes = r.sim.transcript().filter((e) => e.line === "+CTM2M: psm,0").map((e) => e.tMs);
    const lastWake = wakes[wakes.length - 1];
    const queuedBefore = r.produced.length - r.logs.filter((l) => / queued /.test(l) && Number(l.split(" ")[0]) * S > lastWake).length;
    expect(r.delivered.length).toBeGreaterThanOrEqual(queuedBefore);
  });
});

// ---- The soak with the new faults in its random schedule ----------------------------------------------

/** The soak with randomSchedule's moduleFaults on (the soak reads it from SIM_MODULE_FAULTS). */
function soakWithModuleFaults(o: SoakOptions) {
  const before = process.env.SIM_MODULE_FAULTS;
  process.env.SIM_MODULE_FAULTS = "1";
  try {
    return runSoak(o);
  } finally {
    if (before === undefined) delete process.env.SIM_MODULE_FAULTS;
    else process.env.SIM_MODULE_FAULTS = before;
  }
}

describe("the soak drawing the new faults too (SIM_MODULE_FAULTS=1)", () => {
  const clean = once(() => soakWithModuleFaults({ days: 2, seed: 2 }));
  it("seed 2, 2 days: every new kind is drawn, and nothing is lost (holds today)", () => {
    const r = clean();
    for (const k of MODULE_FAULT_KINDS) expect(r.simFaults[k] || 0, k).toBeGreaterThan(0);
    expect(formatSoak(r)).toMatch(/^lost: 0$/m);
  });
  // Defect 3 (line noise): glitch bytes glued to a +CTM2MRECV: line make it unrecognisable and the
  // downlink never reaches the command dispatcher (seeds 5, 8, 17, 40 of 1-40 over 4 days breach so).
  it("seed 17 (variant pins), 1 day: every invariant holds (each downlink printed reaches the dispatcher)", () => {
    const r = soakWithModuleFaults({ days: 1, seed: 17 });
    expect(r.ok, r.breach).toBe(true);
  });
});

// The interpreter guard (Espruino 2v26..2v29 on an ESP32) reads process.env in firmware/main.ts: it is
// tested through the bundle in the sandbox, test/bundle/guard.test.ts.
