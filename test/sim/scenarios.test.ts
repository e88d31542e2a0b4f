// Every named scenario under the fake clock with the scripted AtEngine host: each must show its effect
// in the simulator's transcript and summary, and the host must never break the one-command rule.

import { describe, expect, it } from "vitest";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";
import { ScriptedHost, type HostOptions } from "./host";
import { Rng } from "./rng";
import { FAULT_KINDS, MAX_DOWNLINK_HEX, MODULE_SCENARIOS, NOTE_DOWNLINKS, PERSISTENT_SCENARIO_MS, randomSchedule, SCENARIOS, scenario, scenarioChunker, startScenario } from "./scenarios";
import { attachToStub, Sim7020, type SimSummary, type TranscriptEntry } from "./sim7020";

const MIN = 60000;

interface Run {
  sim: Sim7020;
  host: ScriptedHost;
  s: SimSummary;
  t: TranscriptEntry[];
  lines: string[];
  count(line: string | RegExp): number;
  uartChunks: number;
  firstAt(line: string): number;
}

function run(name: string, minutes = 12, host: Partial<HostOptions> = {}, seed = 1): Run {
  const clock = new FakeClock();
  const uart = new UartStub(clock);
  const sc = scenario(name);
  if (!sc) throw new Error("no scenario " + name);
  const { sim } = startScenario(sc, { clock, output: () => {}, seed });
  attachToStub(sim, uart);
  let uartChunks = 0;
  const chunker = scenarioChunker(sc, seed);
  uart.chunker = (text) => {
    const pieces = chunker(text);
    uartChunks += pieces.length;
    return pieces;
  };
  const h = new ScriptedHost(clock, uart, {
    init: '"221.229.214.202",5683,300,0,0',
    apn: "ctnb",
    sendEveryMs: 30000,
    payload: (i) => "02000100020000" + (i & 0xffff).toString(16).padStart(4, "0"),
    ...host,
  });
  h.start();
  clock.advance(minutes * MIN);
  const t = sim.transcript();
  const lines = t.map((e) => e.line);
  return {
    sim,
    host: h,
    s: sim.summary(),
    t,
    lines,
    uartChunks,
    count: (l) => lines.filter((x) => (typeof l === "string" ? x === l : l.test(x))).length,
    firstAt: (l) => (t.find((e) => e.line === l) || { tMs: -1 }).tMs,
  };
}

