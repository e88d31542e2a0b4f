// The soak's ledger: what the firmware promised (uplinks queued, commands received) against what the
// platform (the simulator) got, kept incrementally so it can be checked at every state change, every
// host write and every simulated minute of a 30-day run. check() returns the first breach as text.
// The outbox lives in flash and can hold 2,000 uplinks, so the ledger learns each frame when it is
// pushed (notePush) and compares the whole queue with its own list only when the counts disagree, the
// policy dropped something, an MCU rebooted, or once a simulated hour.

import { decodeCommand, decodeFrame } from "../../lib/aep/codec";
import { AtLimit } from "../../lib/at/engine";
import type { Device } from "../../lib/device";
import { OB_DROPPED_OLDEST, OB_OK, OB_STORE_FAILED, PRIO_RESPONSE } from "../../lib/outbox/outbox";
import { APP_PROFILE, SVC_TELEMETRY } from "../../firmware/profile";
import type { DeviceRig } from "../device/rig";
import { linkStats, uplinkStats } from "../../lib/link/stats";

/** One uplink the firmware queued, as the soak knows it. */
export interface UplinkInfo {
  seq: number;
  hex: string;
  prio: number;
  /** Service name from the profile ("telemetry", "linkEvent", "commandError", ...). */
  service: string;
  /** The telemetry report's own seq field (-1 for other services). */
  reportSeq: number;
  /** The task id a response answers (-1 for reports and events). */
  taskId: number;
}

/** Counters a Device instance holds; summed over MCU reboots (each reboot builds a new Device). */
export interface InstanceTotals {
  droppedOldest: number;
  outboxPeak: number;
  exceptions: number;
  eventsDropped: number;
  answered: number;
  answeredWithError: number;
  unanswerable: number;
  queueRefused: number;
  moduleDropped: number;
  /** Frames dropped after RSTs (set aside for good): no soak fault makes one frame bad, so it must stay 0. */
  setAside: number;
  atQueueFull: number;
  readerOverflows: number;
  recoveries: number;
  registrations: number;
  worstTimeToReadyMs: number;
}

export function zeroTotals(): InstanceTotals {
  return { droppedOldest: 0, outboxPeak: 0, exceptions: 0, eventsDropped: 0, answered: 0, answeredWithError: 0, unanswerable: 0, queueRefused: 0, moduleDropped: 0, setAside: 0, atQueueFull: 0, readerOverflows: 0, recoveries: 0, registrations: 0, worstTimeToReadyMs: 0 };
}

export function instanceTotals(d: Device): InstanceTotals {
  const c = d.commands;
  return {
    droppedOldest: d.outbox.stats.droppedOldest,
    outboxPeak: d.outbox.stats.peak,
    exceptions: linkStats(d.link).exceptions,
    eventsDropped: linkStats(d.link).eventsDropped,
    answered: c.answered,
    answeredWithError: c.answeredWithError,
    unanswerable: c.unanswerable,
    queueRefused: c.queueRefused,
    moduleDropped: uplinkStats(d.link).dropped,
    setAside: uplinkStats(d.link).setAside,
    atQueueFull: d.link.at.queueFull,
    readerOverflows: d.link.at.overflows,
    recoveries: linkStats(d.link).recoveries,
    registrations: linkStats(d.link).registrations,
    worstTimeToReadyMs: linkStats(d.link).worstTimeToReadyMs,
  };
}

export function addTotals(a: InstanceTotals, b: InstanceTotals): InstanceTotals {
  const out = zeroTotals();
  for (const k of Object.keys(out) as (keyof InstanceTotals)[]) out[k] = k === "outboxPeak" || k === "worstTimeToReadyMs" ? Math.max(a[k], b[k]) : a[k] + b[k];
  return out;
}

export class Ledger {
  readonly uplinks = new Map<number, UplinkInfo>();
  /** Queued and neither confirmed nor seen dropped. */
  readonly outstanding = new Set<number>();
  readonly confirmed = new Set<number>();
  /** AT+CTM2MSEND per frame hex, as the host wrote them; and platform receipts per hex. */
  readonly hostSends = new Map<string, number>();
  readonly receipts = new Map<string, number>();
  /** Distinct uplinks queued per frame hex (two "boot" events are two uplinks with one hex). */
  private producedByHex = new Map<string, number>();
  /** Telemetry seq fields the platform has received (to spot duplicates and order). */
  private reportsSeen = new Set<number>();
  private maxReportSeq = -1;
  private producedCursor = 0;
  private deliveredCursor = 0;
  private sendsCursor = 0;
  /** Totals of the Device instances that are gone (MCU reboots). */
  past = zeroTotals();
  /** Uplinks whose push a power cut interrupted: never durable, never promised. */
  readonly excused = new Set<number>();

