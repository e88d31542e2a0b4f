// Named, seeded fault scenarios for the simulator. Each is data: a name, what it does, the module
// variant it needs, and a setup that schedules faults on the clock relative to when it is called. The
// same scenario runs in milliseconds under FakeClock and in real time on a pty (test/sim/cli.ts).
// SCENARIOS are the ones every firmware test runs; MODULE_SCENARIOS (issue 12, "the module as it really
// behaves") are kept apart until the firmware handles them — scenario() finds both.

import type { Clock } from "../../lib/ports";
import { randomChunks, whole, type Chunker } from "../support/uart-stub";
import type { PersistentFaults } from "./aep";
import { Rng } from "./rng";
import { GLITCHES, Sim7020, type SimOptions } from "./sim7020";

export interface Scenario {
  name: string;
  describe: string;
  /** Module variant the scenario needs (merged over the caller's options). */
  options?: Partial<SimOptions>;
  /** Module output reaches the host in pieces of 1..chunkMax characters (UartStub chunker, or pty writes). */
  chunkMax?: number;
  setup(sim: Sim7020, rng: Rng, clock: Clock): void;
}

/** The note's two downlink commands (section 5): fixed-length and variable-length string. */
export const NOTE_DOWNLINKS = ["061F41001A0006613132333032", "061F42001200080006623132333031"];

const S = 1000;
const MIN = 60 * S;

function at(clock: Clock, ms: number, fn: () => void): void {
  clock.setTimeout(fn, ms);
}

/** Run fn once the module is registered and observed (checked every second for up to an hour). */
export function whenRegistered(sim: Sim7020, clock: Clock, fn: () => void, delayMs = 0, maxWaitMs = 60 * MIN): void {
  const t0 = clock.now();
  const poll = () => {
    if (sim.state().regState === 3) at(clock, delayMs, fn);
    else if (clock.now() - t0 < maxWaitMs) at(clock, S, poll);
  };
  poll();
}

/** `count` times every `periodMs`, starting after the first period. */
function every(clock: Clock, periodMs: number, count: number, fn: (i: number) => void): void {
  for (let i = 0; i < count; i++) at(clock, periodMs * (i + 1), () => fn(i));
}

const JUNK_LINES = ["+CTM2M: unknown,5", "+CSCON: 1", "+CSCON: 0", "\u0000\u00ff\u00fe", "ATATAT", "+NOTAURC: 7", "*MATWAKEUP", "+CTM2M: ", "####", "+CTM2MRECV"];

/** Printable junk from the generator: never a final result, a boot line or a known URC prefix. */
function junkLine(rng: Rng): string {
  if (rng.chance(0.6)) return rng.pick(JUNK_LINES);
  let s = "";
  const n = rng.int(1, 40);
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0x21, 0x7e));
  return s === "OK" || s === "ERROR" || s === "RDY" ? "?" + s : s;
}

export interface RandomScheduleOptions {
  /** Length of the run the schedule covers. */
  periodMs: number;
  /** No fault starts, and none is still active, after this time (relative to now). */
  quietAfterMs: number;
  /** Mean gap between faults (exponential gaps). */
  meanGapMs: number;
  /**
   * Also draw the module behaviours of issue 12 (MODULE_FAULT_KINDS: line noise, early confirmations,
   * persistent faults, true PSM). Off by default: today's firmware breaches invariants under them.
   * Unset: on when the environment has SIM_MODULE_FAULTS=1 (so `SIM_MODULE_FAULTS=1 npm run soak`
   * turns them on without touching the soak).
   */
  moduleFaults?: boolean;
  /** Only the line-noise part of moduleFaults: junk lines with glitch bytes, and glitches glued to real lines. */
  noise?: boolean;
}

function envFlag(name: string): boolean {
  return typeof process !== "undefined" && process.env !== undefined && process.env[name] === "1";
}

export interface ScheduledFault {
  atMs: number;
  kind: string;
  detail: string;
}

