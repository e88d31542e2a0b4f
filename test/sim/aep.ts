// The AEP (CTWing) LwM2M client inside the module: AT+CTM2MINIT/REG/UPDATE/SEND/DEREG with every result
// and error of note section 3, the +CTM2M notices, message ids, and the session faults. Checks run in
// the order a parse-then-act handler runs them: parameter count (2), parameter values (3, and for SEND
// 14 > 17 > 13), configuration (1: no INIT), platform (35 firmware download, 7 disabled), SIM (16),
// session state (33, 4, 15), then resources (1: too many unconfirmed CON sends; 34 injected).
// Issue 12 adds the orderings and persistent faults the firmware met on real modules (all off by
// default): confirmations and registration results before the command's OK, faults that survive a
// successful registration, a firmware that wants AT+CTM2MREG=<lifetime>, an INIT read that shows the
// PSK, and a shared platform model (platform.ts) that can be down for a whole fleet.

import type { Command } from "./command";
import { intArg, isHex } from "./command";
import { ms, type Reply, type SimCtx } from "./context";
import type { PlatformModel } from "./platform";

export interface InitParams {
  ip: string;
  port: number;
  lifetimeS: number;
  autoTau: number;
  security: number;
  pskid?: string;
  psk?: string;
}

export interface AepOptions {
  okAfterCtm2mError: boolean;
  /** Print notices as "+CTM2M:reg,0" (the MT2625 code's format string), not "+CTM2M: reg,0". */
  noSpace: boolean;
  printConn: boolean;
  /** The note's section 5 flow shows no obsrv,0 line; the command table does. Default: print it. */
  printObsrv: boolean;
  /** reg,<N> (not reg,1) before the REG's OK. */
  regBeforeOk: boolean;
  /** The bare AT+CTM2MREG answers ERROR (only the =<lifetime> form works). */
  regNeedsLifetime: boolean;
  /** AT+CTM2MINIT? prints ,<pskid>,<psk> too when security is on. */
  initReadShowsPsk: boolean;
  sendConfirm: ConfirmOrder;
}

/** Where a SEND's confirmation is printed relative to its +CTM2MSEND: line and its OK. */
export type ConfirmOrder = "after" | "beforeOk" | "beforeId";

/**
 * Faults that survive a successful registration (issue 12 "signalling storms"): each stays on until it
 * is turned off, so a host that re-registers to cure it meets it again.
 */
export interface PersistentFaults {
  /** The platform answers every uplink with RST: +CTM2M: send,9,<id>, and the module drops the session (MT2625). */
  rst: boolean;
  /** Only uplinks whose hex starts with this get RST (one frame the platform cannot take; "" off). */
  rstPrefix: string;
  /** After every registration: +CTM2M: update,<code>,<id> (13 or 14; 0 off), and the session is torn down. */
  updateFail: number;
  /** After every registration: +CTM2M: ping,<code> (1, 10, 13 or 14; 0 off), and the session is torn down. */
  pingFail: number;
  /** After every registration: +CTM2M: lwstatus,0 (the session is unusable until DEREG + REG). */
  lwstatus: boolean;
  /** Every AT+CTM2MSEND answers +CTM2M ERROR: <n> (15 or 4; 0 off) while AT+CTM2MREG? keeps saying 3. */
  sendError: number;
  /** How long after the observe the after-registration notice comes, [min, max] ms. */
  afterRegMs: [number, number];
}

export function noPersistentFaults(): PersistentFaults {
  return { rst: false, rstPrefix: "", updateFail: 0, pingFail: 0, lwstatus: false, sendError: 0, afterRegMs: [1000, 5000] };
}

export interface AepHooks {
  attached(): boolean;
  simPresent(): boolean;
  inPsm(): boolean;
  /** The shared platform, if any (a fleet), and this module's name on it. */
  platform?: PlatformModel;
  platformId(): string;
}

/** CON sends the CoAP layer keeps waiting for an ACK; one more is refused with error 1 (not confirmed). */
export const MAX_PENDING_CON = 8;

