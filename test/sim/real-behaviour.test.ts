// The module as it really behaves (issue 12, ../shared/protocol.md): each behaviour the simulator was
// taught — early confirmations, line noise, persistent faults, the note's registration flow, the split
// CGCONTRDP, the plat window, the REG=<lifetime> firmware, the INIT read with the PSK, true PSM and the
// shared platform — produced exactly as the sheet says, line by line (bench) or through the AtEngine.

import { describe, expect, it } from "vitest";
import { At } from "../../lib/at/engine";
import { Aep } from "../../lib/aep/ctm2m";
import { CTM2M_STRAY_OK_MS } from "../../lib/aep/codes";
import { AT_ECHO, AT_OK } from "../../lib/at/result";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";
import { bench, NOTE_INIT } from "./bench";
import { SharedPlatform } from "./platform";
import { Rng } from "./rng";
import { FAULT_KINDS, MODULE_FAULT_KINDS, randomSchedule } from "./scenarios";
import { attachToStub, Sim7020, type SimOptions } from "./sim7020";

const HEX = "0200010006313233343536";
const MIN = 60_000;

function idOf(line: string): number {
  return Number(line.substring(line.lastIndexOf(" ") + 1));
}

/** bench() registered and observed, with the given variant. */
function registered(opts: Partial<SimOptions> = {}) {
  const b = bench(opts);
  b.register();
  return b;
}

describe("sim: a SEND confirmation before the SEND's OK", () => {
  it('sendConfirm "beforeOk": +CTM2MSEND: N, +CTM2M: send,0,N, OK — and nothing later', () => {
    const b = registered({ sendConfirm: "beforeOk" });
    const lines = b.at("AT+CTM2MSEND=" + HEX + ",0");
    const id = idOf(lines[0]);
    expect(lines).toEqual(["+CTM2MSEND: " + id, "+CTM2M: send,0," + id, "OK"]);
    expect(b.wait(15000)).toEqual([]);
    expect(b.sim.summary()).toMatchObject({ sendResults: { 0: 1 }, sends: [{ hex: HEX, mode: 0, msgid: id, status: 0 }] });
    expect(b.sim.state().pendingCon).toBe(0);
  });

  it('sendConfirm "beforeId": a NON confirmation even precedes its +CTM2MSEND: line; CON ones come before OK', () => {
    const b = registered({ sendConfirm: "beforeId" });
    const non = b.at("AT+CTM2MSEND=" + HEX + ",1");
    const id = idOf(non[1]);
    expect(non).toEqual(["+CTM2M: send,0," + id, "+CTM2MSEND: " + id, "OK"]);
    const con = b.at("AT+CTM2MSEND=" + HEX + ",0");
    expect(con).toEqual(["+CTM2MSEND: " + (id + 1), "+CTM2M: send,0," + (id + 1), "OK"]);
  });

  it("earlyConfirm(order, n) does it for the next n sends only; a timeout (send,1) still comes late; RST tears down after the OK", () => {
    const b = registered();
    b.sim.faults.earlyConfirm("beforeOk", 3);
    b.sim.faults.sendFail(1, 1);
    b.sim.faults.sendFail(9, 1);
    const late = b.at("AT+CTM2MSEND=01");
    expect(late).toEqual(["+CTM2MSEND: " + idOf(late[0]), "OK"]);
    expect(b.wait(10100)).toEqual(["+CTM2M: send,1," + idOf(late[0])]);
    const rst = b.at("AT+CTM2MSEND=02");
    expect(rst).toEqual(["+CTM2MSEND: " + idOf(rst[0]), "+CTM2M: send,9," + idOf(rst[0]), "OK"]);
    expect(b.sim.state().regState).toBe(0); // MT2625 drops the session after send,9
    b.register();
    const early = b.at("AT+CTM2MSEND=03");
    expect(early[1]).toBe("+CTM2M: send,0," + idOf(early[0]));
    const normal = b.at("AT+CTM2MSEND=04");
    expect(normal).toEqual(["+CTM2MSEND: " + idOf(normal[0]), "OK"]);
    expect(b.sim.summary().faults.earlyConfirm).toBe(1);
  });

  it("through the AtEngine: the send URC reaches the URC table while the SEND is still in flight", () => {
    const clock = new FakeClock();
    const uart = new UartStub(clock);
    const sim = new Sim7020({ clock, output: () => {}, seed: 3, autoBaud: false, sendConfirm: "beforeOk" });
    attachToStub(sim, uart);
    const events: string[] = [];
    const owner = { atDone: (_t: number, code: number) => void (code !== AT_ECHO && events.push("done " + code + " " + engine.resp[0])) };
    const urc = (_o: unknown, l: string) => (l.startsWith("+CTM2M:") ? (events.push("urc " + l), true) : false);
    const engine: At = new At(uart, clock, owner, urc, Aep.FINAL, CTM2M_STRAY_OK_MS);
    uart.attach((c) => engine.feed(c));
    clock.runUntil(() => sim.state().attached, 20000);
    for (const cmd of ["ATE0", NOTE_INIT, "AT+CTM2MREG"]) {
      engine.send("|5000|0|" + cmd, 0);
      clock.advance(4000);
    }
    events.splice(0);
    engine.send("+CTM2MSEND:|5000|0|AT+CTM2MSEND=" + HEX + ",0", 1);
    clock.advance(500);
    expect(events).toEqual([expect.stringMatching(/^urc \+CTM2M: send,0,\d+$/), expect.stringMatching(new RegExp("^done " + AT_OK + " \\+CTM2MSEND: \\d+$"))]);
  });
});