/** Every fault kind, each with how it is drawn. Durations are clamped so all of them end by `quiet`. */
const KINDS: { kind: string; fire(sim: Sim7020, rng: Rng, clock: Clock, room: number): string }[] = [
  { kind: "reboot", fire: (sim) => (sim.faults.reboot(), "") },
  { kind: "regFail", fire: (sim, rng) => { const c = rng.pick([1, 2, 10, 13, 22]); sim.faults.regFail(c, rng.int(1, 2)); return "reg," + c; } },
  { kind: "regError", fire: (sim, rng) => { const c = rng.pick([34, 34, 1]); sim.faults.regError(c, 1); return "error " + c; } },
  { kind: "sendFail", fire: (sim, rng) => { const s = rng.pick([1, 2, 9]); sim.faults.sendFail(s, 1); return "send," + s; } },
  { kind: "lwstatus", fire: (sim) => (sim.faults.lwstatus(), "") },
  { kind: "ping", fire: (sim, rng) => { const s = rng.pick([0, 1, 10, 13, 14]); sim.faults.ping(s); return "ping," + s; } },
  {
    kind: "plat",
    fire: (sim, rng, clock, room) => {
      const fota = rng.chance(0.3);
      const t = Math.min(rng.int(30, 300), Math.floor(room / S) - 1);
      if (t < 1) {
        sim.faults.plat(0); // no room left for a disable period: just the drop
        return "drop";
      }
      sim.faults.plat(fota ? 1 : 0, t, 0);
      return (fota ? "fota " : "disable ") + t + " s";
    },
  },
  {
    kind: "noSignal",
    fire: (sim, rng, clock, room) => {
      const stat = rng.pick([2, 2, 3, 4, 0]);
      const d = Math.min(rng.int(10 * S, 5 * MIN), room);
      sim.faults.noSignal(d, stat);
      return "stat " + stat + " for " + d + " ms";
    },
  },
  {
    kind: "noSim",
    fire: (sim, rng, clock, room) => {
      const d = Math.min(rng.int(10 * S, 2 * MIN), room);
      sim.faults.noSim(false);
      at(clock, d, () => sim.faults.noSim(true));
      return d + " ms";
    },
  },
  { kind: "silent", fire: (sim, rng, clock, room) => { const d = Math.min(rng.int(2 * S, 40 * S), room); sim.faults.silent(d); return d + " ms"; } },
  { kind: "downlink", fire: (sim, rng) => { const h = rng.pick(NOTE_DOWNLINKS); sim.faults.downlink(h); return h; } },
  { kind: "junk", fire: (sim, rng) => { const l = junkLine(rng); sim.faults.junk(l); return JSON.stringify(l); } },
  { kind: "overlongLine", fire: (sim, rng) => { const n = rng.int(1200, 4000); sim.faults.overlongLine(n); return n + " chars"; } },
  { kind: "psmEnter", fire: (sim) => (sim.faults.psmEnter(), "") },
  { kind: "tauWake", fire: (sim) => (sim.faults.tauWake(), "") },
  {
    kind: "slow",
    fire: (sim, rng, clock, room) => {
      const late = rng.int(100, 1500);
      const d = Math.min(rng.int(10 * S, 3 * MIN), room);
      sim.faults.slow(late);
      at(clock, d, () => sim.faults.slow(0));
      return late + " ms late for " + d + " ms";
    },
  },
];

export const FAULT_KINDS = KINDS.map((k) => k.kind);

/** Lines worth gluing noise to: final results and the URCs the host must not miss. */
const NOISE_TARGETS = ["", "OK", "+CTM2M:", "+CTM2MSEND:", "+CPSMSTATUS:", "+CPIN:", "+CGREG:", "ERROR"];

/** Persistent faults as the schedule draws them: what turns each on and off. */
const PERSISTENT: { name: string; on: Partial<PersistentFaults>; off: Partial<PersistentFaults> }[] = [
  { name: "rst", on: { rst: true }, off: { rst: false } },
  { name: "update13", on: { updateFail: 13 }, off: { updateFail: 0 } },
  { name: "ping13", on: { pingFail: 13 }, off: { pingFail: 0 } },
  { name: "lwstatus", on: { lwstatus: true }, off: { lwstatus: false } },
  { name: "send15", on: { sendError: 15 }, off: { sendError: 0 } },
  { name: "send4", on: { sendError: 4 }, off: { sendError: 0 } },
];

