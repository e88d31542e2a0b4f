// A deliberately simple scripted host on the project's AtEngine, for running the simulator's scenarios:
// sync, SIM, attach (fixing the APN when refused), INIT, REG, then periodic CON sends, and on any
// trouble a crude restart from the top. It is not the firmware's link machine; it only has to be
// correct enough that each scenario's effect shows in the simulator's transcript and summary.

import { resultText } from "../../lib/aep/ctm2m";
import { AtEngine, AT_ENGINE_DEFAULTS, AT_F_BARE, AT_F_WAKE } from "../support/at-compat";
import { AT_EXTRA_ERROR as AT_CTM2M_ERROR, AT_ERROR, AT_OK, AT_TIMEOUT } from "../../lib/at/result";
import type { Clock } from "../../lib/ports";
import type { UartStub } from "../support/uart-stub";

export interface HostOptions {
  /** AT+CTM2MINIT arguments as sent, e.g. '"221.229.214.202",5683,300,0,0'. */
  init: string;
  /** The APN the host sets when the network refuses the saved one. */
  apn: string;
  sendEveryMs: number;
  payload: (i: number) => string;
  /** 0 CON (default), 1 NON. */
  mode?: number;
  /** Run AT+CPSMSTATUS=1 during configuration (PSM notices). */
  psmStatus?: boolean;
  /** Run AT+CPSMS=1 during configuration (the module sleeps by itself when idle). */
  psm?: boolean;
  /** Read AT+CGCONTRDP after attach and keep its lines in stats.contrdp. */
  contrdp?: boolean;
}

type Cb = (code: number, errNo: number, lines: string[]) => void;

export class ScriptedHost {
  readonly engine: AtEngine;
  readonly log: string[] = [];
  readonly stats = { restarts: 0, ready: 0, accepted: 0, acked: 0, failed: 0, apnFixes: 0, downlinks: [] as string[], notices: [] as string[], contrdp: [] as string[] };
  ready = false;
  private gen = 0;
  private tag = 0;
  private cbs = new Map<number, { gen: number; cb: Cb }>();
  private echoOff = false;
  private sent = 0;
  private apnCmd = "AT*MCGDEFCONT";
  /** The module refused the bare AT+CTM2MREG with ERROR: use the note's AT+CTM2MREG=<lifetime>. */
  private regWithLifetime = false;
  private onDereg: (() => void) | undefined;
  private clock: Clock;
  private o: HostOptions;

  constructor(clock: Clock, uart: UartStub, o: HostOptions) {
    this.clock = clock;
    this.o = o;
    const urc = (prefix: string, fn: (line: string) => void) => ({ prefix, handler: fn });
    this.engine = new AtEngine(
      uart,
      clock,
      [
        urc("+CTM2M:", (l) => this.notice(l)),
        urc("+CTM2MRECV:", (l) => this.stats.downlinks.push(l.substring(11).trim())),
        urc("RDY", () => this.restart("boot lines")),
        urc("+CPSMSTATUS:", (l) => this.note(l)),
        urc("+CPIN:", (l) => this.note(l)),
        urc("+CFUN:", (l) => this.note(l)),
      ],
      {
        atDone: (tag, code, errNo) => {
          const e = this.cbs.get(tag);
          this.cbs.delete(tag);
          const lines: string[] = [];
          for (let i = 0; i < this.engine.lineCount(); i++) lines.push(this.engine.line(i));
          if (e && e.gen === this.gen) e.cb(code, errNo, lines);
        },
        atEcho: () => {
          // Echo after ATE0 means the module restarted (auto-baud prints no boot lines).
          if (this.echoOff) this.restart("echo is back");
        },
      },
      AT_ENGINE_DEFAULTS,
    );
    uart.attach((chunk) => this.engine.feed(chunk));
  }

  start(): void {
    this.restart("start");
  }

  private note(s: string): void {
    this.log.push(this.clock.now() + " " + s);
  }