export class Aep {
  /** AUTO_SAVE: survives reboots and power cycles. */
  init: InitParams | undefined;
  /** AT+CTM2MREG? state: 0 none, 1 connecting, 2 connected, 3 observed, 4 disconnecting. */
  state = 0;
  /** False after lwstatus,0 / bearer loss: sends fail until DEREG and REG. */
  usable = true;
  lifetimeS = 0;
  platDisabledUntil = 0;
  fota = false;
  pendingCon = 0;
  private busyOps = 0;
  private sessionGen = 0;
  private nextMsgId: number;
  private regFailQ: number[] = [];
  private regErrQ: number[] = [];
  private sendFailQ: number[] = [];
  private earlyQ: ConfirmOrder[] = [];
  persist: PersistentFaults = noPersistentFaults();
  private o: AepOptions;
  private ctx: SimCtx;
  private hooks: AepHooks;

  constructor(ctx: SimCtx, o: AepOptions, hooks: AepHooks) {
    this.ctx = ctx;
    this.o = o;
    this.hooks = hooks;
    this.nextMsgId = ctx.rng.int(1, 65535);
  }

  /** Reboot or power-off: registration is lost, INIT is kept (protocol.md). */
  reset(): void {
    this.state = 0;
    this.usable = true;
    this.pendingCon = 0;
    this.busyOps = 0;
    this.sessionGen++;
    this.fota = false;
  }

  /** A registration, update, send or deregistration is under way (keeps the module out of PSM). */
  busy(): boolean {
    return this.state === 1 || this.state === 4 || this.pendingCon > 0 || this.busyOps > 0;
  }

  private msgId(): number {
    const id = this.nextMsgId;
    this.nextMsgId = (this.nextMsgId % 65535) + 1;
    return id;
  }

  private disabled(): boolean {
    return this.platDisabledUntil > this.ctx.clock.now();
  }

  notice(op: string, rest: string): void {
    this.ctx.emit(this.noticeLine(op, rest));
  }

  private noticeLine(op: string, rest: string): string {
    return (this.o.noSpace ? "+CTM2M:" : "+CTM2M: ") + op + "," + rest;
  }

  /** The shared platform is there and not answering now. */
  private platformDown(): boolean {
    const p = this.hooks.platform;
    return p !== undefined && !p.answers(this.ctx.clock.now());
  }

  private err(n: number): Reply {
    return { lines: this.o.okAfterCtm2mError ? ["+CTM2M ERROR: " + n, "OK"] : ["+CTM2M ERROR: " + n] };
  }

  /** The session ends without a notice of its own (MT2625 after send,9, ping 1/10/13/14, a failed reg). */
  private teardown(): void {
    this.state = 0;
    this.usable = true;
    this.pendingCon = 0;
    this.sessionGen++;
  }

  /** The PDN went down or came back. A live session cannot survive an IP change: lwstatus,0. */
  bearer(up: boolean): void {
    if (!up && (this.state === 2 || this.state === 3) && this.usable) this.lwstatus();
  }

  handle(c: Command): Reply | undefined {
    switch (c.name) {
      case "AT+CTM2MINIT":
        return this.initCmd(c);
      case "AT+CTM2MREG":
        return this.regCmd(c);
      case "AT+CTM2MUPDATE":
        return this.updateCmd(c);
      case "AT+CTM2MSEND":
        return this.sendCmd(c);
      case "AT+CTM2MDEREG":
        return this.deregCmd(c);
    }
    return undefined;
  }

  private initCmd(c: Command): Reply {
    if (c.form === "read") {
      const p = this.init;
      // Read back without quotes around the address, as the note prints it; pskid/psk stay hidden.
      if (!p) return this.err(1);
      let line = "+CTM2MINIT: " + [p.ip, p.port, p.lifetimeS, p.autoTau, p.security].join(",");
      // The note's read format ends [,(<PSKID>,<PSK>)]: some firmware prints the secret back.
      if (this.o.initReadShowsPsk && p.security !== 0 && p.pskid !== undefined) line += "," + p.pskid + "," + p.psk;
      return { lines: [line, "OK"] };
    }
    if (c.form !== "set") return this.err(2);
    const a = c.args;
    const security = intArg(a[4]);
    if ((a.length !== 5 && a.length !== 7) || (a.length === 5 && security !== undefined && security !== 0)) return this.err(2);
    const port = intArg(a[1]);
    const lifetime = intArg(a[2]);
    const autoTau = intArg(a[3]);
    if (a[0].text === "" || port === undefined || port < 1 || port > 65535) return this.err(3);
    if (lifetime === undefined || lifetime < 300 || autoTau === undefined || autoTau > 2) return this.err(3);
    if (security === undefined || security > 2) return this.err(3);
    if (a.length === 7 && security !== 0 && (a[5].text === "" || a[6].text === "")) return this.err(3);
    if (this.state !== 0) return this.err(32);
    this.init = { ip: a[0].text, port, lifetimeS: lifetime, autoTau, security };
    if (a.length === 7) {
      this.init.pskid = a[5].text;
      this.init.psk = a[6].text;
    }
    return { lines: ["OK"] };
  }

