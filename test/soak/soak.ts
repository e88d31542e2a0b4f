// The soak engine: the whole firmware logic (Device + SampleApp, test/device/rig.ts) against the
// simulator under the fake clock for N simulated days, in cycles of a fault period (randomSchedule's
// every-kind faults plus what it lacks: MCU resets, power cuts that tear a Store write, brown-outs,
// deep-sleep wakes, hours without signal, a silent module, chunked output, partial lines, real and
// garbage downlink commands) or, one cycle in OUTAGE_EVERY, a long outage (no signal, or the platform
// down) of 10 minutes to 7 days with MCU resets and power cuts in it, then a quiet period that must
// reach Ready with the outbox drained within RECOVERY_BOUND_MS plus DRAIN_MS_PER_UPLINK for each uplink
// queued. Invariants (invariants.ts) are checked at every link state change, every host write and every
// simulated minute; the run stops at the first breach with the seed and both tails.

import { stateName } from "../../lib/link/states";
import { FORGET_ALL, LE_STATE } from "../../lib/link/events";
import { encodeCommand } from "../../lib/aep/codec";
import { RECOVERY_BOUND_MS } from "../../lib/link/retry";
import { LOG_INFO } from "../../lib/ports";
import { APP_PROFILE, CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL } from "../../firmware/profile";
import { makeDeviceRig, testConfig, type DeviceRig } from "../device/rig";
import { Rng } from "../sim/rng";
import { FAULT_KINDS, randomSchedule } from "../sim/scenarios";
import { randomChunks, whole } from "../support/uart-stub";
import { REC_OVERHEAD } from "../../lib/outbox/record";
import { SAMPLE_REPORT_HEX } from "../outbox/wear";
import { Ledger, addTotals, instanceTotals } from "./invariants";
export { Ledger } from "./invariants";

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Ready with an empty outbox this long after the last fault cleared: the longest retry delay
 * (jittered up to 125 %) plus a bring-up and the delivery of what queued meanwhile. The same formula
 * as test/link/property.test.ts (not imported: a .test.ts registers its tests in whoever imports it).
 */
export { RECOVERY_BOUND_MS };
/** Invariants are checked at least this often (plus at every state change and host write). */
const CHECK_EVERY_MS = MIN;
/** Long outages: about one cycle in OUTAGE_EVERY, lasting OUTAGE_MIN_MS to OUTAGE_MAX_MS, log-uniform (median 5 h). */
export const OUTAGE_EVERY = 12;
export const OUTAGE_MIN_MS = 10 * MIN;
export const OUTAGE_MAX_MS = 7 * DAY;
/**
 * Report intervals the soak's commands set when there are long outages: the default, 300 s. The week
 * the outbox must hold is a week of 300 s reports (at 60 s it would be 1.4 days, at 1800 s six weeks).
 * Without outages (the regression seeds) they range from 60 s to 1800 s.
 */
const INTERVALS_S = [300];
/** Draining a backlog: about 33 reports a minute on the simulator (backlog.test.ts); 5 s each leaves room for retries. */
export const DRAIN_MS_PER_UPLINK = 5 * S;

/** Wiring and power-saving variants (as the property test's), plus power saving with both pins. */
export const SOAK_VARIANTS: Record<string, object> = {
  plain: {},
  psm: { network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 } },
  pins: { modem: { pwrkeyPin: "D4", statusPin: "D5" } },
  "pwrkey-only": { modem: { pwrkeyPin: "D4" } },
  "psm-pins": { network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 }, modem: { pwrkeyPin: "D4", statusPin: "D5" } },
};
export const VARIANT_NAMES = Object.keys(SOAK_VARIANTS);