/** What each scenario must show. Every scenario in SCENARIOS needs an entry here. */
const EXPECT: Record<string, (r: Run) => void> = {
  happy(r) {
    expect(r.s).toMatchObject({ registrations: 1, regFailures: 0, reboots: 0, faults: {} });
    expect(r.s.sends.length).toBeGreaterThanOrEqual(20);
    expect(r.host.stats.acked).toBe(r.s.sends.length);
    expect(r.s.sends.map((x) => x.hex).slice(0, 2)).toEqual(["020001000200000000", "020001000200000001"]);
  },
  "reg-fail"(r) {
    expect(r.lines.filter((l) => l.startsWith("+CTM2M: reg,"))).toEqual(["+CTM2M: reg,1", "+CTM2M: reg,13", "+CTM2M: reg,2", "+CTM2M: reg,10", "+CTM2M: reg,22", "+CTM2M: reg,0"]);
    expect(r.s.regFailures).toBe(5);
    expect(r.s.sends.length).toBeGreaterThan(5);
  },
  "reg-error"(r) {
    expect(r.count("+CTM2M ERROR: 34")).toBe(2);
    expect(r.s.registrations).toBe(1);
    expect(r.s.sends.length).toBeGreaterThan(10);
  },
  "send-fail"(r) {
    expect(r.s.sendResults).toMatchObject({ 1: 1, 9: 1, 2: 1 });
    expect(r.s.sendResults[0]).toBeGreaterThan(10);
    expect(r.s.registrations).toBe(2); // the session died with send,9
  },
  lwstatus(r) {
    expect(r.count("+CTM2M: lwstatus,0")).toBe(2);
    expect(r.s.commands["AT+CTM2MDEREG"]).toBe(2);
    expect(r.s.registrations).toBe(3);
  },
  "ping-fail"(r) {
    expect(r.lines.filter((l) => l.startsWith("+CTM2M: ping"))).toEqual(["+CTM2M: ping,0", "+CTM2M: ping,1", "+CTM2M: ping,14"]);
    expect(r.s.registrations).toBe(3);
  },
  "plat-disable"(r) {
    const t0 = r.firstAt("+CTM2M: plat,0,120,0");
    expect(t0).toBeGreaterThan(0);
    expect(r.firstAt("+CTM2M: plat,0,120,1") - t0).toBe(120000);
    expect(r.count("+CTM2M ERROR: 7")).toBeGreaterThanOrEqual(5);
    const regs = r.t.filter((e) => e.line === "+CTM2M: reg,0");
    expect(regs).toHaveLength(2);
    expect(regs[1].tMs - t0).toBeGreaterThanOrEqual(120000);
  },
  fota(r) {
    expect(r.count("+CTM2M: plat,1,90,0")).toBe(1);
    expect(r.count("+CTM2M: plat,1,90,1")).toBe(1);
    expect(r.count("+CTM2M ERROR: 35")).toBe(3);
    expect(r.s.registrations).toBe(1);
  },
  reboot(r) {
    expect(r.s.reboots).toBe(3);
    expect(r.s.registrations).toBe(4);
    expect(r.s.swallowed.autobaud).toBe(4); // the first AT of the run and after each reboot
    expect(r.count("RDY")).toBe(0);
    expect(r.host.log.filter((l) => l.endsWith("restart: echo is back"))).toHaveLength(3);
  },
  "reboot-urc"(r) {
    expect(r.count("RDY")).toBe(2);
    expect(r.lines.filter((l, i) => l === "RDY" && r.lines[i + 1] === "+CFUN: 1" && r.lines[i + 2] === "+CPIN: READY")).toHaveLength(2);
    expect(r.s.registrations).toBe(3);
  },
  "no-signal"(r) {
    expect(r.count("+CTM2M: lwstatus,0")).toBe(2);
    expect(r.count("+CGREG: 0,2")).toBeGreaterThan(10);
    expect(r.count("+CGREG: 0,4")).toBeGreaterThan(3);
    expect(r.s.registrations).toBe(3);
    expect(r.s.sends.filter((x) => x.tMs > 10 * MIN).length).toBeGreaterThan(0);
  },
  denied(r) {
    expect(r.count("+CGREG: 0,3")).toBeGreaterThan(5);
    expect(r.firstAt("+CTM2M: reg,0")).toBeGreaterThan(2 * MIN);
    expect(r.host.stats.apnFixes).toBe(0); // the APN was right: nothing to fix
    expect(r.s.registrations).toBe(2);
  },
  "wrong-apn"(r) {
    expect(r.host.stats.apnFixes).toBe(1);
    expect(r.s.commands).toMatchObject({ "AT*MCGDEFCONT?": 1, "AT*MCGDEFCONT": 1, "AT+CFUN": 2 });
    expect(r.sim.state().savedApn).toBe("ctnb");
    expect(r.s.registrations).toBe(1);
  },
  "wrong-apn-plus"(r) {
    expect(r.s.commands).toMatchObject({ "AT*MCGDEFCONT?": 1, "AT+MCGDEFCONT?": 1, "AT+MCGDEFCONT": 1 });
    expect(r.t.find((e) => e.line === "AT*MCGDEFCONT?")).toBeDefined();
    expect(r.sim.state().savedApn).toBe("ctnb");
    expect(r.s.registrations).toBe(1);
  },
  "no-sim"(r) {
    expect(r.count("+CME ERROR: 10")).toBeGreaterThan(5);
    expect(r.firstAt("+CTM2M: reg,0")).toBeGreaterThan(90000);
    expect(r.count("+CTM2M: lwstatus,0")).toBe(1);
    expect(r.s.registrations).toBe(2);
  },
  psm(r) {
    expect(r.s.psmEntries).toBe(5);
    expect(r.count('+CPSMSTATUS: "EXIT PSM"')).toBe(5);
    // Even rounds: woken by the host's swallowed send; odd rounds: by the TAU timer (psm,0).
    expect(r.s.swallowed.psm).toBe(3);
    expect(r.count("+CTM2M: psm,0")).toBe(2);
    // Each swallowed command (PSM or the auto-baud sync) cost the host exactly one wake resend.
    expect(r.host.engine.stats.wakeResends).toBe(r.s.swallowed.psm + r.s.swallowed.autobaud);
    expect(r.host.engine.stats.timeouts).toBe(0);
    expect(r.s.registrations).toBe(1); // the session survives PSM
  },
  downlink(r) {
    expect(r.s.downlinks).toBe(8);
    expect(r.host.stats.downlinks).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => NOTE_DOWNLINKS[i % 2]));
  },
  junk(r) {
    expect(r.s.faults.junk).toBeGreaterThan(70);
    expect(r.host.engine.stats.unexpected).toBeGreaterThan(30);
    expect(r.s.registrations).toBe(1);
    expect(r.s.sends.length).toBeGreaterThanOrEqual(20);
  },
  chunked(r) {
    expect(r.uartChunks).toBeGreaterThan(r.s.transcriptLines * 3); // really delivered in small pieces
    expect(r.s.registrations).toBe(1);
    expect(r.s.sends.length).toBeGreaterThanOrEqual(20);
    expect(r.host.engine.stats.unexpected).toBe(0);
  },
  silent(r) {
    expect(r.s.faults.silent).toBe(2);
    expect(r.s.ignored.silent + r.s.droppedLines).toBeGreaterThan(0);
    expect(r.s.sends.filter((x) => x.tMs > 7 * MIN).length).toBeGreaterThan(5);
  },
  overlong(r) {
    expect(r.host.engine.overflows()).toBe(2);
    expect(r.t.filter((e) => e.note === "overlong: end follows later").map((e) => e.line.length)).toEqual([3000, 1500]);
    expect(r.s.sends.length).toBeGreaterThanOrEqual(20);
  },
  slow(r) {
    const lag: number[] = [];
    r.t.forEach((e, i) => {
      if (e.dir === "host" && e.tMs > 30000 && e.tMs < 4 * MIN && r.t[i + 1]) lag.push(r.t[i + 1].tMs - e.tMs);
    });
    expect(lag.length).toBeGreaterThan(5);
    expect(Math.min(...lag)).toBeGreaterThanOrEqual(1210);
    expect(r.host.engine.stats.timeouts).toBe(0);
  },
  "reg-fail-quick"(r) {
    expect(r.lines.filter((l) => l.startsWith("+CTM2M: reg,"))).toEqual(["+CTM2M: reg,1", "+CTM2M: reg,13", "+CTM2M: reg,0"]);
    expect(r.s.regFailures).toBe(2);
    expect(r.s.sends.length).toBeGreaterThan(5);
  },
  "psm-quick"(r) {
    expect(r.s.psmEntries).toBe(2);
    expect(r.count('+CPSMSTATUS: "EXIT PSM"')).toBe(2);
    expect(r.s.swallowed.psm).toBe(1);
    expect(r.count("+CTM2M: psm,0")).toBe(1);
    expect(r.s.registrations).toBe(1);
  },
  "downlink-max"(r) {
    expect(r.s.downlinks).toBe(3);
    expect(r.host.stats.downlinks.map((h) => h.length)).toEqual([MAX_DOWNLINK_HEX, MAX_DOWNLINK_HEX, MAX_DOWNLINK_HEX]);
    expect(r.host.stats.downlinks.map((h) => parseInt(h.substring(6, 10), 16))).toEqual([701, 702, 703]);
  },
  random(r) {
    for (const k of FAULT_KINDS) expect((r.s.faults[k] || 0) + (r.s.faults["lost:" + k] || 0), k).toBeGreaterThan(0);
    // Quiet after 25 min: the host is back to delivering by the end.
    expect(r.s.sends.filter((x) => x.tMs > 28 * MIN).length).toBeGreaterThan(0);
  },
};