const NOISE_KIND: (typeof KINDS)[number] = {
  kind: "noise",
  fire: (sim, rng) => {
    const match = rng.pick(NOISE_TARGETS);
    const glitch = rng.pick(GLITCHES);
    const after = rng.chance(0.3);
    sim.faults.noise(match, glitch, rng.int(1, 3), after);
    return JSON.stringify(glitch) + (after ? " after " : " before ") + (match === "" ? "any line" : JSON.stringify(match));
  },
};

/** The issue-12 kinds: drawn only with RandomScheduleOptions.moduleFaults. */
const MODULE_KINDS: (typeof KINDS)[number][] = [
  NOISE_KIND,
  {
    kind: "earlyConfirm",
    fire: (sim, rng) => {
      const order = rng.chance(0.5) ? "beforeOk" : "beforeId";
      const n = rng.int(1, 5);
      sim.faults.earlyConfirm(order, n);
      return order + " x" + n;
    },
  },
  {
    kind: "persistent",
    fire: (sim, rng, clock, room) => {
      const p = rng.pick(PERSISTENT);
      const d = Math.min(rng.int(5 * MIN, 40 * MIN), room);
      sim.faults.persistent(p.on);
      at(clock, d, () => sim.faults.persistent(p.off));
      return p.name + " for " + d + " ms";
    },
  },
  {
    kind: "truePsm",
    fire: (sim, rng, clock, room) => {
      const d = Math.min(rng.int(1 * MIN, 30 * MIN), room);
      sim.faults.psmModel("true");
      sim.faults.psmEnter();
      // The TAU timer ends it (if nothing woke the module before), and the reading goes back.
      at(clock, d, () => {
        sim.faults.tauWake();
        sim.faults.psmModel("autosleep");
      });
      return d + " ms";
    },
  },
];

export const MODULE_FAULT_KINDS = MODULE_KINDS.map((k) => k.kind);

/**
 * A seeded random fault schedule over `periodMs`, drawing from every fault kind (the first draws go
 * through all kinds in shuffled order, so each occurs when there is room), with nothing after
 * `quietAfterMs`: every fault with a duration is cut to end by then.
 */
export function randomSchedule(sim: Sim7020, rng: Rng, clock: Clock, o: RandomScheduleOptions): ScheduledFault[] {
  const t0 = clock.now();
  const quiet = Math.min(o.periodMs, o.quietAfterMs);
  const plan: ScheduledFault[] = [];
  const draws: { kind: (typeof KINDS)[number]; rng: Rng }[] = [];
  const module = o.moduleFaults !== undefined ? o.moduleFaults : envFlag("SIM_MODULE_FAULTS");
  // Without the options the list (and so every draw) is exactly what it always was.
  const kinds = module ? KINDS.concat(MODULE_KINDS) : o.noise ? KINDS.concat([NOISE_KIND]) : KINDS;
  const first = rng.shuffled(kinds);
  for (let t = rng.exp(o.meanGapMs), i = 0; t < quiet; t += rng.exp(o.meanGapMs), i++) {
    const k = i < first.length ? first[i] : rng.pick(kinds);
    plan.push({ atMs: t0 + t, kind: k.kind, detail: "" });
    draws.push({ kind: k, rng: rng.fork(i) });
  }
  // One timer at a time: a 30-day soak plans thousands of faults, and a clock with thousands of
  // pending timers slows every step of the run.
  const arm = (i: number) => {
    if (i >= plan.length) {
      // Quiet means quiet: failures armed for later registrations or sends end with the period.
      clock.setTimeout(() => sim.faults.clearArmed(), Math.max(0, t0 + quiet - clock.now()));
      return;
    }
    clock.setTimeout(() => {
      const room = t0 + quiet - clock.now();
      plan[i].detail = draws[i].kind.fire(sim, draws[i].rng, clock, room);
      arm(i + 1);
    }, plan[i].atMs - clock.now());
  };
  arm(0);
  return plan;
}

/** PSM forced every `periodMs` once registered, `count` times; odd rounds end by the TAU timer 15 s in. */
function psmRounds(sim: Sim7020, clock: Clock, periodMs: number, count: number): void {
  whenRegistered(sim, clock, () => {
    every(clock, periodMs, count, (i) => {
      sim.faults.psmEnter();
      if (i % 2 === 1) at(clock, 15 * S, () => sim.faults.tauWake());
    });
  });
}

