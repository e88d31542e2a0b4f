// Reading the module's answers, from the lines in the application note and protocol.md: the parsers in
// lib/sim7020/parse.ts, the one-field answers the link reads in place with the field readers
// (lib/link/bringup.ts, ready.ts: CGREG/CEREG stat, COPS, *MCGDEFCONT, CPSMS, IPR), and the PSM timers.
import { describe, expect, it } from "vitest";
import { afterPrefix, field, Field } from "../../lib/at/fields";
import * as P from "../../lib/sim7020/parse";
import { psmBits, psmSeconds } from "../../lib/sim7020/psm";
import { Net } from "../../lib/sim7020/rows";

/** Field `n` of a `prefix` line as an integer, read the way the link reads it. */
const intAfter = (line: string, prefix: string, n: number) => field(line, afterPrefix(line, prefix), n, Field.INT);
const textAfter = (line: string, prefix: string, n: number) => field(line, afterPrefix(line, prefix), n, Field.TEXT);

describe("field readers", () => {
  it("read integers and quoted text by index, respecting quotes", () => {
    const l = '+COPS: 0,0,"CHN,CT",9';
    expect(afterPrefix(l, "+COPS:")).toBe(7);
    expect(afterPrefix("+COPS:0", "+COPS:")).toBe(6);
    expect(afterPrefix(l, "+CSQ:")).toBe(-1);
    expect(field(l, 7, 0, Field.INT)).toBe(0);
    expect(field(l, 7, 2, Field.TEXT)).toBe("CHN,CT");
    expect(field(l, 7, 3, Field.INT)).toBe(9);
    expect(field(l, 7, 4, Field.INT)).toBe(-1);
    expect(field(l, 7, 4, Field.TEXT)).toBeUndefined();
    expect(field("+X: 1a,2", 4, 0, Field.INT)).toBe(-1);
    expect(field("+X: 1234567890", 4, 0, Field.INT)).toBe(-1);
    expect(field("+X: 123456789", 4, 0, Field.INT)).toBe(123456789);
    expect(field("+X: -1", 4, 0, Field.INT)).toBe(-1);
    expect(field("+X: ,5", 4, 0, Field.INT)).toBe(-1);
    expect(field("+X:  7 , 8 ", 3, 1, Field.INT)).toBe(8);
    expect(field("+X: 1", -1, 0, Field.INT)).toBe(-1);
  });
});

