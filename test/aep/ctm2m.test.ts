// The AEP side of the module, from the note's section 3 and 5 lines: the +CTM2M notices as the URC parser
// (lib/link/urc.ts) posts them, the INIT command and its read-back (initRow, initMatches), the PSK mask
// (redact), the error texts, and the command rows of lib/aep/ctm2m.ts run through the real AT engine.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Aep, initMatches, initRow, redact, ResultOf, resultText } from "../../lib/aep/ctm2m";
import {
  CE_ALREADY_CONNECTED, CE_DISABLED, CE_FOTA, CE_HEX_DECODE, CE_NOT_CONNECTED, CE_NOT_READY, CE_NO_IMSI, CE_ODD_LENGTH,
  CE_OTHER, CE_PARAM_COUNT, CE_PARAM_VALUE, CE_SESSION_ACTIVE, CE_SESSION_FAILED, CE_TOO_LONG, CTM2M_STRAY_OK_MS,
  OP_CONN, OP_DEREG, OP_LWSTATUS, OP_OBSRV, OP_PING, OP_PLAT, OP_PSM, OP_REG, OP_SEND, OP_UPDATE, REG_AUTH_REJECTED,
  REG_BAD_ENDPOINT, REG_NOT_SENT, REG_TIMEOUT, REG_UNSUPPORTED,
} from "../../lib/aep/codes";
import { At } from "../../lib/at/engine";
import { AT_CANCELLED, AT_CME_ERROR, AT_ECHO, AT_ERROR, AT_EXTRA_ERROR, AT_OK, AT_TIMEOUT } from "../../lib/at/result";
import { EV_DOWNLINK, EV_NOTICE } from "../../lib/link/events";
import type { Link } from "../../lib/link/machine";
import { urcLine } from "../../lib/link/urc";
import { testConfig } from "../support/config";
import { FakeClock } from "../support/fake-clock";

/** What urcLine posts: [type, id, code, err, d1, d2, text]. */
type Posted = [number, number, number, number, number, number, string];

/** The link as the URC parser and the AT engine see it: it records posts and finished commands. */
function fakeLink() {
  const posts: Posted[] = [];
  const done: { tag: number; code: number; err: number; lines: string[] }[] = [];
  const owner = {
    at: undefined as unknown as At,
    post(type: number, id: number, code: number, err: number, d1: number, d2: number, text: string) {
      posts.push([type, id, code, err, d1, d2, text]);
    },
    atDone(tag: number, code: number, err: number) {
      if (code === AT_ECHO) return;
      done.push({ tag, code, err, lines: owner.at.resp.slice(0, owner.at.lines) });
    },
  };
  return { owner, posts, done, link: owner as unknown as Link };
}

function notice(line: string): { recognised: boolean; posts: Posted[] } {
  const f = fakeLink();
  const recognised = urcLine(f.link, line);
  return { recognised, posts: f.posts };
}

