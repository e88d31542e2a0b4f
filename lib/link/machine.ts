// The link machine's mechanism: one post() entry run to completion that does the shared
// bookkeeping (downlinks, reboot evidence, power loss, PSM notices, requests, statistics, the liveness
// supervisor) once before the state's handler; one go() that leaves a state, stops its timers and
// commands, enters the next and logs `from -> to (reason)`; the retry table with escalation; the
// registration rate guard. What each state does is in power.ts, bringup.ts, session.ts and ready.ts.

import { At, AtReset, type AtOwner } from "../at/engine";
import { AT_CANCELLED, AT_ECHO } from "../at/result";
import { CTM2M_STRAY_OK_MS, OP_PSM } from "../aep/codes";
import { Aep, redact, resultText } from "../aep/ctm2m";
import { LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_WARN, type Clock, type Log, type Pins, type Random, type Uart } from "../ports";
import { Cpin } from "../sim7020/parse";
import {
  EV_AT, EV_CPIN, EV_DOWNLINK, EV_NOTICE, EV_POWER_DOWN, EV_PSM, EV_REBOOT, EV_START, EV_STOP, EV_TIMER,
  EV_ENTER, EV_LEAVE, EV_UNDERVOLTAGE, EV_UPLINK, LE_STATE, OPT_FORCE_PULSE, OPT_REBOOT, START_WARM, FAIL_RECOVERY, FAIL_STEP, FORGET_MODULE, T_CLEAR, T_SUPERVISOR, type LinkEvent,
} from "./events";
import { POWER_CYCLE_AFTER, REG_GUARD_BURST, RESTART_AFTER } from "./retry";
import { S_APN_FIX, S_AWAIT_SIM, S_BOOT_WAIT, S_CONFIGURE, S_DEREGISTERING, S_OFF, S_OFF_WAIT, S_PAUSED, S_POWER_OFF, S_POWER_ON, S_QUIET, S_READY, S_RESETTING, S_RETRY_WAIT, S_SHUTDOWN, S_SYNC, stateName } from "./states";
import { Stat } from "./stats";
import { handle } from "./table";
import { urcLine } from "./urc";
import { UpCmd, UpLimit, Uplink, type UplinkQueue } from "./uplink";
import { Net } from "../sim7020/rows";

/** Boot lines of one reboot (RDY, +CFUN: 1, +CPIN: READY, *MATREADY) arrive within this window. */
const enum Mech {
  REBOOT_DEDUP_MS = 10000,
  /** The command id of the wake AT put before a command to a module that may doze; its result is not reported. */
  CMD_PRE_WAKE = 255,
  /** A RetryWait this long suspends the supervisor. */
  LONG_WAIT_MS = 60000,
}

export interface LinkPorts {
  uart: Uart;
  clock: Clock;
  pins: Pins;
  log: Log;
  random: Random;
}

/**
 * What the link tells the application (the Device's listener), straight from the machine: one method on
 * one object, not closures, so nothing is allocated per event. `kind` is LE_* (events.ts), which says what
 * `a`, `b` and `text` hold.
 */
export interface LinkOwner {
  linkEvent(kind: number, a: number, b: number, text: string): void;
}

/** Where downlinks go (the Device: it decodes and answers them). */
export interface DownlinkSink {
  linkDownlink(hex: string): void;
}

/** What the link has learnt about the module and the network: read it, never write it. */
export interface LinkInfo {
  imei: string;
  imsi: string;
  /** AT+CSQ rssi 0..31, 99 unknown. */
  rssi: number;
  operator: string;
  /** The APN the network gave (AT+CGCONTRDP). */
  apn: string;
  ip: string;
  /** The module said ENTER PSM (or went silent in PSM) and has not woken since. */
  asleep: boolean;
}

/**
 * The machine. Flags are numbers, 0 or 1: on the device a boolean property costs two JsVars, a small
 * integer one.
 */
export class Link implements AtOwner {
  readonly at: At;
  readonly ports: LinkPorts;
  /** Counters, indexed by Stat (stats.ts; linkStats() names them on the desktop). */
  readonly stats: Int32Array;
  /** The first error of the current outage, kept as the root cause ("reg13", "cme10"...). */
  rootCause: string;
  /** Failures by cause, e.g. { "reg13": 2, "ctm2m34": 1 }: bounded by the module's code tables. */
  readonly byCode: { [code: string]: number };
  readonly info: LinkInfo;
  /** The Ready state's data path. */
  readonly up: Uplink;
  readonly owner: LinkOwner;
  private downlinks: DownlinkSink;

