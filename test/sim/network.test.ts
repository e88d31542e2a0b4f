import { describe, expect, it } from "vitest";
import { bench } from "./bench";

describe("sim network commands", () => {
  it("reports SIM, signal, attach, PDN, operator and address once attached a few seconds after boot", () => {
    const b = bench({ rssi: 20, ip: "10.250.0.213" });
    expect(b.at("AT+CPIN?")).toEqual(["+CPIN: READY", "OK"]);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,2", "OK"]);
    expect(b.at("AT+CGACT?")).toEqual(["+CGACT: 1,0", "OK"]);
    expect(b.at("AT+COPS?")).toEqual(["+COPS: 0", "OK"]);
    expect(b.at("AT+CGCONTRDP")).toEqual(["OK"]);
    const t0 = b.clock.now();
    b.attach();
    expect(b.clock.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(b.clock.now()).toBeLessThanOrEqual(6000);
    expect(b.at("AT+CSQ")).toEqual(["+CSQ: 20,0", "OK"]);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,1", "OK"]);
    expect(b.at("AT+CEREG?")).toEqual(["+CEREG: 0,1", "OK"]);
    expect(b.at("AT+CGACT?")).toEqual(["+CGACT: 1,1", "OK"]);
    expect(b.at("AT+COPS?")).toEqual(['+COPS: 0,0,"CHN-CT",9', "OK"]);
    expect(b.at("AT+CGCONTRDP")).toEqual(['+CGCONTRDP: 1,5,"ctnb","10.250.0.213.255.255.255.0"', "OK"]);
  });

  it("gives a seeded 15-digit IMEI (Luhn) and a China Telecom IMSI as bare lines", () => {
    const b = bench({ seed: 11 });
    const [imei, ok] = b.at("AT+CGSN");
    expect(ok).toBe("OK");
    expect(imei).toMatch(/^\d{15}$/);
    const digits = imei.split("").map(Number);
    const sum = digits.reduce((s, d, i) => s + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
    expect(sum % 10).toBe(0);
    expect(b.at("AT+CGSN=1")).toEqual(["+CGSN: " + imei, "OK"]);
    const [imsi] = b.at("AT+CIMI");
    expect(imsi).toMatch(/^46011\d{10}$/);
    expect(bench({ seed: 11 }).at("AT+CGSN")[0]).toBe(imei);
  });

  it("AT+CGREG=n / AT+CEREG=n set the URC mode; CEREG=4 shows the granted PSM timers", () => {
    const b = bench();
    expect(b.at("AT+CGREG=1")).toEqual(["OK"]);
    expect(b.at("AT+CEREG=4")).toEqual(["OK"]);
    expect(b.wait(7000)).toEqual(["+CGREG: 1", "+CEREG: 1"]);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 1,1", "OK"]);
    expect(b.at('AT+CPSMS=1,,,"00100010","00000011"')).toEqual(["OK"]);
    expect(b.at("AT+CEREG?")).toEqual(['+CEREG: 4,1,"1A2B","0C3D4E5F",9,,,"00000011","00100010"', "OK"]);
    expect(b.at("AT+CGREG=3")).toEqual(["ERROR"]);
  });

  it("CFUN=0 prints +CPIN: NOT READY before OK and detaches; CFUN=1 prints +CPIN: READY after OK and attaches again", () => {
    const b = bench();
    b.attach();
    expect(b.at("AT+CFUN?")).toEqual(["+CFUN: 1", "OK"]);
    expect(b.at("AT+CFUN=0")).toEqual(["+CPIN: NOT READY", "OK"]);
    expect(b.raw()).toContain("\r\n+CPIN: NOT READY\r\n\r\nOK\r\n");
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,0", "OK"]);
    expect(b.at("AT+CSQ")).toEqual(["+CSQ: 99,99", "OK"]);
    expect(b.at("AT+CPIN?")).toEqual(["+CPIN: NOT READY", "OK"]);
    expect(b.at("AT+CFUN=0")).toEqual(["OK"]);
    expect(b.at("AT+CFUN=1", 600)).toEqual(["OK", "+CPIN: READY"]);
    expect(b.sim.state().attached).toBe(false);
    b.attach();
    expect(b.at("AT+CFUN=1")).toEqual(["OK"]); // already on: no +CPIN line
    expect(b.at("AT+CFUN=4")).toEqual(["ERROR"]);
  });

  it("the APN command works only at CFUN=0 and only in the spelling the firmware knows", () => {
    const star = bench();
    star.at("AT+CMEE=1");
    expect(star.at('AT*MCGDEFCONT="IP","ctnb"')).toEqual(["+CME ERROR: 3"]);
    expect(star.at('AT+MCGDEFCONT="IP","ctnb"')).toEqual(["ERROR"]);
    expect(star.at("AT*MCGDEFCONT?")).toEqual(['*MCGDEFCONT: "IP","ctnb"', "OK"]);
    star.at("AT+CFUN=0");
    expect(star.at('AT*MCGDEFCONT="IP","psm0.eDRX0.ctnb"')).toEqual(["OK"]);
    expect(star.at("AT*MCGDEFCONT=IP")).toEqual(["+CME ERROR: 50"]);
    expect(star.at("AT*MCGDEFCONT?")).toEqual(['*MCGDEFCONT: "IP","psm0.eDRX0.ctnb"', "OK"]);
    expect(star.sim.state().savedApn).toBe("psm0.eDRX0.ctnb");

    const plus = bench({ apnSpelling: "plus" });
    plus.at("AT+CFUN=0");
    expect(plus.at('AT*MCGDEFCONT="IP","ctnb"')).toEqual(["ERROR"]);
    expect(plus.at('AT+MCGDEFCONT="IP","ctnb"')).toEqual(["OK"]);
    expect(plus.at("AT+MCGDEFCONT?")).toEqual(['+MCGDEFCONT: "IP","ctnb"', "OK"]);

    const both = bench({ apnSpelling: "both" });
    both.at("AT+CFUN=0");
    expect(both.at('AT*MCGDEFCONT="IP","a"')).toEqual(["OK"]);
    expect(both.at('AT+MCGDEFCONT="IP","b"')).toEqual(["OK"]);
  });

  it("a wrong saved APN is refused (stat 3, or 2 in the other variant) until fixed; the APN survives a reboot", () => {
    const b = bench({ initialApn: "cmnbiot", networkApn: "ctnb" });
    b.wait(10000);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,3", "OK"]);
    expect(b.at("AT+CSQ")[0]).not.toBe("+CSQ: 99,99");
    b.at("AT+CFUN=0");
    b.at('AT*MCGDEFCONT="IP","CTNB"'); // APNs compare case-insensitively
    b.at("AT+CFUN=1");
    b.attach();
    b.sim.faults.reboot();
    b.wait(3000);
    expect(b.sim.state().savedApn).toBe("CTNB");
    b.attach();

    const s = bench({ initialApn: "cmnbiot", wrongApnStat: 2 });
    s.wait(10000);
    expect(s.at("AT+CGREG?")).toEqual(["+CGREG: 0,2", "OK"]);
  });

  it("noSignal: CSQ 99,99, stat 2 (or the given one) for the time, then attach again with a new address", () => {
    const b = bench();
    b.attach();
    const ip1 = b.sim.state().ip;
    b.sim.faults.noSignal(60000);
    expect(b.at("AT+CSQ")).toEqual(["+CSQ: 99,99", "OK"]);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,2", "OK"]);
    expect(b.at("AT+CGCONTRDP")).toEqual(["OK"]);
    b.wait(59000);
    expect(b.sim.state().attached).toBe(false);
    b.wait(1000);
    b.attach();
    expect(b.sim.state().ip).not.toBe(ip1);
    b.sim.faults.noSignal(5000, 4);
    expect(b.at("AT+CEREG?")).toEqual(["+CEREG: 0,4", "OK"]);
  });

  it("denied (stat 3) keeps the signal", () => {
    const b = bench({ rssi: 17 });
    b.sim.faults.noSignal(30000, 3);
    b.wait(10000);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,3", "OK"]);
    expect(b.at("AT+CSQ")).toEqual(["+CSQ: 17,0", "OK"]);
    b.wait(20000);
    b.attach();
  });

  it("noSim: +CME ERROR: 10 for CPIN/CIMI, stat 0, until the SIM is back", () => {
    const b = bench();
    b.at("AT+CMEE=1");
    b.attach();
    b.sim.faults.noSim(false);
    expect(b.at("AT+CPIN?")).toEqual(["+CME ERROR: 10"]);
    expect(b.at("AT+CIMI")).toEqual(["+CME ERROR: 10"]);
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,0", "OK"]);
    b.sim.faults.noSim(true);
    expect(b.at("AT+CPIN?")).toEqual(["+CPIN: READY", "OK"]);
    b.attach();
    expect(b.sim.summary().faults).toEqual({ noSim: 1, simInserted: 1 });
  });

  it("AT+IPR persists the rate; 0 is auto-baud", () => {
    const b = bench({ autoBaud: true });
    b.at("AT"); // eaten
    expect(b.at("AT+IPR?")).toEqual(["+IPR: 0", "OK"]);
    expect(b.at("AT+IPR=115200")).toEqual(["OK"]);
    expect(b.at("AT+IPR=1234")).toEqual(["ERROR"]);
    b.sim.faults.reboot();
    expect(b.wait(3000)).toEqual(["RDY", "+CFUN: 1", "+CPIN: READY"]);
    expect(b.at("AT+IPR?")).toEqual(["+IPR: 115200", "OK"]);
  });
});