  private later(ms: number, fn: () => void): void {
    const g = this.gen;
    this.clock.setTimeout(() => g === this.gen && fn(), ms);
  }

  private at(text: string, prefix: string, cb: Cb, timeoutMs = 3000, flags = AT_F_WAKE): void {
    const tag = ++this.tag;
    this.cbs.set(tag, { gen: this.gen, cb });
    if (!this.engine.send(text, { prefix, timeoutMs, flags }, tag)) this.restart("queue full");
  }

  /** Anything unexpected: forget everything and start again from AT. */
  restart(why: string): void {
    this.note("restart: " + why);
    this.gen++;
    this.stats.restarts++;
    this.ready = false;
    this.echoOff = false;
    this.onDereg = undefined;
    this.engine.cancelAll();
    this.later(1000, () => this.sync());
  }

  private fail(what: string, code: number, errNo: number): void {
    this.restart(what + " " + resultText(code, errNo));
  }

  private sync(): void {
    this.at("AT", "", (code) => (code === AT_OK ? this.configure() : this.later(500, () => this.sync())), 1000);
  }

  private configure(): void {
    this.at("ATE0", "", (code, e) => {
      if (code !== AT_OK) return this.fail("ATE0", code, e);
      this.echoOff = true;
      this.at("AT+CMEE=1", "", (c2, e2) => {
        if (c2 !== AT_OK) return this.fail("CMEE", c2, e2);
        const psm = () => (this.o.psm ? this.at("AT+CPSMS=1", "", () => this.checkSim()) : this.checkSim());
        if (this.o.psmStatus) this.at("AT+CPSMSTATUS=1", "", psm);
        else psm();
      });
    });
  }

  private checkSim(): void {
    this.at("AT+CPIN?", "+CPIN:", (code, e, lines) => {
      if (code === AT_TIMEOUT) return this.fail("CPIN", code, e);
      if (code === AT_OK && lines[0] === "+CPIN: READY") return this.waitAttach(0);
      this.later(5000, () => this.checkSim());
    });
  }

  private waitAttach(n: number): void {
    this.at("AT+CGREG?", "+CGREG:", (code, e, lines) => {
      if (code !== AT_OK) return this.fail("CGREG", code, e);
      const stat = Number(lines[0].substring(lines[0].indexOf(",") + 1));
      if ((stat === 1 || stat === 5) && this.o.contrdp) return this.readContrdp();
      if (stat === 1 || stat === 5) return this.aepInit();
      if (stat === 3 || n >= 15) return this.checkApn();
      this.later(2000, () => this.waitAttach(n + 1));
    });
  }

  private readContrdp(): void {
    this.at("AT+CGCONTRDP", "+CGCONTRDP:", (code, e, lines) => {
      if (code !== AT_OK) return this.fail("CGCONTRDP", code, e);
      this.stats.contrdp = lines;
      this.aepInit();
    }, 3000, AT_F_WAKE | AT_F_BARE);
  }

  /** Read the saved APN (manual spelling first, the note's on ERROR); fix it when it is not ours. */
  private checkApn(): void {
    this.at(this.apnCmd + "?", this.apnCmd.substring(2) + ":", (code, e, lines) => {
      if (code !== AT_OK) {
        if (this.apnCmd === "AT*MCGDEFCONT") {
          this.apnCmd = "AT+MCGDEFCONT";
          return this.checkApn();
        }
        return this.fail("APN read", code, e);
      }
      if (lines[0] && lines[0].indexOf('"' + this.o.apn + '"') > 0) return this.later(5000, () => this.waitAttach(0));
      this.stats.apnFixes++;
      this.at("AT+CFUN=0", "", () =>
        this.at(this.apnCmd + '="IP","' + this.o.apn + '"', "", (c2, e2) => {
          if (c2 !== AT_OK) return this.fail("APN set", c2, e2);
          this.at("AT+CFUN=1", "", () => this.later(3000, () => this.waitAttach(0)), 5000);
        }),
      5000);
    });
  }

