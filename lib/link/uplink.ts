// The Ready state's data path: one frame at a time from the outbox head, sent with AT+CTM2MSEND and
// removed only when +CTM2M: send,0,<msgid> confirms that very message id, whatever order the
// confirmation and the SEND's own answer arrive in (a confirmation may come before the SEND's OK, in
// NON mode even before its +CTM2MSEND: line: recent notices are kept to match against). One in flight
// keeps the order. A confirmation that never comes is retried; frames the module calls malformed
// (errors 13/14/17/2/3) are dropped because they can never succeed; a frame the platform answered with
// RST three times is set aside. With power saving it wakes the module first: a short PWRKEY pulse when
// it is in PSM and PWRKEY is wired, else a bare AT (the first characters only wake an auto-sleeping
// UART); a module in true PSM without PWRKEY is waited for (it wakes on its own TAU), never escalated.

import { AT_OK, AT_TIMEOUT } from "../at/result";
import { afterPrefix, field, Field } from "../at/fields";
import { AT_CTM2M_ERROR, CE_DISABLED, CE_FOTA, CE_HEX_DECODE, CE_NOT_CONNECTED, CE_NOT_READY, CE_ODD_LENGTH, CE_PARAM_COUNT, CE_PARAM_VALUE, CE_TOO_LONG, SEND_OK, SEND_RST, SEND_TIMEOUT } from "../aep/codes";
import { Aep, resultText } from "../aep/ctm2m";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import { Net } from "../sim7020/rows";
import { EV_NOTICE, EV_TIMER, LE_DELIVERED, LE_DROPPED, LE_REQUEUED, T_CLEAR, T_DATA } from "./events";
import type { Link } from "./machine";
import { Stat } from "./stats";

/** The outbox as the sender sees it (lib/outbox). */
export interface UplinkEntry {
  seq: number;
  hex: string;
  mode: number;
  prio: number;
}

export interface UplinkQueue {
  head(): UplinkEntry | undefined;
  /** outbox.ts: 0 queued, 1 queued after dropping the oldest report, 2 refused, 3 not stored. */
  push(hex: string, mode: number, prio: number): number;
  nextSeq(): number;
  remove(seq: number): boolean;
  size(): number;
}

// What the data path asks of Ready.
export const enum Dp {
  NONE = 0,
  /** The session is gone (send,9, error 4): register again. */
  REREGISTER = 1,
  /** The platform has disabled the device (error 7): pause. */
  PAUSE = 2,
  /** Not sure the session is usable (error 15): ask AT+CTM2MREG?. */
  CHECK_SESSION = 3,
  /** Sends keep failing though the module says the session is up (a lost lwstatus): DEREG, then REG. */
  RESTART_SESSION = 4,
  /** The module has been silent far longer than its TAU: it is not asleep, it is lost. */
  MODULE_LOST = 5,
}

/** The data path's command ids (Ready's own are below these). */
export const enum UpCmd {
  SEND = 60,
  WAKE = 61,
}

const enum Phase {
  IDLE = 0,
  /** PWRKEY held for the wake pulse. */
  PULSING = 1,
  /** Waiting for the module to say it woke (+CPIN: READY / EXIT PSM), or the bare AT in flight. */
  WAKING = 2,
  SENDING = 3,
  CONFIRMING = 4,
  BACKING_OFF = 5,
  /** In true PSM without PWRKEY: waiting for the module's own wake. */
  ASLEEP = 6,
}

const enum UpRow {
  /** The wake probe: no resend, a short wait (an awake module answers AT in milliseconds). */
  WAKE = "|300|0|AT",
}

