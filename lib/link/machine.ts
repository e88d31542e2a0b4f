// The link state machine: one post() entry run to completion, enter/leave/handle per state, one go()
// that changes state and logs `from -> to (reason)`, timers and AT commands owned by the state that
// started them (cleared by go()), a retry table with jitter and escalation, and a liveness supervisor.
// State behaviour lives in bringup.ts and session.ts; this file is the mechanism.

import { AtEngine, AT_ENGINE_DEFAULTS, type AtSpec, type UrcEntry } from "../at/engine";
import { AT_CANCELLED, atResultText } from "../at/result";
import { LOG_DEBUG, LOG_ERROR, LOG_INFO, LOG_WARN, type Clock, type Log, type Pins, type Random, type Uart } from "../ports";
import { EV_AT, EV_ECHO, EV_START, EV_SUPERVISOR, EV_TIMER, EVENT_NAMES } from "./events";
import { ESCALATE_POWER_CYCLE, ESCALATE_RESTART, escalation, LONG_DELAYS_S, RETRY_DELAYS_S, retryDelayMs } from "./retry";
import { S_OFF, S_PAUSED, S_POWER_CYCLE, S_POWER_ON, S_READY, S_RETRY_WAIT, S_SHUTDOWN, S_SYNC, stageOf, STATE_NAMES } from "./states";
import { LinkStats, newLinkStats } from "./stats";
import type { DataPath, LinkApi, LinkConfig, LinkListener } from "./types";
import { makeUrcTable } from "./urc";

/** A state: what it starts on entry, stops on exit, and how it reacts to each event. */
export interface StateDef {
  enter(m: Link): void;
  leave(m: Link): void;
  handle(m: Link, ev: number, a: number, b: number, c: number, d: number, s: string): void;
}

// Timer slots: all owned by the current state and cleared by go().
export const T_STATE = 0;
export const T_AUX = 1;
export const T_DATA = 2;
const TIMER_SLOTS = 3;

const EVENT_QUEUE = 32;
/** The module may doze this long after its last line (its own idle timer is about 5 s). */
const DOZE_AFTER_MS = 4000;

export interface LinkPorts {
  uart: Uart;
  clock: Clock;
  pins: Pins;
  log: Log;
  random: Random;
}

function timerFn(m: Link, slot: number): () => void {
  return function () {
    m.timerFired(slot);
  };
}

export class Link implements LinkApi {
  readonly at: AtEngine;
  readonly cfg: LinkConfig;
  readonly ports: LinkPorts;
  readonly stats: LinkStats;
  readonly listener: LinkListener;
  dataPath: DataPath | undefined;
  private table: StateDef[];

  state: number;
  /** Bumped on every state change: AT results and timers from an older epoch are dropped. */
  epoch: number;
  reason: string;

  // Event ring (parallel arrays: posting allocates nothing).
  private evType: number[];
  private evA: number[];
  private evB: number[];
  private evC: number[];
  private evD: number[];
  private evS: string[];
  private evHead: number;
  private evLen: number;
  private dispatching: boolean;

  private timerId: number[];
  private timerGen: number[];
  private timerDue: number[];
  private timerFns: (() => void)[];
  private supervisorId: number;
  private supervisorDue: number;
  private supervisorFn: () => void;
  /** Highest bring-up stage reached since the supervisor last restarted. */
  private bestStage: number;
  supervisorLevel: number;
  supervisorPaused: boolean;

  // Failure bookkeeping (reset on Ready).
  failures: number;
  /** Consecutive failures of the slow kind (auth rejected, no SIM...): they pick from the long table. */
  longFailures: number;
  failState: number;
  stepFailures: number;
  /** Where RetryWait goes when its delay ends. */
  retryTarget: number;
  retryDelayMs: number;
  retryLong: boolean;

