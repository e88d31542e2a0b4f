// The radio side of the module: SIM, signal, PS attach, PDN, APN and the 27.007 commands that report
// them (note section 4, protocol.md "Network bring-up"). Coverage, SIM presence and the saved APN are
// facts of the world or of flash and survive a reboot; attach, CFUN and the +CGREG/+CEREG modes do not.

import type { Command } from "./command";
import { intArg } from "./command";
import { ms, type Reply, type SimCtx } from "./context";

export interface NetworkOptions {
  apnSpelling: "star" | "plus" | "both";
  initialApn: string;
  networkApn: string;
  /** Operator name in +COPS (the note's 4.1 example shows "CHN-UNICOM"; China Telecom is "CHN-CT"). */
  operator: string;
  /** CGREG stat while the saved APN is refused: 3 denied (default) or 2 searching forever. */
  wrongApnStat: number;
  /** Fixed IPv4 address, or undefined for a seeded 10.x.y.z per attach. */
  ip: string | undefined;
  /** Fixed rssi for +CSQ, or undefined for a seeded value near a seeded base. */
  rssi: number | undefined;
  simPresent: boolean;
  imei: string;
  imsi: string;
  /** AT+CGCONTRDP layout: one line, the note's two lines, or the two lines with `contrdpUrc` between them. */
  contrdpForm: "one" | "note" | "split";
  contrdpUrc: string;
}

interface Outage {
  until: number;
  stat: number;
}

export class Network {
  cfun = 1;
  attached = false;
  simPresent: boolean;
  savedApn: string;
  ip = "";
  private cgregN = 0;
  private ceregN = 0;
  private lastStat = -1;
  private attachPending = false;
  private outage: Outage | undefined;
  private rssiBase: number;
  private o: NetworkOptions;
  private ctx: SimCtx;
  /** Bearer up/down, for the AEP session (an IP change kills it: lwstatus). */
  onBearer: (up: boolean) => void = () => {};
  /** PSM timers of the granted CEREG=4 view. */
  psmTimers: () => [string, string] = () => ["00000101", "00100001"];

  constructor(ctx: SimCtx, o: NetworkOptions) {
    this.ctx = ctx;
    this.o = o;
    this.simPresent = o.simPresent;
    this.savedApn = o.initialApn;
    this.rssiBase = o.rssi !== undefined ? o.rssi : ctx.rng.int(12, 24);
  }

  /** The module's IMEI (its endpoint name on the platform is built from it). */
  imei(): string {
    return this.o.imei;
  }

  /** Boot: RF on, nothing attached, URC modes off; attach follows by itself (note 4: PDN self-activation). */
  boot(): void {
    this.cfun = 1;
    this.attached = false;
    this.attachPending = false;
    this.cgregN = 0;
    this.ceregN = 0;
    this.lastStat = -1;
    this.scheduleAttach();
  }

  /** Power off: the module forgets attach at once (its timers die with it). */
  off(): void {
    this.attached = false;
    this.attachPending = false;
  }

  apnAccepted(): boolean {
    // An empty APN lets the network choose its default; APNs compare case-insensitively (23.003).
    return this.savedApn === "" || this.savedApn.toLowerCase() === this.o.networkApn.toLowerCase();
  }

  covered(): boolean {
    return this.outage === undefined || this.outage.stat === 3;
  }

  /** +CGREG/+CEREG <stat>: 0 idle, 1 home, 2 searching, 3 denied, 4 unknown. */
  stat(): number {
    if (this.cfun !== 1 || !this.simPresent) return 0;
    if (this.outage !== undefined) return this.outage.stat;
    if (this.attached) return 1;
    if (!this.apnAccepted()) return this.o.wrongApnStat;
    return 2;
  }

  private canAttach(): boolean {
    return this.ctx.powered() && this.cfun === 1 && this.simPresent && this.outage === undefined && this.apnAccepted();
  }