describe("sim: line noise", () => {
  it('noise("OK", NUL) glues the glitch to the next OK inside its frame: "\\r\\n\\x00OK\\r\\n"', () => {
    const b = bench();
    b.sim.faults.noise("OK", "\u0000");
    b.clearRaw();
    expect(b.at("AT")).toEqual(["\u0000OK"]);
    expect(b.raw()).toBe("AT\r\r\n\u0000OK\r\n");
    expect(b.sim.transcript().pop()).toMatchObject({ dir: "module", line: "\u0000OK", note: "noise" });
    expect(b.at("AT")).toEqual(["OK"]); // once
  });

  it("0xFF right before a +CTM2M: lwstatus,0, or after the line; any line with an empty match", () => {
    const b = registered();
    b.sim.faults.noise("+CTM2M: lwstatus", "\u00ff");
    b.sim.faults.lwstatus();
    expect(b.sim.transcript().pop()).toMatchObject({ line: "\u00ff+CTM2M: lwstatus,0" });
    b.sim.faults.noise("OK", "\u0000", 1, true);
    expect(b.at("AT")).toEqual(["OK\u0000"]);
    b.sim.faults.noise("", undefined, 2);
    const two = b.at("AT+CSQ");
    expect(two).toHaveLength(2);
    for (const l of two) expect(/[\u0000-\u0008\u000b-\u001f\u007f-\u00ff]/.test(l)).toBe(true);
  });

  it("SimOptions.lineNoise sprinkles glitches at random (seeded), and a run without it is unchanged", () => {
    const run = (opts: Partial<SimOptions>) => {
      const b = bench({ seed: 11, ...opts });
      b.register();
      for (let i = 0; i < 40; i++) b.at("AT+CSQ");
      return b.sim.transcript();
    };
    const noisy = run({ lineNoise: 0.25 });
    const glitched = noisy.filter((e) => e.note === "noise");
    expect(glitched.length).toBeGreaterThan(10);
    expect(glitched.length).toBeLessThan(50);
    for (const e of glitched) expect(/^[\u0000\u00ff\u00fe\u001b\u0080\u007f\u00fc\u0007]+|[\u0000\u00ff\u00fe\u001b\u0080\u007f\u00fc\u0007]+$/.test(e.line)).toBe(true);
    // Noise has its own generator: the same seed gives the same lines, noise aside.
    const clean = (t: typeof noisy) => t.map((e) => e.line.replace(/[\u0000\u00ff\u00fe\u001b\u0080\u007f\u00fc\u0007]/g, ""));
    expect(clean(noisy)).toEqual(clean(run({})));
    expect(run({ lineNoise: 0 })).toEqual(run({}));
  });
});