  // What we learnt about the module and the network.
  imei: string;
  imsi: string;
  rssi: number;
  operator: string;
  ip: string;
  networkApn: string;
  /** ATE0 has been answered in this power cycle: an echo now means a reboot. */
  echoOff: boolean;
  /** The module said ENTER PSM and has not woken since. */
  asleep: boolean;
  /** APN fixes in this bring-up (bounded: the APN write goes to the module's flash). */
  apnFixes: number;
  /** The last reboot evidence time, to count one reboot for RDY + +CFUN: 1 + +CPIN: READY. */
  lastRebootSeenMs: number;
  downSinceMs: number;
  /** Ask for deregistration before the next AEP init (INIT refused with 32 while a session is up). */
  needDereg: boolean;
  /** Scratch for the state in charge (script step, poll counts...). */
  step: number;
  polls: number;
  /** When the current sub-step began. */
  sinceMs: number;
  stopRequested: boolean;
  rebootRequested: boolean;
  // Scratch the bring-up and session states keep between their steps.
  forcePulse: boolean;
  blindPulseTried: boolean;
  iprFixed: boolean;
  psmWrite: boolean;
  apnSaved: string | undefined;
  apnPlus: boolean;
  apnWritten: boolean;
  cpinReady: boolean;
  attachStartMs: number;
  deniedLogged: boolean;
  /** Write AT+CTM2MINIT even if the saved values look right (after reg,13 or error 1). */
  forceInit: boolean;
  updateDone: boolean;
  pauseMs: number;
  /** Woken from our own deep sleep: the module kept its session; try the short path first. */
  warm: boolean;
  /** When we last saw the module switch off (-1: not seen by this MCU boot). */
  offAtMs: number;
  /** The quiet wait before the first AT of this MCU boot is over. */
  bootQuietDone: boolean;

  constructor(ports: LinkPorts, cfg: LinkConfig, listener: LinkListener, table: StateDef[]) {
    const self = this;
    this.ports = ports;
    this.cfg = cfg;
    this.listener = listener;
    this.table = table;
    this.dataPath = undefined;
    this.stats = newLinkStats();
    const urcs: UrcEntry[] = makeUrcTable(this);
    this.at = new AtEngine(
      ports.uart,
      ports.clock,
      urcs,
      {
        atDone: function (tag, code, errNo) {
          self.atDone(tag, code, errNo);
        },
        atEcho: function (tag) {
          if ((tag >> 8) === (self.epoch & 0xffff)) self.post(EV_ECHO, 0, 0, 0, 0, "");
        },
      },
      AT_ENGINE_DEFAULTS,
    );
    this.state = S_OFF;
    this.epoch = 0;
    this.reason = "";
    // Allocated at full size once, so memory after Ready is memory for good.
    this.evType = new Array<number>(EVENT_QUEUE).fill(0);
    this.evA = new Array<number>(EVENT_QUEUE).fill(0);
    this.evB = new Array<number>(EVENT_QUEUE).fill(0);
    this.evC = new Array<number>(EVENT_QUEUE).fill(0);
    this.evD = new Array<number>(EVENT_QUEUE).fill(0);
    this.evS = new Array<string>(EVENT_QUEUE).fill("");
    this.evHead = 0;
    this.evLen = 0;
    this.dispatching = false;
    this.timerId = [0, 0, 0];
    this.timerGen = [0, 0, 0];
    this.timerDue = [0, 0, 0];
    this.timerFns = [];
    for (let i = 0; i < TIMER_SLOTS; i++) this.timerFns.push(timerFn(this, i));
    this.supervisorId = 0;
    this.supervisorDue = 0;
    this.supervisorFn = function () {
      self.supervisorId = 0;
      self.post(EV_SUPERVISOR, 0, 0, 0, 0, "");
    };
    this.bestStage = 0;
    this.supervisorLevel = 0;
    this.supervisorPaused = false;
    this.failures = 0;
    this.longFailures = 0;
    this.failState = -1;
    this.stepFailures = 0;
    this.retryTarget = S_SYNC;
    this.retryDelayMs = 0;
    this.retryLong = false;
    this.imei = "";
    this.imsi = "";
    this.rssi = 99;
    this.operator = "";
    this.ip = "";
    this.networkApn = "";
    this.echoOff = false;
    this.asleep = false;
    this.apnFixes = 0;
    this.lastRebootSeenMs = -100000;
    this.downSinceMs = ports.clock.now();
    this.needDereg = false;
    this.step = 0;
    this.polls = 0;
    this.sinceMs = 0;
    this.stopRequested = false;
    this.rebootRequested = false;
    this.forcePulse = false;
    this.blindPulseTried = false;
    this.iprFixed = false;
    this.psmWrite = false;
    this.apnSaved = undefined;
    this.apnPlus = false;
    this.apnWritten = false;
    this.cpinReady = false;
    this.attachStartMs = 0;
    this.deniedLogged = false;
    this.forceInit = false;
    this.updateDone = false;
    this.pauseMs = 0;
    this.warm = false;
    this.offAtMs = -1;
    this.bootQuietDone = false;
  }

