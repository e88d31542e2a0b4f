// The SIM7020 simulator: line discipline (echo, one command at a time, 2048-character buffer, auto-baud),
// boot and power, command dispatch to the network / PSM / AEP parts, and the fault switchboard. Node-only
// test double; never bundled into the firmware. Every random choice comes from the seeded generator.

import type { Clock, Pins } from "../../lib/ports";
import type { UartStub } from "../support/uart-stub";
import { Aep } from "./aep";
import { parseCommand, intArg, type Command } from "./command";
import { CME_TEXT, type Reply, type SimCtx } from "./context";
import { Network } from "./network";
import { PowerKey } from "./power";
import { Psm } from "./psm";
import { clip, Recorder, type SimSummary, type TranscriptEntry } from "./record";
import { Rng } from "./rng";
import { makeFaults, type SimFaults } from "./faults";
import { luhnImei, type SimOptions, type SimState } from "./options";

export type { SimSummary, TranscriptEntry, SentUplink } from "./record";
export type { SimFaults } from "./faults";
export type { InitParams, PersistentFaults, ConfirmOrder } from "./aep";
export type { SimOptions, SimState } from "./options";

/** The module's command buffer (manual: 2048 characters). */
export const MAX_COMMAND_CHARS = 2048;
const IPR_RATES = [0, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];
/** Glitch bytes a level-shifted UART picks up (protocol.md "Line noise"): NUL, 0xFF, other control and high bytes. */
export const GLITCHES = ["\u0000", "\u00ff", "\u0000\u00ff", "\u00ff\u00fe", "\u001b", "\u0080", "\u007f", "\u0000\u0000", "\u00fc", "\u0007"];

interface NoiseArm {
  /** Lines starting with this get the glitch ("" = any line). */
  match: string;
  glitch: string | undefined;
  times: number;
  after: boolean;
}

export class Sim7020 {
  readonly pins: Pins;
  readonly faults: SimFaults;
  /** Parts, exposed for the fault switchboard and white-box tests. */
  readonly net: Network;
  readonly aep: Aep;
  readonly psm: Psm;
  readonly ctx: SimCtx;
  readonly rec: Recorder;

  private clock: Clock;
  private rng: Rng;
  private out: (text: string) => void;
  private epoch = 0;
  private cmdGen = 0;
  powered = false;
  uartReady = false;
  private statusHigh = false;
  private offAt: number | undefined;
  ipr: number;
  private baudSynced = true;
  private echo = true;
  private cmee = 0;
  private inBuf = "";
  private inOverflow = false;
  private busy: { line: string; atMs: number } | undefined;
  silentUntil = 0;
  slowMs = 0;
  /** Chance per printed line of glitch bytes (SimOptions.lineNoise), and glitches aimed at chosen lines. */
  lineNoise = 0;
  private noiseArms: NoiseArm[] = [];
  /** Its own generator: noise must not shift the draws of a run without it. */
  private noiseRng: Rng;