  private regCmd(c: Command): Reply {
    if (c.form === "read") return { lines: ["+CTM2MREG: " + this.state, "OK"] };
    // A firmware that only knows the note's AT+CTM2MREG=<lifetime> form: the bare command is unknown.
    if (this.o.regNeedsLifetime && c.form === "exec") return { lines: ["ERROR"] };
    if (c.form === "test" || c.args.length > 1) return this.err(2);
    let lifetime = this.init ? this.init.lifetimeS : 0;
    if (c.args.length === 1 && c.args[0].text !== "") {
      const v = intArg(c.args[0]);
      if (v === undefined || v < 300) return this.err(3);
      lifetime = v;
    }
    if (!this.init) return this.err(1);
    if (this.disabled()) return this.err(7);
    if (!this.hooks.simPresent()) return this.err(16);
    // A session object exists from connecting until the dereg completes.
    if (this.state !== 0) return this.err(33);
    const fault = this.regErrQ.shift();
    if (fault !== undefined) return this.err(fault);
    this.state = 1;
    this.usable = true;
    this.lifetimeS = lifetime;
    const gen = ++this.sessionGen;
    if (this.o.regBeforeOk) {
      const early = this.registerBeforeOk(gen);
      if (early) return early;
    }
    return { lines: ["OK"], then: () => this.registerLater(gen) };
  }

  /** A fast answer: the REG's OK waits for the result (note section 5). A timeout still comes after OK. */
  private registerBeforeOk(gen: number): Reply | undefined {
    const ctx = this.ctx;
    const attached = this.hooks.attached();
    const code = attached ? this.regFailQ[0] : 2;
    if (code === 1 || (code === undefined && this.platformDown())) return undefined;
    if (attached) {
      this.regFailQ.shift();
      this.registerSent(true);
    }
    return {
      lines: [],
      defer: {
        ms: attached ? ms(ctx, 1000, 3000) : ms(ctx, 200, 600),
        run: () => {
          const lines: string[] = [];
          if (gen !== this.sessionGen) return { lines: ["OK"] };
          if (this.o.printConn && attached) lines.push(this.noticeLine("conn", "0"));
          let c = code;
          if (c === undefined && (!this.hooks.attached() || !this.usable)) c = 1;
          if (c !== undefined) return { lines: lines.concat(this.regOutcome(c), "OK") };
          this.state = 2;
          return { lines: lines.concat(this.regOutcome(0), "OK"), then: () => this.observeLater(gen) };
        },
      },
    };
  }

  /** Tell the shared platform a REGISTER went on the air. */
  private registerSent(answered: boolean): void {
    const p = this.hooks.platform;
    if (p) p.registerSent(this.hooks.platformId(), this.ctx.clock.now(), answered);
  }

  private registerLater(gen: number): void {
    const ctx = this.ctx;
    const live = () => gen === this.sessionGen;
    if (!this.hooks.attached()) {
      // No bearer: the REGISTER message cannot go out (status 2, "message not sent").
      ctx.after(ms(ctx, 200, 600), () => live() && this.regResult(2));
      return;
    }
    if (this.o.printConn) ctx.after(ms(ctx, 100, 300), () => live() && this.notice("conn", "0"));
    let code = this.regFailQ.shift();
    const down = this.platformDown();
    // An unreachable platform never answers the REGISTER: the CoAP retransmissions run out (reg,1).
    if (code === undefined && down) code = 1;
    this.registerSent(!down);
    // A timeout is the CoAP retransmissions running out: much later than an answer.
    const delay = code === 1 ? ms(ctx, 5000, 10000) : ms(ctx, 1000, 3000);
    ctx.after(delay, () => {
      if (!live()) return;
      if (code !== undefined) return this.regResult(code);
      // The bearer or the session broke while the REGISTER was out: its answer never came.
      if (!this.hooks.attached() || !this.usable) return this.regResult(1);
      this.state = 2;
      this.regResult(0);
      this.observeLater(gen);
    });
  }