/** Sends confirmed after a persistent fault ended: the host is delivering again. */
function deliveringAfter(r: Run, ms: number): number {
  return r.s.sends.filter((x) => x.tMs > ms).length;
}

/** What each issue-12 scenario must show (the module as it really behaves). Every MODULE_SCENARIOS entry needs one. */
const EXPECT_MODULE: Record<string, (r: Run) => void> = {
  "confirm-early"(r) {
    // The host sends NON: the confirmation even precedes +CTM2MSEND: N, and the OK follows both.
    const at = r.lines.map((l, i) => (l.startsWith("+CTM2M: send,0,") ? i : -1)).filter((i) => i >= 0);
    expect(at.length).toBeGreaterThanOrEqual(20);
    for (const i of at) {
      const id = r.lines[i].substring("+CTM2M: send,0,".length);
      expect(r.lines.slice(i, i + 3)).toEqual(["+CTM2M: send,0," + id, "+CTM2MSEND: " + id, "OK"]);
    }
    expect(r.host.stats.acked).toBe(r.s.sends.length);
  },
  noise(r) {
    expect(r.t.filter((e) => e.note === "noise").length).toBeGreaterThan(8);
    expect(r.count("\u0000+CTM2M: lwstatus,0")).toBe(1);
    expect(r.count("\u00ffOK")).toBeGreaterThanOrEqual(1); // aimed once; random noise may add more
    expect(r.s.faults["noise:aimed"]).toBe(2);
    expect(r.s.faults["noise:random"]).toBeGreaterThan(5);
    expect(r.t.filter((e) => e.note === "noise" && e.tMs > 10 * MIN)).toEqual([]);
  },
  "junk-noise"(r) {
    expect(r.s.faults.junk).toBeGreaterThan(70);
    expect(r.s.faults["noise:random"]).toBeGreaterThan(20);
  },
  "persistent-rst"(r) {
    expect(r.s.sendResults[9]).toBeGreaterThanOrEqual(10);
    expect(r.s.registrations).toBeGreaterThanOrEqual(10);
    expect(r.t.filter((e) => e.line.startsWith("+CTM2M: send,0,") && e.tMs < PERSISTENT_SCENARIO_MS)).toEqual([]);
    expect(deliveringAfter(r, PERSISTENT_SCENARIO_MS + MIN)).toBeGreaterThan(5);
  },
  "persistent-update13"(r) {
    expect(r.count(/^\+CTM2M: update,13,\d+$/)).toBeGreaterThanOrEqual(10);
    expect(r.s.registrations).toBeGreaterThanOrEqual(10);
    expect(deliveringAfter(r, PERSISTENT_SCENARIO_MS + MIN)).toBeGreaterThan(5);
  },
  "persistent-ping13"(r) {
    expect(r.count("+CTM2M: ping,13")).toBeGreaterThanOrEqual(10);
    expect(r.s.registrations).toBeGreaterThanOrEqual(10);
    expect(deliveringAfter(r, PERSISTENT_SCENARIO_MS + MIN)).toBeGreaterThan(5);
  },
  "persistent-lwstatus"(r) {
    expect(r.count("+CTM2M: lwstatus,0")).toBeGreaterThanOrEqual(10);
    expect(r.s.commands["AT+CTM2MDEREG"]).toBeGreaterThanOrEqual(10);
    expect(deliveringAfter(r, PERSISTENT_SCENARIO_MS + MIN)).toBeGreaterThan(5);
  },
  "persistent-send15"(r) {
    expect(r.count("+CTM2M ERROR: 15")).toBeGreaterThanOrEqual(10);
    // Refused with the session observed (the host saw obsrv,0 and nothing since).
    const i = r.lines.indexOf("+CTM2M ERROR: 15");
    expect(r.lines.slice(0, i).filter((l) => l.startsWith("+CTM2M: ")).pop()).toBe("+CTM2M: obsrv,0");
    expect(deliveringAfter(r, PERSISTENT_SCENARIO_MS + MIN)).toBeGreaterThan(5);
  },
  "persistent-send4"(r) {
    expect(r.count("+CTM2M ERROR: 4")).toBeGreaterThanOrEqual(10);
    expect(r.count("+CTM2M ERROR: 33")).toBeGreaterThanOrEqual(10); // REG alone: still connected
    expect(deliveringAfter(r, PERSISTENT_SCENARIO_MS + MIN)).toBeGreaterThan(5);
  },
  "note-reg"(r) {
    const i = r.lines.indexOf("+CTM2M: reg,0");
    expect(r.lines.slice(i - 1, i + 2)).toEqual(["AT+CTM2MREG", "+CTM2M: reg,0", "OK"]);
    expect(r.count("+CTM2M: obsrv,0")).toBe(0);
    expect(r.count("+CTM2MREG: 3")).toBeGreaterThanOrEqual(1);
    expect(r.s.registrations).toBe(1);
    expect(r.s.sends.length).toBeGreaterThanOrEqual(20);
  },
  "contrdp-split"(r) {
    expect(r.host.stats.contrdp).toEqual(["+CGCONTRDP:", "+CSCON: 1", expect.stringMatching(/^1,5,"ctnb","10\.\d+\.\d+\.\d+\.255\.255\.255\.0"$/)]);
    expect(r.s.sends.length).toBeGreaterThanOrEqual(20);
  },
  "plat-window"(r) {
    const t0 = r.firstAt("+CTM2M: plat,0,1200,0");
    expect(t0).toBeGreaterThan(0);
    expect(r.firstAt("+CTM2M: plat,0,1200,1") - t0).toBe(1200_000);
    expect(r.count("+CTM2M ERROR: 7")).toBeGreaterThanOrEqual(1);
    expect(r.t.filter((e) => e.line === "+CTM2M: reg,0" && e.tMs > t0 && e.tMs < t0 + 1200_000)).toEqual([]);
    expect(r.s.registrations).toBe(2);
  },
  "reg-lifetime"(r) {
    expect(r.t.filter((e) => e.line === "AT+CTM2MREG").length).toBe(1);
    const i = r.lines.indexOf("AT+CTM2MREG");
    expect(r.lines[i + 1]).toBe("ERROR");
    expect(r.lines).toContain("AT+CTM2MREG=300");
    expect(r.s.registrations).toBe(1);
  },
  "init-psk"(r) {
    expect(r.lines).toContain("+CTM2MINIT: 221.229.214.202,5684,300,0,1,dev1,s3cretK3y");
    expect(r.s.registrations).toBe(1);
  },
  "true-psm"(r) {
    expect(r.s.psmEntries).toBeGreaterThanOrEqual(5);
    expect(r.count("+CTM2M: psm,0")).toBe(5);
    expect(r.s.ignored.psm).toBeGreaterThan(0);
    expect(r.s.swallowed.psm).toBeUndefined();
    expect(r.t.filter((e) => e.note === "ignored: psm").every((e) => e.dir === "host")).toBe(true);
  },
};

