// The module's PWRKEY and STATUS pins (hardware design guide, protocol.md "Power and boot"): a low pulse
// of >= 215 ms (typ. 800) turns it on, >= 800 ms turns it off, a short pulse wakes it from PSM, and a
// power-on less than 5 s after a power-off is a host error. The pulse is judged when PWRKEY is released.

import type { Pins } from "../../lib/ports";
import type { SimCtx } from "./context";

export const PWRKEY_ON_MIN_MS = 215;
export const PWRKEY_OFF_MIN_MS = 800;
export const OFF_TO_ON_MIN_MS = 5000;

export interface PowerHooks {
  isOn(): boolean;
  /** STATUS pin: high from UART-ready after a power-on until the power goes. */
  statusHigh(): boolean;
  /** The last power-off time, or undefined when it never happened while simulated. */
  offAt(): number | undefined;
  powerOn(): void;
  /** Power off by the key: prints NORMAL POWER DOWN. */
  powerOff(): void;
  inPsm(): boolean;
  wakeFromPsm(): void;
}

export class PowerKey implements Pins {
  private assertedAt: number | undefined;
  private ctx: SimCtx;
  private h: PowerHooks;

  constructor(ctx: SimCtx, hooks: PowerHooks) {
    this.ctx = ctx;
    this.h = hooks;
  }

  pwrkey(asserted: boolean): void {
    const now = this.ctx.clock.now();
    if (asserted) {
      if (this.assertedAt === undefined) this.assertedAt = now;
      return;
    }
    if (this.assertedAt === undefined) return;
    const heldMs = now - this.assertedAt;
    this.assertedAt = undefined;
    if (!this.h.isOn()) {
      if (heldMs < PWRKEY_ON_MIN_MS) {
        this.ctx.rec.violation("PWRKEY pulse of " + heldMs + " ms is shorter than the " + PWRKEY_ON_MIN_MS + " ms power-on minimum: module stays off");
        return;
      }
      const off = this.h.offAt();
      if (off !== undefined && now - off < OFF_TO_ON_MIN_MS) {
        this.ctx.rec.violation("power-on " + (now - off) + " ms after power-off (the hardware guide asks for at least " + OFF_TO_ON_MIN_MS + " ms)");
      }
      this.h.powerOn();
      return;
    }
    if (heldMs >= PWRKEY_OFF_MIN_MS) this.h.powerOff();
    else if (this.h.inPsm()) this.h.wakeFromPsm();
  }

  status(): number {
    return this.h.isOn() && this.h.statusHigh() ? 1 : 0;
  }
}