describe("SIM7020 parsers", () => {
  it("CPIN", () => {
    expect(P.parseValue("+CPIN: READY")).toBe(P.CPIN_READY);
    expect(P.parseValue("+CPIN: NOT READY")).toBe(P.CPIN_NOT_READY);
    expect(P.parseValue("+CPIN: SIM PIN")).toBe(P.CPIN_OTHER);
    expect(P.parseValue("+CPIN: SIM PUK")).toBe(P.CPIN_OTHER);
    expect(P.parseValue("+CPIN:READY")).toBe(P.CPIN_READY);
    expect(P.parseValue("+CGREG: 0,1")).toBe(-1);
    expect(P.parseValue("")).toBe(-1);
  });

  it("CSQ with 99 as unknown and garbage refused", () => {
    expect(P.parseValue("+CSQ: 20,0")).toBe(20);
    expect(P.parseValue("+CSQ: 0,0")).toBe(0);
    expect(P.parseValue("+CSQ: 31,99")).toBe(31);
    expect(P.parseValue("+CSQ: 99,99")).toBe(99);
    expect(P.parseValue("+CSQ: 32,0")).toBe(-1);
    expect(P.parseValue("+CSQ: 45,0")).toBe(-1);
    expect(P.parseValue("+CSQ: 98,0")).toBe(-1);
    expect(P.parseValue("+CSQ: x,0")).toBe(-1);
    expect(P.parseValue("+CSQ: ,0")).toBe(-1);
    expect(P.parseValue("+CSQ:")).toBe(-1);
    expect(P.parseValue("+CPIN: READY")).toBe(P.CPIN_READY); // the other kind, read as such
    expect(P.parseValue("")).toBe(-1);
  });

  it("CGREG / CEREG stat, read as field 1 (as bringup reads it)", () => {
    expect(intAfter("+CGREG: 0,1", "+CGREG:", 1)).toBe(1);
    expect(intAfter("+CEREG: 0,5", "+CEREG:", 1)).toBe(5);
    expect(intAfter("+CGREG: 0,2", "+CGREG:", 1)).toBe(2);
    expect(intAfter("+CGREG: 0,3", "+CGREG:", 1)).toBe(3);
    expect(intAfter("+CGREG: 0,0", "+CGREG:", 1)).toBe(0);
    // With location information (n = 2 / 4), the stat is still field 1.
    expect(intAfter('+CEREG: 2,1,"1A2B","0C3D4E5F",9', "+CEREG:", 1)).toBe(1);
    expect(intAfter('+CEREG: 4,5,"1A2B","0C3D4E5F",9,,,"00100001","00000110"', "+CEREG:", 1)).toBe(5);
    expect(intAfter("+CGREG: 0", "+CGREG:", 1)).toBe(-1);
    expect(intAfter("+CEREG: 0,1", "+CGREG:", 1)).toBe(-1);
    expect(intAfter("+CGREG: 0,x", "+CGREG:", 1)).toBe(-1);
  });

  it("COPS operator and access technology (as ready.ts reads them)", () => {
    expect(textAfter('+COPS: 0,0,"CHN-CT",9', "+COPS:", 2)).toBe("CHN-CT");
    expect(intAfter('+COPS: 0,0,"CHN-CT",9', "+COPS:", 3)).toBe(9);
    expect(textAfter('+COPS: 0,2,"46011",9', "+COPS:", 2)).toBe("46011");
    expect(textAfter("+COPS: 0", "+COPS:", 2)).toBeUndefined();
  });

  it("CGCONTRDP on one line and split over two lines as the note prints it", () => {
    expect(P.parseContrdp(['+CGCONTRDP: 1,5,"ctnb","10.250.0.213.255.255.255.0"'])).toEqual(["ctnb", "10.250.0.213"]);
    expect(P.parseContrdp(["+CGCONTRDP:", '1,5,"shnbiot","10.250.0.213.255.255.255.0"'])).toEqual(["shnbiot", "10.250.0.213"]);
    expect(P.parseContrdp(["+CGCONTRDP: ", '1,5,"ctnb.mnc011.mcc460.gprs","100.64.1.2.255.255.255.0"'])).toEqual(["ctnb.mnc011.mcc460.gprs", "100.64.1.2"]);
    // A stray line between the two is not taken for the context.
    expect(P.parseContrdp(["+CGCONTRDP:", "SMS Ready", '1,5,"ctnb","10.0.0.7.255.0.0.0"'])).toEqual(["ctnb", "10.0.0.7"]);
    // An address without a mask, and a context without an address.
    expect(P.parseContrdp(['+CGCONTRDP: 1,5,"ctnb","10.0.0.7"'])).toEqual(["ctnb", "10.0.0.7"]);
    expect(P.parseContrdp(['+CGCONTRDP: 1,5,"ctnb"'])).toEqual(["ctnb", ""]);
    // Bare OK (no context yet), and nothing that looks like one.
    expect(P.parseContrdp([])).toEqual(["", ""]);
    expect(P.parseContrdp(["+CGCONTRDP:"])).toEqual(["", ""]);
    expect(P.parseContrdp(["SMS Ready", "+CPIN: READY"])).toEqual(["", ""]);
  });

  it("APN read in both spellings (as bringup reads it; the comparison with an operator suffix: test/link/happy.test.ts)", () => {
    expect(textAfter('*MCGDEFCONT: "IP","ctnb"', "*MCGDEFCONT:", 1)).toBe("ctnb");
    expect(textAfter('+MCGDEFCONT: "IP","3GNET"', "+MCGDEFCONT:", 1)).toBe("3GNET");
    expect(textAfter('*MCGDEFCONT: "IP","ctnb","user","pass"', "*MCGDEFCONT:", 1)).toBe("ctnb");
    expect(textAfter('+MCGDEFCONT: "IP","3GNET"', "*MCGDEFCONT:", 1)).toBeUndefined();
    expect(textAfter("OK", "*MCGDEFCONT:", 1)).toBeUndefined();
  });

  it("IMEI / IMSI from bare or prefixed lines, skipping boot chatter", () => {
    expect(P.digitsLine(["864403040012345"], "+CGSN:")).toBe("864403040012345");
    expect(P.digitsLine(["SMS Ready", "+CGSN: 864403040012345"], "+CGSN:")).toBe("864403040012345");
    expect(P.digitsLine(["+CIMI: 460111174590523"], "+CIMI:")).toBe("460111174590523");
    expect(P.digitsLine(["ERRORX"], "+CIMI:")).toBe("");
    expect(P.digitsLine(["12345", "123456789012345678"], "+CGSN:")).toBe(""); // too short, too long
    expect(P.digitsLine(["86440304001234x"], "+CGSN:")).toBe("");
    expect(P.digitsLine([], "+CGSN:")).toBe("");
  });

  it("CPSMS and IPR reads (as bringup reads them)", () => {
    const cpsms = '+CPSMS: 1,,,"00100001","00011110"';
    expect(intAfter(cpsms, "+CPSMS:", 0)).toBe(1);
    expect(textAfter(cpsms, "+CPSMS:", 3)).toBe("00100001");
    expect(textAfter(cpsms, "+CPSMS:", 4)).toBe("00011110");
    expect(intAfter("+CPSMS: 0", "+CPSMS:", 0)).toBe(0);
    expect(textAfter("+CPSMS: 0", "+CPSMS:", 3)).toBeUndefined();
    expect(intAfter("OK", "+CPSMS:", 0)).toBe(-1);
    expect(intAfter("+IPR: 115200", "+IPR:", 0)).toBe(115200);
    expect(intAfter("+IPR: 0", "+IPR:", 0)).toBe(0); // auto-baud
    expect(intAfter("+IPR:", "+IPR:", 0)).toBe(-1);
  });
});