describe("+CTM2M notices (lib/link/urc.ts urcLine)", () => {
  it("parses every operation in both the note's and the MT2625 spelling", () => {
    // EV_NOTICE: id = OP_*, code = status, d1/d2 = the next two fields (-1 when absent).
    expect(notice("+CTM2M: send,0,46205")).toEqual({ recognised: true, posts: [[EV_NOTICE, OP_SEND, 0, 0, 46205, -1, ""]] });
    expect(notice("+CTM2M:reg,0")).toEqual({ recognised: true, posts: [[EV_NOTICE, OP_REG, 0, 0, -1, -1, ""]] });
    expect(notice("+CTM2M: reg,13").posts).toEqual([[EV_NOTICE, OP_REG, 13, 0, -1, -1, ""]]);
    expect(notice("+CTM2M: obsrv,0").posts[0][1]).toBe(OP_OBSRV);
    expect(notice("+CTM2M: update,0,35194").posts).toEqual([[EV_NOTICE, OP_UPDATE, 0, 0, 35194, -1, ""]]);
    expect(notice("+CTM2M: dereg,0").posts[0][1]).toBe(OP_DEREG);
    expect(notice("+CTM2M: lwstatus,0").posts[0][1]).toBe(OP_LWSTATUS);
    expect(notice("+CTM2M: ping,1").posts).toEqual([[EV_NOTICE, OP_PING, 1, 0, -1, -1, ""]]);
    expect(notice("+CTM2M: plat,1,600,0").posts).toEqual([[EV_NOTICE, OP_PLAT, 1, 0, 600, 0, ""]]);
    expect(notice("+CTM2M: psm,0").posts[0][1]).toBe(OP_PSM);
    expect(notice("+CTM2M: conn,0").posts[0][1]).toBe(OP_CONN);
    expect(notice("+CTM2M:send,9,7").posts).toEqual([[EV_NOTICE, OP_SEND, 9, 0, 7, -1, ""]]);
  });

  it("survives unknown and garbled notices: an unknown operation is not guessed at, bad numbers read -1", () => {
    expect(notice("+CTM2M: fota,3")).toEqual({ recognised: false, posts: [] });
    expect(notice("+CTM2M:")).toEqual({ recognised: false, posts: [] });
    expect(notice("+CTM2M: send,x,y")).toEqual({ recognised: true, posts: [[EV_NOTICE, OP_SEND, -1, 0, -1, -1, ""]] });
    expect(notice("+CTM2M: send")).toEqual({ recognised: true, posts: [[EV_NOTICE, OP_SEND, -1, 0, -1, -1, ""]] });
  });

  it("routes on the full prefix: +CTM2MSEND:, +CTM2MREG:, +CTM2MINIT:, +CTM2M ERROR: are no notices", () => {
    for (const l of ["+CTM2MSEND: 46205", "+CTM2MREG: 3", "+CTM2MINIT: 221.229.214.202,5683,300,0,0", "+CTM2M ERROR: 33", "+CTM2MUPDATE: 35194"]) {
      expect(notice(l)).toEqual({ recognised: false, posts: [] });
    }
  });

  it("a downlink carries its hex, with or without the space the note leaves out", () => {
    expect(notice("+CTM2MRECV: 061F41001A0006613132333032").posts).toEqual([[EV_DOWNLINK, 0, 0, 0, -1, -1, "061F41001A0006613132333032"]]);
    expect(notice("+CTM2MRECV:061F42001200080006623132333031").posts).toEqual([[EV_DOWNLINK, 0, 0, 0, -1, -1, "061F42001200080006623132333031"]]);
  });
});

describe("AEP parameters (initRow, initMatches, redact)", () => {
  afterEach(() => {
    testConfig({});
  });

  it("builds INIT as the note's section 5 does", () => {
    testConfig({ aep: { lifetimeS: 300 } });
    expect(initRow()).toBe(Aep.INIT + '"221.229.214.202",5683,300,0,0');
    expect(initRow().endsWith('AT+CTM2MINIT="221.229.214.202",5683,300,0,0')).toBe(true);
    testConfig({ aep: { server: "1.2.3.4", port: 5684, lifetimeS: 86400, autoTau: 2 } });
    expect(initRow().endsWith('AT+CTM2MINIT="1.2.3.4",5684,86400,2,0')).toBe(true);
  });

  it("reads the saved values back: all five must match, quoted address or not", () => {
    testConfig({ aep: { lifetimeS: 300 } });
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,0")).toBe(true);
    expect(initMatches('+CTM2MINIT: "221.229.214.202",5683,300,0,0')).toBe(true);
    expect(initMatches("+CTM2MINIT:221.229.214.202,5683,300,0,0")).toBe(true);
    expect(initMatches("+CTM2MINIT: 1.2.3.4,5683,300,0,0")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5684,300,0,0")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,86400,0,0")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,1,0")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,1,dev1")).toBe(false); // security differs
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0")).toBe(false);
    expect(initMatches("+CTM2MINIT:")).toBe(false);
    expect(initMatches("+CTM2MREG: 3")).toBe(false);
    expect(initMatches("")).toBe(false);
  });

  it("adds PSK fields with security on, and redact() hides them in the command and in an INIT? answer", () => {
    testConfig({ aep: { lifetimeS: 300, security: 1, pskId: "dev1", psk: "0011223344" } });
    const row = initRow();
    expect(row).toBe(Aep.INIT + '"221.229.214.202",5683,300,0,1,"dev1","0011223344"');
    // What the engine writes (and the link logs at level 3 through redact): the text after the row's third "|".
    const cmd = row.substring(row.indexOf("|", row.indexOf("|", row.indexOf("|") + 1) + 1) + 1);
    expect(cmd).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,1,"dev1","0011223344"');
    expect(redact(cmd)).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,1,***');
    expect(redact(cmd)).not.toContain("0011223344");
    expect(redact(cmd)).not.toContain("dev1");
    // The module's read format may print the pskid and even the PSK.
    expect(redact("+CTM2MINIT: 221.229.214.202,5683,300,0,1,dev1,0011223344")).toBe("+CTM2MINIT: 221.229.214.202,5683,300,0,1,***");
    expect(redact('+CTM2MINIT: "221.229.214.202",5683,300,0,2,"dev1","0011223344"')).toBe('+CTM2MINIT: "221.229.214.202",5683,300,0,2,***');
    // Nothing else is touched: no PSK, other commands, other answers.
    expect(redact('AT+CTM2MINIT="221.229.214.202",5683,300,0,0')).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,0');
    expect(redact("+CTM2MINIT: 221.229.214.202,5683,300,0,0")).toBe("+CTM2MINIT: 221.229.214.202,5683,300,0,0");
    expect(redact("AT+CSQ")).toBe("AT+CSQ");
    expect(redact("AT+CTM2MSEND=02000100020102,0")).toBe("AT+CTM2MSEND=02000100020102,0");
  });

  it("compares the pskid when the module prints it; the PSK itself never", () => {
    testConfig({ aep: { lifetimeS: 300, security: 1, pskId: "dev1", psk: "0011223344" } });
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,1,dev1")).toBe(true);
    expect(initMatches('+CTM2MINIT: 221.229.214.202,5683,300,0,1,"dev1","0011223344"')).toBe(true);
    expect(initMatches('+CTM2MINIT: 221.229.214.202,5683,300,0,1,"dev1","ffffffff"')).toBe(true);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,1")).toBe(true); // not printed: cannot compare
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,1,dev2")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,1,")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,2,dev1")).toBe(false);
    expect(initMatches("+CTM2MINIT: 221.229.214.202,5683,300,0,0")).toBe(false);
  });
});