const MINUTES: Record<string, number> = { random: 32, psm: 14, "reg-fail": 14, "plat-window": 25, "true-psm": 20 };
for (const sc of MODULE_SCENARIOS) if (sc.name.startsWith("persistent-")) MINUTES[sc.name] = PERSISTENT_SCENARIO_MS / MIN + 10;
const PSM_HOST: Partial<HostOptions> = { init: '"221.229.214.202",5683,300,2,0', sendEveryMs: 45000, psmStatus: true };
const HOST: Record<string, Partial<HostOptions>> = {
  psm: PSM_HOST,
  "psm-quick": PSM_HOST,
  "confirm-early": { mode: 1 },
  "contrdp-split": { contrdp: true },
  "init-psk": { init: '"221.229.214.202",5684,300,0,1,"dev1","s3cretK3y"' },
  "true-psm": { init: '"221.229.214.202",5683,300,2,0', psmStatus: true },
};

describe("sim scenarios with a scripted AtEngine host", () => {
  it("every scenario is named, documented and tested", () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SCENARIOS) expect(s.describe.length, s.name).toBeGreaterThan(20);
    expect(Object.keys(EXPECT).sort()).toEqual(names.slice().sort());
    expect(scenario("nope")).toBeUndefined();
  });

  for (const sc of SCENARIOS) {
    it(sc.name + ": " + sc.describe, () => {
      const r = run(sc.name, MINUTES[sc.name] || 12, HOST[sc.name]);
      EXPECT[sc.name](r);
      expect(r.s.violations, "the scripted host keeps to one command at a time").toEqual([]);
    });
  }
});