  /** The platform observes the device shortly after reg,0 (state 3; obsrv,0 printed unless the variant omits it). */
  private observeLater(gen: number): void {
    this.ctx.after(ms(this.ctx, 200, 800), () => {
      if (gen !== this.sessionGen || this.state !== 2) return;
      this.state = 3;
      if (this.o.printObsrv) this.notice("obsrv", "0");
      this.afterObserved(gen);
    });
  }

  /** Persistent faults strike every new session a little after it is up. */
  private afterObserved(gen: number): void {
    const p = this.persist;
    if (p.updateFail === 0 && p.pingFail === 0 && !p.lwstatus) return;
    this.ctx.after(ms(this.ctx, p.afterRegMs[0], p.afterRegMs[1]), () => {
      if (gen !== this.sessionGen || this.state !== 3) return;
      const q = this.persist;
      if (q.updateFail !== 0) {
        this.ctx.rec.fault("persistent:update" + q.updateFail);
        this.notice("update", q.updateFail + "," + this.msgId());
        this.teardown(); // MT2625 tears the session down after update,13|14
      } else if (q.pingFail !== 0) {
        this.ctx.rec.fault("persistent:ping" + q.pingFail);
        this.notice("ping", String(q.pingFail));
        this.teardown();
      } else if (q.lwstatus && this.usable) {
        this.ctx.rec.fault("persistent:lwstatus");
        this.lwstatus();
      }
    });
  }

  private regResult(code: number): void {
    this.ctx.emit(this.regOutcome(code));
  }

  /** The bookkeeping of a registration result; returns its notice line. */
  private regOutcome(code: number): string {
    if (code !== 0) {
      this.teardown();
      this.ctx.rec.s.regFailures++;
    } else this.ctx.rec.s.registrations++;
    return this.noticeLine("reg", String(code));
  }

  private updateCmd(c: Command): Reply {
    if (c.form === "read") return this.err(1);
    if (c.form !== "set" || c.args.length !== 1) return this.err(2);
    const mode = intArg(c.args[0]);
    if (mode === undefined || mode > 1) return this.err(3);
    if (this.disabled()) return this.err(7);
    if (this.state !== 2 && this.state !== 3) return this.err(4);
    const id = this.msgId();
    const gen = this.sessionGen;
    this.busyOps++;
    return {
      lines: ["+CTM2MUPDATE: " + id, "OK"],
      then: () => {
        const down = this.platformDown();
        this.ctx.after(down ? ms(this.ctx, 5000, 10000) : ms(this.ctx, 500, 2000), () => {
          this.busyOps--;
          if (gen !== this.sessionGen) return;
          this.notice("update", (down ? 1 : this.usable && this.hooks.attached() ? 0 : 2) + "," + id);
        });
      },
    };
  }

  private sendCmd(c: Command): Reply {
    if (c.form === "read") return this.err(1);
    if (c.form !== "set" || c.args.length < 1 || c.args.length > 2 || c.args[0].text === "") return this.err(2);
    const hex = c.args[0].text;
    // Length first (the data buffer is sized before decoding), then parity, then the digits themselves.
    if (hex.length > 1024) return this.err(14);
    if (hex.length % 2 !== 0) return this.err(17);
    if (!isHex(hex)) return this.err(13);
    let mode = 0;
    if (c.args.length === 2) {
      const m = intArg(c.args[1]);
      if (m === undefined || m > 1) return this.err(3);
      mode = m;
    }
    if (this.fota) return this.err(35);
    if (this.disabled()) return this.err(7);
    if (this.state === 0 || this.state === 1 || this.state === 4) return this.err(4);
    if (this.state === 2) return this.err(15);
    if (this.persist.sendError !== 0) {
      // The module says the session is observed (AT+CTM2MREG? 3) and still refuses data.
      this.ctx.rec.fault("persistent:send" + this.persist.sendError);
      return this.err(this.persist.sendError);
    }
    if (mode === 0 && this.pendingCon >= MAX_PENDING_CON) return this.err(1);
    const id = this.msgId();
    const order = this.earlyQ.length > 0 ? (this.earlyQ.shift() as ConfirmOrder) : this.o.sendConfirm;
    if (order === "after") return { lines: ["+CTM2MSEND: " + id, "OK"], then: () => this.confirmLater(hex, mode, id) };
    const plan = this.planConfirm(hex, mode);
    // A timeout is the CoAP retransmissions running out: it can never beat the OK.
    if (plan.status === 1) return { lines: ["+CTM2MSEND: " + id, "OK"], then: () => this.confirmAfter(hex, mode, id, plan) };
    const note = this.settle(hex, mode, id, plan.status);
    const lines = order === "beforeId" && mode === 1 ? [note, "+CTM2MSEND: " + id, "OK"] : ["+CTM2MSEND: " + id, note, "OK"];
    return { lines, then: plan.status === 9 ? () => this.teardown() : undefined };
  }