describe("PSM timer encoding (3GPP 24.008 GPRS timer 3 / timer 2)", () => {
  /** Every value a timer's bit strings can say, from the decoder. */
  function values(tau: boolean): number[] {
    const out: number[] = [];
    for (let v = 0; v < 256; v++) {
      const s = psmSeconds(v.toString(2).padStart(8, "0"), tau);
      if (s >= 0) out.push(s);
    }
    return out.sort((a, b) => a - b);
  }

  it("encodes exact values in the right unit", () => {
    expect(psmBits(3600, true)).toBe("00100001"); // 1 x 1 h
    expect(psmBits(86400, true)).toBe("00111000"); // 24 x 1 h
    expect(psmBits(600, true)).toBe("00000001"); // 1 x 10 min (fewer steps than 20 x 30 s)
    expect(psmBits(60, true)).toBe("10100001"); // 1 x 1 min
    expect(psmBits(10, true)).toBe("01100101"); // 5 x 2 s
    expect(psmBits(36000, true)).toBe("01000001"); // 1 x 10 h
    expect(psmBits(60, false)).toBe("00100001"); // 1 x 1 min (fewer steps than 30 x 2 s)
    expect(psmBits(120, false)).toBe("00100010"); // 2 x 1 min
    expect(psmBits(10, false)).toBe("00000101"); // 5 x 2 s
    expect(psmBits(360, false)).toBe("01000001"); // 1 x 6 min
    expect(psmBits(0, false)).toBe("00000000");
  });

  it("decodes the bit strings, refusing malformed ones and 'deactivated'", () => {
    expect(psmSeconds("00100001", true)).toBe(3600);
    expect(psmSeconds("11011111", true)).toBe(31 * 320 * 3600);
    expect(psmSeconds("00100001", false)).toBe(60);
    expect(psmSeconds("11100000", true)).toBe(-1);
    expect(psmSeconds("11100000", false)).toBe(-1);
    expect(psmSeconds("0010000", true)).toBe(-1);
    expect(psmSeconds("001000012", true)).toBe(-1);
    expect(psmSeconds("0010000x", true)).toBe(-1);
    expect(psmSeconds("", false)).toBe(-1);
  });

  it("rounds up to the smallest value it can express, and caps at the maximum", () => {
    for (const tau of [true, false]) {
      const vals = values(tau);
      const max = vals[vals.length - 1];
      for (const v of vals) {
        for (const s of [v - 1, v, v + 1]) {
          if (s < 0) continue;
          const want = s > max ? max : vals.find((w) => w >= s);
          expect(psmSeconds(psmBits(s, tau), tau), (tau ? "T3412 " : "T3324 ") + s + " s").toBe(want);
        }
      }
    }
    expect(psmSeconds(psmBits(3601, true), true)).toBe(3600 + 600);
    expect(psmSeconds(psmBits(10 ** 9, true), true)).toBe(31 * 320 * 3600);
    expect(psmSeconds(psmBits(10 ** 9, false), false)).toBe(31 * 6 * 60);
    expect(psmSeconds(psmBits(61, false), false)).toBe(62);
  });

  it("round-trips every value a unit can express exactly", () => {
    for (const tau of [true, false]) for (const v of values(tau)) expect(psmSeconds(psmBits(v, tau), tau)).toBe(v);
    for (let s = 2; s <= 62; s += 2) expect(psmSeconds(psmBits(s, true), true)).toBe(s);
    for (let h = 1; h <= 31; h++) expect(psmSeconds(psmBits(h * 3600, true), true)).toBe(h * 3600);
  });

  it("the CPSMS row takes the two timers appended", () => {
    const r = Net.CPSMS_ON + psmBits(3600, true) + '","' + psmBits(60, false) + '"';
    expect(r.substring(r.lastIndexOf("|") + 1)).toBe('AT+CPSMS=1,,,"00100001","00100001"');
  });
});