export interface SoakOptions {
  days: number;
  seed: number;
  /** A key of SOAK_VARIANTS; default: picked by the seed (seed % 5), so a handful of seeds covers all. */
  variant?: string;
  /** Fault period length range, hours (default 1..6), and quiet time after recovery (default 0.5..3). */
  faultHours?: [number, number];
  quietHours?: [number, number];
  /** Mean gap between randomSchedule's faults (default 3 min) and between the soak's own (default 25 min). */
  meanGapMs?: number;
  extraGapMs?: number;
  /** Long outages (default true); the regression seeds replay the schedules they breached on, which had none. */
  outages?: boolean;
  /** About one cycle in this many is a long outage (default OUTAGE_EVERY; 1: all of them). */
  outageEvery?: number;
  /** Configuration merged over the variant's (e.g. { outbox: { flashBytes: 65536 } }). */
  config?: { [k: string]: unknown };
  /** Called with the ledger and the rig when the run ends (tests and diagnosis look inside). */
  inspect?: (ledger: Ledger, rig: DeviceRig) => void;
  /** Progress lines (one per simulated day). */
  progress?: (line: string) => void;
}

export interface SoakResult {
  ok: boolean;
  seed: number;
  days: number;
  variant: string;
  /** The breach, the transcript tail and the firmware log tail (empty when ok). */
  breach: string;
  transcriptTail: string[];
  logTail: string[];
  simulatedDays: number;
  cycles: number;
  simFaults: Record<string, number>;
  soakFaults: Record<string, number>;
  kindsNeverDrawn: string[];
  reportsProduced: number;
  reportsConfirmed: number;
  reportsDuplicated: number;
  uplinksProduced: number;
  uplinksConfirmed: number;
  /** Queued and not confirmed when the run ended (the last report may be on its way). */
  outstandingAtEnd: number;
  framesDuplicated: number;
  duplicatesByService: Record<string, number>;
  /** Uplinks the full-queue policy dropped that never got confirmed; and those confirmed anyway (in flight). */
  droppedByPolicy: number;
  /** Of those, telemetry reports. */
  reportsDroppedByPolicy: number;
  /** Long outages: their lengths, by kind. */
  outages: { kind: string; ms: number; queuedAfter: number }[];
  confirmedAfterDrop: number;
  droppedOldestStat: number;
  tornAtPowerCut: number;
  /** Uplinks moved behind the queue after three RSTs (a persistent RST fault); each still delivered once. */
  requeued: number;
  lost: number;
  downlinksDelivered: number;
  downlinksLostInReboot: number;
  commandsHandled: number;
  commandsAnswered: number;
  commandsAnsweredWithError: number;
  commandsUnreadable: number;
  responsesConfirmed: number;
  recoveries: number[];
  worstRecoveryMs: number;
  worstTimeToReadyMs: number;
  atCommands: number;
  peakOutbox: number;
  /** The outbox budget, and how many sample reports it holds. */
  flashBytes: number;
  capacityReports: number;
  peakAtQueue: number;
  peakReaderChars: number;
  atQueueFull: number;
  readerOverflows: number;
  checks: number;
  wallMs: number;
}

/** One draw of the soak's own fault kinds: what randomSchedule does not do. */
type Extra = (room: number) => string | undefined;

