import { describe, expect, it } from "vitest";
import { MAX_PENDING_CON } from "./aep";
import { bench, NOTE_INIT } from "./bench";

const HEX = "0200010006313233343536";

describe("sim AT+CTM2MINIT", () => {
  it("saves the parameters (AUTO_SAVE) and reads them back without quotes or PSK", () => {
    const b = bench();
    expect(b.at("AT+CTM2MINIT?")).toEqual(["+CTM2M ERROR: 1", "OK"]); // nothing saved yet
    expect(b.at(NOTE_INIT)).toEqual(["OK"]);
    expect(b.at("AT+CTM2MINIT?")).toEqual(["+CTM2MINIT: 221.229.214.202,5683,300,0,0", "OK"]);
    expect(b.at('AT+CTM2MINIT="1.2.3.4",5684,86400,2,1,"id","secret"')).toEqual(["OK"]);
    expect(b.at("AT+CTM2MINIT?")).toEqual(["+CTM2MINIT: 1.2.3.4,5684,86400,2,1", "OK"]);
    expect(b.sim.state().init).toEqual({ ip: "1.2.3.4", port: 5684, lifetimeS: 86400, autoTau: 2, security: 1, pskid: "id", psk: "secret" });
    b.sim.faults.reboot();
    b.wait(3000);
    expect(b.at("AT+CTM2MINIT?")).toEqual(["+CTM2MINIT: 1.2.3.4,5684,86400,2,1", "OK"]);
  });

  it.each([
    ["AT+CTM2MINIT", 2],
    ['AT+CTM2MINIT="1.2.3.4",5683,300,0', 2],
    ['AT+CTM2MINIT="1.2.3.4",5683,300,0,0,"id"', 2],
    ['AT+CTM2MINIT="1.2.3.4",5683,300,0,1', 2], // security without pskid/psk
    ['AT+CTM2MINIT="",5683,300,0,0', 3],
    ['AT+CTM2MINIT="1.2.3.4",0,300,0,0', 3],
    ['AT+CTM2MINIT="1.2.3.4",65536,300,0,0', 3],
    ['AT+CTM2MINIT="1.2.3.4",x,300,0,0', 3],
    ['AT+CTM2MINIT="1.2.3.4",5683,299,0,0', 3],
    ['AT+CTM2MINIT="1.2.3.4",5683,300,3,0', 3],
    ['AT+CTM2MINIT="1.2.3.4",5683,300,0,3,"id","k"', 3],
    ['AT+CTM2MINIT="1.2.3.4",5683,300,0,2,"id",""', 3],
  ])("%s -> +CTM2M ERROR: %i", (cmd, code) => {
    const b = bench();
    expect(b.at(cmd)).toEqual(["+CTM2M ERROR: " + code, "OK"]);
    expect(b.sim.state().init).toBeUndefined();
  });

  it("is refused with 32 while connecting or connected", () => {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT);
    b.at("AT+CTM2MREG");
    expect(b.sim.state().regState).toBe(1);
    expect(b.at(NOTE_INIT)).toEqual(["+CTM2M ERROR: 32", "OK"]);
    b.clock.runUntil(() => b.sim.state().regState === 3, 10000);
    expect(b.at(NOTE_INIT)).toEqual(["+CTM2M ERROR: 32", "OK"]);
  });
});