export const enum UpLimit {
  /** Shorter than the 800 ms that would switch a running module off, longer than the 215 ms on-minimum. */
  WAKE_PULSE_MS = 300,
  WAKE_WAIT_MS = 3000,
  /** While waiting for the module's own wake, try a bare AT this often anyway (a lost EXIT PSM). */
  ASLEEP_PROBE_MS = 600000,
  /** The module may doze this long after its last line (its own idle timer is about 5 s). */
  DOZE_AFTER_MS = 4000,
  /** Wait after send,1 / send,2 or a refused command before the next try, growing with tries. */
  RETRY_BASE_MS = 5000,
  RETRY_MAX_MS = 120000,
  /**
   * When restarting the session did not help either (a platform that never ACKs), slow right down so a
   * broken peer does not cost a registration every few minutes: 5 min, then 15 min between tries (three
   * tries before the next session restart stay well inside the recovery bound).
   */
  STUCK_1_MS = 300000,
  STUCK_2_MS = 900000,
  /** Error 35: a firmware download blocks data for a while. */
  FOTA_WAIT_MS = 60000,
  /**
   * Failed tries in a row (send,1/2, refusals, lost confirmations) before the session itself is suspected:
   * a missed lwstatus leaves a session that looks up and sends nothing. Then DEREG and REG, as for lwstatus.
   */
  FAILS_BEFORE_SESSION_RESTART = 3,
  /** RSTs for one frame before it is set aside (the platform cannot take it; it must not block the queue). */
  RSTS_BEFORE_SET_ASIDE = 3,
  /** Message ids remembered for the head frame, so a late send,0 for an earlier try still counts. */
  RECENT_IDS = 2,
  /** Confirmations kept for a message id not known yet (it arrives with the SEND's answer). */
  EARLY = 2,
}

export class Uplink {
  private q: UplinkQueue;
  phase: number;
  /** The head frame being sent (-1: none yet), its message id for this try, and its tries and RSTs. */
  private seq: number;
  private msgid: number;
  private tries: number;
  private rsts: number;
  /**
   * The copy of the last frame moved behind the queue after RSTs (-1: none), and 1 once another frame was
   * delivered since: then that frame, RST again, is the bad one, not the platform.
   */
  private asideSeq: number;
  /** 2 while the quick wake AT is out, 1 while the send goes out right after it went unanswered (resume). */
  private woke: number;
  private asideProven: number;
  /** Strikes against that frame: RSTs it got after other frames were delivered (3: dropped). */
  private asideStrikes: number;
  /** Message ids used for the head frame, a ring. */
  private ids: number[];
  private idNext: number;
  /** Confirmations for ids not known yet: [msgid, status] pairs, a ring. */
  private early: number[];
  private earlyNext: number;
  /** A resend is on its way for a frame that an earlier try's late confirmation already delivered. */
  abandon: number;
  /** Failed tries in a row, any frame; reset by a confirmation. */
  private failStreak: number;
  /** Session restarts asked for since the last delivery. */
  private restarts: number;
  /** When the wait for the module's own wake began. */
  private asleepSinceMs: number;

  /** The link whose Ready state this is the data path of (kept, not passed: a parameter per method costs RAM). */
  private m: Link;

  constructor(q: UplinkQueue, m: Link) {
    this.q = q;
    this.m = m;
    this.phase = Phase.IDLE;
    this.seq = -1;
    this.msgid = -1;
    this.tries = 0;
    this.rsts = 0;
    this.asideSeq = -1;
    this.woke = 0;
    this.asideProven = 0;
    this.asideStrikes = 0;
    this.ids = [-1, -1];
    this.idNext = 0;
    this.early = [-1, 0, -1, 0];
    this.earlyNext = 0;
    this.abandon = 0;
    this.failStreak = 0;
    this.restarts = 0;
    this.asleepSinceMs = -1;
  }

  /** Something waits to be sent or confirmed. */
  busy(): boolean {
    return this.phase !== Phase.IDLE || this.q.size() > 0;
  }