  private confirmLater(hex: string, mode: number, id: number): void {
    this.confirmAfter(hex, mode, id, this.planConfirm(hex, mode));
  }

  /** What the confirmation of a send now will say, and how long it takes. */
  private planConfirm(hex: string, mode: number): { status: number; delay: number } {
    const ctx = this.ctx;
    const con = mode === 0;
    const p = this.persist;
    const rst = p.rst || (p.rstPrefix !== "" && hex.indexOf(p.rstPrefix) === 0);
    let status = 0;
    let delay: number;
    if (!this.usable || !this.hooks.attached()) {
      status = 2;
      delay = ms(ctx, 100, 500);
    } else if (!con) {
      delay = ms(ctx, 50, 300); // NON: confirmed as soon as it is on the air
      if (rst) status = 9;
    } else {
      const f = this.sendFailQ.shift();
      if (f !== undefined) status = f;
      else if (this.platformDown()) status = 1; // no ACK from an unreachable platform
      else if (rst) status = 9;
      delay = status === 1 ? ms(ctx, 5000, 10000) : status === 2 ? ms(ctx, 100, 500) : ms(ctx, 500, 3000);
    }
    if (status === 9 && rst) ctx.rec.fault("persistent:rst");
    return { status, delay };
  }

  private confirmAfter(hex: string, mode: number, id: number, plan: { status: number; delay: number }): void {
    const ctx = this.ctx;
    const gen = this.sessionGen;
    const con = mode === 0;
    if (con) this.pendingCon++;
    ctx.after(plan.delay, () => {
      // A session destroyed meanwhile frees its CoAP transactions: no confirmation at all.
      if (gen !== this.sessionGen) return;
      if (con) this.pendingCon--;
      let status = plan.status;
      // The session broke after the send went out: the ACK can never come.
      if (status === 0 && (!this.usable || !this.hooks.attached())) status = con ? 1 : 2;
      ctx.emit(this.settle(hex, mode, id, status));
      // The platform answered RST: MT2625 drops the session.
      if (status === 9) this.teardown();
    });
  }

  /** Record a send's outcome (and what reached the platform); returns its notice line. */
  private settle(hex: string, mode: number, id: number, status: number): string {
    const ctx = this.ctx;
    ctx.rec.sendResult(status);
    if (status === 0) {
      ctx.rec.s.sends.push({ tMs: ctx.clock.now(), hex, mode, msgid: id, status });
      const p = this.hooks.platform;
      // CON: the ACK is the platform's own receipt; NON: received only if it is up right now.
      if (p && (mode === 0 || p.answers(ctx.clock.now()))) p.uplinkReceived(this.hooks.platformId(), hex, ctx.clock.now());
    }
    return this.noticeLine("send", status + "," + id);
  }

  private deregCmd(c: Command): Reply {
    if (c.form === "read") return this.err(1);
    if (c.form !== "exec") return this.err(2);
    if (this.disabled()) return this.err(7);
    if (this.state === 0 || this.state === 4) return this.err(4);
    this.state = 4;
    const gen = ++this.sessionGen;
    this.pendingCon = 0;
    return {
      lines: ["OK"],
      then: () => {
        const down = this.platformDown();
        this.ctx.after(down ? ms(this.ctx, 5000, 10000) : ms(this.ctx, 200, 1000), () => {
          if (gen !== this.sessionGen) return;
          this.state = 0;
          this.usable = true;
          this.notice("dereg", down ? "1" : "0");
        });
      },
    };
  }

