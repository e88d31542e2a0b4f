// The fault switchboard: every way the module, the network or the platform misbehaves, callable at any
// time and combinable. Each call is counted by kind; a network-side notice that cannot reach a module
// that is off or in PSM (radio and UART asleep) is counted as "lost:<kind>" and has no effect.

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
  /** End of a fault period: armed regFail/regError/sendFail counts not used yet are dropped. */
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
    clearArmed() {
      if (sim.aep.clearArmed() > 0) rec.fault("armedCleared");
    },
  };
}