describe("sim AT+CTM2MREG", () => {
  it("registers: OK, reg,0, obsrv,0 with state 1 -> 2 -> 3, 1-3 s after the command", () => {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 0", "OK"]);
    const t0 = b.clock.now();
    expect(b.at("AT+CTM2MREG=300")).toEqual(["OK"]);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 1", "OK"]);
    b.clock.runUntil(() => b.sim.state().regState === 2, 5000);
    expect(b.clock.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(b.clock.now() - t0).toBeLessThanOrEqual(3200);
    expect(b.sim.transcript().pop()).toMatchObject({ dir: "module", line: "+CTM2M: reg,0" });
    b.clock.runUntil(() => b.sim.state().regState === 3, 2000);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: obsrv,0" });
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 3", "OK"]);
    expect(b.sim.summary().registrations).toBe(1);
  });

  it("module variants: conn,0 first; no space after +CTM2M:; no obsrv line", () => {
    const b = bench({ printConn: true, regNoSpace: true, printObsrv: false });
    b.attach();
    b.at(NOTE_INIT);
    expect(b.at("AT+CTM2MREG", 5000)).toEqual(["OK", "+CTM2M:conn,0", "+CTM2M:reg,0"]);
    expect(b.sim.state().regState).toBe(3);
  });

  it.each([
    ["AT+CTM2MREG=300,1", 2],
    ["AT+CTM2MREG=299", 3],
    ["AT+CTM2MREG=abc", 3],
  ])("%s -> +CTM2M ERROR: %i (parameters are checked before anything else)", (cmd, code) => {
    const b = bench();
    expect(b.at(cmd)).toEqual(["+CTM2M ERROR: " + code, "OK"]);
  });

  it("error 1 without INIT, 16 without SIM, 33 when connecting or connected, 7 while the platform disables the device", () => {
    const b = bench();
    b.attach();
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 1", "OK"]);
    b.at(NOTE_INIT);
    b.sim.faults.noSim(false);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 16", "OK"]);
    b.sim.faults.noSim(true);
    b.attach();
    b.at("AT+CTM2MREG");
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 33", "OK"]);
    b.clock.runUntil(() => b.sim.state().regState === 3, 5000);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 33", "OK"]);
    b.sim.faults.plat(0, 60, 0);
    expect(b.sim.state().regState).toBe(0);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 7", "OK"]);
  });

  it("regError injects +CTM2M ERROR: 34 for the next n registrations", () => {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT);
    b.sim.faults.regError(34, 2);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 34", "OK"]);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 34", "OK"]);
    expect(b.at("AT+CTM2MREG", 5000)).toEqual(["OK", "+CTM2M: reg,0", "+CTM2M: obsrv,0"]);
    expect(b.sim.summary().faults).toEqual({ regError: 1 });
  });

  it("not attached: OK then reg,2 (the REGISTER message cannot be sent), state back to 0", () => {
    const b = bench();
    b.at(NOTE_INIT);
    expect(b.sim.state().attached).toBe(false);
    expect(b.at("AT+CTM2MREG", 1000)).toEqual(["OK", "+CTM2M: reg,2"]);
    expect(b.sim.state().regState).toBe(0);
    expect(b.sim.summary().regFailures).toBe(1);
  });

  it("regFail: reg,1 comes only after the CoAP retries (5-10 s), reg,13 within 3 s; each leaves state 0", () => {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT);
    b.sim.faults.regFail(1, 1);
    b.sim.faults.regFail(13, 1);
    expect(b.at("AT+CTM2MREG", 4900)).toEqual(["OK"]);
    expect(b.wait(5200)).toEqual(["+CTM2M: reg,1"]);
    expect(b.sim.state().regState).toBe(0);
    expect(b.at("AT+CTM2MREG", 3100)).toEqual(["OK", "+CTM2M: reg,13"]);
    expect(b.at("AT+CTM2MREG", 5000)).toEqual(["OK", "+CTM2M: reg,0", "+CTM2M: obsrv,0"]);
    expect(b.sim.summary()).toMatchObject({ registrations: 1, regFailures: 2 });
  });

  it("lwstatus or lost coverage while connecting: the registration ends with reg,1", () => {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT);
    b.at("AT+CTM2MREG");
    b.sim.faults.lwstatus();
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: lwstatus,0" });
    expect(b.wait(3100)).toEqual(["+CTM2M: reg,1"]);
    expect(b.sim.state()).toMatchObject({ regState: 0, sessionUsable: true });
    b.at("AT+CTM2MREG");
    b.sim.faults.noSignal(60000);
    expect(b.wait(3100)).toEqual(["+CTM2M: reg,1"]);
  });

  it("a reboot loses the registration and keeps INIT", () => {
    const b = bench();
    b.register();
    b.sim.faults.reboot();
    b.wait(2500);
    expect(b.at("AT+CTM2MREG?")).toEqual(["+CTM2MREG: 0", "OK"]);
    b.attach();
    expect(b.at("AT+CTM2MREG", 5000)).toEqual(["OK", "+CTM2M: reg,0", "+CTM2M: obsrv,0"]);
  });
});

