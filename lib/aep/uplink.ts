// The uplink sender, driven by the Ready state: one frame at a time from the outbox head, sent with
// AT+CTM2MSEND, removed only when +CTM2M: send,0,<msgid> confirms that very message id. One in flight
// keeps the order; a confirmation that never comes is retried; frames the module calls malformed
// (errors 13/14/17) are dropped because they can never succeed.

import { AT_SYNC, CMD_AT } from "../sim7020/commands";
import { AT_CTM2M_ERROR, AT_OK, atResultText } from "../at/result";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import { DP_CHECK_SESSION, DP_NONE, DP_PAUSE, DP_REREGISTER, DP_RESTART_SESSION, type DataPath, type LinkApi } from "../link/types";
import * as A from "./ctm2m";

/** The outbox as the sender sees it (lib/outbox/outbox.ts). */
export interface UplinkQueue {
  head(): { seq: number; hex: string; mode: number } | undefined;
  remove(seq: number): boolean;
  noteTry(seq: number): void;
  size(): number;
}

export interface UplinkListener {
  /** The platform confirmed the uplink (CON: ACK; NON: sent). */
  onDelivered(seq: number): void;
  /** The module refused the frame itself; it was dropped. */
  onDropped(seq: number, why: string): void;
}

export const CMD_SEND = 60;
export const CMD_WAKE = 61;

/** Wait after send,1 / send,2 or a refused command before the next try, growing with tries. */
const RETRY_BASE_MS = 5000;
const RETRY_MAX_MS = 120000;
/**
 * When restarting the session did not help either (a platform that never ACKs), slow right down so a
 * broken peer does not cost a registration every few minutes: 10 min, then 30 min between tries.
 */
const STUCK_DELAYS_MS = [600000, 1800000];
/** Error 35: a firmware download blocks data for a while. */
const FOTA_WAIT_MS = 60000;
/**
 * Failed tries in a row (send,1/2, refusals, lost confirmations) before the session itself is suspected:
 * a missed lwstatus leaves a session that looks up and sends nothing. Then DEREG and REG, as for lwstatus.
 */
export const FAILS_BEFORE_SESSION_RESTART = 3;
/** Message ids remembered for the head frame, so a late send,0 for an earlier try still counts. */
const RECENT_IDS = 4;

const IDLE = 0;
const SENDING = 1; // AT+CTM2MSEND in flight
const CONFIRMING = 2; // waiting for +CTM2M: send,<s>,<msgid>
const BACKING_OFF = 3;

export interface UplinkStats {
  sends: number;
  delivered: number;
  retries: number;
  confirmTimeouts: number;
  dropped: number;
  unknownConfirms: number;
  lateConfirms: number;
}

export class Uplink implements DataPath {
  private q: UplinkQueue;
  private listener: UplinkListener;
  private confirmTimeoutMs: number;
  private phase: number;
  private seq: number;
  private msgid: number;
  private tries: number;
  /** Message ids used for the head frame (`recentSeq`), newest last. */
  private recentIds: number[];
  private recentSeq: number;
  private abandon: boolean;
  /** Failed tries in a row, any frame; reset by a confirmation. */
  private failStreak: number;
  /** Session restarts asked for since the last delivery. */
  private restarts: number;
  stats: UplinkStats;

  constructor(q: UplinkQueue, listener: UplinkListener, confirmTimeoutMs: number) {
    this.q = q;
    this.listener = listener;
    this.confirmTimeoutMs = confirmTimeoutMs;
    this.phase = IDLE;
    this.seq = -1;
    this.msgid = -1;
    this.tries = 0;
    this.recentIds = [];
    this.recentSeq = -1;
    this.abandon = false;
    this.failStreak = 0;
    this.restarts = 0;
    this.stats = { sends: 0, delivered: 0, retries: 0, confirmTimeouts: 0, dropped: 0, unknownConfirms: 0, lateConfirms: 0 };
  }

  busy(): boolean {
    return this.phase !== IDLE || this.q.size() > 0;
  }

  /** True while a frame is on its way (for the MCU sleep policy). */
  inFlight(): boolean {
    return this.phase === SENDING || this.phase === CONFIRMING;
  }

  resume(m: LinkApi): void {
    if (this.phase !== IDLE) return;
    const e = this.q.head();
    if (!e) return;
    if (e.seq !== this.recentSeq) {
      this.recentSeq = e.seq;
      this.recentIds.splice(0);
      this.tries = 0;
    }
    this.seq = e.seq;
    this.msgid = -1;
    this.phase = SENDING;
    this.stats.sends++;
    if (this.tries > 0) this.stats.retries++;
    this.tries++;
    this.q.noteTry(e.seq);
    // A dozing module only wakes on the first command: wake it with AT (safe to repeat), not the send.
    if (m.moduleMayBeAsleep()) m.send(CMD_AT, AT_SYNC, CMD_WAKE);
    m.send(A.cmdSend(e.hex, e.mode), A.CTM2MSEND, CMD_SEND);
  }

  suspend(): void {
    // The frame stays queued; Ready's timer and command are gone with the state.
    this.phase = IDLE;
    this.abandon = false;
  }