  // ---- the one entry -----------------------------------------------------------------------------

  /** Post an event; it runs now unless an event is being handled, then right after it. */
  post(ev: number, a: number, b: number, c: number, d: number, s: string): void {
    if (this.evLen >= EVENT_QUEUE) {
      this.stats.eventsDropped++;
      this.log(LOG_ERROR, "event queue full: dropped " + EVENT_NAMES[ev]);
      return;
    }
    const i = (this.evHead + this.evLen) % EVENT_QUEUE;
    this.evType[i] = ev;
    this.evA[i] = a;
    this.evB[i] = b;
    this.evC[i] = c;
    this.evD[i] = d;
    this.evS[i] = s;
    this.evLen++;
    if (this.dispatching) return;
    this.dispatching = true;
    while (this.evLen > 0) {
      const k = this.evHead;
      this.evHead = (this.evHead + 1) % EVENT_QUEUE;
      this.evLen--;
      const text = this.evS[k];
      this.evS[k] = "";
      this.dispatch(this.evType[k], this.evA[k], this.evB[k], this.evC[k], this.evD[k], text);
    }
    this.dispatching = false;
  }

  private dispatch(ev: number, a: number, b: number, c: number, d: number, s: string): void {
    this.stats.events++;
    try {
      if (ev === EV_SUPERVISOR) this.supervisorFired();
      else this.table[this.state].handle(this, ev, a, b, c, d, s);
    } catch (e) {
      // Nothing the module or the platform sends may stop the machine: log, count, and start over.
      this.stats.exceptions++;
      this.log(LOG_ERROR, "exception in " + STATE_NAMES[this.state] + " on " + EVENT_NAMES[ev] + ": " + (e && (e as Error).message ? (e as Error).message : String(e)));
      this.fail("internal error", false);
    }
  }

  // ---- state changes -----------------------------------------------------------------------------

  /** The only place the state changes. */
  go(next: number, reason: string): void {
    const from = this.state;
    this.table[from].leave(this);
    for (let i = 0; i < TIMER_SLOTS; i++) this.clearTimer(i);
    this.at.cancelAll();
    this.epoch++;
    this.state = next;
    this.reason = reason;
    this.step = 0;
    this.polls = 0;
    this.stats.transitions++;
    this.log(next === S_RETRY_WAIT || from === S_READY ? LOG_WARN : LOG_INFO, STATE_NAMES[from] + " -> " + STATE_NAMES[next] + " (" + reason + ")");
    if (from === S_READY) this.downSinceMs = this.now();
    this.noteProgress(next);
    this.listener.onStateChange(from, next, reason);
    this.table[next].enter(this);
  }

  // ---- timers ------------------------------------------------------------------------------------

  setTimer(slot: number, ms: number): void {
    this.clearTimer(slot);
    this.timerGen[slot]++;
    this.timerDue[slot] = this.now() + ms;
    this.timerId[slot] = this.ports.clock.setTimeout(this.timerFns[slot], ms);
  }

  clearTimer(slot: number): void {
    if (this.timerId[slot] !== 0) {
      this.ports.clock.clearTimeout(this.timerId[slot]);
      this.timerId[slot] = 0;
    }
    this.timerGen[slot]++;
  }

  /** Called by the clock; posts EV_TIMER tagged with the slot's generation. */
  timerFired(slot: number): void {
    this.timerId[slot] = 0;
    this.post(EV_TIMER, slot, this.timerGen[slot], 0, 0, "");
  }

  /** True when an EV_TIMER event is the slot's live timer (not one cleared after it was posted). */
  timerIsLive(slot: number, gen: number): boolean {
    return this.timerGen[slot] === gen;
  }