  state: number;
  /** Bumped on every state change: AT results from an older state are dropped. */
  private epoch: number;
  /** The event being handled (one object, reused); EV_LEAVE / EV_ENTER while go() runs. */
  ev: LinkEvent;
  private dispatching: number;
  /** An uplink was queued while an event was being handled (the only event posted from inside one). */
  private uplinkPending: number;

  // The current state's scratch, zeroed by go(): what a state counts or remembers while it waits.
  step: number;
  n: number;
  /** When the state was entered. */
  t0: number;
  /** The option the state was entered with (OPT_*, or a state's own value: Paused gets its seconds). */
  opt: number;

  timerId: number[];
  private timerDue: number[];
  /** Highest bring-up stage reached since the supervisor last restarted, and how often it fired. */
  private bestStage: number;
  supervisorLevel: number;

  // Failure bookkeeping. `failures` climbs across cycles; only a delivery resets it (uplink.ts).
  failures: number;
  longFailures: number;
  failState: number;
  stepFailures: number;
  retryTarget: number;
  retryOpt: number;
  retryDelayMs: number;
  /** The wait is the cause's own: 1 the long table, 2 the registration guard (0: the quick table). */
  retryLong: number;
  /** The registration guard's token bucket: tokens left, and when the last one was counted in. */
  regTokens: number;
  regRefillMs: number;

  // What the link learnt about this module and this bring-up (the states' own, not for the application).
  /** ATE0 has been answered in this power cycle: an echo now means a reboot. */
  echoOff: number;
  /** The firmware answered ERROR to the manual's APN spelling: use the note's AT+MCGDEFCONT. */
  apnPlus: number;
  /** The firmware answered ERROR to a bare AT+CTM2MREG: use the note's AT+CTM2MREG=<lifetime>. */
  regWithLifetime: number;
  /** APN fixes in this bring-up (bounded: the APN write goes to the module's flash). */
  apnFixes: number;
  /** The SIM was checked in this bring-up (only when attach did not come). */
  simChecked: number;
  /** A pulse was tried because AT got no answer and STATUS is not wired (once per outage). */
  blindPulseTried: number;
  /** AT+CTM2MUPDATE has been answered for this registration. */
  updateDone: number;
  /** Ready has asked the log-only queries (IMEI, IMSI, operator) in this MCU boot. */
  infoAsked: number;
  /** When we last saw the module switch off (-1: not seen by this MCU boot). */
  offAtMs: number;
  private lastRebootMs: number;
  /** When Ready was last left (or the MCU started): the outage being measured. */
  downSinceMs: number;

  constructor(ports: LinkPorts, owner: LinkOwner, downlinks: DownlinkSink, queue: UplinkQueue) {
    this.ports = ports;
    this.owner = owner;
    this.downlinks = downlinks;
    this.stats = new Int32Array(Stat.COUNT);
    this.rootCause = "";
    this.byCode = {};
    this.info = { imei: "", imsi: "", rssi: 99, operator: "", apn: "", ip: "", asleep: false };
    this.at = new At(ports.uart, ports.clock, this, urcLine, Aep.FINAL, CTM2M_STRAY_OK_MS);
    this.up = new Uplink(queue, this);
    this.state = S_OFF;
    this.epoch = 0;
    this.ev = { type: 0, id: 0, code: 0, err: 0, d1: -1, d2: -1, text: "" };
    this.dispatching = 0;
    this.uplinkPending = 0;
    this.step = 0;
    this.n = 0;
    this.t0 = 0;
    this.opt = 0;
    this.timerId = [0, 0, 0, 0];
    this.timerDue = [0, 0, 0, 0];
    this.bestStage = 0;
    this.supervisorLevel = 0;
    this.failures = 0;
    this.longFailures = 0;
    this.failState = -1;
    this.stepFailures = 0;
    this.retryTarget = S_SYNC;
    this.retryOpt = 0;
    this.retryDelayMs = 0;
    this.retryLong = 0;
    this.regTokens = REG_GUARD_BURST;
    this.regRefillMs = ports.clock.now();
    this.echoOff = 0;
    this.apnPlus = 0;
    this.regWithLifetime = 0;
    this.apnFixes = 0;
    this.simChecked = 0;
    this.blindPulseTried = 0;
    this.updateDone = 0;
    this.infoAsked = 0;
    this.offAtMs = -1;
    this.lastRebootMs = -Mech.REBOOT_DEDUP_MS;
    this.downSinceMs = ports.clock.now();
  }