describe("sim AT+CTM2MUPDATE", () => {
  it("answers +CTM2MUPDATE: <id>, OK, then update,0,<id>", () => {
    const b = bench();
    b.register();
    const lines = b.at("AT+CTM2MUPDATE=1", 2100);
    const id = Number(lines[0].substring("+CTM2MUPDATE: ".length));
    expect(lines).toEqual(["+CTM2MUPDATE: " + id, "OK", "+CTM2M: update,0," + id]);
  });

  it.each([
    ["AT+CTM2MUPDATE?", 1],
    ["AT+CTM2MUPDATE", 2],
    ["AT+CTM2MUPDATE=0,1", 2],
    ["AT+CTM2MUPDATE=2", 3],
    ["AT+CTM2MUPDATE=0", 4],
  ])("%s -> +CTM2M ERROR: %i", (cmd, code) => {
    const b = bench();
    b.attach();
    expect(b.at(cmd)).toEqual(["+CTM2M ERROR: " + code, "OK"]);
  });

  it("7 while disabled; update,2 on an unusable session", () => {
    const b = bench();
    b.register();
    b.sim.faults.lwstatus();
    const l = b.at("AT+CTM2MUPDATE=0", 2100);
    expect(l[2]).toMatch(/^\+CTM2M: update,2,\d+$/);
    b.sim.faults.plat(0, 30, 0);
    expect(b.at("AT+CTM2MUPDATE=0")).toEqual(["+CTM2M ERROR: 7", "OK"]);
  });
});

