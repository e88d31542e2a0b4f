// Parsers for the module's answers, from the lines in the application note and protocol.md.
import { describe, expect, it } from "vitest";
import { intField, textField } from "../../lib/at/fields";
import * as P from "../../lib/sim7020/parse";
import { decodeActive, decodeTau, encodeActive, encodeTau, cmdPsmOn } from "../../lib/sim7020/psm";

describe("field readers", () => {
  it("read integers and quoted text by index, respecting quotes", () => {
    const l = '+COPS: 0,0,"CHN,CT",9';
    expect(intField(l, 7, 0)).toBe(0);
    expect(textField(l, 7, 2)).toBe("CHN,CT");
    expect(intField(l, 7, 3)).toBe(9);
    expect(intField(l, 7, 4)).toBe(-1);
    expect(intField("+X: 1a,2", 4, 0)).toBe(-1);
    expect(intField("+X: 1234567890", 4, 0)).toBe(-1);
  });
});

describe("SIM7020 parsers", () => {
  it("CPIN", () => {
    expect(P.parseCpin("+CPIN: READY")).toBe(P.CPIN_READY);
    expect(P.parseCpin("+CPIN: NOT READY")).toBe(P.CPIN_NOT_READY);
    expect(P.parseCpin("+CPIN: SIM PIN")).toBe(P.CPIN_OTHER);
    expect(P.parseCpin("+CSQ: 1,1")).toBe(-1);
  });

  it("CSQ with 99 as unknown and garbage refused", () => {
    expect(P.parseCsq("+CSQ: 20,0")).toBe(20);
    expect(P.parseCsq("+CSQ: 99,99")).toBe(99);
    expect(P.parseCsq("+CSQ: 45,0")).toBe(-1);
    expect(P.parseCsq("+CSQ:")).toBe(-1);
    expect(P.rssiToDbm(20)).toBe(-73);
    expect(P.rssiToDbm(99)).toBe(0);
  });

  it("CGREG / CEREG stat", () => {
    expect(P.parseRegStat("+CGREG: 0,1", "+CGREG:")).toBe(1);
    expect(P.parseRegStat("+CEREG: 0,5", "+CEREG:")).toBe(5);
    expect(P.parseRegStat("+CGREG: 0,2", "+CGREG:")).toBe(2);
    expect(P.isRegistered(1) && P.isRegistered(5) && !P.isRegistered(2) && !P.isRegistered(3)).toBe(true);
    expect(P.parseRegStat("+CGREG: 0", "+CGREG:")).toBe(-1);
  });

  it("CGACT, COPS", () => {
    expect(P.parseCgact("+CGACT: 1,1")).toBe(1);
    expect(P.parseCgact("+CGACT: 1,0")).toBe(0);
    expect(P.parseCopsOperator('+COPS: 0,0,"CHN-CT",9')).toBe("CHN-CT");
    expect(P.parseCopsAct('+COPS: 0,0,"CHN-CT",9')).toBe(9);
    expect(P.parseCopsOperator("+COPS: 0")).toBe("");
  });

  it("CGCONTRDP on one line and split over two lines as the note prints it", () => {
    const one = P.cgcontrdpBody(['+CGCONTRDP: 1,5,"ctnb","10.250.0.213.255.255.255.0"']);
    expect(P.contrdpApn(one)).toBe("ctnb");
    expect(P.contrdpIp(one)).toBe("10.250.0.213");
    const two = P.cgcontrdpBody(["+CGCONTRDP:", '1,5,"shnbiot","10.250.0.213.255.255.255.0"']);
    expect(P.contrdpApn(two)).toBe("shnbiot");
    expect(P.contrdpIp(two)).toBe("10.250.0.213");
    expect(P.contrdpApn(P.cgcontrdpBody([]))).toBe("");
  });

  it("APN read in both spellings, and APN comparison with an operator suffix", () => {
    expect(P.parseApnRead('*MCGDEFCONT: "IP","ctnb"')).toBe("ctnb");
    expect(P.parseApnRead('+MCGDEFCONT: "IP","3GNET"')).toBe("3GNET");
    expect(P.parseApnRead("OK")).toBeUndefined();
    expect(P.apnMatches("ctnb", "CTNB")).toBe(true);
    expect(P.apnMatches("ctnb", "ctnb.mnc011.mcc460.gprs")).toBe(true);
    expect(P.apnMatches("ctnb", "ctnbx")).toBe(false);
    expect(P.apnMatches("ctnb", "shnbiot")).toBe(false);
  });

  it("IMEI / IMSI from bare or prefixed lines, skipping boot chatter", () => {
    expect(P.digitsLine(["864403040012345"], "+CGSN:")).toBe("864403040012345");
    expect(P.digitsLine(["SMS Ready", "+CGSN: 864403040012345"], "+CGSN:")).toBe("864403040012345");
    expect(P.digitsLine(["ERRORX"], "+CIMI:")).toBe("");
  });

  it("CPSMS and IPR reads", () => {
    expect(P.parseCpsms('+CPSMS: 1,,,"00100001","00011110"')).toEqual({ mode: 1, tau: "00100001", active: "00011110" });
    expect(P.parseCpsms("+CPSMS: 0")).toEqual({ mode: 0, tau: "", active: "" });
    expect(P.parseIpr("+IPR: 115200")).toBe(115200);
    expect(P.parseIpr("+IPR: 0")).toBe(0);
  });
});

describe("PSM timer encoding (3GPP 24.008 GPRS timer 3 / timer 2)", () => {
  it("encodes exact values in the right unit", () => {
    expect(encodeTau(3600)).toBe("00100001"); // 1 x 1 h
    expect(encodeTau(86400)).toBe("00111000"); // 24 x 1 h
    expect(encodeTau(600)).toBe("00000001"); // 1 x 10 min
    expect(encodeTau(60)).toBe("10100001"); // 1 x 1 min
    expect(encodeTau(10)).toBe("01100101"); // 5 x 2 s
    expect(encodeActive(60)).toBe("00100001"); // 1 x 1 min (fewer steps than 30 x 2 s)
    expect(encodeActive(120)).toBe("00100010"); // 2 x 1 min
    expect(encodeActive(0)).toBe("00000000");
  });

  it("rounds up to the nearest value it can express, and caps at the maximum", () => {
    expect(decodeTau(encodeTau(3601))).toBeGreaterThanOrEqual(3601);
    expect(decodeTau(encodeTau(3601))).toBeLessThanOrEqual(3600 + 600);
    expect(decodeTau(encodeTau(10 ** 9))).toBe(31 * 320 * 3600);
    expect(decodeActive(encodeActive(61))).toBe(62);
  });

  it("round-trips every value a unit can express exactly", () => {
    for (let s = 2; s <= 62; s += 2) expect(decodeTau(encodeTau(s))).toBe(s);
    for (let h = 1; h <= 31; h++) expect(decodeTau(encodeTau(h * 3600))).toBe(h * 3600);
    expect(decodeTau("11100000")).toBe(-1);
    expect(cmdPsmOn(3600, 60)).toBe('AT+CPSMS=1,,,"00100001","00100001"');
  });
});