  // ---- the one entry -----------------------------------------------------------------------------

  /** Post an event (fields as listed in events.ts). It runs now, or right after the one being handled. */
  post(type: number, id: number, code: number, err: number, d1: number, d2: number, text: string): void {
    if (this.dispatching) {
      // Only an uplink queued by the application (or a command's response) comes from inside a handler.
      if (type === EV_UPLINK) this.uplinkPending = 1;
      else {
        this.stats[Stat.EVENTS_DROPPED]++;
        this.log(LOG_ERROR, "event " + type + " posted while handling one: dropped");
      }
      return;
    }
    const ev = this.ev;
    ev.type = type;
    ev.id = id;
    ev.code = code;
    ev.err = err;
    ev.d1 = d1;
    ev.d2 = d2;
    ev.text = text;
    this.dispatching = 1;
    for (;;) {
      // The bookkeeping every state shares, once, then the state's handler unless the bookkeeping took
      // the event (`taken`). In post() itself, not a method of its own: a function and a call frame less.
      const st = this.state;
      let taken = 0;
      this.stats[Stat.EVENTS]++;
      try {
        switch (ev.type) {
          case EV_TIMER:
            if (ev.id === T_SUPERVISOR) {
              // The liveness supervisor: no progress towards Ready within the bound.
              taken = 1;
              if (st === S_READY || st === S_OFF || st === S_PAUSED) break;
              if (st <= S_BOOT_WAIT) {
                // Never cut a PWRKEY sequence short: a pulse ended early, then another, switches the module
                // off and on again within the 5 s the hardware guide forbids. These states end by themselves.
                this.setTimer(T_SUPERVISOR, CFG.modem.readyTimeoutS * 1000);
                break;
              }
              this.stats[Stat.SUPERVISOR_FIRED]++;
              this.bestStage = 0;
              const why = "no progress to Ready in " + CFG.modem.readyTimeoutS + " s";
              if (++this.supervisorLevel === 1) this.go(S_SYNC, why + "; restarting bring-up", 0);
              else this.go(CFG.modem.pwrkeyPin !== null ? S_POWER_OFF : S_RESETTING, why + "; power-cycling the module", 0);
              if (this.timerId[T_SUPERVISOR] === 0) this.setTimer(T_SUPERVISOR, CFG.modem.readyTimeoutS * 1000);
            }
            break;
          case EV_DOWNLINK:
            this.downlinks.linkDownlink(ev.text);
            taken = 1;
            break;
          case EV_PSM:
            // Set here, before any state sees it: a send right after ENTER PSM must know the module sleeps.
            this.info.asleep = ev.code === 1;
            if (ev.code !== 1) this.stats[Stat.WAKEUPS]++;
            break;
          case EV_NOTICE:
            if (ev.id === OP_PSM) {
              this.info.asleep = false; // psm,0: the TAU timer woke it
              this.stats[Stat.WAKEUPS]++;
            }
            break;
          case EV_CPIN:
            // Asked-for +CPIN lines are intermediate results; one on its own means something changed.
            if (st === S_APN_FIX || st === S_AWAIT_SIM || st <= S_QUIET || st === S_SYNC) break;
            taken = 1;
            if (ev.code === Cpin.NOT_READY) {
              this.go(S_AWAIT_SIM, "SIM not ready (unasked +CPIN: NOT READY)", 0);
              break;
            }
            if (ev.code !== Cpin.READY) break;
            if (this.info.asleep) {
              // After a PWRKEY wake from PSM the module prints +CPIN: READY before EXIT PSM: not a reboot.
              this.info.asleep = false;
              this.stats[Stat.WAKEUPS]++;
              taken = 0;
              break;
            }
            // Otherwise it is reboot evidence: once more round the loop, as EV_REBOOT.
            ev.type = EV_REBOOT;
            ev.text = "+CPIN: READY";
            continue;
          case EV_REBOOT: {
            // Boot lines, an echo after ATE0, an unasked +CPIN: READY. The command in flight stays in flight:
            // after an echo the module is up and will still answer it; after boot lines we cannot tell whether
            // it went out before the reboot (lost: its timeout ends it) or just after (being executed), so the
            // engine waits either way rather than put two commands in flight.
            const now = this.ports.clock.now();
            const repeat = now - this.lastRebootMs < Mech.REBOOT_DEDUP_MS;
            this.lastRebootMs = now;
            if (repeat || st <= S_QUIET || st === S_SYNC) this.log(LOG_INFO, "boot line: " + ev.text);
            else {
              this.stats[Stat.REBOOTS_SEEN]++;
              this.echoOff = 0;
              this.info.asleep = false;
              this.at.reset(AtReset.PARTIAL);
              this.go(S_SYNC, "module rebooted (" + ev.text + ")", 0);
            }
            taken = 1;
            break;
          }
          case EV_POWER_DOWN:
            if (st === S_SHUTDOWN || st === S_POWER_OFF || st === S_OFF_WAIT || st === S_OFF) break;
            this.stats[Stat.REBOOTS_SEEN]++;
            this.forget(FORGET_MODULE);
            this.offAtMs = this.ports.clock.now();
            this.log(LOG_ERROR, "module powered down: " + ev.text);
            this.go(S_POWER_ON, "module powered down", OPT_FORCE_PULSE);
            taken = 1;
            break;
          case EV_UNDERVOLTAGE:
            this.log(LOG_WARN, "module supply low: " + ev.text + " (check the supply can give NB-IoT transmit peaks)");
            taken = 1;
            break;
          case EV_START:
            taken = 1;
            if (st !== S_OFF) break;
            if ((ev.code & START_WARM) === 0) {
              this.go(S_QUIET, "start", 0);
              break;
            }
            // Woken from our own deep sleep: we only sleep with nothing in flight, after ATE0, and the module
            // keeps its session through PSM. It is probably asleep: the data path wakes it to send, and what
            // it answers (an echo after a reboot, "not connected") leads back to the full bring-up.
            this.echoOff = 1;
            this.infoAsked = 1; // asked at the cold boot; a wake must stay cheap
            this.info.asleep = CFG.network.psm.enabled;
            if (ev.err >= 0 && ev.err <= 99) this.info.rssi = ev.err;
            this.go(S_READY, "start (woken from deep sleep)", 0);
            break;
          case EV_STOP:
            if (st !== S_OFF && st !== S_SHUTDOWN) this.go(S_SHUTDOWN, ev.code ? "module reboot requested" : "shutdown requested", ev.code ? OPT_REBOOT : 0);
            taken = 1;
            break;
        }
        if (!taken) handle(this);
      } catch (e) {
        // Nothing the module or the platform sends may stop the machine: log, count, and start over.
        this.stats[Stat.EXCEPTIONS]++;
        this.log(LOG_ERROR, "exception in " + stateName(this.state) + " on event " + ev.type + ": " + (e && (e as Error).message ? (e as Error).message : String(e)));
        this.fail("internal error", false, -1, 0, FAIL_STEP);
      }
      if (!this.uplinkPending) break;
      this.uplinkPending = 0;
      ev.type = EV_UPLINK;
      ev.text = "";
    }
    this.dispatching = 0;
  }

