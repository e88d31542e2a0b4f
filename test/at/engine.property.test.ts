// Property: the note's section 5 exchange, recorded as module output per command, gives the same lines,
// the same command results and the same URCs under any chunking of that output — including splits
// inside "\r\n" and inside the "+CTM2M" prefixes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Aep } from "../../lib/aep/ctm2m";
import { CTM2M_STRAY_OK_MS } from "../../lib/aep/codes";
import { At } from "../../lib/at/engine";
import { AT_ECHO } from "../../lib/at/result";
import { FakeClock } from "../support/fake-clock";

/** The row's head: the expected prefix, a timeout and no flags (the command text is appended). */
const S = (prefix: string): string => prefix + "|5000|0|";

/** Each command with what the module printed until its final result (and the URCs that followed). */
const SECTION5: { cmd: string; spec: string; out: string }[] = [
  { cmd: 'AT+CTM2MINIT="221.229.214.202",5683,300,0,0', spec: S(""), out: "\r\nOK\r\n" },
  { cmd: "AT+CTM2MINIT?", spec: S("+CTM2MINIT:"), out: "\r\n+CTM2MINIT: 221.229.214.202,5683,300,0,0\r\n\r\nOK\r\n" },
  { cmd: "AT+CTM2MREG=300", spec: S(""), out: "\r\nOK\r\n\r\n+CTM2M: reg,0\r\n" },
  { cmd: "AT+CTM2MREG?", spec: S("+CTM2MREG:"), out: "\r\n+CTM2MREG: 3\r\n\r\nOK\r\n" },
  { cmd: "AT+CTM2MUPDATE=0", spec: S("+CTM2MUPDATE:"), out: "\r\n+CTM2MUPDATE: 35194\r\n\r\nOK\r\n\r\n+CTM2M: update,0,35194\r\n" },
  {
    cmd: "AT+CTM2MSEND=0200010006313233343536,0",
    spec: S("+CTM2MSEND:"),
    out: "\r\n+CTM2MSEND: 46205\r\n\r\n+CTM2MRECV: 061F41001A0006613132333032\r\nOK\r\n\r\n+CTM2M: send,0,46205\r\n\r\n+CTM2MRECV:061F42001200080006623132333031\r\n",
  },
  { cmd: "AT+CTM2MSEND=00", spec: S("+CTM2MSEND:"), out: "\r\n+CTM2M ERROR: 17\r\n\r\nOK\r\n" },
  { cmd: "AT+CTM2MDEREG", spec: S(""), out: "\r\nOK\r\n\r\n+CTM2M: dereg,0\r\n" },
];

interface Run {
  results: string[];
  urcs: string[];
  /** Lines nobody wanted, and OKs swallowed after +CTM2M ERROR. */
  unexpected: number;
  strayOk: number;
}

function replay(cut: (s: string) => string[]): Run {
  const clock = new FakeClock();
  const results: string[] = [];
  const urcs: string[] = [];
  const eng: At = new At(
    { write() {} },
    clock,
    {
      atDone(tag: number, code: number, errNo: number) {
        if (code === AT_ECHO) return;
        results.push(tag + ":" + code + ":" + errNo + ":" + eng.resp.slice(0, eng.lines).join("|"));
      },
    },
    (_owner, l) => {
      if (l.indexOf("+CTM2M:") !== 0 && l.indexOf("+CTM2MRECV:") !== 0) return false;
      urcs.push(l);
      return true;
    },
    Aep.FINAL,
    CTM2M_STRAY_OK_MS,
  );
  SECTION5.forEach((c, i) => {
    eng.send(c.spec + c.cmd, i);
    for (const piece of cut(c.out)) eng.feed(piece);
    clock.advance(500); // past the stray-OK guard
  });
  return { results, urcs, unexpected: eng.unexpected, strayOk: eng.strayOk };
}

describe("At property: any chunking of the note's section 5 gives the same results", () => {
  const whole = replay((s) => [s]);

  it("the unchunked replay reads as the note says", () => {
    expect(whole.results).toEqual([
      "0:0:0:",
      "1:0:0:+CTM2MINIT: 221.229.214.202,5683,300,0,0",
      "2:0:0:",
      "3:0:0:+CTM2MREG: 3",
      "4:0:0:+CTM2MUPDATE: 35194",
      "5:0:0:+CTM2MSEND: 46205",
      "6:3:17:",
      "7:0:0:",
    ]);
    expect(whole.urcs).toEqual([
      "+CTM2M: reg,0",
      "+CTM2M: update,0,35194",
      "+CTM2MRECV: 061F41001A0006613132333032",
      "+CTM2M: send,0,46205",
      "+CTM2MRECV:061F42001200080006623132333031",
      "+CTM2M: dereg,0",
    ]);
    expect(whole.unexpected).toBe(0);
    expect(whole.strayOk).toBe(1);
  });

  it("holds for every chunking fast-check draws", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 64 }), (sizes) => {
        let k = 0;
        const run = replay((s) => {
          const out: string[] = [];
          for (let i = 0; i < s.length; ) {
            const n = sizes[k++ % sizes.length];
            out.push(s.substring(i, i + n));
            i += n;
          }
          return out;
        });
        expect(run).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });
});
