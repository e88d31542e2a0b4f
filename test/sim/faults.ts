// The fault switchboard: every way the module, the network or the platform misbehaves, callable at any
// time and combinable. Each call is counted by kind; a network-side notice that cannot reach a module
// that is off or in PSM (radio and UART asleep) is counted as "lost:<kind>" and has no effect.

import type { ConfirmOrder, PersistentFaults } from "./aep";
import type { Sim7020 } from "./sim7020";

export interface SimFaults {
  /** Reboot now: boot lines if the rate is fixed (RDY, +CFUN: 1, +CPIN: READY), state lost, echo on, CMEE 0. */
  reboot(): void;
  /** The next `times` registrations end with +CTM2M: reg,<code> (1, 2, 10, 13, 22). */
  regFail(code: number, times: number): void;
  /** The next `times` AT+CTM2MREG answer +CTM2M ERROR: <code> (e.g. 34). */
  regError(code: number, times: number): void;
  /** The next `times` CON sends confirm with +CTM2M: send,<status>,<id> (1, 2, 9; 9 tears the session down). */
  sendFail(status: number, times: number): void;
  /** +CTM2M: lwstatus,0: the session is unusable until DEREG + REG. */
  lwstatus(): void;
  /** +CTM2M: ping,<status>; non-zero tears the session down. */
  ping(status: number): void;
  /** +CTM2M: plat,<status>[,<disableTimeoutS>,<phase>]; status 0 + timeout disables (error 7), 1 is a firmware upgrade (error 35). */
  plat(status: number, disableTimeoutS?: number, phase?: number): void;
  /** Lose coverage for `ms` (CSQ 99,99, stat 2 or the given 0/4), or be denied (stat 3, signal kept). */
  noSignal(ms: number, stat?: number): void;
  noSim(present: boolean): void;
  /** Stop answering for `ms`: input ignored, output lost. */
  silent(ms: number): void;
  /** +CTM2MRECV: <hex> now (lost unless registered, observed and awake). noSpace: "+CTM2MRECV:<hex>" as in the note's second example. */
  downlink(hex: string, noSpace?: boolean): void;
  /** An arbitrary line now. */
  junk(line: string): void;
  /** A line of `chars` characters with no line end for a while, then its end. */
  overlongLine(chars: number): void;
  /** Enter PSM now. */
  psmEnter(): void;
  /** TAU timer expiry: leave PSM (+CTM2M: psm,0 when INIT autoTau is 2). */
  tauWake(): void;
  /** Answer every command `ms` late (0 ends it). */
  slow(ms: number): void;
  /**
   * Line noise aimed at chosen lines: the next `times` (default 1) lines starting with `match` ("" any
   * line, "OK", "+CTM2M: lwstatus") carry `glitch` (default: a seeded pick of NUL, 0xFF, other control
   * or high bytes) right before the text, or right after it with `after`, inside the line's frame.
   * SimOptions.lineNoise sprinkles noise at random instead.
   */
  noise(match?: string, glitch?: string, times?: number, after?: boolean): void;
  /**
   * The next `times` sends confirm early: "beforeOk" prints +CTM2MSEND: N, +CTM2M: send,<s>,N, OK;
   * "beforeId" (NON sends; CON ones fall back to beforeOk) prints the confirmation even before
   * +CTM2MSEND: N. A send that times out (send,1) still confirms late.
   */
  earlyConfirm(order: ConfirmOrder, times: number): void;
  /**
   * Turn persistent faults on (or off: rst false, codes 0) — faults that survive every successful
   * registration: RST for every uplink, update,13 / ping,13 / lwstatus,0 after every registration,
   * SEND refused with 15 or 4 while AT+CTM2MREG? says 3. Fields not given keep their value.
   */
  persistent(p: Partial<PersistentFaults>): void;
  /** Switch the PSM reading: "true" (UART dead until PWRKEY or TAU) or "autosleep" (first characters wake). */
  psmModel(model: "autosleep" | "true"): void;
  /** End of a fault period: armed regFail/regError/sendFail/earlyConfirm/noise not used yet are dropped, persistent faults end. */
  clearArmed(): void;
}