export function runSoak(o: SoakOptions): SoakResult {
  const wall0 = performance.now();
  const variant = o.variant ?? VARIANT_NAMES[Math.abs(o.seed) % VARIANT_NAMES.length];
  if (!SOAK_VARIANTS[variant]) throw new Error("unknown variant " + variant + " (known: " + VARIANT_NAMES.join(", ") + ")");
  const config = merge(SOAK_VARIANTS[variant], o.config ?? {});
  const cfg = testConfig(config);
  const rig = makeDeviceRig({ seed: o.seed, config, logLevel: LOG_INFO });
  const clock = rig.clock;
  const rng = new Rng((o.seed * 2654435761) >>> 0);
  // A stream of its own: the outages do not change the other draws of a seed.
  const orng = new Rng((o.seed * 40503 + 977) >>> 0);
  const outages: { kind: string; ms: number; queuedAfter: number }[] = [];
  const cap = rig.device.outbox.cap;
  const ledger = new Ledger(Math.floor(cap / (REC_OVERHEAD + 1)));
  const capacityReports = Math.floor(cap / (SAMPLE_REPORT_HEX.length / 2 + REC_OVERHEAD));
  const extraCount: Record<string, number> = {};
  const recoveries: number[] = [];
  const end = clock.now() + o.days * DAY;
  const faultH = o.faultHours ?? [1, 6];
  const quietH = o.quietHours ?? [0.5, 3];
  const hasPwrkey = cfg.modem.pwrkeyPin !== null;
  const psm = cfg.network.psm.enabled;
  let breach = "";
  let transcriptTail: string[] = [];
  let logTail: string[] = [];
  let atCommands = 0;
  let cycles = 0;
  let mcuOff = false;
  let nextTask = 1;

  const fail = (why: string | undefined) => {
    if (!why || breach) return;
    breach = "t=" + (clock.now() / 1000).toFixed(3) + " s: " + why;
    transcriptTail = rig.sim.transcript().slice(-40).map((e) => (e.tMs / 1000).toFixed(3) + (e.dir === "host" ? " > " : " < ") + JSON.stringify(e.line).slice(1, -1).substring(0, 160) + (e.note ? "   [" + e.note + "]" : ""));
    logTail = rig.logs.slice(-40);
  };
  // While the MCU is off the dying instance is not checked: its RAM is gone, only the Store counts.
  const check = () => {
    if (!mcuOff) fail(ledger.check(rig));
  };

  // Hooks on each Device instance (a new one after every MCU reboot): state changes, pushes, downlinks.
  const wrap = () => {
    const d = rig.device;
    const l = d.link.owner;
    const onEvent = l.linkEvent;
    l.linkEvent = function (kind: number, a: number, b: number, text: string) {
      onEvent.call(l, kind, a, b, text);
      if (kind === LE_STATE) check();
    };
    // After every push: a drop-oldest victim may be the frame on its way, confirmed a moment later.
    const push = d.outbox.push;
    d.outbox.push = function (hex, mode, prio) {
      const seq = d.outbox.nextSeq();
      const r = push(hex, mode, prio);
      ledger.notePush(seq, hex, prio, r);
      check();
      return r;
    };
    const handle = d.linkDownlink.bind(d);
    d.linkDownlink = function (hex: string) {
      const before = rig.produced.length;
      const refused = d.commands.queueRefused;
      handle(hex);
      fail(ledger.noteCommand(rig, hex, before, refused));
    };
  };
  wrap();
  const toSim = rig.uart.onWrite as (data: string) => void;
  rig.uart.onWrite = (data) => {
    toSim(data);
    atCommands++;
    ledger.noteHostWrite(data);
    check();
  };

  // When each downlink was printed (the last few): to tell those an MCU reboot swallowed.
  const downlinkTimes: number[] = [];
  const printDownlink = rig.sim.faults.downlink;
  rig.sim.faults.downlink = (hex, noSpace) => {
    const before = rig.sim.rec.s.downlinks;
    printDownlink(hex, noSpace);
    if (rig.sim.rec.s.downlinks > before) {
      downlinkTimes.push(clock.now());
      if (downlinkTimes.length > 64) downlinkTimes.splice(0, 32);
    }
  };
  const count = (kind: string) => (extraCount[kind] = (extraCount[kind] || 0) + 1);

  /**
   * The MCU goes away for offMs: a reset (watchdog, crash), a power cut that tears the Store write in
   * progress, a brown-out that also takes the module's supply, or our own deep sleep (warm wake).
   */
  const mcuDown = (offMs: number, cut: boolean, brownout: boolean, warm: boolean): void => {
    // Not in the middle of a PWRKEY pulse: the simulator takes any pulse shorter than the power-on
    // minimum for the firmware's mistake, and a reset cutting one short is not (the module just stays
    // off, which the next boot handles). The long outages reset the MCU while the link power-cycles.
    if ((rig.sim.pins as unknown as { assertedAt?: number }).assertedAt !== undefined) {
      clock.setTimeout(() => {
        if (!mcuOff) mcuDown(offMs, cut, brownout, warm);
      }, 3 * S);
      return;
    }
    const dying = rig.device;
    rig.stopReports();
    dying.link.forget(FORGET_ALL); // the CPU stops here: nothing the dying instance does next reaches the module
    // A reset floats the GPIO: the transistor lets go of PWRKEY (a pulse under way ends here).
    rig.sim.pins.pwrkey(false);
    if (cut) {
      // The app was writing a report when the power went: that push tears and never completes.
      check();
      const before = rig.produced.length;
      rig.store.cutPower({ keep: rng.int(0, 80), ffFill: rng.chance(0.5) });
      rig.app.report();
      check();
      for (let i = before; i < rig.produced.length; i++) ledger.excuse(rig.produced[i]);
    }
    rig.uart.attach(() => {}); // nobody listens while the MCU is off or booting
    if (brownout) rig.sim.powerOff(false);
    mcuOff = true;
    const haltMs = clock.now();
    clock.setTimeout(() => {
      mcuOff = false;
      ledger.past = addTotals(ledger.past, instanceTotals(dying));
      if (cut) rig.store.powerOn();
      // Without a PWRKEY wire the key is tied low: the module starts with its supply.
      if (brownout && !hasPwrkey) rig.sim.powerOn();
      rig.mcuReboot({ warmWake: warm }); // attaches the new instance to the UART
      ledger.fullDiffDue = true; // a new instance loaded the queue from flash
      wrap();
      if (warm) rig.app.report(); // firmware/main.ts: the wake is for a report
      // Printed while the MCU was off, or just before (still on the wire when it went).
      ledger.downlinksLostInReboot += downlinkTimes.filter((t) => t >= haltMs - rig.uart.latencyMs).length;
      check();
    }, offMs);
  };

  const commandHex = (): string => {
    const task = nextTask++ & 0xffff;
    const pick = rng.int(0, 9);
    const e =
      pick < 5
        ? encodeCommand(APP_PROFILE, CMD_REPORT_NOW, task, { reserved: 0 })
        : pick < 9
          ? encodeCommand(APP_PROFILE, CMD_SET_INTERVAL, task, { intervalS: rng.pick(o.outages === false ? [60, 120, 300, 600, 900, 1800] : INTERVALS_S) })
          : encodeCommand(APP_PROFILE, CMD_REBOOT_MODULE, task, { delayS: rng.int(0, 60) });
    if (e.err !== undefined) throw new Error("soak: own command does not encode: " + e.msg);
    return e.hex;
  };

  const garbageHex = (): string => {
    const good = commandHex();
    const k = rng.int(0, 4);
    if (k === 0) return good.substring(0, rng.int(0, good.length - 1));
    if (k === 1) return good.substring(0, 6) + "FFFF" + good.substring(10); // length field changed
    if (k === 2) return "06" + good.substring(2, 10); // header only
    if (k === 3) return good + "00";
    let s = "";
    const n = rng.int(1, 1000);
    for (let i = 0; i < n; i++) s += "0123456789ABCDEFXZ"[rng.int(0, 17)];
    return s;
  };

  const PARTIAL = ["+CSQ: 1", "+CGREG: 0,", "AT+CTM", "\u0000\u00ff", "+CME ERR", "ERR", "O", "+CTM2MINIT: 2"];

  const EXTRAS: [string, number, Extra][] = [
    ["mcuReset", 3, (room) => (room < 10 * S || mcuOff ? undefined : (mcuDown(rng.int(800, 3000), false, false, false), ""))],
    [
      "powerCut",
      2,
      (room) => {
        if (room < 30 * S || mcuOff) return undefined;
        const brownout = rng.chance(0.5);
        const off = Math.min(room - 5 * S, brownout ? rng.int(6 * S, 10 * MIN) : rng.int(1 * S, 10 * MIN));
        if (brownout) count("brownout");
        mcuDown(off, true, brownout, false);
        return "";
      },
    ],
    [
      "deepSleep",
      psm ? 4 : 0,
      (room) => {
        // firmware/sleep.ts: nothing queued, nothing on its way, no command in flight.
        if (mcuOff || !rig.isReady() || rig.device.link.up.busy() || rig.device.link.at.busy() || room < 2 * MIN) return undefined;
        mcuDown(Math.min(room - MIN, rng.int(MIN, 35 * MIN)), false, false, true);
        return "";
      },
    ],
    ["longNoSignal", 2, (room) => (room < 5 * MIN ? undefined : (rig.sim.faults.noSignal(Math.min(room, Math.exp(rng.next() * Math.log(72)) * 5 * MIN), rng.pick([2, 2, 4, 0])), ""))],
    ["longSilent", 1, (room) => (room < 2 * MIN ? undefined : (rig.sim.faults.silent(Math.min(room, rng.int(MIN, 30 * MIN))), ""))],
    [
      "chunked",
      2,
      (room) => {
        rig.uart.chunker = randomChunks(rng.fork(cycles).fn(), rng.int(1, 16));
        clock.setTimeout(() => (rig.uart.chunker = whole), Math.min(room, rng.int(5 * MIN, 60 * MIN)));
        return "";
      },
    ],
    ["command", 4, () => (rig.sim.faults.downlink(commandHex()), "")],
    ["badDownlink", 2, () => (rig.sim.faults.downlink(garbageHex()), "")],
    ["partialLine", 2, () => (rig.sim.raw(rng.pick(PARTIAL)), "")],
  ];
  const weightSum = EXTRAS.reduce((a, e) => a + e[1], 0);
  const drawExtra = () => {
    let x = rng.next() * weightSum;
    for (const e of EXTRAS) if ((x -= e[1]) < 0) return e;
    return EXTRAS[0];
  };

  /** The soak's own faults over [now, now + periodMs): one timer at a time, nothing left after it. */
  const scheduleExtras = (periodMs: number, meanGapMs: number) => {
    const stop = clock.now() + periodMs;
    const next = () => {
      const at = clock.now() + rng.exp(meanGapMs);
      if (at >= stop) return;
      clock.setTimeout(() => {
        const e = drawExtra();
        if (e[2](stop - clock.now()) !== undefined) count(e[0]);
        next();
      }, at - clock.now());
    };
    next();
    clock.setTimeout(() => (rig.uart.chunker = whole), periodMs);
  };

  /**
   * A long outage over [now, now + ms): no coverage, or the platform down (sends and registrations time
   * out), with MCU resets and power cuts now and then: reloads with a big queue.
   */
  const outage = (ms: number) => {
    const platform = orng.chance(0.4);
    const stop = clock.now() + ms;
    if (platform) {
      // Armed in doses (the simulator keeps a queue of them), more than the link can use up in between.
      const dose = () => {
        rig.sim.faults.sendFail(1, 100);
        rig.sim.faults.regFail(1, 100);
        if (clock.now() + 10 * MIN < stop) clock.setTimeout(dose, 10 * MIN);
        else clock.setTimeout(() => rig.sim.faults.clearArmed(), stop - clock.now());
      };
      dose();
    } else rig.sim.faults.noSignal(ms, orng.pick([2, 2, 4, 0]));
    const next = () => {
      const at = clock.now() + orng.exp(12 * HOUR);
      if (at >= stop) return;
      clock.setTimeout(() => {
        const room = stop - clock.now();
        if (!mcuOff && room > 30 * S) {
          const cut = orng.chance(0.5);
          count(cut ? "powerCut" : "mcuReset");
          mcuDown(Math.min(room - 5 * S, orng.int(1 * S, 10 * MIN)), cut, false, false);
        }
        next();
      }, at - clock.now());
    };
    next();
    advanceChecked(ms);
    outages.push({ kind: platform ? "platformDown" : "noSignal", ms, queuedAfter: mcuOff ? -1 : rig.device.outbox.size() });
  };

  const advanceChecked = (ms: number) => {
    const stop = clock.now() + ms;
    while (!breach && clock.now() < stop) {
      clock.advance(Math.min(CHECK_EVERY_MS, stop - clock.now()));
      check();
      rig.uart.writes.splice(0); // counted by the hook; a month of them is only memory
    }
  };

  const drained = () => !mcuOff && rig.isReady() && rig.device.outbox.size() === 0 && !rig.device.link.up.busy();
  /** The recovery bound plus the time to send what queued up. */
  const drainBound = () => RECOVERY_BOUND_MS + (mcuOff ? 0 : rig.device.outbox.size()) * DRAIN_MS_PER_UPLINK;
  const untilDrained = (maxMs: number): number => {
    const start = clock.now();
    const stop = start + maxMs;
    while (!breach) {
      const t = clock.runUntil(drained, Math.min(CHECK_EVERY_MS, stop - clock.now()));
      check();
      rig.uart.writes.splice(0);
      if (t >= 0) return clock.now() - start;
      if (clock.now() >= stop) return -1;
    }
    return -1;
  };

  // Start: a clean bring-up first (its own bound), then the cycles.
  if (untilDrained(RECOVERY_BOUND_MS) < 0) fail("no first Ready with an empty outbox within " + RECOVERY_BOUND_MS / MIN + " min");
  let day = 1;
  while (!breach && clock.now() < end) {
    cycles++;
    const left = end - clock.now();
    if (o.outages !== false && orng.int(1, o.outageEvery ?? OUTAGE_EVERY) === 1) {
      // Leave room for the recovery and the drain of a full outbox before the end.
      const want = Math.exp(Math.log(OUTAGE_MIN_MS) + orng.next() * Math.log(OUTAGE_MAX_MS / OUTAGE_MIN_MS));
      const ms = Math.floor(Math.min(want, left - RECOVERY_BOUND_MS - capacityReports * DRAIN_MS_PER_UPLINK));
      if (ms >= OUTAGE_MIN_MS) outage(ms);
    } else {
      const faultMs = Math.min(Math.floor((faultH[0] + rng.next() * (faultH[1] - faultH[0])) * HOUR), Math.max(0, left - RECOVERY_BOUND_MS));
      if (faultMs >= 10 * MIN) {
        randomSchedule(rig.sim, rng.fork(cycles), clock, { periodMs: faultMs, quietAfterMs: faultMs, meanGapMs: o.meanGapMs ?? 3 * MIN });
        scheduleExtras(faultMs, o.extraGapMs ?? 25 * MIN);
        advanceChecked(faultMs);
      }
    }
    if (breach) break;
    const bound = drainBound();
    const rec = untilDrained(bound);
    if (rec < 0) {
      fail("not Ready with an empty outbox " + (bound / MIN).toFixed(0) + " min after the faults stopped (state " + stateName(rig.device.link.state) + ", " + rig.device.outbox.size() + " queued)");
      break;
    }
    recoveries.push(rec);
    fail(ledger.checkDrained(rig));
    // Quiet: every downlink the simulator printed has reached the dispatcher, or came while the MCU was off.
    const printed = rig.sim.rec.s.downlinks;
    if (ledger.commandsHandled > printed || printed - ledger.commandsHandled > ledger.downlinksLostInReboot)
      fail(printed + " downlinks printed, " + ledger.commandsHandled + " reached the dispatcher, " + ledger.downlinksLostInReboot + " came while the MCU was off");
    advanceChecked(Math.min(end - clock.now(), Math.floor((quietH[0] + rng.next() * (quietH[1] - quietH[0])) * HOUR)));
    while (o.progress && clock.now() >= day * DAY && !breach) o.progress("day " + day++ + ": " + cycles + " cycles, " + ledger.telemetryConfirmed + " reports confirmed, worst recovery " + fmtMin(Math.max(0, ...recoveries)));
  }

  if (o.inspect) o.inspect(ledger, rig);
  const t = ledger.totals(rig.device);
  const sum = rig.sim.summary();
  let responsesConfirmed = 0;
  for (const seq of ledger.confirmed) if (ledger.uplinks.get(seq)?.prio === 1) responsesConfirmed++;
  const drawn = new Set(Object.keys(sum.faults));
  const dups = ledger.duplicateFrames();
  return {
    ok: breach === "",
    seed: o.seed,
    days: o.days,
    variant,
    breach,
    transcriptTail,
    logTail,
    simulatedDays: clock.now() / DAY,
    cycles,
    simFaults: sum.faults,
    soakFaults: extraCount,
    kindsNeverDrawn: FAULT_KINDS.filter((k) => !drawn.has(k)),
    reportsProduced: ledger.telemetryProduced,
    reportsConfirmed: ledger.telemetryConfirmed,
    reportsDuplicated: ledger.dupReports,
    uplinksProduced: [...ledger.uplinks.keys()].filter((s) => !ledger.excused.has(s)).length - ledger.requeued,
    requeued: ledger.requeued,
    uplinksConfirmed: ledger.confirmed.size,
    outstandingAtEnd: ledger.outstanding.size,
    framesDuplicated: Object.values(dups).reduce((a, b) => a + b, 0),
    duplicatesByService: dups,
    droppedByPolicy: ledger.droppedSeen - ledger.confirmedAfterDrop,
    reportsDroppedByPolicy: ledger.reportsDropped(),
    outages,
    confirmedAfterDrop: ledger.confirmedAfterDrop,
    droppedOldestStat: t.droppedOldest,
    tornAtPowerCut: ledger.excused.size,
    lost: Math.max(0, ledger.droppedSeen - t.droppedOldest),
    downlinksDelivered: sum.downlinks,
    downlinksLostInReboot: ledger.downlinksLostInReboot,
    commandsHandled: ledger.commandsHandled,
    commandsAnswered: t.answered,
    commandsAnsweredWithError: t.answeredWithError,
    commandsUnreadable: ledger.commandsUnreadable,
    responsesConfirmed,
    recoveries,
    worstRecoveryMs: Math.max(0, ...recoveries),
    worstTimeToReadyMs: t.worstTimeToReadyMs,
    atCommands,
    peakOutbox: Math.max(ledger.peakOutbox, t.outboxPeak),
    flashBytes: cfg.outbox.flashBytes,
    capacityReports,
    peakAtQueue: ledger.peakAtQueue,
    peakReaderChars: ledger.peakReaderChars,
    atQueueFull: t.atQueueFull,
    readerOverflows: t.readerOverflows,
    checks: ledger.checks,
    wallMs: performance.now() - wall0,
  };
}

