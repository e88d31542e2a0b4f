// The AEP (CTWing) LwM2M client inside the module: AT+CTM2MINIT/REG/UPDATE/SEND/DEREG with every result
// and error of note section 3, the +CTM2M notices, message ids, and the session faults. Checks run in
// the order a parse-then-act handler runs them: parameter count (2), parameter values (3, and for SEND
// 14 > 17 > 13), configuration (1: no INIT), platform (35 firmware download, 7 disabled), SIM (16),
// session state (33, 4, 15), then resources (1: too many unconfirmed CON sends; 34 injected).

import type { Command } from "./command";
import { intArg, isHex } from "./command";
import { ms, type Reply, type SimCtx } from "./context";

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
}

export interface AepHooks {
  attached(): boolean;
  simPresent(): boolean;
  inPsm(): boolean;
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
    this.ctx.emit((this.o.noSpace ? "+CTM2M:" : "+CTM2M: ") + op + "," + rest);
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
      return { lines: ["+CTM2MINIT: " + [p.ip, p.port, p.lifetimeS, p.autoTau, p.security].join(","), "OK"] };
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
    return { lines: ["OK"], then: () => this.registerLater(gen) };
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
    const code = this.regFailQ.shift();
    // A timeout is the CoAP retransmissions running out: much later than an answer.
    const delay = code === 1 ? ms(ctx, 5000, 10000) : ms(ctx, 1000, 3000);
    ctx.after(delay, () => {
      if (!live()) return;
      if (code !== undefined) return this.regResult(code);
      // The bearer or the session broke while the REGISTER was out: its answer never came.
      if (!this.hooks.attached() || !this.usable) return this.regResult(1);
      this.state = 2;
      this.regResult(0);
      ctx.after(ms(ctx, 200, 800), () => {
        if (!live() || this.state !== 2) return;
        this.state = 3;
        if (this.o.printObsrv) this.notice("obsrv", "0");
      });
    });
  }

  private regResult(code: number): void {
    if (code !== 0) {
      this.teardown();
      this.ctx.rec.s.regFailures++;
    } else this.ctx.rec.s.registrations++;
    this.notice("reg", String(code));
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
      then: () =>
        this.ctx.after(ms(this.ctx, 500, 2000), () => {
          this.busyOps--;
          if (gen !== this.sessionGen) return;
          this.notice("update", (this.usable && this.hooks.attached() ? 0 : 2) + "," + id);
        }),
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
    if (mode === 0 && this.pendingCon >= MAX_PENDING_CON) return this.err(1);
    const id = this.msgId();
    return { lines: ["+CTM2MSEND: " + id, "OK"], then: () => this.confirmLater(hex, mode, id) };
  }

  private confirmLater(hex: string, mode: number, id: number): void {
    const ctx = this.ctx;
    const gen = this.sessionGen;
    const con = mode === 0;
    if (con) this.pendingCon++;
    let status = 0;
    let delay: number;
    if (!this.usable || !this.hooks.attached()) {
      status = 2;
      delay = ms(ctx, 100, 500);
    } else if (!con) delay = ms(ctx, 50, 300); // NON: confirmed as soon as it is on the air
    else {
      const f = this.sendFailQ.shift();
      if (f !== undefined) status = f;
      delay = status === 1 ? ms(ctx, 5000, 10000) : status === 2 ? ms(ctx, 100, 500) : ms(ctx, 500, 3000);
    }
    ctx.after(delay, () => {
      // A session destroyed meanwhile frees its CoAP transactions: no confirmation at all.
      if (gen !== this.sessionGen) return;
      if (con) this.pendingCon--;
      // The session broke after the send went out: the ACK can never come.
      if (status === 0 && (!this.usable || !this.hooks.attached())) status = con ? 1 : 2;
      ctx.rec.sendResult(status);
      if (status === 0) ctx.rec.s.sends.push({ tMs: ctx.clock.now(), hex, mode, msgid: id, status });
      this.notice("send", status + "," + id);
      // The platform answered RST: MT2625 drops the session.
      if (status === 9) this.teardown();
    });
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
      then: () =>
        this.ctx.after(ms(this.ctx, 200, 1000), () => {
          if (gen !== this.sessionGen) return;
          this.state = 0;
          this.usable = true;
          this.notice("dereg", "0");
        }),
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

  /** Forget armed registration/send failures not yet used: the faults are over. */
  clearArmed(): number {
    const n = this.regFailQ.length + this.regErrQ.length + this.sendFailQ.length;
    this.regFailQ.splice(0);
    this.regErrQ.splice(0);
    this.sendFailQ.splice(0);
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