export function makeFaults(sim: Sim7020): SimFaults {
  const rec = sim.rec;
  /** Network-side notices need a module that is on, awake and able to print. */
  const reachable = (kind: string): boolean => {
    rec.fault(kind);
    if (sim.ctx.canEmit()) return true;
    rec.fault("lost:" + kind);
    return false;
  };
  return {
    reboot() {
      rec.fault("reboot");
      sim.reboot();
    },
    regFail(code, times) {
      rec.fault("regFail");
      sim.aep.regFail(code, times);
    },
    regError(code, times) {
      rec.fault("regError");
      sim.aep.regError(code, times);
    },
    sendFail(status, times) {
      rec.fault("sendFail");
      sim.aep.sendFail(status, times);
    },
    lwstatus() {
      if (reachable("lwstatus")) sim.aep.lwstatus();
    },
    ping(status) {
      if (reachable("ping")) sim.aep.ping(status);
    },
    plat(status, disableTimeoutS, phase) {
      if (reachable("plat")) sim.aep.plat(status, disableTimeoutS, phase);
    },
    noSignal(ms, stat) {
      rec.fault("noSignal");
      sim.net.noSignal(ms, stat === undefined ? 2 : stat);
    },
    noSim(present) {
      rec.fault(present ? "simInserted" : "noSim");
      sim.net.setSim(present);
    },
    silent(ms) {
      rec.fault("silent");
      sim.silence(ms);
    },
    downlink(hex, noSpace) {
      rec.fault("downlink");
      if (sim.aep.downlink(hex, noSpace === true)) rec.s.downlinks++;
      else rec.s.downlinksLost++;
    },
    junk(line) {
      if (reachable("junk")) sim.ctx.emit(line);
    },
    overlongLine(chars) {
      if (!reachable("overlongLine")) return;
      // Printable noise (hex digits) so only the length, not the content, trips the host's reader.
      let body = "";
      while (body.length < chars) body += sim.ctx.rng.int(0, 0xffff).toString(16).padStart(4, "0").toUpperCase();
      body = body.substring(0, chars);
      rec.line("module", body, "overlong: end follows later");
      sim.raw("\r\n" + body);
      sim.ctx.after(sim.ctx.rng.int(300, 800), () => sim.raw("\r\n"));
    },
    psmEnter() {
      rec.fault("psmEnter");
      // The module never sleeps in the middle of a command: wait for its final result.
      const tryEnter = () => {
        if (!sim.powered || !sim.uartReady) return;
        if (sim.state().busy !== undefined) sim.ctx.after(20, tryEnter);
        else sim.psm.enter();
      };
      tryEnter();
    },
    tauWake() {
      rec.fault("tauWake");
      sim.psm.tauWake();
    },
    slow(ms) {
      rec.fault(ms > 0 ? "slow" : "slowEnd");
      sim.slowMs = Math.max(0, ms);
    },
    noise(match, glitch, times, after) {
      rec.fault("noise");
      sim.armNoise(match === undefined ? "" : match, glitch, times === undefined ? 1 : times, after === true);
    },
    earlyConfirm(order, times) {
      rec.fault("earlyConfirm");
      sim.aep.earlyConfirm(order, times);
    },
    persistent(p) {
      const on = p.rst === true || !!p.rstPrefix || !!p.updateFail || !!p.pingFail || p.lwstatus === true || !!p.sendError;
      rec.fault(on ? "persistent" : "persistentEnd");
      sim.aep.setPersistent(p);
    },
    psmModel(model) {
      rec.fault(model === "true" ? "truePsm" : "autosleepPsm");
      sim.psm.model = model;
    },
    clearArmed() {
      if (sim.aep.clearArmed() + sim.clearNoise() > 0) rec.fault("armedCleared");
    },
  };
}
