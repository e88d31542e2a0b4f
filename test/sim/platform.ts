// The AEP platform (CTWing) as one model shared by a fleet of simulated modules: whether it answers at
// a given moment (outage windows), and what reached it — REGISTER attempts and uplinks, by time and by
// device. Each module's AEP part consults it: while it is down no CoAP request gets an answer, so a
// REGISTER ends reg,1 (timeout), a CON uplink send,1, an UPDATE update,1 and a DEREGISTER dereg,1, as
// with a platform that is unreachable (protocol.md: reg 1 "timeout"; reg 2 "not sent" is the module's
// own failure to send, which a platform outage does not cause).

export interface PlatformModel {
  /** Does the platform answer CoAP requests now? */
  answers(nowMs: number): boolean;
  /** A REGISTER went on the air (signalling on the cell, answered or not). */
  registerSent(id: string, nowMs: number, answered: boolean): void;
  /** An uplink reached the platform (CON: ACKed; NON: received while it answers). */
  uplinkReceived(id: string, hex: string, nowMs: number): void;
}

export interface Outage {
  fromMs: number;
  toMs: number;
}

export class SharedPlatform implements PlatformModel {
  readonly outages: Outage[] = [];
  /** Time of every REGISTER attempt, in order (a fleet makes a few tens of thousands). */
  readonly regTimes: number[] = [];
  /** Which device made each of them (parallel to regTimes). */
  readonly regIds: string[] = [];
  /** REGISTER attempts that got an answer (the platform was up). */
  regsAnswered = 0;
  readonly regsByDevice = new Map<string, number>();
  uplinks = 0;
  readonly uplinksByDevice = new Map<string, number>();

  /** The platform stops answering from `fromMs` until `toMs`. */
  addOutage(fromMs: number, toMs: number): void {
    this.outages.push({ fromMs, toMs });
  }

  answers(nowMs: number): boolean {
    for (const o of this.outages) if (nowMs >= o.fromMs && nowMs < o.toMs) return false;
    return true;
  }

  registerSent(id: string, nowMs: number, answered: boolean): void {
    this.regTimes.push(nowMs);
    this.regIds.push(id);
    if (answered) this.regsAnswered++;
    this.regsByDevice.set(id, (this.regsByDevice.get(id) || 0) + 1);
  }

  uplinkReceived(id: string, _hex: string, _nowMs: number): void {
    this.uplinks++;
    this.uplinksByDevice.set(id, (this.uplinksByDevice.get(id) || 0) + 1);
  }

  /** REGISTER attempts in [fromMs, toMs). */
  registrationsBetween(fromMs: number, toMs: number): number {
    let n = 0;
    for (const t of this.regTimes) if (t >= fromMs && t < toMs) n++;
    return n;
  }

  /** The most REGISTER attempts one device made in [fromMs, toMs). */
  maxPerDeviceBetween(fromMs: number, toMs: number): number {
    const m = new Map<string, number>();
    let max = 0;
    for (let i = 0; i < this.regTimes.length; i++) {
      const t = this.regTimes[i];
      if (t < fromMs || t >= toMs) continue;
      const v = (m.get(this.regIds[i]) || 0) + 1;
      m.set(this.regIds[i], v);
      if (v > max) max = v;
    }
    return max;
  }

  /** REGISTER attempts per whole minute from `fromMs`, `minutes` buckets. */
  perMinute(fromMs: number, minutes: number): number[] {
    const out = new Array<number>(Math.max(0, minutes)).fill(0);
    for (const t of this.regTimes) {
      const i = Math.floor((t - fromMs) / 60000);
      if (i >= 0 && i < out.length) out[i]++;
    }
    return out;
  }
}