  private scheduleAttach(): void {
    if (this.attached || this.attachPending || !this.canAttach()) {
      this.notifyStat();
      return;
    }
    this.attachPending = true;
    this.notifyStat();
    this.ctx.after(ms(this.ctx, 2000, 6000), () => {
      this.attachPending = false;
      if (!this.attached && this.canAttach()) this.setAttached(true);
      else this.notifyStat();
    });
  }

  private setAttached(up: boolean): void {
    if (up === this.attached) return;
    this.attached = up;
    if (up) {
      const r = this.ctx.rng;
      this.ip = this.o.ip !== undefined ? this.o.ip : "10." + r.int(0, 255) + "." + r.int(0, 255) + "." + r.int(1, 254);
    }
    this.notifyStat();
    this.onBearer(up);
  }

  private detach(): void {
    this.attachPending = false;
    this.setAttached(false);
    this.notifyStat();
  }

  /** +CGREG: <stat> / +CEREG: <stat> when the host asked for them (n >= 1) and the stat changed. */
  private notifyStat(): void {
    const s = this.stat();
    if (s === this.lastStat || !this.ctx.powered()) return;
    this.lastStat = s;
    if (this.cgregN >= 1) this.ctx.emit("+CGREG: " + s);
    if (this.ceregN >= 1) this.ctx.emit("+CEREG: " + s);
  }

  // ---- faults --------------------------------------------------------------------------------------

  /** Lose coverage (or be denied: stat 3, signal still there) for `durMs`. */
  noSignal(durMs: number, stat: number): void {
    const until = this.ctx.clock.now() + durMs;
    // Overlapping outages merge: the latest stat, the later end.
    this.outage = { until: this.outage && this.outage.until > until ? this.outage.until : until, stat };
    this.detach();
    this.ctx.world(this.outage.until - this.ctx.clock.now(), () => {
      if (this.outage === undefined || this.ctx.clock.now() < this.outage.until) return;
      this.outage = undefined;
      this.scheduleAttach();
    });
  }

  setSim(present: boolean): void {
    this.simPresent = present;
    if (!present) this.detach();
    else this.scheduleAttach();
  }

  // ---- commands ------------------------------------------------------------------------------------

  handle(c: Command): Reply | undefined {
    const ctx = this.ctx;
    const ok = (...lines: string[]): Reply => ({ lines: lines.concat("OK") });
    const bad = (): Reply => ({ lines: [ctx.cme(50)] });
    switch (c.name) {
      case "AT+CPIN":
        if (c.form !== "read") return bad();
        if (!this.simPresent) return { lines: [ctx.cme(10)] };
        return ok(this.cfun === 1 ? "+CPIN: READY" : "+CPIN: NOT READY");
      case "AT+CSQ":
        if (c.form !== "exec") return bad();
        if (this.cfun !== 1 || !this.simPresent || !this.covered()) return ok("+CSQ: 99,99");
        return ok("+CSQ: " + this.rssi() + ",0");
      case "AT+CGREG":
      case "AT+CEREG":
        return this.regCommand(c);
      case "AT+CGACT":
        if (c.form !== "read") return bad();
        return ok("+CGACT: 1," + (this.attached ? 1 : 0));
      case "AT+COPS":
        if (c.form !== "read") return bad();
        return ok(this.attached ? '+COPS: 0,0,"' + this.o.operator + '",9' : "+COPS: 0");
      case "AT+CGCONTRDP":
        if (c.form !== "exec" && !(c.form === "set" && intArg(c.args[0]) === 1)) return bad();
        // The address and the mask come in one dotted string (note 4.1); no context: bare OK.
        if (!this.attached) return ok();
        {
          const body = '1,5,"' + this.o.networkApn + '","' + this.ip + '.255.255.255.0"';
          // The note prints "+CGCONTRDP:" on a line of its own; a URC may even come between the two.
          if (this.o.contrdpForm === "note") return ok("+CGCONTRDP:", body);
          if (this.o.contrdpForm === "split") return ok("+CGCONTRDP:", this.o.contrdpUrc, body);
          return ok("+CGCONTRDP: " + body);
        }
      case "AT+CFUN":
        return this.cfunCommand(c);
      case "AT*MCGDEFCONT":
      case "AT+MCGDEFCONT":
        return this.apnCommand(c);
      case "AT+CGSN":
        if (c.form === "exec") return ok(this.o.imei);
        if (c.form === "set" && intArg(c.args[0]) === 1) return ok("+CGSN: " + this.o.imei);
        return bad();
      case "AT+CIMI":
        if (c.form !== "exec") return bad();
        return this.simPresent ? ok(this.o.imsi) : { lines: [ctx.cme(10)] };
    }
    return undefined;
  }