describe("result, error and reg texts (resultText)", () => {
  it("names every +CTM2M ERROR number of the note, and every reg result", () => {
    const ce = [CE_OTHER, CE_PARAM_COUNT, CE_PARAM_VALUE, CE_NOT_CONNECTED, CE_DISABLED, CE_HEX_DECODE, CE_TOO_LONG, CE_NOT_READY, CE_NO_IMSI, CE_ODD_LENGTH, CE_SESSION_ACTIVE, CE_ALREADY_CONNECTED, CE_SESSION_FAILED, CE_FOTA];
    expect(ce).toEqual([1, 2, 3, 4, 7, 13, 14, 15, 16, 17, 32, 33, 34, 35]);
    const texts = ce.map((n) => resultText(AT_EXTRA_ERROR, n));
    for (const t of texts) expect(t).not.toMatch(/^code /);
    expect(new Set(texts).size).toBe(ce.length);
    expect(resultText(AT_EXTRA_ERROR, CE_ALREADY_CONNECTED)).toBe("already connected");
    expect(resultText(AT_EXTRA_ERROR, CE_NOT_READY)).toContain("not observed");
    expect(resultText(AT_EXTRA_ERROR, 99)).toBe("code 99");
    for (const n of [REG_TIMEOUT, REG_NOT_SENT, REG_BAD_ENDPOINT, REG_AUTH_REJECTED, REG_UNSUPPORTED]) expect(resultText(ResultOf.REG, n)).not.toMatch(/^code /);
    expect(resultText(ResultOf.REG, REG_AUTH_REJECTED)).toContain("authentication rejected");
    expect(resultText(ResultOf.REG, REG_BAD_ENDPOINT)).toContain("IMEI");
    expect(resultText(ResultOf.REG, 7)).toBe("code 7");
  });

  it("names the generic AT results for log lines", () => {
    expect([AT_OK, AT_ERROR, AT_TIMEOUT, AT_CANCELLED].map((c) => resultText(c, 0))).toEqual(["ok", "error", "timeout", "cancelled"]);
    expect(resultText(AT_CME_ERROR, 10)).toBe("cme 10");
    expect(resultText(AT_EXTRA_ERROR, 33)).toBe("already connected");
  });
});