describe("sim AT+CTM2MSEND", () => {
  it("CON: +CTM2MSEND: <id>, OK, then send,0,<id> after the ACK (0.5-3 s); recorded as delivered", () => {
    const b = bench();
    b.register();
    const t0 = b.clock.now();
    const lines = b.at("AT+CTM2MSEND=" + HEX + ",0");
    const id = Number(lines[0].substring(12));
    expect(lines).toEqual(["+CTM2MSEND: " + id, "OK"]);
    b.clock.runUntil(() => b.sim.summary().sends.length === 1, 4000);
    expect(b.clock.now() - t0).toBeGreaterThanOrEqual(500);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: send," + "0," + id });
    expect(b.sim.summary().sends).toEqual([{ tMs: b.clock.now(), hex: HEX, mode: 0, msgid: id, status: 0 }]);
    // CON is the default mode; ids count up.
    expect(b.at("AT+CTM2MSEND=" + HEX)[0]).toBe("+CTM2MSEND: " + (id + 1));
  });

  it("NON: confirmed right after sending (under 300 ms)", () => {
    const b = bench();
    b.register();
    const l = b.at("AT+CTM2MSEND=00,1", 300);
    expect(l[2]).toBe("+CTM2M: send,0," + l[0].substring(12));
    expect(b.sim.summary().sends[0]).toMatchObject({ hex: "00", mode: 1 });
  });

  it("message ids are a 16-bit counter that wraps to 1", () => {
    const b = bench();
    b.register();
    (b.sim.aep as unknown as { nextMsgId: number }).nextMsgId = 65535;
    expect(b.at("AT+CTM2MSEND=00,1")[0]).toBe("+CTM2MSEND: 65535");
    expect(b.at("AT+CTM2MSEND=00,1")[0]).toBe("+CTM2MSEND: 1");
  });

  it.each([
    ["AT+CTM2MSEND?", 1, "read form"],
    ["AT+CTM2MSEND", 2, "no data"],
    ["AT+CTM2MSEND=", 2, "empty data"],
    ["AT+CTM2MSEND=00,0,1", 2, "three parameters"],
    ["AT+CTM2MSEND=" + "0".repeat(1026), 14, "over 1024 hex characters"],
    ["AT+CTM2MSEND=" + "0".repeat(1025), 14, "too long beats odd length"],
    ["AT+CTM2MSEND=012", 17, "odd length"],
    ["AT+CTM2MSEND=0G0", 17, "odd length beats non-hex"],
    ["AT+CTM2MSEND=0G", 13, "non-hex digit"],
    ["AT+CTM2MSEND=00,2", 3, "mode out of range"],
    ["AT+CTM2MSEND=0G,2", 13, "data errors beat the mode"],
    ["AT+CTM2MSEND=00", 4, "not connected"],
  ])("%s -> +CTM2M ERROR: %i (%s)", (cmd, code) => {
    const b = bench();
    b.attach();
    b.at(NOTE_INIT);
    expect(b.at(cmd)).toEqual(["+CTM2M ERROR: " + code, "OK"]);
  });

  it("1024 hex characters are accepted", () => {
    const b = bench();
    b.register();
    expect(b.at("AT+CTM2MSEND=" + "ab".repeat(512) + ",1")[1]).toBe("OK");
  });

  it("4 while connecting, 15 when connected but not observed, 7 while disabled, 35 during a firmware download", () => {
    const b = bench({ printObsrv: true });
    b.attach();
    b.at(NOTE_INIT);
    b.at("AT+CTM2MREG");
    expect(b.at("AT+CTM2MSEND=00")).toEqual(["+CTM2M ERROR: 4", "OK"]);
    b.clock.runUntil(() => b.sim.state().regState === 2, 5000);
    expect(b.at("AT+CTM2MSEND=00")).toEqual(["+CTM2M ERROR: 15", "OK"]);
    b.clock.runUntil(() => b.sim.state().regState === 3, 2000);
    b.sim.faults.plat(1, 30, 0);
    expect(b.at("AT+CTM2MSEND=00")).toEqual(["+CTM2M ERROR: 35", "OK"]);
    expect(b.wait(30000)).toEqual(["+CTM2M: plat,1,30,1"]);
    expect(b.at("AT+CTM2MSEND=00,1")[1]).toBe("OK");
    b.sim.faults.plat(0, 30, 0);
    expect(b.at("AT+CTM2MSEND=00")).toEqual(["+CTM2M ERROR: 7", "OK"]);
  });

  it(`refuses a ${MAX_PENDING_CON + 1}th unconfirmed CON send with error 1`, () => {
    const b = bench();
    b.register();
    b.sim.faults.sendFail(1, MAX_PENDING_CON);
    for (let i = 0; i < MAX_PENDING_CON; i++) expect(b.at("AT+CTM2MSEND=00")[1]).toBe("OK");
    expect(b.at("AT+CTM2MSEND=00")).toEqual(["+CTM2M ERROR: 1", "OK"]);
    expect(b.at("AT+CTM2MSEND=00,1")[1]).toBe("OK"); // NON does not wait for ACKs
  });

  it("sendFail: send,1 after 5-10 s, send,2 quickly, send,9 tears the session down; NON sends are not affected", () => {
    const b = bench();
    b.register();
    b.sim.faults.sendFail(1, 1);
    b.sim.faults.sendFail(2, 1);
    b.sim.faults.sendFail(9, 1);
    const id1 = b.at("AT+CTM2MSEND=01,1", 300)[0].substring(12);
    expect(b.sim.summary().sendResults).toEqual({ 0: 1 });
    const id2 = b.at("AT+CTM2MSEND=02")[0].substring(12);
    expect(b.wait(4900)).toEqual([]);
    expect(b.wait(5200)).toEqual(["+CTM2M: send,1," + id2]);
    expect(b.at("AT+CTM2MSEND=03", 500)[2]).toMatch(/^\+CTM2M: send,2,\d+$/);
    expect(b.at("AT+CTM2MSEND=04", 3000)[2]).toMatch(/^\+CTM2M: send,9,\d+$/);
    expect(b.sim.state().regState).toBe(0);
    expect(b.at("AT+CTM2MSEND=05")).toEqual(["+CTM2M ERROR: 4", "OK"]);
    expect(b.sim.summary()).toMatchObject({ sendResults: { 0: 1, 1: 1, 2: 1, 9: 1 }, sends: [{ hex: "01", msgid: Number(id1) }] });
  });

  it("lwstatus,0: the pending CON send times out, new sends fail until DEREG + REG (REG alone says 33)", () => {
    const b = bench();
    b.register();
    const id = b.at("AT+CTM2MSEND=01")[0].substring(12);
    b.sim.faults.lwstatus();
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: lwstatus,0" });
    expect(b.wait(3100)).toEqual(["+CTM2M: send,1," + id]);
    expect(b.at("AT+CTM2MSEND=02", 600)[2]).toMatch(/^\+CTM2M: send,2,/);
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 33", "OK"]);
    expect(b.at("AT+CTM2MDEREG", 1000)).toEqual(["OK", "+CTM2M: dereg,0"]);
    expect(b.at("AT+CTM2MREG", 5000)).toEqual(["OK", "+CTM2M: reg,0", "+CTM2M: obsrv,0"]);
    expect(b.at("AT+CTM2MSEND=03", 3100)[2]).toMatch(/^\+CTM2M: send,0,/);
  });

  it("losing coverage while registered prints lwstatus,0", () => {
    const b = bench();
    b.register();
    b.sim.faults.noSignal(10000);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: lwstatus,0" });
    expect(b.sim.state()).toMatchObject({ regState: 3, sessionUsable: false });
  });
});