  /** Ready entered, something was queued, or the module woke: send the next frame if idle. */
  resume(): void {
    const m = this.m;
    if (this.phase === Phase.ASLEEP && !m.info.asleep) {
      m.setTimer(T_DATA, T_CLEAR);
      this.phase = Phase.IDLE;
    }
    if (!m.info.asleep) this.asleepSinceMs = -1;
    if (this.phase === Phase.WAKING && !m.info.asleep && !m.at.busy()) {
      m.setTimer(T_DATA, T_CLEAR);
      this.phase = Phase.IDLE;
    }
    if (this.phase !== Phase.IDLE) return;
    let e = this.q.head();
    if (!e) return;
    if (e.seq === this.asideSeq && !this.asideProven) {
      // The frame moved behind the queue is first again before any other was delivered: alone, it waits
      // for company (one frame cannot tell a bad frame from a platform answering everything with RST);
      // with company, it moves behind it once more, untried.
      if (this.q.size() < 2 || !this.requeue(e, "")) return;
      e = this.q.head() as UplinkEntry;
    }
    if (e.seq !== this.seq) {
      this.seq = e.seq;
      this.tries = 0;
      this.rsts = 0;
      this.ids[0] = -1;
      this.ids[1] = -1;
    }
    // With power saving the module dozes after about 5 s without UART traffic (or sleeps: ENTER PSM), and
    // then the first command only wakes it.
    if (CFG.network.psm.enabled && this.woke !== 1 && (m.info.asleep || m.at.lastRxMs < 0 || m.ports.clock.now() - m.at.lastRxMs > UpLimit.DOZE_AFTER_MS)) {
      if (m.info.asleep && CFG.modem.pwrkeyPin !== null) {
        // True PSM: the UART is dead; only PWRKEY (or the TAU timer) wakes the module.
        this.phase = Phase.PULSING;
        this.m.stats[Stat.UP_WAKE_PULSES]++;
        m.ports.pins.pwrkey(true);
        m.setTimer(T_DATA, UpLimit.WAKE_PULSE_MS);
        return;
      }
      // A dozing module only wakes on the first characters: wake it with an AT (safe to repeat), not the
      // send. Answered: it was awake. Unanswered: those characters woke it, and the send follows at once
      // (the manual asks for 100 ms) - one command per wake, not the two an AT sent twice would cost.
      // Only after ENTER PSM: a module merely idle may be awake and slow, and must not get the send on
      // top of an AT it is still answering - it gets the AT that is resent once on silence instead.
      this.phase = Phase.WAKING;
      this.woke = m.info.asleep ? 2 : 0;
      m.send(m.info.asleep ? UpRow.WAKE : Net.AT, UpCmd.WAKE);
      return;
    }
    this.phase = Phase.SENDING;
    this.msgid = -1;
    this.m.stats[Stat.UP_SENDS]++;
    if (this.tries > 0) this.m.stats[Stat.UP_RETRIES]++;
    this.tries++;
    m.send(Aep.SEND + e.hex + "," + e.mode, UpCmd.SEND);
  }

  /** True PSM without PWRKEY: wait for the module's own wake (TAU); a sleeping module is not a failure. */
  private sleeping(): number {
    const m = this.m;
    if (!m.info.asleep) m.log(LOG_INFO, "module asleep (PSM): uplinks wait for its own wake");
    m.info.asleep = true;
    this.phase = Phase.ASLEEP;
    if (this.asleepSinceMs < 0) this.asleepSinceMs = m.ports.clock.now();
    if (m.ports.clock.now() - this.asleepSinceMs > CFG.network.psm.tauS * 1500 + UpLimit.ASLEEP_PROBE_MS) {
      this.asleepSinceMs = -1;
      return Dp.MODULE_LOST;
    }
    m.setTimer(T_DATA, UpLimit.ASLEEP_PROBE_MS);
    return Dp.NONE;
  }