  constructor(opts: SimOptions) {
    const self = this;
    this.clock = opts.clock;
    this.out = opts.output;
    this.rng = new Rng(opts.seed === undefined ? 1 : opts.seed);
    this.rec = new Recorder(() => this.clock.now(), opts.transcriptLimit || 20000);
    this.rec.trace = opts.trace;
    this.ipr = opts.autoBaud === false ? 115200 : 0;
    this.lineNoise = opts.lineNoise || 0;
    this.noiseRng = new Rng(((opts.seed === undefined ? 1 : opts.seed) ^ 0x6e015e) >>> 0);
    this.ctx = {
      clock: this.clock,
      rng: this.rng,
      rec: this.rec,
      emit: (line) => this.emit(line),
      canEmit: () => this.canEmit(),
      after(delayMs, fn) {
        const e = self.epoch;
        self.clock.setTimeout(() => {
          if (e === self.epoch) fn();
        }, delayMs);
      },
      world(delayMs, fn) {
        self.clock.setTimeout(fn, delayMs);
      },
      cme: (n) => (this.cmee === 0 ? "ERROR" : this.cmee === 1 ? "+CME ERROR: " + n : "+CME ERROR: " + (CME_TEXT[n] || "unknown")),
      powered: () => this.powered,
    };
    const idRng = this.rng.fork(7);
    this.net = new Network(this.ctx, {
      apnSpelling: opts.apnSpelling || "star",
      initialApn: opts.initialApn !== undefined ? opts.initialApn : "ctnb",
      networkApn: opts.networkApn !== undefined ? opts.networkApn : "ctnb",
      operator: opts.operator || "CHN-CT",
      wrongApnStat: opts.wrongApnStat || 3,
      ip: opts.ip,
      rssi: opts.rssi,
      simPresent: opts.simPresent !== false,
      imei: opts.imei || luhnImei(idRng),
      imsi: opts.imsi || "46011" + String(idRng.int(0, 99999)).padStart(5, "0") + String(idRng.int(0, 99999)).padStart(5, "0"),
      contrdpForm: opts.contrdpForm || "one",
      contrdpUrc: opts.contrdpUrc || "+CSCON: 1",
    });
    const platformId = opts.platformId;
    this.aep = new Aep(
      this.ctx,
      {
        okAfterCtm2mError: opts.okAfterCtm2mError !== false,
        noSpace: opts.regNoSpace === true,
        printConn: opts.printConn === true,
        printObsrv: opts.printObsrv !== false,
        regBeforeOk: opts.regBeforeOk === true,
        regNeedsLifetime: opts.regNeedsLifetime === true,
        initReadShowsPsk: opts.initReadShowsPsk === true,
        sendConfirm: opts.sendConfirm || "after",
      },
      {
        attached: () => this.net.attached,
        simPresent: () => this.net.simPresent,
        inPsm: () => this.psm.inPsm,
        platform: opts.platform,
        platformId: () => (platformId !== undefined ? platformId : this.net.imei()),
      },
    );
    if (opts.savedInit) this.aep.init = { ...opts.savedInit };
    if (opts.persistent) this.aep.setPersistent(opts.persistent);
    this.psm = new Psm(this.ctx, {
      idle: () => this.busy === undefined && !this.aep.busy(),
      attached: () => this.net.attached,
      tauWoke: () => this.aep.tauWoke(),
    });
    this.psm.model = opts.psmModel === "true" ? "true" : "autosleep";
    this.net.onBearer = (up) => this.aep.bearer(up);
    this.net.psmTimers = () => this.psm.timers();
    this.pins = new PowerKey(this.ctx, {
      isOn: () => this.powered,
      statusHigh: () => this.statusHigh,
      offAt: () => this.offAt,
      powerOn: () => this.powerOn(),
      powerOff: () => this.powerOff(true),
      inPsm: () => this.psm.inPsm,
      wakeFromPsm: () => this.psm.wakeByPwrkey(),
    });
    this.faults = makeFaults(this);
    // Powered at start: booted long ago (its boot lines went to nobody), but in auto-baud it still
    // waits for its first "AT" to find the rate.
    if (opts.poweredOn !== false) {
      this.powered = true;
      this.startLife(true);
    }
  }

  /** Where module output goes (attachToStub points it at a UartStub). */
  setOutput(fn: (text: string) => void): void {
    this.out = fn;
  }

  // ---- life cycle ----------------------------------------------------------------------------------

  private startLife(initial: boolean): void {
    this.epoch++;
    this.cmdGen++;
    this.busy = undefined;
    this.inBuf = "";
    this.inOverflow = false;
    this.echo = true;
    this.cmee = 0;
    this.baudSynced = this.ipr !== 0;
    this.aep.reset();
    this.net.off();
    this.psm.inPsm = false;
    this.uartReady = false;
    const ready = () => {
      this.uartReady = true;
      this.statusHigh = true;
      if (!initial && this.ipr !== 0) {
        // Fixed rate: the boot lines tell the host the module (re)started; auto-baud prints nothing.
        this.emit("RDY");
        this.emit("+CFUN: 1");
        if (this.net.simPresent) this.emit("+CPIN: READY");
      }
      this.net.boot();
      this.psm.boot();
    };
    if (initial) ready();
    else this.ctx.after(this.rng.int(1800, 2400), ready);
  }