  private aepInit(): void {
    const want = "+CTM2MINIT: " + this.o.init.split('"').join("");
    this.at("AT+CTM2MINIT?", "+CTM2MINIT:", (code, e, lines) => {
      if (code === AT_TIMEOUT) return this.fail("INIT?", code, e);
      if (code === AT_OK && lines[0] === want) return this.register();
      this.at("AT+CTM2MINIT=" + this.o.init, "", (c2, e2) => {
        if (c2 === AT_CTM2M_ERROR && e2 === 32) return this.dereg(() => this.aepInit());
        if (c2 !== AT_OK) return this.fail("INIT", c2, e2);
        this.register();
      });
    });
  }

  private register(): void {
    this.ready = false;
    this.at(this.regWithLifetime ? "AT+CTM2MREG=" + this.o.init.split(",")[2] : "AT+CTM2MREG", "", (code, e) => {
      if (code === AT_OK) return this.later(30000, () => !this.ready && this.restart("no registration"));
      if (code === AT_ERROR && !this.regWithLifetime) {
        this.regWithLifetime = true;
        return this.register();
      }
      if (code === AT_CTM2M_ERROR && e === 33) return this.dereg(() => this.register());
      if (code === AT_CTM2M_ERROR) return this.later(10000, () => this.register());
      this.fail("REG", code, e);
    });
  }

  private dereg(then: () => void): void {
    this.ready = false;
    this.at("AT+CTM2MDEREG", "", (code) => {
      if (code !== AT_OK) return then();
      this.onDereg = then;
      this.later(5000, () => this.onDereg === then && this.finishDereg());
    });
  }

  private finishDereg(): void {
    const f = this.onDereg;
    this.onDereg = undefined;
    if (f) f();
  }

  private becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.stats.ready++;
    this.later(this.o.sendEveryMs, () => this.sendOne());
  }

  private sendOne(): void {
    if (!this.ready) return;
    const hex = this.o.payload(this.sent++);
    this.at("AT+CTM2MSEND=" + hex + "," + (this.o.mode || 0), "+CTM2MSEND:", (code, e) => {
      if (code === AT_OK) this.stats.accepted++;
      else if (code === AT_CTM2M_ERROR && (e === 4 || e === 15)) return this.register();
      else if (code === AT_TIMEOUT) return this.fail("SEND", code, e);
      this.later(this.o.sendEveryMs, () => this.sendOne());
    });
  }

  private notice(line: string): void {
    this.stats.notices.push(line);
    let i = 7;
    while (line[i] === " ") i++;
    const f = line.substring(i).split(",");
    const op = f[0];
    const s = Number(f[1]);
    if (op === "reg") {
      if (s !== 0) this.later(5000, () => this.register());
      else this.later(1500, () => this.pollObserved());
    } else if (op === "obsrv" && s === 0) this.becomeReady();
    else if (op === "send") {
      if (s === 0) this.stats.acked++;
      else this.stats.failed++;
      if (s === 9) this.later(2000, () => this.register());
    } else if (op === "lwstatus") this.dereg(() => this.register());
    else if (op === "ping" && s !== 0) this.later(2000, () => this.register());
    else if (op === "plat" && s === 0 && f[3] !== "1") {
      this.ready = false;
      this.later(5000, () => this.register());
    } else if (op === "dereg") this.finishDereg();
  }

  /** Not every firmware prints obsrv,0: state 3 in AT+CTM2MREG? says the same. */
  private pollObserved(): void {
    if (this.ready) return;
    this.at("AT+CTM2MREG?", "+CTM2MREG:", (code, e, lines) => {
      if (code !== AT_OK) return this.fail("REG?", code, e);
      if (lines[0] === "+CTM2MREG: 3") this.becomeReady();
      else if (lines[0] === "+CTM2MREG: 2") this.later(1000, () => this.pollObserved());
    });
  }
}