  /**
   * An event for the data path, from Ready: a command of its own finished (EV_AT), a send notice
   * (EV_NOTICE), or its timer (EV_TIMER, slot T_DATA). What Ready must do comes back (Dp).
   */
  event(): number {
    const m = this.m;
    const ev = m.ev;
    if (ev.type === EV_NOTICE) {
      // +CTM2M: send,<status>,<msgid>.
      const status = m.ev.code;
      const msgid = m.ev.d1;
      if (msgid < 0) {
        this.m.stats[Stat.UP_UNKNOWN_CONFIRMS]++;
        return Dp.NONE;
      }
      if (this.phase === Phase.CONFIRMING && msgid === this.msgid) return this.confirmed(status, msgid, false);
      const head = this.q.head();
      if (this.ids.indexOf(msgid) >= 0 && head !== undefined && head.seq === this.seq) {
        // An earlier try of the head frame: its late send,0 delivers it; a late failure changes nothing.
        return status === SEND_OK ? this.confirmed(status, msgid, true) : Dp.NONE;
      }
      if (this.phase === Phase.SENDING) {
        // Perhaps the SEND in flight: its id comes with its OK. Keep it to match then.
        this.early[this.earlyNext * 2] = msgid;
        this.early[this.earlyNext * 2 + 1] = status;
        this.earlyNext = (this.earlyNext + 1) % UpLimit.EARLY;
        return Dp.NONE;
      }
      this.m.stats[Stat.UP_UNKNOWN_CONFIRMS]++;
      return Dp.NONE;
    }
    if (ev.type === EV_TIMER) {
      switch (this.phase) {
        case Phase.PULSING:
          m.ports.pins.pwrkey(false);
          this.phase = Phase.WAKING;
          m.setTimer(T_DATA, UpLimit.WAKE_WAIT_MS);
          return Dp.NONE;
        case Phase.WAKING:
          // No word from the module after the pulse: ask it (it may have been awake all along).
          m.send(Net.AT, UpCmd.WAKE);
          return Dp.NONE;
        case Phase.CONFIRMING:
          this.m.stats[Stat.UP_CONFIRM_TIMEOUTS]++;
          m.log(LOG_WARN, "uplink #" + this.seq + ": no confirmation for msgid " + this.msgid + "; sending again");
          this.phase = Phase.IDLE;
          if (++this.failStreak >= UpLimit.FAILS_BEFORE_SESSION_RESTART) {
            this.failStreak = 0;
            this.restarts++;
            return Dp.RESTART_SESSION;
          }
      }
      if (this.phase === Phase.ASLEEP) {
        // A bare AT now and then, in case the notice of its wake was lost.
        this.phase = Phase.WAKING;
        m.send(Net.AT, UpCmd.WAKE);
        return Dp.NONE;
      }
      this.phase = Phase.IDLE;
      this.resume();
      return Dp.NONE;
    }
    if (ev.id === UpCmd.WAKE) {
      if (this.phase !== Phase.WAKING) return Dp.NONE;
      this.phase = Phase.IDLE;
      m.setTimer(T_DATA, T_CLEAR);
      if (ev.code === AT_OK) {
        m.info.asleep = false;
        this.woke = 0;
        this.resume();
        return Dp.NONE;
      }
      if (CFG.modem.pwrkeyPin === null) {
        if (this.woke === 2 && this.asleepSinceMs < 0) {
          // The quick wake AT went unanswered: the module was in PSM and those characters woke it. Send now.
          this.woke = 1;
          this.resume();
          return Dp.NONE;
        }
        // Silent twice (or a probe while it sleeps): true PSM.
        return this.sleeping();
      }
      if (!m.info.asleep) {
        // It went to sleep without telling us (a lost ENTER PSM): pulse.
        m.info.asleep = true;
        this.resume();
        return Dp.NONE;
      }
      m.log(LOG_WARN, "the module did not wake for uplink #" + this.seq);
      return this.failed(false);
    }
    if (ev.id !== UpCmd.SEND || this.phase !== Phase.SENDING) return Dp.NONE;
    if (this.woke) {
      this.woke = 0;
      if (ev.code === AT_TIMEOUT) {
        // Not even the send after a wake was answered: the UART is dead, the module is in true PSM (a
        // lost ENTER PSM). It never saw the frame. With PWRKEY: pulse; without: wait for its own wake.
        this.phase = Phase.IDLE;
        if (CFG.modem.pwrkeyPin === null) return this.sleeping();
        m.info.asleep = true;
        this.resume();
        return Dp.NONE;
      }
    }
    if (this.abandon) {
      // The frame was confirmed through an earlier message id while this resend was on its way.
      this.abandon = 0;
      this.phase = Phase.IDLE;
      this.resume();
      return Dp.NONE;
    }
    if (ev.code === AT_OK) {
      this.msgid = field(ev.text, afterPrefix(ev.text, "+CTM2MSEND:"), 0, Field.INT);
      this.phase = Phase.CONFIRMING;
      if (this.msgid >= 0) {
        this.ids[this.idNext] = this.msgid;
        this.idNext = (this.idNext + 1) % UpLimit.RECENT_IDS;
        // The confirmation may have come first (before the OK; in NON mode even before +CTM2MSEND:).
        for (let i = 0; i < UpLimit.EARLY * 2; i += 2) {
          if (this.early[i] === this.msgid) {
            this.early[i] = -1;
            this.m.stats[Stat.UP_EARLY_CONFIRMS]++;
            return this.confirmed(this.early[i + 1], this.msgid, false);
          }
        }
      }
      m.setTimer(T_DATA, CFG.outbox.confirmTimeoutS * 1000);
      return Dp.NONE;
    }
    this.phase = Phase.IDLE;
    if (ev.code === AT_CTM2M_ERROR) {
      const e = ev.err;
      if (e === CE_HEX_DECODE || e === CE_TOO_LONG || e === CE_ODD_LENGTH || e === CE_PARAM_COUNT || e === CE_PARAM_VALUE) {
        this.drop("module refused the frame: " + resultText(AT_CTM2M_ERROR, e), false);
        this.resume();
        return Dp.NONE;
      }
      if (e === CE_NOT_CONNECTED) return Dp.REREGISTER;
      if (e === CE_NOT_READY) return Dp.CHECK_SESSION;
      if (e === CE_DISABLED) return Dp.PAUSE;
      if (e === CE_FOTA) {
        this.phase = Phase.BACKING_OFF;
        m.setTimer(T_DATA, UpLimit.FOTA_WAIT_MS);
        return Dp.NONE;
      }
    }
    m.log(LOG_WARN, "uplink #" + this.seq + " not accepted: " + resultText(ev.code, ev.err) + "; retrying");
    return this.failed(false);
  }