describe("the command rows on the real AT engine", () => {
  let clock: FakeClock;
  let f: ReturnType<typeof fakeLink>;
  let writes: string[];
  let at: At;
  beforeEach(() => {
    testConfig({ aep: { lifetimeS: 300 } });
    clock = new FakeClock(0);
    f = fakeLink();
    writes = [];
    at = new At({ write: (d: string) => void writes.push(d) }, clock, f.owner, urcLine, Aep.FINAL, CTM2M_STRAY_OK_MS);
    f.owner.at = at;
  });
  const feed = (...lines: string[]) => at.feed(lines.map((l) => "\r\n" + l + "\r\n").join(""));

  it("INIT? then INIT: the module is asked, its saved line collected and compared, then written", () => {
    at.send(Aep.INIT_READ, 1);
    expect(writes).toEqual(["AT+CTM2MINIT?\r"]);
    feed("+CTM2MINIT: 1.2.3.4,5683,300,0,0", "OK");
    expect(f.done).toEqual([{ tag: 1, code: AT_OK, err: 0, lines: ["+CTM2MINIT: 1.2.3.4,5683,300,0,0"] }]);
    expect(initMatches(f.done[0].lines[0])).toBe(false);
    at.send(initRow(), 2);
    expect(writes[1]).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,0\r');
    feed("OK");
    expect(f.done[1]).toMatchObject({ tag: 2, code: AT_OK });
  });

  it("SEND: the message id is collected, the confirmation URC may come before OK", () => {
    at.send(Aep.SEND + "0200010006313233343536,0", 3);
    expect(writes).toEqual(["AT+CTM2MSEND=0200010006313233343536,0\r"]);
    feed("+CTM2MSEND: 46205", "+CTM2M: send,0,46205", "OK");
    expect(f.done).toEqual([{ tag: 3, code: AT_OK, err: 0, lines: ["+CTM2MSEND: 46205"] }]);
    expect(f.posts).toEqual([[EV_NOTICE, OP_SEND, 0, 0, 46205, -1, ""]]);
  });

  it("UPDATE, REG?, REG, REG=<lifetime>, DEREG: the note's spellings and answers", () => {
    at.send(Aep.UPDATE + "0", 4);
    feed("+CTM2MUPDATE: 35194", "OK");
    at.send(Aep.REG_READ, 5);
    feed("+CTM2MREG: 3", "OK");
    at.send(Aep.REG, 6);
    feed("OK", "+CTM2M: conn,0", "+CTM2M: reg,0", "+CTM2M: obsrv,0");
    at.send(Aep.REG_LIFETIME + "300", 7);
    feed("OK");
    at.send(Aep.DEREG, 8);
    feed("OK", "+CTM2M: dereg,0");
    expect(writes).toEqual(["AT+CTM2MUPDATE=0\r", "AT+CTM2MREG?\r", "AT+CTM2MREG\r", "AT+CTM2MREG=300\r", "AT+CTM2MDEREG\r"]);
    expect(f.done.map((d) => [d.tag, d.code, d.lines])).toEqual([
      [4, AT_OK, ["+CTM2MUPDATE: 35194"]],
      [5, AT_OK, ["+CTM2MREG: 3"]],
      [6, AT_OK, []],
      [7, AT_OK, []],
      [8, AT_OK, []],
    ]);
    expect(f.posts.map((p) => p[1])).toEqual([OP_CONN, OP_REG, OP_OBSRV, OP_DEREG]);
  });

  it("+CTM2M ERROR: <n> is the final result, and the stray OK after it is not the next command's", () => {
    at.send(Aep.REG, 1);
    at.send(Aep.REG_READ, 2);
    feed("+CTM2M ERROR: 33");
    expect(f.done).toEqual([{ tag: 1, code: AT_EXTRA_ERROR, err: CE_ALREADY_CONNECTED, lines: [] }]);
    expect(writes).toEqual(["AT+CTM2MREG\r"]); // REG? is held for the stray OK
    feed("OK");
    expect(writes).toEqual(["AT+CTM2MREG\r", "AT+CTM2MREG?\r"]);
    feed("+CTM2MREG: 2", "OK");
    expect(f.done[1]).toEqual({ tag: 2, code: AT_OK, err: 0, lines: ["+CTM2MREG: 2"] });
  });

  it("commands that change something are never resent blind; the reads are (a dozing module)", () => {
    const rows = [initRow(), Aep.REG, Aep.REG_LIFETIME + "300", Aep.DEREG, Aep.UPDATE + "1", Aep.SEND + "0200010000,0"];
    for (const row of rows) {
      writes.length = 0;
      f.done.length = 0;
      at.send(row, 9);
      clock.advance(60_000);
      expect(writes.length).toBe(1);
      expect(f.done).toMatchObject([{ tag: 9, code: AT_TIMEOUT }]);
    }
    writes.length = 0;
    at.send(Aep.REG_READ, 10);
    clock.advance(60_000);
    expect(writes).toEqual(["AT+CTM2MREG?\r", "AT+CTM2MREG?\r"]);
  });
});