  // ---- faults --------------------------------------------------------------------------------------

  regFail(code: number, times: number): void {
    for (let i = 0; i < times; i++) this.regFailQ.push(code);
  }

  regError(code: number, times: number): void {
    for (let i = 0; i < times; i++) this.regErrQ.push(code);
  }

  sendFail(status: number, times: number): void {
    for (let i = 0; i < times; i++) this.sendFailQ.push(status);
  }

  /** The next `times` sends confirm in this order instead of the configured one. */
  earlyConfirm(order: ConfirmOrder, times: number): void {
    for (let i = 0; i < times; i++) this.earlyQ.push(order);
  }

  /** Turn persistent faults on or off (fields not given keep their value). */
  setPersistent(p: Partial<PersistentFaults>): void {
    this.persist = { ...this.persist, ...p };
  }

  persistentOn(): number {
    const p = this.persist;
    return (p.rst ? 1 : 0) + (p.rstPrefix ? 1 : 0) + (p.updateFail ? 1 : 0) + (p.pingFail ? 1 : 0) + (p.lwstatus ? 1 : 0) + (p.sendError ? 1 : 0);
  }

  /** Forget armed registration/send failures not yet used, and end persistent faults: the faults are over. */
  clearArmed(): number {
    const n = this.regFailQ.length + this.regErrQ.length + this.sendFailQ.length + this.earlyQ.length + this.persistentOn();
    this.regFailQ.splice(0);
    this.regErrQ.splice(0);
    this.sendFailQ.splice(0);
    this.earlyQ.splice(0);
    this.persist = { ...noPersistentFaults(), afterRegMs: this.persist.afterRegMs };
    return n;
  }

  lwstatus(): void {
    if (this.state === 0) return; // no session, nothing to report on
    this.usable = false;
    this.notice("lwstatus", "0");
  }

  ping(status: number): void {
    if (this.state !== 2 && this.state !== 3) return;
    this.notice("ping", String(status));
    if (status !== 0) this.teardown();
  }

  plat(status: number, disableTimeoutS: number | undefined, phase: number | undefined): void {
    const ph = phase === undefined ? 0 : phase;
    this.notice("plat", disableTimeoutS === undefined ? String(status) : status + "," + disableTimeoutS + "," + ph);
    if (status === 0) {
      // The platform dropped the device; with a timeout it also refuses it (error 7) for that long.
      if (this.state !== 0) this.teardown();
      if (disableTimeoutS === undefined) return;
      if (ph === 1) {
        this.platDisabledUntil = 0;
        return;
      }
      const until = this.ctx.clock.now() + disableTimeoutS * 1000;
      this.platDisabledUntil = until;
      this.ctx.world(disableTimeoutS * 1000, () => {
        if (this.platDisabledUntil !== until) return;
        this.platDisabledUntil = 0;
        if (this.ctx.powered()) this.notice("plat", "0," + disableTimeoutS + ",1");
      });
    } else if (status === 1) {
      // Firmware upgrade: data traffic is refused (error 35) from begin to end.
      this.fota = ph === 0;
      if (ph === 0 && disableTimeoutS !== undefined) {
        this.ctx.after(disableTimeoutS * 1000, () => {
          if (!this.fota) return;
          this.fota = false;
          this.notice("plat", "1," + disableTimeoutS + ",1");
        });
      }
    }
  }

  /** +CTM2MRECV: only a registered, observed, awake module can get a downlink; otherwise it is lost. */
  downlink(hex: string, noSpace: boolean): boolean {
    if (this.state !== 3 || !this.usable || !this.hooks.attached() || this.hooks.inPsm() || !this.ctx.canEmit()) return false;
    this.ctx.emit((noSpace ? "+CTM2MRECV:" : "+CTM2MRECV: ") + hex);
    return true;
  }

  /** PSM left by the TAU timer: autoTau 1 updates silently, 2 tells the host (+CTM2M: psm,0). */
  tauWoke(): void {
    if (!this.init) return;
    if (this.init.autoTau === 2) this.notice("psm", "0");
  }
}