  // ---- state changes -----------------------------------------------------------------------------

  /** The only place the state changes. `opt` is the next state's start option (OPT_*). */
  go(next: number, reason: string, opt: number): void {
    const from = this.state;
    // The states see EV_LEAVE, then EV_ENTER, in the event object; the event being handled is restored
    // after (its type is the only field go() touches).
    const ev = this.ev;
    const type = ev.type;
    ev.type = EV_LEAVE;
    handle(this);
    for (let i = 0; i < T_SUPERVISOR; i++) this.setTimer(i, T_CLEAR);
    this.at.reset(AtReset.WITHDRAW); // the state's commands: none will report
    if (CFG.modem.pwrkeyPin !== null) this.ports.pins.pwrkey(false); // no state keeps PWRKEY asserted past its end
    this.epoch = (this.epoch + 1) & 0xffff;
    this.state = next;
    this.opt = opt;
    this.step = 0;
    this.n = 0;
    this.t0 = this.ports.clock.now();
    this.stats[Stat.TRANSITIONS]++;
    this.log(next === S_RETRY_WAIT || from === S_READY ? LOG_WARN : LOG_INFO, stateName(from) + " -> " + stateName(next) + " (" + reason + ")");
    if (from === S_READY) this.downSinceMs = this.t0;
    // The supervisor watches progress towards Ready; the platform or a slow cause decides how long
    // Paused and a long RetryWait last (a backoff of a minute or more is deliberate: cutting it short
    // would undo it, and the state after it starts a fresh watch).
    const stage = next >= S_SYNC && next !== S_DEREGISTERING ? next : 0;
    if (next === S_READY || next === S_OFF || next === S_PAUSED || (next === S_RETRY_WAIT && (this.retryLong || this.retryDelayMs >= Mech.LONG_WAIT_MS))) {
      this.setTimer(T_SUPERVISOR, T_CLEAR);
      if (next !== S_PAUSED && next !== S_RETRY_WAIT) this.bestStage = 0;
    } else if (stage > this.bestStage || this.timerId[T_SUPERVISOR] === 0) {
      if (stage > this.bestStage) this.bestStage = stage;
      this.setTimer(T_SUPERVISOR, CFG.modem.readyTimeoutS * 1000);
    }
    this.owner.linkEvent(LE_STATE, from, next, reason);
    ev.type = EV_ENTER;
    handle(this);
    ev.type = type;
  }