  private rssi(): number {
    if (this.o.rssi !== undefined) return this.o.rssi;
    return Math.max(0, Math.min(31, this.rssiBase + this.ctx.rng.int(-2, 2)));
  }

  private regCommand(c: Command): Reply {
    const cg = c.name === "AT+CGREG";
    const tag = cg ? "+CGREG: " : "+CEREG: ";
    if (c.form === "set") {
      const n = intArg(c.args[0]);
      if (c.args.length !== 1 || n === undefined || n > (cg ? 2 : 5)) return { lines: [this.ctx.cme(50)] };
      if (cg) this.cgregN = n;
      else this.ceregN = n;
      return { lines: ["OK"] };
    }
    if (c.form !== "read") return { lines: [this.ctx.cme(50)] };
    const n = cg ? this.cgregN : this.ceregN;
    let line = tag + n + "," + this.stat();
    if (n >= 2 && this.attached) {
      line += ',"1A2B","0C3D4E5F",9';
      if (!cg && n >= 4) {
        const t = this.psmTimers();
        line += ',,,"' + t[0] + '","' + t[1] + '"';
      }
    }
    return { lines: [line, "OK"] };
  }

  private cfunCommand(c: Command): Reply {
    if (c.form === "read") return { lines: ["+CFUN: " + this.cfun, "OK"] };
    const n = intArg(c.args[0]);
    if (c.form !== "set" || n === undefined || n > 1 || c.args.length > 2) return { lines: [this.ctx.cme(50)] };
    if (n === 0) {
      if (this.cfun === 0) return { lines: ["OK"] };
      // The SIM is switched off with the RF: +CPIN: NOT READY comes before the OK (note 4.2).
      this.cfun = 0;
      this.detach();
      return { lines: this.simPresent ? ["+CPIN: NOT READY", "OK"] : ["OK"] };
    }
    if (this.cfun === 1) return { lines: ["OK"] };
    this.cfun = 1;
    return {
      lines: ["OK"],
      then: () => {
        this.ctx.after(ms(this.ctx, 150, 500), () => {
          if (this.simPresent && this.cfun === 1) this.ctx.emit("+CPIN: READY");
          this.scheduleAttach();
        });
      },
    };
  }

  private apnCommand(c: Command): Reply | undefined {
    const star = c.name === "AT*MCGDEFCONT";
    const sp = this.o.apnSpelling;
    // The spelling this firmware does not know is an unknown command: plain ERROR whatever CMEE says.
    if (sp !== "both" && (sp === "star") !== star) return undefined;
    const head = star ? "*MCGDEFCONT: " : "+MCGDEFCONT: ";
    if (c.form === "read") return { lines: [head + '"IP","' + this.savedApn + '"', "OK"] };
    if (c.form !== "set") return { lines: [this.ctx.cme(50)] };
    const pdp = c.args[0] ? c.args[0].text.toUpperCase() : "";
    const okType = pdp === "IP" || pdp === "IPV6" || pdp === "IPV4V6" || pdp === "NONIP";
    if (c.args.length < 2 || c.args.length > 4 || !okType || !c.args[1].quoted) return { lines: [this.ctx.cme(50)] };
    // The default context can only change with the radio off (note 4.2: CFUN=0 first).
    if (this.cfun !== 0) return { lines: [this.ctx.cme(3)] };
    this.savedApn = c.args[1].text;
    return { lines: ["OK"] };
  }
}