/** Frame bytes a command can have: 1,024 hex characters, the longest +CTM2MRECV payload (protocol.md). */
export const MAX_DOWNLINK_HEX = 1024;
/** A service id the sample profile does not have: the firmware must answer it with its error response. */
export const UNKNOWN_COMMAND_SERVICE = 0x1f44;

/** A command frame (06, service, task id, length, payload) of exactly MAX_DOWNLINK_HEX characters. */
export function maxDownlink(taskId: number): string {
  const h4 = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  const payloadBytes = MAX_DOWNLINK_HEX / 2 - 7;
  let payload = "";
  for (let i = 0; i < payloadBytes; i++) payload += ((i * 37 + 11) & 0xff).toString(16).toUpperCase().padStart(2, "0");
  return "06" + h4(UNKNOWN_COMMAND_SERVICE) + h4(taskId) + h4(payloadBytes) + payload;
}

export const SCENARIOS: Scenario[] = [
  { name: "happy", describe: "No faults: boot, attach, register, and every send confirmed.", setup() {} },
  {
    name: "reg-fail",
    describe: "The first five registrations fail: reg,1 (timeout, ~5-10 s), reg,13, reg,2, reg,10, reg,22; the sixth succeeds.",
    setup(sim) {
      for (const c of [1, 13, 2, 10, 22]) sim.faults.regFail(c, 1);
    },
  },
  { name: "reg-error", describe: "The first two AT+CTM2MREG answer +CTM2M ERROR: 34 (session creation failed).", setup: (sim) => sim.faults.regError(34, 2) },
  {
    name: "send-fail",
    describe: "First CON send times out (send,1), second is refused by the platform (send,9, session torn down), third not sent (send,2).",
    setup(sim) {
      sim.faults.sendFail(1, 1);
      sim.faults.sendFail(9, 1);
      sim.faults.sendFail(2, 1);
    },
  },
  {
    name: "lwstatus",
    describe: "60 s after registering, and again 5 min later: +CTM2M: lwstatus,0; sends fail until DEREG + REG.",
    setup(sim, rng, clock) {
      whenRegistered(sim, clock, () => sim.faults.lwstatus(), 60 * S);
      at(clock, 6 * MIN, () => whenRegistered(sim, clock, () => sim.faults.lwstatus(), 30 * S));
    },
  },
  {
    name: "ping-fail",
    describe: "Once registered: ping,0 after 30 s (harmless), ping,1 after 2 min (session gone), ping,14 later.",
    setup(sim, rng, clock) {
      whenRegistered(sim, clock, () => sim.faults.ping(0), 30 * S);
      whenRegistered(sim, clock, () => sim.faults.ping(1), 2 * MIN);
      at(clock, 6 * MIN, () => whenRegistered(sim, clock, () => sim.faults.ping(14), 20 * S));
    },
  },
  {
    name: "plat-disable",
    describe: "Once registered + 60 s: +CTM2M: plat,0,120,0 (platform drops and disables the device for 120 s: error 7), then plat,0,120,1.",
    setup: (sim, rng, clock) => whenRegistered(sim, clock, () => sim.faults.plat(0, 120, 0), 60 * S),
  },
  {
    name: "fota",
    describe: "Once registered + 60 s: +CTM2M: plat,1,90,0 (firmware download: sends answer error 35 for 90 s), then plat,1,90,1.",
    setup: (sim, rng, clock) => whenRegistered(sim, clock, () => sim.faults.plat(1, 90, 0), 60 * S),
  },
  {
    name: "reboot",
    describe: "Auto-baud module (no boot lines) reboots at 90 s, 4 min and 8 min: registration lost, echo back on, first AT eaten.",
    setup(sim, rng, clock) {
      for (const t of [90 * S, 4 * MIN, 8 * MIN]) at(clock, t, () => sim.faults.reboot());
    },
  },
  {
    name: "reboot-urc",
    describe: "Fixed-rate module (AT+IPR=115200 saved) reboots at 90 s and 5 min: prints RDY, +CFUN: 1, +CPIN: READY.",
    options: { autoBaud: false },
    setup(sim, rng, clock) {
      for (const t of [90 * S, 5 * MIN]) at(clock, t, () => sim.faults.reboot());
    },
  },
  {
    name: "no-signal",
    describe: "Coverage lost at 2 min for 3 min (CSQ 99,99, stat 2, lwstatus,0), and at 8 min for 1 min (stat 4).",
    setup(sim, rng, clock) {
      at(clock, 2 * MIN, () => sim.faults.noSignal(3 * MIN));
      at(clock, 8 * MIN, () => sim.faults.noSignal(MIN, 4));
    },
  },
  {
    name: "denied",
    describe: "The network denies attach (stat 3, signal present) for the first 2 min, and again for 1 min at 7 min.",
    setup(sim, rng, clock) {
      sim.faults.noSignal(2 * MIN, 3);
      at(clock, 7 * MIN, () => sim.faults.noSignal(MIN, 3));
    },
  },
  {
    name: "wrong-apn",
    describe: 'Saved APN "cmnbiot", network wants "ctnb": stat 3 until the host does CFUN=0, AT*MCGDEFCONT="IP","ctnb", CFUN=1.',
    options: { initialApn: "cmnbiot", networkApn: "ctnb" },
    setup() {},
  },
  {
    name: "wrong-apn-plus",
    describe: "As wrong-apn, on a firmware that only knows the note's spelling AT+MCGDEFCONT (AT*MCGDEFCONT answers ERROR).",
    options: { initialApn: "cmnbiot", networkApn: "ctnb", apnSpelling: "plus" },
    setup() {},
  },
  {
    name: "no-sim",
    describe: "No SIM for the first 90 s (+CME ERROR: 10, stat 0), inserted then; removed again at 6 min for 1 min.",
    setup(sim, rng, clock) {
      sim.faults.noSim(false);
      at(clock, 90 * S, () => sim.faults.noSim(true));
      at(clock, 6 * MIN, () => sim.faults.noSim(false));
      at(clock, 7 * MIN, () => sim.faults.noSim(true));
    },
  },
  {
    name: "psm",
    describe:
      "Once registered: PSM forced every 2 min, 5 times. Even rounds: the host's next command is swallowed and wakes it (EXIT PSM); odd rounds: the TAU timer wakes it 15 s in (psm,0 with INIT autoTau 2).",
    setup: (sim, rng, clock) => psmRounds(sim, clock, 2 * MIN, 5),
  },
  {
    name: "downlink",
    describe: "Once registered: the note's two downlink commands alternately every 45 s, 8 times.",
    setup(sim, rng, clock) {
      whenRegistered(sim, clock, () => every(clock, 45 * S, 8, (i) => sim.faults.downlink(NOTE_DOWNLINKS[i % 2])));
    },
  },
  {
    name: "junk",
    describe: "A junk line every 1-8 s for 10 min (unknown notices, binary noise, printable garbage; never OK/ERROR/RDY).",
    setup(sim, rng, clock) {
      let t = 0;
      while ((t += rng.int(1 * S, 8 * S)) < 10 * MIN) {
        const line = junkLine(rng);
        at(clock, t, () => sim.faults.junk(line));
      }
    },
  },
  {
    name: "chunked",
    describe: "No faults, but module output reaches the host in random pieces of 1-3 characters (UartStub chunker / pty writes).",
    chunkMax: 3,
    setup() {},
  },
  {
    name: "silent",
    describe: "The module stops answering for 20 s at 2 min and for 45 s at 6 min (input ignored, output lost).",
    setup(sim, rng, clock) {
      at(clock, 2 * MIN, () => sim.faults.silent(20 * S));
      at(clock, 6 * MIN, () => sim.faults.silent(45 * S));
    },
  },
  {
    name: "overlong",
    describe: "Over-long lines: 3000 characters at 60 s and 1500 at 4 min, each ended 0.3-0.8 s later.",
    setup(sim, rng, clock) {
      at(clock, 60 * S, () => sim.faults.overlongLine(3000));
      at(clock, 4 * MIN, () => sim.faults.overlongLine(1500));
    },
  },
  {
    name: "slow",
    describe: "Every answer 1200 ms late from 20 s to 5 min (under a 3 s host timeout; over a 1 s one).",
    setup(sim, rng, clock) {
      at(clock, 20 * S, () => sim.faults.slow(1200));
      at(clock, 5 * MIN, () => sim.faults.slow(0));
    },
  },
  {
    name: "random",
    describe: "Seeded random faults of every kind over 30 min (mean gap 40 s), quiet after 25 min.",
    setup: (sim, rng, clock) => void randomSchedule(sim, rng, clock, { periodMs: 30 * MIN, quietAfterMs: 25 * MIN, meanGapMs: 40 * S }),
  },
  // Real-time variants: the same faults, in an order and spacing whose recovery fits a 1-3 minute run on
  // the real interpreter (test/espruino). reg-fail's reg,10 comes after reg,13, so it waits 10 min.
  {
    name: "reg-fail-quick",
    describe: "The first two registrations fail: reg,1 (timeout, ~5-10 s), then reg,13 (retried after ~1 min); the third succeeds (inside the firmware's registration guard: three quick tries).",
    setup(sim) {
      for (const c of [1, 13]) sim.faults.regFail(c, 1);
    },
  },
  {
    name: "psm-quick",
    describe: "As psm, but every 30 s, twice: the first wake is a swallowed command (EXIT PSM), the second the TAU timer (psm,0).",
    setup: (sim, rng, clock) => psmRounds(sim, clock, 30 * S, 2),
  },
  {
    name: "downlink-max",
    describe: "Once registered: a command of the largest size (1,024 hex characters, service 8004, unknown to the sample profile) after 10 s, 30 s and 50 s; task ids 701-703.",
    setup(sim, rng, clock) {
      whenRegistered(sim, clock, () => {
        for (let i = 0; i < 3; i++) at(clock, 10 * S + 20 * S * i, () => sim.faults.downlink(maxDownlink(701 + i)));
      });
    },
  },
];