  // ---- timers ------------------------------------------------------------------------------------

  /** (Re)start timer `slot` to fire in `ms`; `ms` < 0 (T_CLEAR) only stops it. One method for both: RAM. */
  setTimer(slot: number, ms: number): void {
    this.ports.clock.clearTimeout(this.timerId[slot]);
    this.timerId[slot] = 0;
    if (ms < 0) return;
    this.timerDue[slot] = this.ports.clock.now() + ms;
    this.timerId[slot] = this.ports.clock.setTimeout(linkTimer, ms, this, slot);
  }

  // ---- AT commands -------------------------------------------------------------------------------

  /** Send a row owned by the current state; its result comes back as EV_AT with `id` = cmd. */
  send(row: string, cmd: number): boolean {
    if (this.ports.log.level >= LOG_DEBUG) this.log(LOG_DEBUG, "> " + redact(row.substring(row.indexOf("|", row.indexOf("|", row.indexOf("|") + 1) + 1) + 1)));
    const at = this.at;
    // With power saving on, the module dozes a few seconds after the last UART traffic (or sleeps after
    // ENTER PSM), and the first characters then only wake it: the command would be lost. Outside the data
    // path (which wakes the module itself) put a wake AT first, resent once on silence.
    if (CFG.network.psm.enabled && cmd < UpCmd.SEND && row !== Net.AT && !at.inFlight && at.qLen === 0 && (this.info.asleep || at.lastRxMs < 0 || this.ports.clock.now() - at.lastRxMs > UpLimit.DOZE_AFTER_MS)) {
      at.send(Net.AT, (this.epoch << 8) | Mech.CMD_PRE_WAKE);
    }
    const ok = at.send(row, (this.epoch << 8) | cmd);
    if (!ok) this.log(LOG_ERROR, "AT queue full");
    return ok;
  }

  atDone(tag: number, code: number, errNo: number): void {
    if (code === AT_CANCELLED || tag >> 8 !== this.epoch) return;
    if (code === AT_ECHO) {
      // An echo after ATE0: the module restarted (an auto-baud restart prints no boot lines).
      if (this.echoOff) this.post(EV_REBOOT, 0, 0, 0, -1, -1, "echo is on again");
      return;
    }
    if ((tag & 0xff) === Mech.CMD_PRE_WAKE) {
      if (code === 0) this.info.asleep = false; // it answered: awake, whatever notice was lost
      return;
    }
    const at = this.at;
    if (this.ports.log.level >= LOG_DEBUG) {
      for (let i = 0; i < at.lines; i++) this.log(LOG_DEBUG, "< " + redact(at.resp[i]));
      this.log(LOG_DEBUG, "< " + resultText(code, errNo));
    }
    this.post(EV_AT, tag & 0xff, code, errNo, -1, -1, at.resp[0]);
  }

  // ---- failures, retries, escalation -------------------------------------------------------------