  /** Uplinks that left the outbox unconfirmed (full-queue drops), and those confirmed afterwards anyway. */
  readonly vanished = new Set<number>();
  droppedSeen = 0;
  /** Uplinks moved behind the queue after three RSTs (each copy replaces its original). */
  requeued = 0;
  readonly moved = new Set<number>();
  confirmedAfterDrop = 0;
  dupReports = 0;
  platformReceipts = 0;
  telemetryProduced = 0;
  telemetryConfirmed = 0;
  commandsHandled = 0;
  commandsUnreadable = 0;
  /** Downlinks that reached the firmware's dispatcher, and those the MCU missed while it rebooted. */
  downlinksLostInReboot = 0;
  peakAtQueue = 0;
  peakReaderChars = 0;
  peakOutbox = 0;
  checks = 0;

  /** Frames as pushed (seq -> hex, prio), until the ledger has picked them up. */
  private pushedFrames = new Map<number, { hex: string; prio: number }>();
  /** What the last full comparison saw: the policy's drop count, and the check number. */
  private diffDropped = -1;
  private diffCheck = 0;
  /** Set by the soak after an MCU reboot: the next check compares everything. */
  fullDiffDue = true;
  fullDiffs = 0;

  /** maxRecords: the most uplinks the outbox can hold (its byte budget over the smallest record). */
  constructor(private maxRecords: number) {}

  /** Telemetry reports among the uplinks the policy dropped (never confirmed). */
  reportsDropped(): number {
    let n = 0;
    for (const seq of this.vanished) if (!this.confirmed.has(seq) && (this.uplinks.get(seq)?.reportSeq ?? -1) >= 0) n++;
    return n;
  }

  /** Pushes the outbox did not take although the rig counts them (OB_STORE_FAILED: the flash write failed). */
  readonly notQueued = new Set<number>();

  /** Pushes the outbox accepted (OB_OK, OB_DROPPED_OLDEST): a promise even when a power cut came right after. */
  private accepted = new Set<number>();

  /** Every push, with its result code (the soak's push hook calls this). */
  notePush(seq: number, hex: string, prio: number, result: number): void {
    if (result === OB_OK || result === OB_DROPPED_OLDEST) {
      this.pushedFrames.set(seq, { hex, prio });
      this.accepted.add(seq);
    } else if (result === OB_STORE_FAILED) this.notQueued.add(seq);
  }

  totals(d: Device): InstanceTotals {
    return addTotals(this.past, instanceTotals(d));
  }

  /** Host bytes: count every AT+CTM2MSEND per frame (a duplicate at the platform needs as many sends). */
  noteHostWrite(data: string): void {
    if (data.indexOf("AT+CTM2MSEND=") !== 0) return;
    const comma = data.indexOf(",", 13);
    const hex = data.substring(13, comma < 0 ? data.length - 1 : comma);
    this.hostSends.set(hex, (this.hostSends.get(hex) || 0) + 1);
  }

  /**
   * A downlink reached the dispatcher: `before` is rig.produced.length before handle() ran. Exactly one
   * response with the command's task id when the header is readable (or an outbox refusal), none otherwise.
   */
  noteCommand(rig: DeviceRig, hex: string, before: number, refusedBefore: number): string | undefined {
    this.commandsHandled++;
    const d = decodeCommand(APP_PROFILE, hex);
    const task = d.taskId;
    const sync = this.syncProduced(rig);
    if (sync) return sync;
    const responses: UplinkInfo[] = [];
    for (let i = before; i < rig.produced.length; i++) {
      const u = this.uplinks.get(rig.produced[i]);
      if (u && u.prio === PRIO_RESPONSE) responses.push(u);
    }
    const refused = rig.device.commands.queueRefused - refusedBefore;
    if (task === undefined) {
      this.commandsUnreadable++;
      if (responses.length !== 0) return "downlink " + clip(hex) + " has no readable task id but got " + responses.length + " response(s)";
      return undefined;
    }
    if (responses.length + refused !== 1) return "downlink task " + task + " (" + clip(hex) + ") got " + responses.length + " responses queued (" + refused + " refused), expected exactly 1";
    if (responses.length === 1 && responses[0].taskId !== task) return "downlink task " + task + " answered with task id " + responses[0].taskId;
    return undefined;
  }

