import { describe, expect, it } from "vitest";
import { bench, NOTE_INIT } from "./bench";

describe("sim power and boot", () => {
  it("off: input ignored and counted, STATUS low; a 100 ms PWRKEY pulse is too short", () => {
    const b = bench({ poweredOn: false });
    expect(b.sim.pins.status()).toBe(0);
    expect(b.at("AT")).toEqual([]);
    expect(b.sim.summary().ignored).toEqual({ off: 1 });
    b.sim.pins.pwrkey(true);
    b.clock.advance(100);
    b.sim.pins.pwrkey(false);
    expect(b.sim.state().powered).toBe(false);
    expect(b.sim.summary().violations[0]).toMatch(/PWRKEY pulse of 100 ms is shorter than the 215 ms/);
  });

  it("an 800 ms pulse powers on; the UART is ready ~2 s later, STATUS high; auto-baud eats the first AT", () => {
    const b = bench({ poweredOn: false, autoBaud: true });
    b.sim.pins.pwrkey(true);
    b.clock.advance(800);
    b.sim.pins.pwrkey(false);
    expect(b.sim.state()).toMatchObject({ powered: true, uartReady: false, status: 0 });
    expect(b.at("AT")).toEqual([]);
    expect(b.sim.summary().ignored).toEqual({ booting: 1 });
    b.clock.advance(2400);
    expect(b.sim.state()).toMatchObject({ uartReady: true, status: 1 });
    expect(b.raw()).toBe(""); // no boot lines in auto-baud
    expect(b.at("AT")).toEqual([]);
    expect(b.at("AT")).toEqual(["OK"]);
    expect(b.sim.summary()).toMatchObject({ powerOns: 1, swallowed: { autobaud: 1 } });
  });

  it("with a fixed rate the boot prints RDY, +CFUN: 1, +CPIN: READY", () => {
    const b = bench({ poweredOn: false, autoBaud: false });
    b.sim.pins.pwrkey(true);
    b.clock.advance(215);
    b.sim.pins.pwrkey(false);
    expect(b.wait(2400)).toEqual(["RDY", "+CFUN: 1", "+CPIN: READY"]);
    expect(b.at("AT")).toEqual(["OK"]);
  });

  it("a >= 800 ms pulse while on powers off (NORMAL POWER DOWN); power-on within 5 s is a violation", () => {
    const b = bench();
    b.sim.pins.pwrkey(true);
    b.clock.advance(500);
    b.sim.pins.pwrkey(false);
    expect(b.sim.state().powered).toBe(true); // too short to power off
    b.sim.pins.pwrkey(true);
    b.clock.advance(1000);
    b.sim.pins.pwrkey(false);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "NORMAL POWER DOWN" });
    expect(b.sim.state()).toMatchObject({ powered: false, status: 0 });
    b.clock.advance(3000);
    b.sim.pins.pwrkey(true);
    b.clock.advance(800);
    b.sim.pins.pwrkey(false);
    expect(b.sim.state().powered).toBe(true);
    expect(b.sim.summary().violations).toEqual([expect.stringMatching(/power-on 3800 ms after power-off/)]);
    expect(b.sim.summary()).toMatchObject({ powerOffs: 1, powerOns: 1 });
  });

  it("AT+CPOWD=1 prints NORMAL POWER DOWN (no OK) and the module is off", () => {
    const b = bench();
    expect(b.at("AT+CPOWD=1")).toEqual(["NORMAL POWER DOWN"]);
    expect(b.sim.state().powered).toBe(false);
    expect(b.at("AT")).toEqual([]);
    expect(b.sim.summary().ignored).toEqual({ off: 1 });
  });

  it("AT+CPOWD=0 powers off at once without a word; other values are refused", () => {
    const b = bench();
    expect(b.at("AT+CPOWD=2")).toEqual(["ERROR"]);
    expect(b.at("AT+CPOWD=0")).toEqual([]);
    expect(b.sim.state()).toMatchObject({ powered: false, status: 0 });
  });

  it("AT+CRESET answers OK, then reboots: registration lost, echo on, CMEE 0, INIT kept", () => {
    const b = bench();
    b.register();
    b.at("ATE0");
    b.at("AT+CMEE=1");
    expect(b.at("AT+CRESET")).toEqual(["OK"]);
    expect(b.wait(3000)).toEqual(["RDY", "+CFUN: 1", "+CPIN: READY"]);
    expect(b.sim.state()).toMatchObject({ echo: true, cmee: 0, regState: 0, attached: false });
    expect(b.sim.state().init).toBeDefined();
    expect(b.sim.summary().reboots).toBe(1);
  });

  it("reboot fault: the command in flight is never answered; auto-baud prints nothing and eats the next AT", () => {
    const b = bench({ autoBaud: true });
    b.at("AT");
    b.at("ATE0");
    b.sim.receive("AT+CSQ\r");
    b.sim.faults.reboot();
    expect(b.wait(3000)).toEqual([]);
    expect(b.sim.state().busy).toBeUndefined();
    b.clearRaw();
    expect(b.at("AT")).toEqual([]);
    expect(b.at("AT")).toEqual(["OK"]);
    expect(b.raw()).toBe("AT\r\r\nOK\r\n"); // echo is back
  });
});