  /**
   * The current step failed (`waitMs` FAIL_STEP). Wait a jittered delay from the retry table, then retry
   * it (or `target` when >= 0, entered with `opt`) — or, after repeated failures of the same step,
   * restart bring-up, then power-cycle the module. Never gives up. `long`: a cause a quick retry cannot
   * fix; the long table, no escalation.
   * Not a step's failure: `waitMs` FAIL_RECOVERY (a recovery from Ready: the table's next delay) or a
   * wait of its own (>= 0, the registration guard's); RetryWait, then `target` with `opt`. (One method
   * for the three, not two: RAM.)
   */
  fail(reason: string, long: boolean, target: number, opt: number, waitMs: number): void {
    let next = target;
    let ms = waitMs === FAIL_RECOVERY ? -1 : waitMs;
    let n = 0;
    if (waitMs === FAIL_STEP) {
      const st = this.state === S_RETRY_WAIT ? this.retryTarget : this.state;
      this.stepFailures = st === this.failState ? this.stepFailures + 1 : 1;
      this.failState = st;
      this.stats[Stat.FAILURES]++;
      if (target < 0) next = st;
      // Escalation by failures of the same step in a row: 3 restart bring-up, 6 (and every 3 more)
      // power-cycle the module.
      const k = this.stepFailures;
      if (!long && k === RESTART_AFTER) {
        next = S_SYNC;
        reason += "; restarting bring-up";
      } else if (!long && k >= POWER_CYCLE_AFTER && (k - POWER_CYCLE_AFTER) % 3 === 0) {
        next = CFG.modem.pwrkeyPin !== null ? S_POWER_OFF : S_RESETTING;
        reason += "; power-cycling the module";
      }
      // A module that does not answer, or a step that stays on the UART (Sync, Configure, the SIM check)
      // costs the network nothing: its delay grows with its own failures in a row, not with the climbing
      // backoff that only a delivery resets (a module off for an hour must not wait half an hour a try).
      if (!long && (st === S_SYNC || st === S_CONFIGURE || st === S_AWAIT_SIM)) ms = Math.floor(1000 * Math.min(64, 1 << (k - 1)) * (0.75 + 0.5 * this.ports.random()));
    }
    if (ms < 0) {
      // Seconds by consecutive failure: doubling to 128 s, then minutes; the long table is for causes a
      // quick retry cannot fix (authentication rejected, unknown endpoint, no SIM). Jittered to 75%..125%
      // so a fleet does not come back in step. Built on use: no RAM held.
      n = long ? ++this.longFailures : ++this.failures;
      const table = long ? [60, 600, 1800, 3600] : [1, 2, 4, 8, 16, 32, 64, 128, 300, 600, 1800];
      ms = Math.floor(table[n > table.length ? table.length - 1 : n - 1] * 1000 * (0.75 + 0.5 * this.ports.random()));
    }
    this.retryTarget = next;
    this.retryOpt = opt;
    this.retryLong = !long ? 0 : ms >= 0 && n === 0 ? 2 : 1;
    this.retryDelayMs = ms;
    this.go(S_RETRY_WAIT, reason, 0);
  }

  /** Count a failure cause; only short codes from the module's tables reach here, so keys stay few. */
  cause(code: string): void {
    const b = this.byCode;
    b[code] = (b[code] || 0) + 1;
    if (this.rootCause === "") this.rootCause = code;
  }

  /**
   * For the watchdog: the machine is alive when a timer of its own is due in the future (or only just
   * past), or a command is on its way. A lost timer chain or a wedged handler makes this false and the
   * watchdog resets the MCU.
   */
  healthy(graceMs: number): boolean {
    if (this.state === S_OFF) return true;
    const now = this.ports.clock.now();
    for (let i = 0; i <= T_SUPERVISOR; i++) if (this.timerId[i] !== 0 && this.timerDue[i] + graceMs >= now) return true;
    return this.at.busy();
  }

  // ---- helpers for the states --------------------------------------------------------------------

  /** A log line tagged "link", or `tag` (the Device's data path logs through here as "data": one helper, not two). */
  log(level: number, text: string, tag?: string): void {
    if (level <= this.ports.log.level) this.ports.log.write(level, tag || "link", text);
  }

  /**
   * FORGET_MODULE: the module is gone (rebooted, powered down, switched off by us): forget what it knew.
   * FORGET_ALL: the MCU is going away (reset, deep sleep): also stop every timer without running any
   * state's exit, and stop.
   */
  forget(what: number): void {
    this.echoOff = 0;
    this.info.asleep = false;
    if (what === FORGET_MODULE) return this.at.reset(AtReset.IN_FLIGHT);
    for (let i = 0; i <= T_SUPERVISOR; i++) this.setTimer(i, T_CLEAR);
    this.at.reset(AtReset.ALL);
    this.uplinkPending = 0;
    this.state = S_OFF;
  }
}

/** Timer callback: a plain function, so no closure is made per timer (and a class cannot name itself on the device). */
function linkTimer(m: Link, slot: number): void {
  m.timerId[slot] = 0;
  m.post(EV_TIMER, slot, 0, 0, -1, -1, "");
}
