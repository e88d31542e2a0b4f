// Power saving (protocol.md "Power saving", the low-power note): AT+CPSMS / AT+CPSMSTATUS, entering PSM
// after the active time of idle, the swallowed first command that wakes the UART, and the TAU timer
// that wakes the module on its own (+CTM2M: psm,0 with autoTau 2). The AEP session survives PSM.
// Two readings of "PSM" (protocol.md): "autosleep" (AT+CSCLK style, the first characters wake the UART
// and are swallowed) and "true" PSM, where the UART is dead until a PWRKEY pulse or the TAU timer.

import type { Command } from "./command";
import { intArg } from "./command";
import { ms, type Reply, type SimCtx } from "./context";

/** T3412 units (top 3 bits): 10 min, 1 h, 10 h, 2 s, 30 s, 1 min, 320 h; 111 = deactivated. */
const T3412_UNIT_MS = [600000, 3600000, 36000000, 2000, 30000, 60000, 1152000000];
/** T3324 units: 2 s, 1 min, 6 min (deci-hours in 24.008; the note's table says 6 min); 111 = deactivated. */
const T3324_UNIT_MS = [2000, 60000, 360000];

function isTimerString(s: string): boolean {
  if (s.length !== 8) return false;
  for (let i = 0; i < 8; i++) if (s[i] !== "0" && s[i] !== "1") return false;
  return true;
}

/** Milliseconds of an 8-bit GPRS timer string, or undefined when the unit says "deactivated". */
export function timerMs(s: string, units: number[]): number | undefined {
  const unit = parseInt(s.substring(0, 3), 2);
  const mult = parseInt(s.substring(3), 2);
  if (unit >= units.length) return undefined;
  return units[unit] * mult;
}

export const DEFAULT_T3412 = "00100001"; // 1 h
export const DEFAULT_T3324 = "00000101"; // 10 s
/** After a wake the module goes back to sleep after about 5 s of idle (protocol.md). */
const WAKE_IDLE_MS = 5000;

export interface PsmHooks {
  /** Nothing is going on that keeps the radio up (no command in flight, no registration or send pending). */
  idle(): boolean;
  attached(): boolean;
  /** The TAU timer woke the module (AEP reacts according to INIT autoTau). */
  tauWoke(): void;
}

export class Psm {
  /** AT+CPSMS mode; kept in flash like the timers (the network negotiates them at attach). */
  mode = 0;
  t3412 = DEFAULT_T3412;
  t3324 = DEFAULT_T3324;
  /** AT+CPSMSTATUS (reset at boot). */
  statusUrc = false;
  inPsm = false;
  /** "true": nothing but PWRKEY or the TAU timer ends PSM (input is ignored, not a wake). */
  model: "autosleep" | "true" = "autosleep";
  private idleTimerGen = 0;
  private tauGen = 0;
  private woke = false;
  private ctx: SimCtx;
  private hooks: PsmHooks;

  constructor(ctx: SimCtx, hooks: PsmHooks) {
    this.ctx = ctx;
    this.hooks = hooks;
  }

  boot(): void {
    this.statusUrc = false;
    this.inPsm = false;
    this.woke = false;
    this.idleTimerGen++;
    this.tauGen++;
    this.activity();
  }

  /** A command or network activity: restart the idle countdown (each AT command restarts it). */
  activity(): void {
    const gen = ++this.idleTimerGen;
    if (this.mode !== 1 || this.inPsm) return;
    const active = timerMs(this.t3324, T3324_UNIT_MS);
    if (active === undefined) return; // active timer deactivated: PSM never entered by itself
    const wait = Math.max(1000, this.woke ? WAKE_IDLE_MS : active);
    this.ctx.after(wait, () => {
      if (gen !== this.idleTimerGen || this.inPsm || this.mode !== 1) return;
      if (this.hooks.idle() && this.hooks.attached()) this.enter();
      else this.activity();
    });
  }

  /** Enter PSM now (idle countdown ran out, or a fault forces it). */
  enter(): void {
    if (this.inPsm || !this.ctx.powered()) return;
    if (this.statusUrc) this.ctx.emit('+CPSMSTATUS: "ENTER PSM"');
    this.inPsm = true;
    this.woke = false;
    this.ctx.rec.s.psmEntries++;
    const gen = ++this.tauGen;
    const tau = timerMs(this.t3412, T3412_UNIT_MS);
    if (tau !== undefined && tau > 0) this.ctx.after(tau, () => gen === this.tauGen && this.tauWake());
  }

  /** The first command after PSM only wakes the UART; EXIT PSM follows shortly. */
  wakeByUart(): void {
    this.leave();
    this.ctx.after(ms(this.ctx, 20, 60), () => {
      if (this.statusUrc && !this.inPsm) this.ctx.emit('+CPSMSTATUS: "EXIT PSM"');
    });
  }

  /** A PWRKEY pulse in PSM: the module reports +CPIN: READY before EXIT PSM (protocol.md). */
  wakeByPwrkey(): void {
    this.leave();
    this.ctx.after(ms(this.ctx, 50, 150), () => {
      if (this.inPsm) return;
      this.ctx.emit("+CPIN: READY");
      if (this.statusUrc) this.ctx.emit('+CPSMSTATUS: "EXIT PSM"');
    });
  }

  /** TAU timer expiry: leave PSM by itself. */
  tauWake(): void {
    if (!this.inPsm) return;
    this.leave();
    if (this.statusUrc) this.ctx.emit('+CPSMSTATUS: "EXIT PSM"');
    this.hooks.tauWoke();
  }

  private leave(): void {
    this.inPsm = false;
    this.woke = true;
    this.tauGen++;
    this.ctx.rec.s.psmExits++;
    this.activity();
  }

  /** The active and periodic timers as the network granted them (it grants what was asked). */
  timers(): [string, string] {
    return [this.t3324, this.t3412];
  }

  handle(c: Command): Reply | undefined {
    const bad: Reply = { lines: [this.ctx.cme(50)] };
    if (c.name === "AT+CPSMS") {
      if (c.form === "read") return { lines: ["+CPSMS: " + this.mode + ',,,"' + this.t3412 + '","' + this.t3324 + '"', "OK"] };
      const m = intArg(c.args[0]);
      if (c.form !== "set" || m === undefined || m > 2 || c.args.length > 5) return bad;
      for (let i = 1; i < 3 && i < c.args.length; i++) if (c.args[i].text !== "") return bad; // GPRS timers: unused on NB-IoT
      const t3412 = c.args[3] && c.args[3].text !== "" ? c.args[3].text : undefined;
      const t3324 = c.args[4] && c.args[4].text !== "" ? c.args[4].text : undefined;
      if ((t3412 !== undefined && !isTimerString(t3412)) || (t3324 !== undefined && !isTimerString(t3324))) return bad;
      this.mode = m === 1 ? 1 : 0;
      if (m === 2) {
        this.t3412 = DEFAULT_T3412;
        this.t3324 = DEFAULT_T3324;
      }
      if (t3412 !== undefined) this.t3412 = t3412;
      if (t3324 !== undefined) this.t3324 = t3324;
      return { lines: ["OK"], then: () => this.activity() };
    }
    if (c.name === "AT+CPSMSTATUS") {
      if (c.form === "read") return { lines: ["+CPSMSTATUS: " + (this.statusUrc ? 1 : 0), "OK"] };
      const n = intArg(c.args[0]);
      if (c.form !== "set" || n === undefined || n > 1 || c.args.length !== 1) return bad;
      this.statusUrc = n === 1;
      return { lines: ["OK"] };
    }
    return undefined;
  }
}