  /** Timers the machine holds right now (states' plus the supervisor): for leak checks. */
  timersRunning(): number {
    let n = this.supervisorId !== 0 ? 1 : 0;
    for (let i = 0; i < TIMER_SLOTS; i++) if (this.timerId[i] !== 0) n++;
    return n;
  }

  supervisorRunning(): boolean {
    return this.supervisorId !== 0;
  }

  timerRunning(slot: number): boolean {
    return this.timerId[slot] !== 0;
  }

  // ---- AT commands -------------------------------------------------------------------------------

  /** Send a command owned by the current state; its result comes back as EV_AT with cmdId. */
  send(text: string, spec: AtSpec, cmdId: number): boolean {
    if (this.ports.log.level >= LOG_DEBUG) this.log(LOG_DEBUG, "> " + redact(text));
    const ok = this.at.send(text, spec, ((this.epoch & 0xffff) << 8) | (cmdId & 0xff));
    if (!ok) this.log(LOG_ERROR, "AT queue full: " + redact(text).substring(0, 30));
    return ok;
  }

  private atDone(tag: number, code: number, errNo: number): void {
    if (code === AT_CANCELLED || (tag >> 8) !== (this.epoch & 0xffff)) return;
    const line = this.at.lineCount() > 0 ? this.at.line(0) : "";
    if (this.ports.log.level >= LOG_DEBUG) {
      for (let i = 0; i < this.at.lineCount(); i++) this.log(LOG_DEBUG, "< " + this.at.line(i));
      this.log(LOG_DEBUG, "< " + atResultText(code, errNo));
    }
    this.post(EV_AT, tag & 0xff, code, errNo, 0, line);
  }

  /** Intermediate line i of the command being reported (valid while its EV_AT is handled). */
  line(i: number): string {
    return this.at.line(i);
  }

  lineCount(): number {
    return this.at.lineCount();
  }

  // ---- failures, retries, escalation -------------------------------------------------------------

  /**
   * The current step failed. Wait a jittered delay from the retry table, then retry it — or, after
   * repeated failures of the same step, restart bring-up, then power-cycle the module. Never gives up.
   * `long`: a cause a quick retry cannot fix; use the long table and do not escalate.
   */
  fail(reason: string, long: boolean, target?: number): void {
    const st = this.state === S_RETRY_WAIT ? this.retryTarget : this.state;
    this.failures++;
    this.stepFailures = st === this.failState ? this.stepFailures + 1 : 1;
    this.failState = st;
    this.stats.failures++;
    let next = target !== undefined ? target : st;
    if (!long) {
      const esc = escalation(this.stepFailures);
      if (esc === ESCALATE_RESTART) {
        next = S_SYNC;
        reason += "; restarting bring-up";
      } else if (esc === ESCALATE_POWER_CYCLE) {
        next = S_POWER_CYCLE;
        reason += "; power-cycling the module";
      }
    }
    this.retryTarget = next;
    this.retryLong = long;
    if (long) this.longFailures++;
    this.retryDelayMs = retryDelayMs(long ? LONG_DELAYS_S : RETRY_DELAYS_S, long ? this.longFailures : this.failures, this.ports.random);
    this.go(S_RETRY_WAIT, reason);
  }

  /** Ready reached: reset the failure bookkeeping and the supervisor, and measure the outage. */
  noteReady(): void {
    const down = this.now() - this.downSinceMs;
    this.stats.readyCount++;
    this.stats.lastTimeToReadyMs = down;
    if (down > this.stats.worstTimeToReadyMs) this.stats.worstTimeToReadyMs = down;
    this.failures = 0;
    this.longFailures = 0;
    this.failState = -1;
    this.stepFailures = 0;
    this.apnFixes = 0;
    this.blindPulseTried = false;
    this.warm = false;
    this.stats.rootCause = "";
    this.supervisorLevel = 0;
    this.stopSupervisor();
  }

  // ---- liveness supervisor -----------------------------------------------------------------------

  /** Start watching for progress towards Ready (at start and whenever Ready is left). */
  private noteProgress(next: number): void {
    if (next === S_READY || next === S_OFF) {
      this.stopSupervisor();
      this.bestStage = 0;
      return;
    }
    const stage = stageOf(next);
    const longWait = next === S_RETRY_WAIT && this.retryLong;
    this.supervisorPaused = longWait || next === S_PAUSED; // the platform or a slow cause decides
    if (this.supervisorPaused) {
      this.stopSupervisor();
      return;
    }
    if (stage > this.bestStage || this.supervisorId === 0) {
      if (stage > this.bestStage) this.bestStage = stage;
      this.startSupervisor();
    }
  }