describe("sim: persistent faults survive every successful registration", () => {
  it("rst: every uplink gets send,9 and the module drops the session, registration after registration; NON too", () => {
    const b = registered({ persistent: { rst: true } });
    for (let i = 0; i < 3; i++) {
      const l = b.at("AT+CTM2MSEND=0" + i, 3100);
      expect(l).toEqual(["+CTM2MSEND: " + idOf(l[0]), "OK", "+CTM2M: send,9," + idOf(l[0])]);
      expect(b.sim.state().regState).toBe(0);
      b.register();
    }
    expect(b.at("AT+CTM2MSEND=00,1", 400)[2]).toMatch(/^\+CTM2M: send,9,\d+$/);
    expect(b.sim.summary()).toMatchObject({ sendResults: { 9: 4 }, sends: [], registrations: 4, faults: { "persistent:rst": 4 } });
    b.register();
    b.sim.faults.persistent({ rst: false });
    expect(b.at("AT+CTM2MSEND=05", 3100)[2]).toMatch(/^\+CTM2M: send,0,/);
  });

  it("rstPrefix: only the frames starting with it get RST (one frame the platform cannot take)", () => {
    const b = registered({ persistent: { rstPrefix: "07" } });
    expect(b.at("AT+CTM2MSEND=0700010000", 3100)[2]).toMatch(/^\+CTM2M: send,9,\d+$/);
    b.register();
    expect(b.at("AT+CTM2MSEND=0200010000", 3100)[2]).toMatch(/^\+CTM2M: send,0,\d+$/);
    expect(b.sim.summary()).toMatchObject({ sendResults: { 0: 1, 9: 1 }, faults: { "persistent:rst": 1 } });
  });

  it.each([
    ["updateFail", 13, /^\+CTM2M: update,13,\d+$/],
    ["pingFail", 13, /^\+CTM2M: ping,13$/],
  ])("%s %i: a few seconds after every registration, and the session is torn down", (field, code, re) => {
    const b = bench();
    b.sim.faults.persistent({ [field]: code });
    for (let i = 0; i < 3; i++) {
      b.register();
      const lines = b.wait(5100);
      expect(lines).toEqual([expect.stringMatching(re)]);
      expect(b.sim.state().regState).toBe(0);
    }
    expect(b.sim.summary().registrations).toBe(3);
  });

  it("lwstatus: lwstatus,0 after every registration; DEREG + REG meets it again", () => {
    const b = registered({ persistent: { lwstatus: true, afterRegMs: [2000, 2000] } });
    expect(b.wait(2100)).toEqual(["+CTM2M: lwstatus,0"]);
    expect(b.sim.state()).toMatchObject({ regState: 3, sessionUsable: false });
    b.at("AT+CTM2MDEREG", 1100);
    b.at("AT+CTM2MREG");
    b.clock.runUntil(() => b.sim.state().regState === 3, 5000);
    expect(b.wait(2100)).toEqual(["+CTM2M: lwstatus,0"]);
    expect(b.sim.summary().faults["persistent:lwstatus"]).toBe(2);
  });

  it.each([15, 4])("sendError %i: every AT+CTM2MSEND refused while AT+CTM2MREG? keeps saying 3", (code) => {
    const b = registered();
    b.sim.faults.persistent({ sendError: code });
    for (let i = 0; i < 5; i++) {
      expect(b.at("AT+CTM2MSEND=" + HEX)).toEqual(["+CTM2M ERROR: " + code, "OK"]);
      expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
    }
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 33", "OK"]);
    b.sim.faults.clearArmed(); // the end of a fault period ends persistent faults too
    expect(b.sim.state().persistent).toMatchObject({ sendError: 0, rst: false });
    expect(b.at("AT+CTM2MSEND=" + HEX)[1]).toBe("OK");
  });
});