describe("sim: the module as it really behaves (issue-12 scenarios) with the scripted host", () => {
  it("every one is named, documented, tested, and apart from SCENARIOS", () => {
    const names = MODULE_SCENARIOS.map((s) => s.name);
    expect(Object.keys(EXPECT_MODULE).sort()).toEqual(names.slice().sort());
    for (const n of names) {
      expect(scenario(n), n).toBeDefined();
      expect(SCENARIOS.some((s) => s.name === n), n).toBe(false);
    }
  });

  for (const sc of MODULE_SCENARIOS) {
    it(sc.name + ": " + sc.describe, () => {
      const r = run(sc.name, MINUTES[sc.name] || 12, HOST[sc.name]);
      EXPECT_MODULE[sc.name](r);
      expect(r.s.violations, "the scripted host keeps to one command at a time").toEqual([]);
    });
  }

  it("the same seed replays the same run; another seed differs", () => {
    const a = run("random", 10, {}, 3);
    const b = run("random", 10, {}, 3);
    const c = run("random", 10, {}, 4);
    expect(b.t).toEqual(a.t);
    expect(c.t).not.toEqual(a.t);
  });
});

describe("randomSchedule", () => {
  it("draws every kind, stays inside the quiet time, and ends every lasting fault by then", () => {
    const clock = new FakeClock(1000);
    const sim = new Sim7020({ clock, output: () => {}, seed: 2 });
    const plan = randomSchedule(sim, new Rng(9), clock, { periodMs: 60 * MIN, quietAfterMs: 40 * MIN, meanGapMs: 30000 });
    expect(new Set(plan.map((p) => p.kind))).toEqual(new Set(FAULT_KINDS));
    expect(Math.max(...plan.map((p) => p.atMs))).toBeLessThan(1000 + 40 * MIN);
    clock.advance(40 * MIN);
    // Every planned fault fired, once, under its kind.
    const faults = sim.summary().faults;
    for (const k of FAULT_KINDS) expect(faults[k] || 0, k).toBe(plan.filter((p) => p.kind === k).length);
    expect(plan.every((p) => p.detail !== "" || ["reboot", "lwstatus", "psmEnter", "tauWake"].includes(p.kind))).toBe(true);
    // Nothing with a duration outlives the quiet time.
    expect(sim.state()).toMatchObject({ silent: false, slowMs: 0, simPresent: true, covered: true, platDisabled: false, fota: false });
    clock.advance(20 * MIN);
    expect(sim.summary().faults).toEqual(faults);
  });
});