describe("sim PSM", () => {
  function psmBench(autoTau = 2) {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT.replace(",300,0,0", ",300," + autoTau + ",0"));
    b.at("AT+CTM2MREG");
    b.clock.runUntil(() => b.sim.state().regState === 3, 5000);
    b.at("AT+CPSMSTATUS=1");
    return b;
  }

  it("AT+CPSMS=1 with timers; read back; bad forms refused", () => {
    const b = bench();
    expect(b.at("AT+CPSMS?")).toEqual(['+CPSMS: 0,,,"00100001","00000101"', "OK"]);
    expect(b.at('AT+CPSMS=1,,,"01000001","00000010"')).toEqual(["OK"]);
    expect(b.at("AT+CPSMS?")).toEqual(['+CPSMS: 1,,,"01000001","00000010"', "OK"]);
    expect(b.at('AT+CPSMS=1,,,"0100001"')).toEqual(["ERROR"]);
    expect(b.at("AT+CPSMS=3")).toEqual(["ERROR"]);
    expect(b.at("AT+CPSMSTATUS?")).toEqual(["+CPSMSTATUS: 0", "OK"]);
    expect(b.at("AT+CPSMSTATUS=2")).toEqual(["ERROR"]);
  });

  it("enters PSM after the active time of idle; the first command is swallowed and wakes it; the session survives", () => {
    const b = psmBench();
    b.at('AT+CPSMS=1,,,"00100001","00000011"'); // T3324 = 6 s
    expect(b.wait(5900)).toEqual([]);
    expect(b.wait(200)).toEqual(['+CPSMSTATUS: "ENTER PSM"']);
    expect(b.sim.state().psm).toBe(true);
    b.clearRaw();
    expect(b.at("AT+CSQ", 100)).toEqual(['+CPSMSTATUS: "EXIT PSM"']);
    expect(b.raw()).toBe('\r\n+CPSMSTATUS: "EXIT PSM"\r\n'); // no echo, no answer
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
    expect(b.sim.summary()).toMatchObject({ psmEntries: 1, psmExits: 1, swallowed: { psm: 1 } });
    // After a wake it sleeps again after about 5 s of idle.
    expect(b.wait(5100)).toEqual(['+CPSMSTATUS: "ENTER PSM"']);
  });

  it("each command restarts the idle countdown, and a pending CON send keeps the radio up", () => {
    const b = psmBench();
    b.at('AT+CPSMS=1,,,"00100001","00000011"');
    b.sim.faults.sendFail(1, 1);
    b.wait(4000);
    b.at("AT+CTM2MSEND=00"); // its send,1 comes 5-10 s later
    expect(b.wait(6100)).not.toContain('+CPSMSTATUS: "ENTER PSM"');
    expect(b.wait(20000)).toContain('+CPSMSTATUS: "ENTER PSM"');
  });

  it("psmEnter fault: ENTER PSM only with CPSMSTATUS=1; tauWake prints EXIT PSM and psm,0 with autoTau 2", () => {
    const b = psmBench(2);
    b.sim.faults.psmEnter();
    b.sim.faults.tauWake();
    expect(b.sim.transcript().slice(-3).map((e) => e.line)).toEqual(['+CPSMSTATUS: "ENTER PSM"', '+CPSMSTATUS: "EXIT PSM"', "+CTM2M: psm,0"]);
    expect(b.at("AT")).toEqual(["OK"]); // awake: answered at once

    const quiet = psmBench(0);
    quiet.at("AT+CPSMSTATUS=0");
    quiet.sim.faults.psmEnter();
    expect(quiet.sim.state().psm).toBe(true);
    quiet.sim.faults.tauWake();
    expect(quiet.sim.transcript().pop()).toMatchObject({ line: "OK" });
  });

  it("the TAU timer wakes the module by itself after T3412", () => {
    const b = psmBench(2);
    b.at('AT+CPSMS=1,,,"01100101","00000001"'); // T3412 = 5 x 2 s, T3324 = 2 s
    expect(b.wait(2100)).toEqual(['+CPSMSTATUS: "ENTER PSM"']);
    expect(b.wait(10000)).toEqual(['+CPSMSTATUS: "EXIT PSM"', "+CTM2M: psm,0"]);
  });

  it("a short PWRKEY pulse wakes it: +CPIN: READY before EXIT PSM", () => {
    const b = psmBench();
    b.sim.faults.psmEnter();
    b.sim.pins.pwrkey(true);
    b.clock.advance(300);
    b.sim.pins.pwrkey(false);
    expect(b.wait(200)).toEqual(["+CPIN: READY", '+CPSMSTATUS: "EXIT PSM"']);
    expect(b.at("AT")).toEqual(["OK"]);
  });

  it("in PSM downlinks and network notices are lost", () => {
    const b = psmBench();
    b.sim.faults.psmEnter();
    b.sim.faults.downlink("061F41001A0006613132333032");
    b.sim.faults.lwstatus();
    b.sim.faults.junk("noise");
    expect(b.sim.summary()).toMatchObject({ downlinksLost: 1, faults: { "lost:lwstatus": 1, "lost:junk": 1 } });
    expect(b.sim.state().sessionUsable).toBe(true);
  });
});

