// AEP command builders and notice parsing, from the note's section 3 and 5 lines.
import { describe, expect, it } from "vitest";
import * as A from "../../lib/aep/ctm2m";
import { redact } from "../../lib/link/machine";

describe("+CTM2M notices", () => {
  it("parses every operation in both the note's and the MT2625 spelling", () => {
    expect(A.parseNotice("+CTM2M: send,0,46205")).toEqual({ op: A.OP_SEND, status: 0, d1: 46205, d2: -1 });
    expect(A.parseNotice("+CTM2M:reg,0")).toEqual({ op: A.OP_REG, status: 0, d1: -1, d2: -1 });
    expect(A.parseNotice("+CTM2M: obsrv,0").op).toBe(A.OP_OBSRV);
    expect(A.parseNotice("+CTM2M: update,0,35194")).toEqual({ op: A.OP_UPDATE, status: 0, d1: 35194, d2: -1 });
    expect(A.parseNotice("+CTM2M: dereg,0").op).toBe(A.OP_DEREG);
    expect(A.parseNotice("+CTM2M: lwstatus,0").op).toBe(A.OP_LWSTATUS);
    expect(A.parseNotice("+CTM2M: ping,1")).toMatchObject({ op: A.OP_PING, status: 1 });
    expect(A.parseNotice("+CTM2M: plat,1,600,0")).toEqual({ op: A.OP_PLAT, status: 1, d1: 600, d2: 0 });
    expect(A.parseNotice("+CTM2M: psm,0").op).toBe(A.OP_PSM);
    expect(A.parseNotice("+CTM2M: conn,0").op).toBe(A.OP_CONN);
  });

  it("survives unknown and garbled notices", () => {
    expect(A.parseNotice("+CTM2M: fota,3")).toMatchObject({ op: A.OP_UNKNOWN, status: 3 });
    expect(A.parseNotice("+CTM2M:")).toMatchObject({ op: A.OP_UNKNOWN, status: -1 });
    expect(A.parseNotice("+CTM2M: send,x,y")).toEqual({ op: A.OP_SEND, status: -1, d1: -1, d2: -1 });
  });
});

describe("AEP commands", () => {
  const init = { server: "221.229.214.202", port: 5683, lifetimeS: 300, autoTau: 0, security: 0, pskId: "", psk: "" };

  it("builds INIT as the note's section 5 does, and reads the saved values back", () => {
    expect(A.cmdInit(init)).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,0');
    expect(A.parseInitRead("+CTM2MINIT: 221.229.214.202,5683,300,0,0")).toBe(A.initSignature(init));
    expect(A.parseInitRead('+CTM2MINIT: "221.229.214.202",5683,300,0,0')).toBe(A.initSignature(init));
    expect(A.parseInitRead("+CTM2MINIT: 221.229.214.202,5683,300,0,1,dev1")).toBe("221.229.214.202,5683,300,0,1");
    expect(A.parseInitRead("+CTM2MINIT: 1.2.3.4,5683,300,0,0")).not.toBe(A.initSignature(init));
  });

  it("adds PSK fields with security on, and the log redacts them", () => {
    const cmd = A.cmdInit({ ...init, security: 1, pskId: "dev1", psk: "0011223344" });
    expect(cmd).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,1,"dev1","0011223344"');
    expect(redact(cmd)).toBe('AT+CTM2MINIT="221.229.214.202",5683,300,0,1,***');
    expect(redact(cmd)).not.toContain("0011223344");
    expect(redact("AT+CSQ")).toBe("AT+CSQ");
  });

  it("send, update, reg state, message ids", () => {
    expect(A.cmdSend("0200010006313233343536", 0)).toBe("AT+CTM2MSEND=0200010006313233343536,0");
    expect(A.cmdUpdate(0)).toBe("AT+CTM2MUPDATE=0");
    expect(A.parseRegState("+CTM2MREG: 3")).toBe(3);
    expect(A.parseRegState("+CTM2MREG: 7")).toBe(-1);
    expect(A.parseMsgId("+CTM2MSEND: 46205", "+CTM2MSEND:")).toBe(46205);
    expect(A.parseMsgId("+CTM2MUPDATE: 35194", "+CTM2MUPDATE:")).toBe(35194);
    expect(A.ctm2mErrorText(33)).toBe("already connected");
    expect(A.regResultText(13)).toContain("authentication rejected");
  });
});