function fmtMin(ms: number): string {
  return (ms / MIN).toFixed(1) + " min";
}

function fmtDays(ms: number): string {
  return ms >= DAY ? (ms / DAY).toFixed(2) + " d" : ms >= HOUR ? (ms / HOUR).toFixed(1) + " h" : (ms / MIN).toFixed(0) + " min";
}

function merge(base: any, over: any): any {
  if (over === null || typeof over !== "object" || Array.isArray(over)) return over;
  const out: any = base && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const k of Object.keys(over)) out[k] = merge(out[k], over[k]);
  return out;
}

function kinds(m: Record<string, number>): string {
  return Object.keys(m)
    .sort()
    .map((k) => k + " " + m[k])
    .join(", ");
}

/** The figures the issue asks for, one per line; `lost: N` exactly as its own line. */
export function formatSoak(r: SoakResult): string {
  const rec = r.recoveries.slice().sort((a, b) => a - b);
  const pct = (p: number) => (rec.length ? rec[Math.min(rec.length - 1, Math.floor(p * rec.length))] : 0);
  const lines = [
    "soak seed " + r.seed + ", variant " + r.variant + ": " + r.simulatedDays.toFixed(2) + " simulated days, " + r.cycles + " fault/quiet cycles",
    "faults injected by kind (simulator): " + kinds(r.simFaults),
    "faults injected by kind (soak): " + kinds(r.soakFaults) + (r.kindsNeverDrawn.length ? "; never drawn: " + r.kindsNeverDrawn.join(", ") : ""),
    "reports: produced " + r.reportsProduced + ", confirmed " + r.reportsConfirmed + ", duplicated " + r.reportsDuplicated + " (platform receipts of a seq it already had)",
    "uplinks (reports, events, responses): produced " + r.uplinksProduced + ", confirmed " + r.uplinksConfirmed + ", still queued at the end " + r.outstandingAtEnd + ", duplicate frames at the platform " + r.framesDuplicated + (r.framesDuplicated ? " (" + kinds(r.duplicatesByService) + ")" : "") +
      ", dropped by the full-queue policy " + r.droppedByPolicy + " (outbox.stats.droppedOldest " + r.droppedOldestStat + (r.confirmedAfterDrop ? "; " + r.confirmedAfterDrop + " of them were on their way and got confirmed" : "") + "), torn by a power cut mid-push " + r.tornAtPowerCut + ", moved behind the queue after 3 RSTs " + r.requeued,
    "lost: " + r.lost,
    "dropped: " + r.droppedByPolicy + (r.droppedByPolicy ? " (" + r.reportsDroppedByPolicy + " of them reports)" : ""),
    "long outages: " + r.outages.length + (r.outages.length ? ", longest " + fmtDays(Math.max(...r.outages.map((x) => x.ms))) + " (" + r.outages.map((x) => x.kind + " " + fmtDays(x.ms) + (x.queuedAfter >= 0 ? ", " + x.queuedAfter + " queued" : "")).join("; ") + ")" : ""),
    "commands: " + r.downlinksDelivered + " downlinks delivered by the simulator, " + r.commandsHandled + " reached the firmware (" + r.downlinksLostInReboot + " arrived while the MCU was off), " +
      r.commandsAnswered + " answered (" + r.commandsAnsweredWithError + " with an error result), " + r.commandsUnreadable + " unreadable (no task id), " + r.responsesConfirmed + " responses confirmed",
    "recovery after the faults stop: worst " + fmtMin(r.worstRecoveryMs) + " (bound " + fmtMin(RECOVERY_BOUND_MS) + "), median " + fmtMin(pct(0.5)) + ", p95 " + fmtMin(pct(0.95)) +
      "; link worstTimeToReady " + fmtMin(r.worstTimeToReadyMs) + " (outage included)",
    "AT commands: " + r.atCommands + ", " + (r.reportsConfirmed ? (r.atCommands / r.reportsConfirmed).toFixed(1) : "-") + " per confirmed report (faults included)",
    "peak queue depth: outbox " + r.peakOutbox + " (budget " + r.flashBytes + " bytes: " + r.capacityReports + " sample reports), AT engine queue " + r.peakAtQueue + ", line reader " + r.peakReaderChars + " chars; AT queue full " + r.atQueueFull + ", over-long lines dropped " + r.readerOverflows,
    "invariants checked " + r.checks + " times: " + (r.ok ? "all held" : "BREACH"),
    "wall time: " + (r.wallMs / 1000).toFixed(1) + " s",
  ];
  if (!r.ok) {
    lines.push("", "BREACH (seed " + r.seed + ", variant " + r.variant + "): " + r.breach, "--- transcript tail ---", ...r.transcriptTail, "--- firmware log tail ---", ...r.logTail);
    lines.push("replay: npm run soak -- --days " + r.days + " --seed " + r.seed + " --variant " + r.variant);
  }
  return lines.join("\n");
}