  /** Pick up uplinks queued since the last look; their frames are still in the outbox (none sent yet). */
  private syncProduced(rig: DeviceRig): string | undefined {
    const p = rig.produced;
    for (; this.producedCursor < p.length; this.producedCursor++) {
      const seq = p[this.producedCursor];
      if (this.uplinks.has(seq)) return "seq " + seq + " queued twice";
      let e = this.pushedFrames.get(seq);
      this.pushedFrames.delete(seq);
      if (this.notQueued.has(seq)) continue; // its flash write failed: not a promise
      const moved = rig.requeued.find((x) => x[1] === seq);
      if (moved) {
        // A copy of `from` moved behind the queue after RSTs: the same uplink under a new seq.
        const orig = this.uplinks.get(moved[0]);
        if (!orig) return "seq " + seq + " is a copy of " + moved[0] + ", which was never queued";
        if (!this.outstanding.has(moved[0])) return "seq " + moved[0] + " moved behind the queue but was not outstanding";
        this.moved.add(moved[0]); // it leaves the outbox right after its copy is in
        if (!e || e.hex !== orig.hex || !rig.device.outbox.has(seq)) return "the copy " + seq + " of seq " + moved[0] + " is not in the outbox with its frame";
        this.uplinks.set(seq, { ...orig, seq });
        this.outstanding.add(seq);
        this.requeued++;
        continue;
      }
      // Pushed before the soak hooked this instance (the boot event): read it from the outbox.
      if (!e) e = rig.device.outbox.entries().find((x) => x.seq === seq);
      if (!e || !rig.device.outbox.has(seq)) {
        return "uplink seq " + seq + " was queued but is not in the outbox at the next look";
      }
      const f = decodeFrame(APP_PROFILE, e.hex);
      const info: UplinkInfo = {
        seq,
        hex: e.hex,
        prio: e.prio,
        service: f.err === undefined ? f.service : "undecodable",
        reportSeq: f.err === undefined && f.serviceId === SVC_TELEMETRY ? (f.values.seq as number) : -1,
        taskId: f.err === undefined && f.taskId !== undefined ? f.taskId : -1,
      };
      if (f.err !== undefined) return "the firmware queued a frame its own profile cannot decode: " + clip(e.hex);
      if (info.reportSeq >= 0 && info.reportSeq !== seq) return "telemetry seq field " + info.reportSeq + " differs from its outbox seq " + seq;
      this.uplinks.set(seq, info);
      if (this.excused.has(seq)) continue;
      this.producedByHex.set(e.hex, (this.producedByHex.get(e.hex) || 0) + 1);
      this.outstanding.add(seq);
      if (info.reportSeq >= 0) this.telemetryProduced++;
    }
    return undefined;
  }

  /**
   * The power cut interrupted this push: the MCU never came back from it. Unless the outbox said it
   * was in flash (a write cut after its last byte that mattered: the rest was 0xFF already): then it
   * is a promise like any other.
   */
  excuse(seq: number): void {
    if (this.accepted.has(seq)) return;
    this.excused.add(seq);
    if (this.outstanding.delete(seq)) {
      const u = this.uplinks.get(seq);
      if (u && u.reportSeq >= 0) this.telemetryProduced--;
    }
  }

  /** Every invariant that can be checked at any moment; the first breach, or undefined. */
  check(rig: DeviceRig): string | undefined {
    this.checks++;
    const d = rig.device;
    const sim = rig.sim.rec.s;
    if (sim.violations.length > 0) return "protocol violation (two AT commands in flight?): " + sim.violations[0];
    if (rig.leakedTimers !== 0) return "a state left " + rig.leakedTimers + " timer(s) running";
    const t = this.totals(d);
    if (t.exceptions !== 0) return "link caught " + t.exceptions + " exception(s)";
    if (t.eventsDropped !== 0) return "link event queue dropped " + t.eventsDropped + " event(s)";
    if (t.moduleDropped !== 0) return "the module refused " + t.moduleDropped + " frame(s) as malformed";
    if (t.setAside !== 0) return t.setAside + " frame(s) set aside for good after RSTs (no soak fault makes one frame bad)";
    const size = d.outbox.size();
    if (size > this.maxRecords) return "outbox holds " + size + " > " + this.maxRecords + " uplinks, more than its budget can";
    if (size > this.peakOutbox) this.peakOutbox = size;
    const q = d.link.at.qLen;
    if (q > AtLimit.QUEUE) return "AT queue holds " + q + " > " + AtLimit.QUEUE;
    if (q > this.peakAtQueue) this.peakAtQueue = q;
    const pc = d.link.at.partial.length;
    if (pc > AtLimit.LINE_MAX_CHARS) return "line reader holds " + pc + " > " + AtLimit.LINE_MAX_CHARS + " characters";
    if (pc > this.peakReaderChars) this.peakReaderChars = pc;
    return this.syncProduced(rig) || this.syncDelivered(rig, t) || this.syncPlatform(rig);
  }