/** How long the persistent-* scenarios keep their fault on (then the link must recover). */
export const PERSISTENT_SCENARIO_MS = 30 * MIN;

function persistentScenario(name: string, what: string, on: Partial<PersistentFaults>, off: Partial<PersistentFaults>): Scenario {
  return {
    name,
    describe: what + " for the first " + PERSISTENT_SCENARIO_MS / MIN + " min, through every successful registration; then it stops.",
    setup(sim, rng, clock) {
      sim.faults.persistent(on);
      at(clock, PERSISTENT_SCENARIO_MS, () => sim.faults.persistent(off));
    },
  };
}

/**
 * Issue 12: the module as it really behaves (../shared/protocol.md). Kept out of SCENARIOS, which
 * every firmware test runs, until the firmware handles them; test/device/module-behaviour.test.ts pins
 * what it must do under each.
 */
export const MODULE_SCENARIOS: Scenario[] = [
  {
    name: "confirm-early",
    describe: "Every send confirms before its OK (+CTM2MSEND: N, +CTM2M: send,0,N, OK); NON sends even before +CTM2MSEND: N.",
    options: { sendConfirm: "beforeId" },
    setup() {},
  },
  {
    name: "noise",
    describe: "Line noise for 10 min: glitch bytes (NUL, 0xFF, ...) on 1 line in 8, and once registered a NUL glued to a lwstatus,0 and to an OK.",
    setup(sim, rng, clock) {
      sim.lineNoise = 0.125;
      at(clock, 10 * MIN, () => (sim.lineNoise = 0));
      whenRegistered(sim, clock, () => {
        sim.faults.noise("+CTM2M: lwstatus", "\u0000");
        sim.faults.lwstatus();
      }, 2 * MIN);
      at(clock, 4 * MIN, () => sim.faults.noise("OK", "\u00ff"));
    },
  },
  {
    name: "junk-noise",
    describe: "The junk scenario's lines, plus glitch bytes glued to 1 real line in 5, for 10 min.",
    setup(sim, rng, clock) {
      sim.lineNoise = 0.2;
      at(clock, 10 * MIN, () => (sim.lineNoise = 0));
      let t = 0;
      while ((t += rng.int(1 * S, 8 * S)) < 10 * MIN) {
        const line = junkLine(rng);
        at(clock, t, () => sim.faults.junk(line));
      }
    },
  },
  persistentScenario("persistent-rst", "The platform answers every uplink with RST (send,9) and the module drops the session", { rst: true }, { rst: false }),
  persistentScenario("persistent-update13", "+CTM2M: update,13 (session torn down) a few seconds after every registration", { updateFail: 13 }, { updateFail: 0 }),
  persistentScenario("persistent-ping13", "+CTM2M: ping,13 (session torn down) a few seconds after every registration", { pingFail: 13 }, { pingFail: 0 }),
  persistentScenario("persistent-lwstatus", "+CTM2M: lwstatus,0 a few seconds after every registration", { lwstatus: true }, { lwstatus: false }),
  persistentScenario("persistent-send15", "Every AT+CTM2MSEND answers +CTM2M ERROR: 15 while AT+CTM2MREG? keeps saying 3", { sendError: 15 }, { sendError: 0 }),
  persistentScenario("persistent-send4", "Every AT+CTM2MSEND answers +CTM2M ERROR: 4 while AT+CTM2MREG? keeps saying 3", { sendError: 4 }, { sendError: 0 }),
  {
    name: "note-reg",
    describe: "The note's section 5 registration: reg,0 comes before the REG's OK, no obsrv line ever, AT+CTM2MREG? says 3.",
    options: { printObsrv: false, regBeforeOk: true },
    setup() {},
  },
  {
    name: "contrdp-split",
    describe: 'AT+CGCONTRDP as the note prints it ("+CGCONTRDP:" alone, the context on the next line) with a +CSCON: 1 URC between the two.',
    options: { contrdpForm: "split" },
    setup() {},
  },
  {
    name: "plat-window",
    describe: "Once registered + 60 s: +CTM2M: plat,0,1200,0 (dropped and disabled for 20 min: error 7), then plat,0,1200,1.",
    setup: (sim, rng, clock) => whenRegistered(sim, clock, () => sim.faults.plat(0, 1200, 0), 60 * S),
  },
  {
    name: "reg-lifetime",
    describe: "A firmware whose bare AT+CTM2MREG answers ERROR: only AT+CTM2MREG=<lifetime> registers.",
    options: { regNeedsLifetime: true },
    setup() {},
  },
  {
    name: "init-psk",
    describe: 'A module provisioned with PSK security (pskid "dev1"): AT+CTM2MINIT? prints <PSKID>,<PSK> after the five fields (the note\'s read format).',
    options: { initReadShowsPsk: true, savedInit: { ip: "221.229.214.202", port: 5684, lifetimeS: 300, autoTau: 0, security: 1, pskid: "dev1", psk: "s3cretK3y" } },
    setup() {},
  },
  {
    name: "true-psm",
    describe: "True PSM: once registered, PSM every 3 min, 5 times; the UART is dead (input ignored) until the TAU timer 60 s later (psm,0 with autoTau 2) or PWRKEY.",
    options: { psmModel: "true" },
    setup(sim, rng, clock) {
      whenRegistered(sim, clock, () => {
        every(clock, 3 * MIN, 5, () => {
          sim.faults.psmEnter();
          at(clock, 60 * S, () => sim.faults.tauWake());
        });
      });
    },
  },
];

export const ALL_SCENARIOS: Scenario[] = SCENARIOS.concat(MODULE_SCENARIOS);

export function scenario(name: string): Scenario | undefined {
  for (const s of ALL_SCENARIOS) if (s.name === name) return s;
  return undefined;
}

/** Build the simulator a scenario needs and run its setup (the scenario generator is seeded from `seed`). */
export function startScenario(sc: Scenario, base: SimOptions): { sim: Sim7020; rng: Rng } {
  const sim = new Sim7020({ ...base, ...(sc.options || {}) });
  const rng = new Rng(((base.seed === undefined ? 1 : base.seed) ^ 0x5eed) >>> 0);
  sc.setup(sim, rng, base.clock);
  return { sim, rng };
}

/** The UartStub chunker a scenario asks for (everything at once when it does not care). */
export function scenarioChunker(sc: Scenario, seed: number): Chunker {
  return sc.chunkMax ? randomChunks(new Rng((seed ^ 0xc0ffee) >>> 0).fn(), sc.chunkMax) : whole;
}