  onAt(m: LinkApi, cmdId: number, code: number, errNo: number, line: string): number {
    if (cmdId !== CMD_SEND || this.phase !== SENDING) return DP_NONE;
    if (this.abandon) {
      // The frame was confirmed through an earlier message id while this resend was on its way.
      this.abandon = false;
      this.phase = IDLE;
      this.resume(m);
      return DP_NONE;
    }
    if (code === AT_OK) {
      this.msgid = A.parseMsgId(line, "+CTM2MSEND:");
      if (this.msgid >= 0) {
        this.recentIds.push(this.msgid);
        if (this.recentIds.length > RECENT_IDS) this.recentIds.splice(0, 1);
      }
      this.phase = CONFIRMING;
      m.setDataTimer(this.confirmTimeoutMs);
      return DP_NONE;
    }
    this.phase = IDLE;
    if (code === AT_CTM2M_ERROR) {
      if (errNo === A.E_HEX_DECODE || errNo === A.E_TOO_LONG || errNo === A.E_ODD_LENGTH || errNo === A.E_PARAM_COUNT || errNo === A.E_PARAM_VALUE) {
        const why = "module refused the frame: " + A.ctm2mErrorText(errNo);
        m.log(LOG_ERROR, "uplink #" + this.seq + " dropped: " + why);
        this.q.remove(this.seq);
        this.stats.dropped++;
        this.listener.onDropped(this.seq, why);
        this.resume(m);
        return DP_NONE;
      }
      if (errNo === A.E_NOT_CONNECTED) return DP_REREGISTER;
      if (errNo === A.E_NOT_READY) return DP_CHECK_SESSION;
      if (errNo === A.E_DISABLED) return DP_PAUSE;
      if (errNo === A.E_FOTA) {
        this.backOff(m, FOTA_WAIT_MS);
        return DP_NONE;
      }
    }
    m.log(LOG_WARN, "uplink #" + this.seq + " not accepted: " + atResultText(code, errNo) + "; retrying");
    return this.failed(m);
  }

  onSendNotice(m: LinkApi, status: number, msgid: number): number {
    const current = this.phase === CONFIRMING && msgid === this.msgid && msgid >= 0;
    const head = this.q.head();
    const late = !current && msgid >= 0 && this.recentIds.indexOf(msgid) >= 0 && head !== undefined && head.seq === this.recentSeq;
    if (!current && !late) {
      this.stats.unknownConfirms++;
      return DP_NONE;
    }
    if (status === A.SEND_OK) {
      const seq = this.recentSeq;
      this.q.remove(seq);
      this.stats.delivered++;
      this.failStreak = 0;
      this.restarts = 0;
      this.recentIds.splice(0);
      this.recentSeq = -1;
      m.log(LOG_INFO, "uplink #" + seq + " confirmed (msgid " + msgid + ")");
      this.listener.onDelivered(seq);
      if (late) this.stats.lateConfirms++;
      if (this.phase === SENDING) {
        // A resend of this frame is in flight: its result ends it (and its own confirmation is unknown).
        this.abandon = true;
        return DP_NONE;
      }
      m.clearDataTimer();
      this.phase = IDLE;
      this.resume(m);
      return DP_NONE;
    }
    if (late) return DP_NONE; // an earlier try failed; the current one still counts
    m.clearDataTimer();
    this.phase = IDLE;
    if (status === A.SEND_RST) return DP_REREGISTER;
    m.log(LOG_WARN, "uplink #" + this.seq + " send," + status + " (" + (status === A.SEND_TIMEOUT ? "no ACK" : "not sent") + "); retrying");
    return this.failed(m);
  }

  onTimer(m: LinkApi): number {
    if (this.phase === CONFIRMING) {
      this.stats.confirmTimeouts++;
      m.log(LOG_WARN, "uplink #" + this.seq + ": no confirmation for msgid " + this.msgid + "; sending again");
      this.phase = IDLE;
      if (++this.failStreak >= FAILS_BEFORE_SESSION_RESTART) {
        this.failStreak = 0;
        this.restarts++;
        return DP_RESTART_SESSION;
      }
    }
    this.phase = IDLE;
    this.resume(m);
    return DP_NONE;
  }

  /** A try failed: back off, or after several in a row suspect the session. */
  private failed(m: LinkApi): number {
    if (++this.failStreak >= FAILS_BEFORE_SESSION_RESTART) {
      this.failStreak = 0;
      this.phase = IDLE;
      this.restarts++;
      return DP_RESTART_SESSION;
    }
    this.backOff(m, this.retryDelay());
    return DP_NONE;
  }

  private retryDelay(): number {
    if (this.restarts >= 2) return STUCK_DELAYS_MS[this.restarts >= 3 ? 1 : 0];
    const ms = RETRY_BASE_MS * this.tries;
    return ms > RETRY_MAX_MS ? RETRY_MAX_MS : ms;
  }

  private backOff(m: LinkApi, ms: number): void {
    this.phase = BACKING_OFF;
    m.setDataTimer(ms);
  }
}