describe("sim UART faults", () => {
  it("silent: input ignored and output lost for the time, then normal", () => {
    const b = bench();
    b.sim.faults.silent(10000);
    expect(b.at("AT")).toEqual([]);
    expect(b.sim.summary().ignored).toEqual({ silent: 1 });
    b.clock.advance(10000);
    expect(b.at("AT")).toEqual(["OK"]);
  });

  it("silent abandons the command in flight", () => {
    const b = bench();
    b.sim.receive("AT+CSQ\r");
    b.sim.faults.silent(1000);
    b.clock.advance(2000);
    expect(b.sim.transcript().filter((e) => e.dir === "module")).toEqual([]);
    expect(b.at("AT")).toEqual(["OK"]);
  });

  it("slow: every answer comes ms late until slow(0)", () => {
    const b = bench();
    b.sim.faults.slow(2000);
    const t0 = b.clock.now();
    b.at("AT");
    expect(b.clock.now() - t0).toBeGreaterThanOrEqual(2010);
    b.sim.faults.slow(0);
    const t1 = b.clock.now();
    b.at("AT");
    expect(b.clock.now() - t1).toBeLessThanOrEqual(60);
  });

  it("overlongLine: chars without a line end for a while, then the end", () => {
    const b = bench();
    b.sim.faults.overlongLine(3000);
    expect(b.raw()).toMatch(/^\r\n[0-9A-F]{3000}$/);
    b.clock.advance(1000);
    expect(b.raw()).toMatch(/^\r\n[0-9A-F]{3000}\r\n$/);
    expect(b.at("AT")).toEqual(["OK"]);
  });

  it("junk: an arbitrary line, framed", () => {
    const b = bench();
    b.sim.faults.junk("+CTM2M: unknown,5");
    expect(b.raw()).toBe("\r\n+CTM2M: unknown,5\r\n");
  });
});

describe("sim PSM fault timing", () => {
  it("psmEnter waits for the command in flight to get its final result", () => {
    const b = bench();
    b.at("AT+CPSMSTATUS=1");
    b.sim.receive("AT+CSQ\r");
    b.sim.faults.psmEnter();
    expect(b.sim.state().psm).toBe(false);
    b.clock.advance(200);
    expect(b.sim.transcript().slice(-3).map((e) => e.line)).toEqual([expect.stringMatching(/^\+CSQ: /), "OK", '+CPSMSTATUS: "ENTER PSM"']);
    expect(b.sim.state().psm).toBe(true);
  });
});