  /** The module restarts now (fault or AT+CRESET): state lost, echo on, CMEE 0; INIT and APN kept. */
  reboot(): void {
    if (!this.powered) return;
    this.rec.s.reboots++;
    this.startLife(false);
  }

  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.rec.s.powerOns++;
    this.startLife(false);
  }

  powerOff(printLine: boolean): void {
    if (!this.powered) return;
    if (printLine) this.emit("NORMAL POWER DOWN");
    this.rec.s.powerOffs++;
    this.powered = false;
    this.uartReady = false;
    this.statusHigh = false;
    this.offAt = this.clock.now();
    this.epoch++;
    this.cmdGen++;
    this.busy = undefined;
    this.psm.inPsm = false;
    this.net.off();
    this.aep.reset();
  }

  /** Stop answering for `ms`: input is ignored and output lost; the command in flight is abandoned. */
  silence(durMs: number): void {
    this.silentUntil = Math.max(this.silentUntil, this.clock.now() + durMs);
    this.cmdGen++;
    this.busy = undefined;
  }

  private silent(): boolean {
    return this.clock.now() < this.silentUntil;
  }

  // ---- output --------------------------------------------------------------------------------------

  canEmit(): boolean {
    return this.powered && this.uartReady && !this.silent() && !this.psm.inPsm;
  }

  private emit(line: string): void {
    if (!this.canEmit()) {
      this.rec.s.droppedLines++;
      return;
    }
    const noisy = this.noisy(line);
    if (noisy === line) this.rec.line("module", line);
    else this.rec.line("module", noisy, "noise");
    this.out("\r\n" + noisy + "\r\n");
  }

  /** Glitch bytes inside the line's frame, as the host's UART sees them: "\x00OK", "+CTM2M: lwstatus,0\xff". */
  private noisy(line: string): string {
    for (let i = 0; i < this.noiseArms.length; i++) {
      const a = this.noiseArms[i];
      if (line.indexOf(a.match) !== 0) continue;
      if (--a.times <= 0) this.noiseArms.splice(i, 1);
      this.rec.fault("noise:aimed");
      const g = a.glitch !== undefined ? a.glitch : this.noiseRng.pick(GLITCHES);
      return a.after ? line + g : g + line;
    }
    if (this.lineNoise <= 0 || !this.noiseRng.chance(this.lineNoise)) return line;
    this.rec.fault("noise:random");
    const g = this.noiseRng.pick(GLITCHES);
    return this.noiseRng.chance(0.7) ? g + line : line + g;
  }

  /** Aim glitch bytes at the next `times` lines starting with `match` ("" = any line). */
  armNoise(match: string, glitch: string | undefined, times: number, after: boolean): void {
    this.noiseArms.push({ match, glitch, times: Math.max(1, times), after });
  }

  /** Drop noise aimed at lines not printed yet (end of a fault period). */
  clearNoise(): number {
    const n = this.noiseArms.length;
    this.noiseArms.splice(0);
    return n;
  }

  /** Raw characters (an over-long line's pieces); recorded by the caller. */
  raw(text: string): void {
    if (this.canEmit()) this.out(text);
  }

  // ---- input ---------------------------------------------------------------------------------------

  receive(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const c = data[i];
      if (c === "\r") this.lineEnd();
      else if (c === "\n") continue; // "\r\n" from a terminal: the \n is not part of any command
      else if (this.inBuf.length >= MAX_COMMAND_CHARS) this.inOverflow = true;
      else this.inBuf += c;
    }
  }

  private lineEnd(): void {
    const line = this.inBuf;
    const overflow = this.inOverflow;
    this.inBuf = "";
    this.inOverflow = false;
    if (line.length === 0 && !overflow) return;
    const shown = overflow ? clip(line) : line;
    const now = this.clock.now();
    const drop = (kind: "ignored" | "swallowed", reason: string) => {
      this.rec.line("host", shown, kind + ": " + reason);
      if (kind === "ignored") this.rec.ignored(reason);
      else this.rec.swallowed(reason);
    };
    if (!this.powered) return drop("ignored", "off");
    if (!this.uartReady) return drop("ignored", "booting");
    if (this.silent()) return drop("ignored", "silent");
    if (this.psm.inPsm) {
      // True PSM: the UART is dead, nothing the host sends reaches the module (only PWRKEY or TAU wake it).
      if (this.psm.model === "true") return drop("ignored", "psm");
      // Auto-sleep: these characters only wake the UART; the next command is answered.
      drop("swallowed", "psm");
      this.psm.wakeByUart();
      return;
    }
    if (!this.baudSynced) {
      // Auto-baud: the first "AT" after boot is used to measure the rate and gets no answer.
      this.baudSynced = true;
      return drop("swallowed", "autobaud");
    }
    if (this.busy !== undefined) {
      // The module reads no new command before the final result of the last one (manual 1.4.5). It is
      // dropped rather than answered ERROR: an extra final result would be taken by the host as the
      // answer to its first command and hide the mistake.
      drop("ignored", "busy");
      this.rec.violation(
        '"' + clip(line) + '" sent before the final result of "' + clip(this.busy.line) + '" (sent ' + (now - this.busy.atMs) + " ms earlier): ignored",
      );
      return;
    }
    this.rec.line("host", shown);
    this.psm.activity();
    if (overflow) {
      this.rec.violation("command longer than " + MAX_COMMAND_CHARS + ' characters: "' + clip(line) + '"');
      this.execute(line, { lines: ["ERROR"] });
      return;
    }
    if (this.echo && this.canEmit()) {
      this.rec.s.echoes++;
      this.out(line + "\r");
    }
    this.execute(line, undefined);
  }

  private execute(line: string, fixed: Reply | undefined): void {
    const gen = ++this.cmdGen;
    this.busy = { line, atMs: this.clock.now() };
    const c = parseCommand(line);
    if (!fixed) this.rec.command(c.key);
    const finish = (reply: Reply) => {
      if (reply.defer) {
        // Still working on it (a registration answered before its OK): stay busy, answer later.
        const d = reply.defer;
        for (const l of reply.lines) this.emit(l);
        this.ctx.after(d.ms, () => gen === this.cmdGen && finish(d.run()));
        return;
      }
      for (const l of reply.lines) this.emit(l);
      this.busy = undefined;
      if (reply.then) reply.then();
      this.psm.activity();
    };
    this.ctx.after(this.latency(c) + this.slowMs, () => {
      if (gen !== this.cmdGen) return;
      finish(fixed || this.dispatch(c));
    });
  }

  /** Local commands take tens of ms; CFUN switches the radio and takes longer. */
  private latency(c: Command): number {
    if (c.name === "AT+CFUN" && c.form === "set") return this.rng.int(300, 900);
    if (c.name === "AT+CRESET" || c.name === "AT+CPOWD") return this.rng.int(50, 200);
    if (c.name.indexOf("AT+CTM2M") === 0) return this.rng.int(20, 120);
    return this.rng.int(10, 60);
  }

  private dispatch(c: Command): Reply {
    return this.basic(c) || this.net.handle(c) || this.psm.handle(c) || this.aep.handle(c) || { lines: ["ERROR"] };
  }

  private basic(c: Command): Reply | undefined {
    const bad: Reply = { lines: [this.ctx.cme(50)] };
    switch (c.name) {
      case "AT":
        return c.form === "exec" ? { lines: ["OK"] } : undefined;
      case "ATE":
      case "ATE0":
      case "ATE1":
        if (c.form !== "exec") return undefined;
        this.echo = c.name === "ATE1";
        return { lines: ["OK"] };
      case "AT+CMEE": {
        if (c.form === "read") return { lines: ["+CMEE: " + this.cmee, "OK"] };
        const n = intArg(c.args[0]);
        if (c.form !== "set" || n === undefined || n > 2 || c.args.length !== 1) return bad;
        this.cmee = n;
        return { lines: ["OK"] };
      }
      case "AT+IPR": {
        if (c.form === "read") return { lines: ["+IPR: " + this.ipr, "OK"] };
        const r = intArg(c.args[0]);
        if (c.form !== "set" || r === undefined || IPR_RATES.indexOf(r) < 0) return bad;
        this.ipr = r; // saved: the next boot prints boot lines (fixed rate) or waits for "AT" (0)
        return { lines: ["OK"] };
      }
      case "AT+CRESET":
        if (c.form !== "exec") return bad;
        return { lines: ["OK"], then: () => this.ctx.after(this.rng.int(100, 300), () => this.reboot()) };
      case "AT+CPOWD": {
        const n = intArg(c.args[0]);
        if (c.form !== "set" || (n !== 0 && n !== 1)) return bad;
        // 1: normal power down, announced; 0: urgent, silent. Neither prints OK.
        return n === 1 ? { lines: ["NORMAL POWER DOWN"], then: () => this.powerOff(false) } : { lines: [], then: () => this.powerOff(false) };
      }
    }
    return undefined;
  }

  // ---- reports -------------------------------------------------------------------------------------

  state(): SimState {
    const n = this.net;
    const a = this.aep;
    return {
      powered: this.powered,
      uartReady: this.uartReady,
      status: this.pins.status(),
      baudSynced: this.baudSynced,
      ipr: this.ipr,
      cfun: n.cfun,
      echo: this.echo,
      cmee: this.cmee,
      simPresent: n.simPresent,
      covered: n.covered(),
      attached: n.attached,
      netStat: this.powered ? n.stat() : 0,
      ip: n.attached ? n.ip : "",
      savedApn: n.savedApn,
      regState: a.state,
      sessionUsable: a.usable,
      init: a.init ? { ...a.init } : undefined,
      platDisabled: a.platDisabledUntil > this.clock.now(),
      fota: a.fota,
      pendingCon: a.pendingCon,
      psm: this.psm.inPsm,
      psmMode: this.psm.mode,
      psmStatusUrc: this.psm.statusUrc,
      t3412: this.psm.t3412,
      t3324: this.psm.t3324,
      busy: this.busy ? this.busy.line : undefined,
      silent: this.silent(),
      slowMs: this.slowMs,
      psmModel: this.psm.model,
      persistent: { ...a.persist, afterRegMs: [a.persist.afterRegMs[0], a.persist.afterRegMs[1]] },
    };
  }

  transcript(): TranscriptEntry[] {
    return this.rec.transcript();
  }

  summary(): SimSummary {
    return this.rec.summary();
  }
}

/** Wire the simulator to the UART stub: host writes reach the module, module output goes through the
 * stub's chunker and latency like real UART data. */
export function attachToStub(sim: Sim7020, uart: UartStub): void {
  uart.onWrite = (data) => sim.receive(data);
  sim.setOutput((text) => uart.deliver(text));
}