describe("sim AT+CTM2MDEREG", () => {
  it("OK, state 4, then dereg,0 and state 0", () => {
    const b = bench();
    b.register();
    expect(b.at("AT+CTM2MDEREG")).toEqual(["OK"]);
    expect(b.sim.state().regState).toBe(4);
    expect(b.at("AT+CTM2MDEREG")).toEqual(["+CTM2M ERROR: 4", "OK"]);
    expect(b.wait(1000)).toEqual(["+CTM2M: dereg,0"]);
    expect(b.sim.state().regState).toBe(0);
  });

  it.each([
    ["AT+CTM2MDEREG?", 1],
    ["AT+CTM2MDEREG=1", 2],
    ["AT+CTM2MDEREG", 4],
  ])("%s -> +CTM2M ERROR: %i", (cmd, code) => {
    const b = bench();
    expect(b.at(cmd)).toEqual(["+CTM2M ERROR: " + code, "OK"]);
  });

  it("7 while the platform disables the device", () => {
    const b = bench();
    b.register();
    b.sim.faults.plat(0, 10, 0);
    expect(b.at("AT+CTM2MDEREG")).toEqual(["+CTM2M ERROR: 7", "OK"]);
    expect(b.wait(10000)).toEqual(["+CTM2M: plat,0,10,1"]);
    expect(b.at("AT+CTM2MDEREG")).toEqual(["+CTM2M ERROR: 4", "OK"]);
  });
});

describe("sim platform notices and downlinks", () => {
  it("ping,0 is harmless; ping,1 ends the session", () => {
    const b = bench();
    b.register();
    b.sim.faults.ping(0);
    expect(b.sim.state().regState).toBe(3);
    b.sim.faults.ping(1);
    expect(b.sim.transcript().slice(-2).map((e) => e.line)).toEqual(["+CTM2M: ping,0", "+CTM2M: ping,1"]);
    expect(b.sim.state().regState).toBe(0);
  });

  it("plat without a timeout only drops the session; phase 1 ends a disable early", () => {
    const b = bench();
    b.register();
    b.sim.faults.plat(0);
    expect(b.sim.transcript().pop()).toMatchObject({ line: "+CTM2M: plat,0" });
    expect(b.sim.state()).toMatchObject({ regState: 0, platDisabled: false });
    b.sim.faults.plat(0, 600, 0);
    expect(b.sim.state().platDisabled).toBe(true);
    b.sim.faults.plat(0, 600, 1);
    expect(b.sim.state().platDisabled).toBe(false);
  });

  it("delivers +CTM2MRECV only when registered and observed; otherwise counts it lost", () => {
    const b = bench();
    b.sim.faults.downlink("061F41001A0006613132333032");
    b.register();
    b.sim.faults.downlink("061F41001A0006613132333032");
    b.sim.faults.downlink("061F42001200080006623132333031", true);
    expect(b.sim.transcript().slice(-2).map((e) => e.line)).toEqual([
      "+CTM2MRECV: 061F41001A0006613132333032",
      "+CTM2MRECV:061F42001200080006623132333031",
    ]);
    expect(b.sim.summary()).toMatchObject({ downlinks: 2, downlinksLost: 1 });
  });

  it("lwstatus without a session prints nothing", () => {
    const b = bench();
    b.sim.faults.lwstatus();
    b.sim.faults.ping(1);
    expect(b.sim.transcript()).toEqual([]);
  });
});