  private syncDelivered(rig: DeviceRig, t: InstanceTotals): string | undefined {
    const del = rig.delivered;
    for (; this.deliveredCursor < del.length; this.deliveredCursor++) {
      const seq = del[this.deliveredCursor];
      if (this.confirmed.has(seq)) return "seq " + seq + " confirmed twice";
      if (!this.outstanding.delete(seq)) {
        if (this.excused.has(seq)) continue; // its record tore; the frame had been sent before the cut
        // Dropped by the policy while it was on its way, and confirmed all the same.
        if (this.vanished.has(seq)) this.confirmedAfterDrop++;
        else return "seq " + seq + " confirmed but never queued";
      }
      this.confirmed.add(seq);
      const u = this.uplinks.get(seq);
      if (u && u.reportSeq >= 0) this.telemetryConfirmed++;
    }
    // What is neither confirmed nor queued any more was dropped; only the full-queue policy may drop.
    // Reading the whole queue from flash each check would cost 2,000 record reads a simulated minute:
    // compare it only when something can have changed besides what the ledger already tracks.
    const d = rig.device;
    if (!this.fullDiffDue && d.outbox.size() === this.outstanding.size && d.outbox.stats.droppedOldest === this.diffDropped && this.checks - this.diffCheck < 60) return undefined;
    this.fullDiffDue = false;
    this.diffDropped = d.outbox.stats.droppedOldest;
    this.diffCheck = this.checks;
    this.fullDiffs++;
    const queued = new Set<number>();
    for (const e of d.outbox.entries()) {
      queued.add(e.seq);
      if (!this.outstanding.has(e.seq)) return "outbox holds seq " + e.seq + (this.confirmed.has(e.seq) ? ", already confirmed (resurrected)" : ", which was never queued");
    }
    if (d.outbox.size() !== queued.size) return "outbox size() " + d.outbox.size() + " but " + queued.size + " records in flash";
    if (queued.size !== this.outstanding.size) {
      for (const seq of this.outstanding) {
        if (queued.has(seq)) continue;
        this.outstanding.delete(seq);
        if (this.moved.has(seq)) continue; // replaced by its copy
        this.vanished.add(seq);
        this.droppedSeen++;
      }
    }
    // Each drop-oldest makes exactly one queued uplink leave the outbox unconfirmed (a refused push
    // never entered the ledger): more of them gone than the policy dropped is a loss.
    if (this.droppedSeen > t.droppedOldest) return "lost " + (this.droppedSeen - t.droppedOldest) + " uplink(s): " + this.droppedSeen + " left the outbox unconfirmed, the full-queue policy dropped " + t.droppedOldest;
    return undefined;
  }

  private syncPlatform(rig: DeviceRig): string | undefined {
    const sends = rig.sim.rec.s.sends;
    for (; this.sendsCursor < sends.length; this.sendsCursor++) {
      const hex = sends[this.sendsCursor].hex;
      this.platformReceipts++;
      const n = (this.receipts.get(hex) || 0) + 1;
      this.receipts.set(hex, n);
      if (n > (this.hostSends.get(hex) || 0)) return "platform received " + clip(hex) + " " + n + " times, the host sent it " + (this.hostSends.get(hex) || 0) + " times";
      const f = decodeFrame(APP_PROFILE, hex);
      if (f.err !== undefined) return "platform received an undecodable frame " + clip(hex);
      if (f.serviceId !== SVC_TELEMETRY) continue;
      const rs = f.values.seq as number;
      if (this.reportsSeen.has(rs)) {
        this.dupReports++;
        continue;
      }
      // A report moved behind the queue after RSTs comes late by design (Uplink.setAside).
      if (rs < this.maxReportSeq && !this.moved.has(rs)) return "report seq " + rs + " reached the platform after seq " + this.maxReportSeq + " (order)";
      this.reportsSeen.add(rs);
      this.maxReportSeq = rs;
    }
    return undefined;
  }

  /**
   * Platform receipts beyond the number of distinct uplinks carrying the same frame, by service (two
   * "boot" events are two uplinks with one hex, so only the excess over them counts: a lower bound).
   */
  duplicateFrames(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [hex, n] of this.receipts) {
      const extra = n - (this.producedByHex.get(hex) || 0);
      if (extra <= 0) continue;
      const f = decodeFrame(APP_PROFILE, hex);
      const k = f.err === undefined ? f.service : "undecodable";
      out[k] = (out[k] || 0) + extra;
    }
    return out;
  }

  /** Quiet and drained: everything queued is confirmed (responses included). */
  checkDrained(rig: DeviceRig): string | undefined {
    this.fullDiffDue = true;
    const b = this.check(rig);
    if (b) return b;
    if (this.outstanding.size !== 0) return this.outstanding.size + " uplink(s) still outstanding after the drain: " + [...this.outstanding].slice(0, 5).join(", ");
    return undefined;
  }
}

function clip(s: string): string {
  return s.length > 40 ? s.substring(0, 40) + "...(" + s.length + ")" : s;
}