  private confirmed(status: number, msgid: number, late: boolean): number {
    const m = this.m;
    const seq = this.seq;
    if (status === SEND_OK) {
      this.q.remove(seq);
      this.m.stats[Stat.UP_DELIVERED]++;
      if (seq !== this.asideSeq) this.asideProven = 1;
      if (late) this.m.stats[Stat.UP_LATE_CONFIRMS]++;
      this.failStreak = 0;
      this.restarts = 0;
      this.seq = -1;
      m.log(LOG_INFO, "uplink #" + seq + " confirmed (msgid " + msgid + ")");
      // Something was delivered: whatever failed before is over, the backoff starts from the bottom again.
      m.failures = 0;
      m.longFailures = 0;
      m.rootCause = "";
      m.owner.linkEvent(LE_DELIVERED, seq, 0, "");
      if (this.phase === Phase.SENDING) {
        // A resend of this frame is in flight: its answer ends it (its own confirmation is unknown).
        this.abandon = 1;
        return Dp.NONE;
      }
      m.setTimer(T_DATA, T_CLEAR);
      this.phase = Phase.IDLE;
      this.resume();
      return Dp.NONE;
    }
    m.setTimer(T_DATA, T_CLEAR);
    this.phase = Phase.IDLE;
    if (status === SEND_RST) {
      // The platform cannot take this frame, and the module drops the session after an RST.
      // Moved behind the queue once already, and other frames got through since: a strike against it.
      if (++this.rsts >= UpLimit.RSTS_BEFORE_SET_ASIDE || (seq === this.asideSeq && this.asideProven)) {
        // Set aside: answered with RST three times, the frame moves behind the queue (a copy is queued,
        // then the original removed: a power cut between them sends it twice, never loses it), so one bad
        // frame cannot block the others; and when the platform is answering everything with RST, each
        // frame takes its turn and none is lost. An RST when it comes round again after another frame was
        // delivered is a strike: the frame, not the platform. It moves behind again; at the third strike it
        // is dropped and reported. (One strike was enough once; a stray RST then dropped a good frame in the
        // 30-day soak.)
        const e = this.q.head();
        const strike = e !== undefined && e.seq === this.asideSeq && this.asideProven;
        if (strike) this.asideStrikes++;
        const why = strike
          ? "RST again after other frames got through (strike " + this.asideStrikes + " of " + UpLimit.RSTS_BEFORE_SET_ASIDE + "; does the thing model match?)"
          : "the platform answered it with RST " + this.rsts + " times (does the thing model match?)";
        if (e === undefined || this.asideStrikes >= UpLimit.RSTS_BEFORE_SET_ASIDE || !this.requeue(e, why)) this.drop(why, true);
      }
      return Dp.REREGISTER;
    }
    m.log(LOG_WARN, "uplink #" + seq + " send," + status + " (" + (status === SEND_TIMEOUT ? "no ACK" : "not sent") + "); retrying");
    return this.failed(status === SEND_TIMEOUT);
  }