  private startSupervisor(): void {
    this.stopSupervisor();
    const ms = this.cfg.readyTimeoutS * 1000;
    this.supervisorDue = this.now() + ms;
    this.supervisorId = this.ports.clock.setTimeout(this.supervisorFn, ms);
  }

  private stopSupervisor(): void {
    if (this.supervisorId !== 0) this.ports.clock.clearTimeout(this.supervisorId);
    this.supervisorId = 0;
  }

  private supervisorFired(): void {
    if (this.state === S_READY || this.state === S_OFF || this.supervisorPaused) return;
    if (this.state === S_POWER_CYCLE || this.state === S_POWER_ON || this.state === S_SHUTDOWN) {
      // Never cut a PWRKEY sequence short: a pulse ended early, then another, switches the module
      // off and on again within the 5 s the hardware guide forbids. These states end by themselves.
      this.startSupervisor();
      return;
    }
    this.supervisorLevel++;
    this.stats.supervisorFired++;
    this.bestStage = 0;
    const why = "no progress to Ready in " + this.cfg.readyTimeoutS + " s";
    if (this.supervisorLevel === 1) this.go(S_SYNC, why + "; restarting bring-up");
    else this.go(S_POWER_CYCLE, why + "; power-cycling the module");
    if (this.supervisorId === 0) this.startSupervisor();
  }

  /**
   * For the watchdog: the machine is alive when a timer of its own is due in the future (or only just
   * past). A lost timer chain or a wedged handler makes this false and the watchdog resets the MCU.
   */
  healthy(graceMs: number): boolean {
    if (this.state === S_OFF) return true;
    const now = this.now();
    for (let i = 0; i < TIMER_SLOTS; i++) if (this.timerId[i] !== 0 && this.timerDue[i] + graceMs >= now) return true;
    if (this.supervisorId !== 0 && this.supervisorDue + graceMs >= now) return true;
    return this.at.busy();
  }

  // ---- helpers for states and the data path ------------------------------------------------------

  now(): number {
    return this.ports.clock.now();
  }

  log(level: number, text: string): void {
    if (level <= this.ports.log.level) this.ports.log.write(level, "link", text);
  }

  setDataTimer(ms: number): void {
    this.setTimer(T_DATA, ms);
  }

  clearDataTimer(): void {
    this.clearTimer(T_DATA);
  }

  /**
   * With power saving the module dozes after about 5 s without UART traffic, and then the first
   * command only wakes it. True when that may have happened (so the sender wakes it with AT first).
   */
  moduleMayBeAsleep(): boolean {
    if (!this.cfg.psm.enabled) return false;
    return this.asleep || this.at.lastRxMs < 0 || this.now() - this.at.lastRxMs > DOZE_AFTER_MS;
  }

  stateName(): string {
    return STATE_NAMES[this.state];
  }

  isReady(): boolean {
    return this.state === S_READY;
  }

  /** The module just switched off: the next power-on must wait out the off time from here. */
  noteOff(): void {
    this.offAtMs = this.now();
  }

  /** Module lost (rebooted or powered down): forget what it knew. */
  forgetModule(): void {
    this.at.moduleReset();
    this.echoOff = false;
    this.asleep = false;
  }

  /** The MCU is going away (reset, deep sleep): stop every timer without running any state's exit. */
  halt(): void {
    for (let i = 0; i < TIMER_SLOTS; i++) this.clearTimer(i);
    this.stopSupervisor();
    this.at.halt();
    this.evLen = 0;
    this.state = S_OFF;
  }

  start(): void {
    this.post(EV_START, 0, 0, 0, 0, "");
  }
}

/** The INIT command carries the PSK: log it with the secret fields masked. */
export function redact(text: string): string {
  if (text.indexOf("AT+CTM2MINIT=") !== 0) return text;
  let commas = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 44 && ++commas === 5) return text.substring(0, i) + ",***";
  }
  return text;
}