describe("sim: the note's section 5 registration", () => {
  it("printObsrv false (as before): reg,0 after the OK, state 2 at once and 3 a moment later, no obsrv line", () => {
    const b = bench({ printObsrv: false });
    b.attach();
    b.at(NOTE_INIT);
    expect(b.at("AT+CTM2MREG=300")).toEqual(["OK"]);
    b.clock.runUntil(() => b.sim.state().regState === 2, 5000);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: reg,0" });
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 2", "OK"]);
    expect(b.wait(800)).toEqual([]);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
  });

  it("regBeforeOk: +CTM2M: reg,0 BEFORE the REG's OK (1-3 s after the command), then REG? says 3, never an obsrv", () => {
    const b = bench({ printObsrv: false, regBeforeOk: true });
    b.attach();
    b.at(NOTE_INIT);
    const t0 = b.clock.now();
    expect(b.at("AT+CTM2MREG=300")).toEqual(["+CTM2M: reg,0", "OK"]);
    expect(b.clock.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(b.wait(1000)).toEqual([]);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
    expect(b.wait(30000)).toEqual([]);
    expect(b.sim.summary().registrations).toBe(1);
  });

  it("regBeforeOk: quick failures come before the OK too; a timeout (reg,1) and an unreachable platform after it", () => {
    const b = bench({ regBeforeOk: true });
    b.at(NOTE_INIT);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M: reg,2", "OK"]); // not attached
    b.attach();
    b.sim.faults.regFail(13, 1);
    b.sim.faults.regFail(1, 1);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M: reg,13", "OK"]);
    expect(b.at("AT+CTM2MREG", 10100)).toEqual(["OK", "+CTM2M: reg,1"]);
    expect(b.at("AT+CTM2MREG", 1000)).toEqual(["+CTM2M: reg,0", "OK", "+CTM2M: obsrv,0"]);
  });

  it("a reboot while the REG waits for its result: no answer at all", () => {
    const b = bench({ regBeforeOk: true });
    b.attach();
    b.at(NOTE_INIT);
    b.sim.receive("AT+CTM2MREG\r");
    b.clock.advance(500);
    b.sim.faults.reboot();
    expect(b.wait(5000)).toEqual(["RDY", "+CFUN: 1", "+CPIN: READY"]);
    expect(b.sim.state()).toMatchObject({ busy: undefined, regState: 0 });
  });

  it("regNeedsLifetime: the bare AT+CTM2MREG answers ERROR; AT+CTM2MREG=<lifetime> registers", () => {
    const b = bench({ regNeedsLifetime: true });
    b.attach();
    b.at(NOTE_INIT);
    expect(b.at("AT+CTM2MREG")).toEqual(["ERROR"]);
    expect(b.sim.state().regState).toBe(0);
    expect(b.at("AT+CTM2MREG=300", 5000)).toEqual(["OK", "+CTM2M: reg,0", "+CTM2M: obsrv,0"]);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
  });
});

describe("sim: AT+CTM2MINIT? with <PSKID>,<PSK>", () => {
  it("initReadShowsPsk prints them after the five fields when security is on; not with security 0", () => {
    const b = bench({ initReadShowsPsk: true });
    expect(b.at('AT+CTM2MINIT="1.2.3.4",5684,86400,0,1,"dev1","s3cretK3y"')).toEqual(["OK"]);
    expect(b.at("AT+CTM2MINIT?")).toEqual(["+CTM2MINIT: 1.2.3.4,5684,86400,0,1,dev1,s3cretK3y", "OK"]);
    expect(b.at(NOTE_INIT)).toEqual(["OK"]);
    expect(b.at("AT+CTM2MINIT?")).toEqual(["+CTM2MINIT: 221.229.214.202,5683,300,0,0", "OK"]);
  });
});

describe("sim: AT+CGCONTRDP over two lines", () => {
  it('"note": "+CGCONTRDP:" alone, the context on the next line; "split": a URC between the two', () => {
    const note = bench({ contrdpForm: "note", ip: "10.250.0.213" });
    note.attach();
    expect(note.at("AT+CGCONTRDP")).toEqual(["+CGCONTRDP:", '1,5,"ctnb","10.250.0.213.255.255.255.0"', "OK"]);
    const split = bench({ contrdpForm: "split", ip: "10.250.0.213" });
    split.attach();
    expect(split.at("AT+CGCONTRDP")).toEqual(["+CGCONTRDP:", "+CSCON: 1", '1,5,"ctnb","10.250.0.213.255.255.255.0"', "OK"]);
    const urc = bench({ contrdpForm: "split", contrdpUrc: "+CTM2M: ping,0", ip: "10.0.0.1" });
    urc.attach();
    expect(urc.at("AT+CGCONTRDP")[1]).toBe("+CTM2M: ping,0");
    expect(bench().at("AT+CGCONTRDP")).toEqual(["OK"]); // no context yet: bare OK in every form
  });
});

describe("sim: +CTM2M: plat with a disable timeout and an end notice (protocol.md)", () => {
  it("plat,0,T,0 drops the session and refuses REG/UPDATE/SEND/DEREG with 7 for T s; then plat,0,T,1 and REG works", () => {
    const b = registered();
    b.sim.faults.plat(0, 1200, 0);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: plat,0,1200,0" });
    expect(b.sim.state()).toMatchObject({ regState: 0, platDisabled: true });
    for (const cmd of ["AT+CTM2MREG", "AT+CTM2MUPDATE=0", "AT+CTM2MSEND=00", "AT+CTM2MDEREG"]) expect(b.at(cmd)).toEqual(["+CTM2M ERROR: 7", "OK"]);
    expect(b.wait(1199_000)).toEqual([]);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 7", "OK"]);
    expect(b.wait(1000)).toEqual(["+CTM2M: plat,0,1200,1"]);
    expect(b.at("AT+CTM2MREG", 5000)).toEqual(["OK", "+CTM2M: reg,0", "+CTM2M: obsrv,0"]);
  });

  it("plat,1,T,0 is a firmware download (sends: 35) ended by plat,1,T,1 (data2 = 1)", () => {
    const b = registered();
    b.sim.faults.plat(1, 90, 0);
    expect(b.at("AT+CTM2MSEND=00")).toEqual(["+CTM2M ERROR: 35", "OK"]);
    expect(b.wait(90_000)).toEqual(["+CTM2M: plat,1,90,1"]);
    expect(b.sim.state()).toMatchObject({ fota: false, regState: 3 });
  });
});

describe("sim: true PSM (the UART is dead until PWRKEY or the TAU timer)", () => {
  function psmBench(autoTau = 2) {
    const b = bench({ psmModel: "true" });
    b.attach();
    b.at(NOTE_INIT.replace(",300,0,0", ",300," + autoTau + ",0"));
    b.at("AT+CTM2MREG");
    b.clock.runUntil(() => b.sim.state().regState === 3, 5000);
    b.at("AT+CPSMSTATUS=1");
    b.at("AT+CPSMS=1"); // the module sleeps by itself when idle (after T3324, 10 s; 5 s after a wake)
    return b;
  }
  const pulse = (b: ReturnType<typeof bench>, ms: number) => {
    b.sim.pins.pwrkey(true);
    b.clock.advance(ms);
    b.sim.pins.pwrkey(false);
  };

  it("after ENTER PSM nothing is heard and nothing answered; input is ignored, not a wake", () => {
    const b = psmBench();
    b.sim.faults.psmEnter();
    expect(b.sim.transcript().pop()).toMatchObject({ line: '+CPSMSTATUS: "ENTER PSM"' });
    b.clearRaw();
    for (let i = 0; i < 3; i++) expect(b.at("AT", 2000)).toEqual([]);
    expect(b.raw()).toBe("");
    b.sim.faults.downlink("061F41001A0006613132333032");
    expect(b.sim.state().psm).toBe(true);
    expect(b.sim.summary()).toMatchObject({ ignored: { psm: 3 }, swallowed: {}, downlinksLost: 1, psmExits: 0 });
  });

  it("a PWRKEY pulse wakes it: +CPIN: READY before EXIT PSM; the session survived; back to PSM after ~5 s idle", () => {
    const b = psmBench();
    b.sim.faults.psmEnter();
    b.wait(60_000);
    pulse(b, 300);
    expect(b.wait(200)).toEqual(["+CPIN: READY", '+CPSMSTATUS: "EXIT PSM"']);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
    expect(b.at("AT+CTM2MSEND=" + HEX, 3100)).toEqual([expect.stringMatching(/^\+CTM2MSEND: \d+$/), "OK", expect.stringMatching(/^\+CTM2M: send,0,\d+$/)]);
    expect(b.wait(5100)).toEqual(['+CPSMSTATUS: "ENTER PSM"']);
    expect(b.sim.summary()).toMatchObject({ registrations: 1, reboots: 0, psmEntries: 2, psmExits: 1 });
  });

  it("each command restarts the 5 s; a pulse of 800 ms or more switches the module off instead", () => {
    const b = psmBench();
    b.sim.faults.psmEnter();
    pulse(b, 200);
    b.wait(200);
    for (let i = 0; i < 4; i++) {
      b.wait(4000);
      expect(b.at("AT")).toEqual(["OK"]);
    }
    expect(b.sim.state().psm).toBe(false);
    expect(b.wait(5100)).toEqual(['+CPSMSTATUS: "ENTER PSM"']);
    pulse(b, 1000);
    expect(b.sim.state().powered).toBe(false);
  });

  it("the TAU timer wakes it by itself: EXIT PSM and +CTM2M: psm,0 (autoTau 2), nothing before", () => {
    const b = psmBench(2);
    b.at('AT+CPSMS=1,,,"10100010","00000001"'); // T3412 = 2 min, T3324 = 2 s
    expect(b.wait(2100)).toEqual(['+CPSMSTATUS: "ENTER PSM"']);
    expect(b.at("AT", 2000)).toEqual([]);
    expect(b.wait(115_000)).toEqual([]);
    expect(b.wait(5000)).toEqual(['+CPSMSTATUS: "EXIT PSM"', "+CTM2M: psm,0"]);
    expect(b.at("AT")).toEqual(["OK"]);
    expect(b.sim.summary().ignored).toEqual({ psm: 1 });
  });

  it("the auto-sleep reading stays the default, and psmModel() switches between the two at run time", () => {
    const b = psmBench();
    b.sim.faults.psmModel("autosleep");
    b.sim.faults.psmEnter();
    expect(b.at("AT+CSQ", 100)).toEqual(['+CPSMSTATUS: "EXIT PSM"']); // swallowed, and it woke
    expect(b.sim.summary().swallowed).toEqual({ psm: 1 });
    expect(bench().sim.state().psmModel).toBe("autosleep");
  });
});

describe("sim: a platform shared by a fleet (platform.ts)", () => {
  it("while it is down: REGISTER ends reg,1, CON sends send,1, UPDATE update,1, DEREG dereg,1; every REGISTER is counted", () => {
    const clock = new FakeClock();
    const platform = new SharedPlatform();
    platform.addOutage(60_000, 10 * MIN);
    const mk = (seed: number) => {
      let raw = "";
      const sim = new Sim7020({ clock, output: (t) => void (raw += t), seed, autoBaud: false, platform, platformId: "dev" + seed });
      return { sim, raw: () => raw };
    };
    const a = mk(1);
    const b = mk(2);
    clock.advance(10_000);
    for (const m of [a, b]) {
      m.sim.receive(NOTE_INIT + "\r");
      clock.advance(200);
      m.sim.receive("AT+CTM2MREG\r");
    }
    clock.advance(5000);
    expect([a.sim.state().regState, b.sim.state().regState]).toEqual([3, 3]);
    clock.advance(60_000); // the outage begins
    a.sim.receive("AT+CTM2MSEND=00\r");
    clock.advance(10_500);
    expect(a.raw()).toMatch(/\+CTM2M: send,1,\d+\r\n$/);
    a.sim.receive("AT+CTM2MUPDATE=0\r");
    clock.advance(10_500);
    expect(a.raw()).toMatch(/\+CTM2M: update,1,\d+\r\n$/);
    a.sim.receive("AT+CTM2MDEREG\r");
    clock.advance(10_500);
    expect(a.raw()).toMatch(/\+CTM2M: dereg,1\r\n$/);
    a.sim.receive("AT+CTM2MREG\r");
    clock.advance(10_500);
    expect(a.raw()).toMatch(/\+CTM2M: reg,1\r\n$/);
    clock.advance(10 * MIN - clock.now()); // back
    a.sim.receive("AT+CTM2MREG\r");
    clock.advance(4000);
    expect(a.raw()).toMatch(/\+CTM2M: reg,0\r\n/);
    b.sim.receive("AT+CTM2MSEND=00\r");
    clock.advance(3100);
    expect(platform.regTimes.length).toBe(4);
    expect(platform.regsAnswered).toBe(3);
    expect(platform.regsByDevice.get("dev1")).toBe(3);
    expect(platform.uplinks).toBe(1);
    expect(platform.registrationsBetween(60_000, 10 * MIN)).toBe(1);
    expect(platform.perMinute(0, 11).reduce((x, y) => x + y, 0)).toBe(4);
  });
});

describe("randomSchedule with the module behaviours (off by default)", () => {
  it("moduleFaults draws every new kind too, and everything has ended by the quiet time", () => {
    const clock = new FakeClock(1000);
    const sim = new Sim7020({ clock, output: () => {}, seed: 2 });
    const plan = randomSchedule(sim, new Rng(9), clock, { periodMs: 90 * MIN, quietAfterMs: 60 * MIN, meanGapMs: 40_000, moduleFaults: true });
    expect(new Set(plan.map((p) => p.kind))).toEqual(new Set(FAULT_KINDS.concat(MODULE_FAULT_KINDS)));
    clock.advance(60 * MIN);
    const f = sim.summary().faults;
    for (const k of MODULE_FAULT_KINDS) expect(f[k] || 0, k).toBe(plan.filter((p) => p.kind === k).length);
    expect(sim.state()).toMatchObject({ psmModel: "autosleep", persistent: { rst: false, updateFail: 0, pingFail: 0, lwstatus: false, sendError: 0 } });
  });

  it("without the option the plan is exactly the old one; noise alone adds only the noise kind", () => {
    const planOf = (o: object) => {
      const clock = new FakeClock(0);
      const sim = new Sim7020({ clock, output: () => {}, seed: 4 });
      return randomSchedule(sim, new Rng(5), clock, { periodMs: 60 * MIN, quietAfterMs: 50 * MIN, meanGapMs: 60_000, ...o }).map((p) => p.kind);
    };
    const old = planOf({});
    expect(planOf({ moduleFaults: false })).toEqual(old);
    expect(old.some((k) => MODULE_FAULT_KINDS.includes(k))).toBe(false);
    const noisy = planOf({ noise: true });
    expect(noisy).toContain("noise");
    expect(noisy.filter((k) => k !== "noise" && !FAULT_KINDS.includes(k))).toEqual([]);
  });
});