  /** Move frame `e` behind the queue (a copy first, then the original goes). False when it cannot be copied. */
  private requeue(e: UplinkEntry, why: string): boolean {
    const m = this.m;
    const copy = this.q.nextSeq();
    // Told first, so whoever watches the queue knows the copy for what it is when it appears.
    m.owner.linkEvent(LE_REQUEUED, e.seq, copy, "");
    if (this.q.push(e.hex, e.mode, e.prio) > 1) return false;
    this.q.remove(e.seq);
    if (why !== "") m.log(LOG_WARN, "uplink #" + e.seq + " moved behind the queue as #" + copy + ": " + why);
    if (e.seq !== this.asideSeq) this.asideStrikes = 0; // a new frame moved behind: its own count
    this.asideSeq = copy;
    this.asideProven = 0;
    if (this.seq === e.seq) this.seq = -1;
    return true;
  }

  /** The head frame leaves the queue unsent: refused by the module, or set aside after RSTs. */
  private drop(why: string, setAside: boolean): void {
    const m = this.m;
    const seq = this.seq;
    m.log(LOG_ERROR, "uplink #" + seq + (setAside ? " set aside: " : " dropped: ") + why);
    this.q.remove(seq);
    if (setAside) {
      this.m.stats[Stat.UP_SET_ASIDE]++;
      m.stats[Stat.SET_ASIDE]++;
    } else this.m.stats[Stat.UP_DROPPED]++;
    this.seq = -1;
    m.owner.linkEvent(LE_DROPPED, seq, 0, why);
  }

  /**
   * A try failed: back off, or after several in a row suspect the session. `noAck`: the frame went out
   * and the platform never answered; only that slows right down once restarting the session did not
   * help (a "not sent" or a refusal is the module's side: the session restart is what cures it).
   */
  private failed(noAck: boolean): number {
    const m = this.m;
    if (++this.failStreak >= UpLimit.FAILS_BEFORE_SESSION_RESTART) {
      this.failStreak = 0;
      this.phase = Phase.IDLE;
      this.restarts++;
      return Dp.RESTART_SESSION;
    }
    this.phase = Phase.BACKING_OFF;
    m.setTimer(T_DATA, noAck && this.restarts >= 3 ? UpLimit.STUCK_2_MS : noAck && this.restarts === 2 ? UpLimit.STUCK_1_MS : Math.min(UpLimit.RETRY_MAX_MS, UpLimit.RETRY_BASE_MS * this.tries));
    return Dp.NONE;
  }
}
