// The AT engine (lib/at/engine.ts) on the UART stub and fake clock: one command in flight, the queue,
// the final results, the stray OK after +CTM2M ERROR, wake resends, routing, limits, withdrawal and reset,
// line noise. Real rows (lib/sim7020/rows.ts) are used where the row itself is what matters.
import { describe, expect, it } from "vitest";
import { Aep } from "../../lib/aep/ctm2m";
import { CTM2M_STRAY_OK_MS } from "../../lib/aep/codes";
import { At, AtLimit, AtReset } from "../../lib/at/engine";
import { AT_CME_ERROR, AT_ECHO, AT_ERROR, AT_EXTRA_ERROR, AT_F_BARE, AT_F_WAKE, AT_OK, AT_TIMEOUT } from "../../lib/at/result";
import { Net } from "../../lib/sim7020/rows";
import { FakeClock } from "../support/fake-clock";
import { makeAt, row } from "./harness";

describe("At: one command in flight", () => {
  it("sends the next command only after the previous final result", () => {
    const h = makeAt();
    h.at.send(row("", "AT"), 1);
    h.at.send(row("+CSQ:", "AT+CSQ"), 2);
    expect(h.uart.writes).toEqual(["AT\r"]);
    expect(h.at.busy()).toBe(true);
    h.uart.lines("OK");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT", "AT+CSQ"]);
    h.uart.lines("+CSQ: 20,0", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([
      { tag: 1, code: AT_OK, errNo: 0, lines: [] },
      { tag: 2, code: AT_OK, errNo: 0, lines: ["+CSQ: 20,0"] },
    ]);
    expect(h.at.busy()).toBe(false);
    expect(h.at.sent).toBe(2);
  });

  it("refuses a command when the queue is full, and the queue is FIFO (also when its ring wraps)", () => {
    const h = makeAt();
    expect(h.at.send(row("", "A1"), 1)).toBe(true); // in flight at once
    for (let t = 2; t <= 1 + AtLimit.QUEUE; t++) expect(h.at.send(row("", "A" + t), t)).toBe(true);
    expect(h.at.qLen).toBe(AtLimit.QUEUE);
    expect(h.at.send(row("", "A6"), 6)).toBe(false);
    expect(h.at.queueFull).toBe(1);
    // Two answered, two more queued: the ring wraps past its end.
    for (let i = 0; i < 2; i++) {
      h.uart.lines("OK");
      h.clock.advance(5);
    }
    expect(h.at.send(row("", "A7"), 7)).toBe(true);
    expect(h.at.send(row("", "A8"), 8)).toBe(true);
    expect(h.at.send(row("", "A9"), 9)).toBe(false);
    expect(h.at.queueFull).toBe(2);
    for (let i = 0; i < 6; i++) {
      h.uart.lines("OK");
      h.clock.advance(5);
    }
    expect(h.done.map((d) => d.tag)).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(h.uart.commands()).toEqual(["A1", "A2", "A3", "A4", "A5", "A7", "A8"]);
    expect(h.at.busy()).toBe(false);
  });

  it("reports ERROR, +CME ERROR and +CTM2M ERROR with the module's number", () => {
    const h = makeAt();
    h.at.send(row("", "AT+X"), 1);
    h.at.send(Net.CPIN, 2);
    h.at.send(row("", "AT+CTM2MREG"), 3);
    h.uart.lines("ERROR");
    h.clock.advance(5);
    h.uart.lines("+CME ERROR: 10");
    h.clock.advance(5);
    h.uart.lines("+CTM2M ERROR: 33", "OK");
    h.clock.advance(500);
    expect(h.done.map((d) => [d.tag, d.code, d.errNo])).toEqual([
      [1, AT_ERROR, 0],
      [2, AT_CME_ERROR, 10],
      [3, AT_EXTRA_ERROR, 33],
    ]);
    expect(h.at.unexpected).toBe(0);
  });

  it("gives -1 as the error number when the module sends text or nothing", () => {
    const h = makeAt();
    h.at.send(Net.CPIN, 1);
    h.at.send(row("", "AT+CTM2MREG"), 2);
    h.uart.lines("+CME ERROR: SIM not inserted");
    h.clock.advance(5);
    h.uart.lines("+CTM2M ERROR:");
    h.clock.advance(5);
    expect(h.done.map((d) => [d.code, d.errNo])).toEqual([
      [AT_CME_ERROR, -1],
      [AT_EXTRA_ERROR, -1],
    ]);
  });

  it("an engine without a numbered final (extraFinal \"\") takes +CTM2M ERROR for an ordinary line", () => {
    const h = makeAt([], "", 0);
    h.at.send(row("", "AT+CTM2MREG"), 1);
    h.uart.lines("+CTM2M ERROR: 33", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: [] }]);
    expect(h.at.unexpected).toBe(1);
  });

  it("swallows the stray OK after +CTM2M ERROR instead of giving it to the next command", () => {
    const h = makeAt();
    h.at.send(row("+CTM2MSEND:", "AT+CTM2MSEND=00"), 1);
    h.at.send(Net.CSQ, 2);
    h.uart.deliver("\r\n+CTM2M ERROR: 17\r\n");
    h.clock.advance(5);
    // the next command waits for the OK the note prints after the error
    expect(h.uart.commands()).toEqual(["AT+CTM2MSEND=00"]);
    h.uart.deliver("\r\nOK\r\n");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT+CTM2MSEND=00", "AT+CSQ"]);
    expect(h.at.strayOk).toBe(1);
    h.uart.lines("+CSQ: 9,0", "OK");
    h.clock.advance(5);
    expect(h.done.map((d) => [d.tag, d.code, d.errNo])).toEqual([
      [1, AT_EXTRA_ERROR, 17],
      [2, AT_OK, 0],
    ]);
    expect(h.done[1].lines).toEqual(["+CSQ: 9,0"]);
    expect(h.at.unexpected).toBe(0);
  });

  it("swallows only one OK after +CTM2M ERROR, and none after ERROR or +CME ERROR", () => {
    const h = makeAt();
    h.at.send(row("", "AT+CTM2MREG"), 1);
    h.uart.lines("+CTM2M ERROR: 1", "OK", "OK");
    h.clock.advance(5);
    expect(h.at.strayOk).toBe(1);
    expect(h.at.unexpected).toBe(1);
    h.at.send(row("", "AT+X"), 2);
    h.uart.lines("+CME ERROR: 3");
    h.clock.advance(5);
    h.at.send(row("", "AT+Y"), 3);
    // No hold after +CME ERROR: the next command went out at once and this OK is its answer.
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+X", "AT+Y"]);
    h.uart.lines("OK");
    h.clock.advance(5);
    expect(h.done.map((d) => [d.tag, d.code])).toEqual([
      [1, AT_EXTRA_ERROR],
      [2, AT_CME_ERROR],
      [3, AT_OK],
    ]);
    expect(h.at.strayOk).toBe(1);
  });

  it("moves on after the hold when a module prints no OK after +CTM2M ERROR", () => {
    const h = makeAt();
    h.at.send(row("", "AT+CTM2MREG"), 1);
    h.at.send(Net.CSQ, 2);
    h.uart.lines("+CTM2M ERROR: 1");
    h.clock.advance(100);
    expect(h.uart.commands()).toHaveLength(1);
    expect(h.at.busy()).toBe(true);
    h.clock.advance(300);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+CSQ"]);
    expect(h.at.strayOk).toBe(0);
  });

  it("a command sent during the hold after +CTM2M ERROR waits for it", () => {
    const h = makeAt();
    h.at.send(row("", "AT+CTM2MREG"), 1);
    h.uart.lines("+CTM2M ERROR: 1");
    h.clock.advance(5);
    expect(h.at.send(Net.CSQ, 2)).toBe(true);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG"]);
    h.uart.lines("OK");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+CSQ"]);
  });

  it("times out, reports it, and carries on with the next command", () => {
    const h = makeAt();
    h.at.send(row("", "AT", 300), 1);
    h.at.send(Net.CSQ, 2);
    h.clock.advance(299);
    expect(h.done).toEqual([]);
    h.clock.advance(1);
    expect(h.done[0]).toMatchObject({ tag: 1, code: AT_TIMEOUT });
    expect(h.uart.commands()).toEqual(["AT", "AT+CSQ"]);
    expect(h.at.timeouts).toBe(1);
  });

  it("an answer that beat the timeout stops it: no second result later", () => {
    const h = makeAt();
    h.at.send(row("", "AT", 300), 1);
    h.uart.lines("OK");
    h.clock.advance(5000);
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: [] }]);
    expect(h.at.timeouts).toBe(0);
  });

  it("resends a wake-marked command once before it counts as a timeout", () => {
    const h = makeAt();
    const text = "AT+CTM2MSEND=0200010006313233343536";
    h.at.send(row("+CTM2MSEND:", text, 500, AT_F_WAKE), 7);
    h.clock.advance(499);
    expect(h.uart.commands()).toEqual([text]);
    h.clock.advance(1);
    expect(h.uart.commands()).toEqual([text, text]);
    expect(h.done).toEqual([]);
    expect(h.at.wakeResends).toBe(1);
    h.uart.lines("+CTM2MSEND: 46205", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 7, code: AT_OK, errNo: 0, lines: ["+CTM2MSEND: 46205"] }]);
    expect(h.at.timeouts).toBe(0);
  });

  it("a wake-marked command lost twice is a timeout (the real AT probe row is wake-marked)", () => {
    const h = makeAt();
    h.at.send(Net.AT, 1);
    h.clock.advance(2000);
    expect(h.uart.commands()).toEqual(["AT", "AT"]);
    expect(h.done).toEqual([]);
    h.clock.advance(1999);
    expect(h.done).toEqual([]);
    h.clock.advance(1);
    expect(h.done).toEqual([{ tag: 1, code: AT_TIMEOUT, errNo: 0, lines: [] }]);
    expect(h.uart.commands()).toEqual(["AT", "AT"]);
    expect([h.at.sent, h.at.wakeResends, h.at.timeouts]).toEqual([2, 1, 1]);
  });

  it("a command without the wake flag is not resent", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    h.clock.advance(3000);
    expect(h.uart.commands()).toEqual(["AT+CSQ"]);
    expect(h.done[0].code).toBe(AT_TIMEOUT);
    expect(h.at.wakeResends).toBe(0);
  });
});

describe("At: routing", () => {
  it("collects intermediate lines by the expected prefix", () => {
    const h = makeAt();
    h.at.send(Net.CGREG, 1);
    h.uart.lines("+CGREG: 0,1", "OK");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["+CGREG: 0,1"]);
  });

  it("collects bare lines for AT+CGSN and AT+CIMI (their real rows)", () => {
    const h = makeAt();
    h.at.send(Net.CGSN, 1);
    h.at.send(Net.CIMI, 2);
    h.uart.lines("864403040012345", "OK");
    h.clock.advance(5);
    h.uart.lines("+CIMI: 460111174590523", "OK");
    h.clock.advance(5);
    expect(h.done.map((d) => d.lines)).toEqual([["864403040012345"], ["+CIMI: 460111174590523"]]);
    expect(h.at.unexpected).toBe(0);
  });

  it("a command without the bare flag does not collect bare lines: they are unexpected", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    h.uart.lines("864403040012345", "+CSQ: 3,0", "OK");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["+CSQ: 3,0"]);
    expect(h.at.unexpected).toBe(1);
    expect(h.at.lastUnexpected).toBe("864403040012345");
  });

  it("a URC between the intermediate line and OK goes to the URC parser and does not break the command", () => {
    const h = makeAt();
    h.at.send(row("+CTM2MSEND:", "AT+CTM2MSEND=0200010006313233343536,0"), 1);
    h.uart.lines("+CTM2MSEND: 46205", "+CTM2M: send,0,46204", "+CTM2MRECV: 061F41001A0006613132333032", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: ["+CTM2MSEND: 46205"] }]);
    expect(h.urcs).toEqual(["+CTM2M: send,0,46204", "+CTM2MRECV: 061F41001A0006613132333032"]);
    expect(h.urcOwners.every((o) => o === h.owner)).toBe(true);
  });

  it("never confuses +CTM2M: with +CTM2MSEND: or +CTM2M ERROR:", () => {
    const h = makeAt(["+CTM2M:"]);
    h.at.send(row("+CTM2MSEND:", "AT+CTM2MSEND=00"), 1);
    h.uart.lines("+CTM2M:reg,0", "+CTM2MSEND: 5", "OK");
    h.clock.advance(5);
    h.uart.lines("+CTM2MSEND: 6"); // nothing in flight: not a URC either
    h.clock.advance(5);
    expect(h.urcs).toEqual(["+CTM2M:reg,0"]);
    expect(h.done[0].lines).toEqual(["+CTM2MSEND: 5"]);
    expect(h.at.unexpected).toBe(1);
    expect(h.at.lastUnexpected).toBe("+CTM2MSEND: 6");
  });

  it("a URC arriving while a bare-line command (AT+CIMI, AT+CGSN) is in flight still reaches the URC parser", () => {
    const h = makeAt();
    h.at.send(Net.CIMI, 1);
    h.uart.lines("+CTM2M: lwstatus,0", "460111174590523", "+CPIN: READY", "OK");
    h.clock.advance(5);
    h.at.send(Net.CGSN, 2);
    h.uart.lines("+CTM2MRECV: 0102", "864403040012345", "OK");
    h.clock.advance(5);
    expect(h.urcs).toEqual(["+CTM2M: lwstatus,0", "+CPIN: READY", "+CTM2MRECV: 0102"]);
    expect(h.done.map((d) => d.lines)).toEqual([["460111174590523"], ["864403040012345"]]);
  });

  it("recognises and ignores an echoed command line, and says so", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 4);
    h.uart.deliver("AT+CSQ\r\r\n+CSQ: 31,99\r\n\r\nOK\r\n");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["+CSQ: 31,99"]);
    expect(h.echoes).toEqual([4]);
    expect(h.at.echoes).toBe(1);
    expect(h.at.unexpected).toBe(0);
  });

  it("the echo of a bare-line command is not taken for its answer", () => {
    const h = makeAt();
    h.at.send(Net.CGSN, 3);
    h.uart.deliver("AT+CGSN\r\r\n864403040012345\r\n\r\nOK\r\n");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["864403040012345"]);
    expect(h.echoes).toEqual([3]);
  });

  it("counts lines nobody expects, and keeps the start of the last one (40 characters at most)", () => {
    const h = makeAt();
    const long = "+X: " + "y".repeat(100);
    h.uart.lines("junk", "OK", "+CSQ: 1,1", long);
    h.clock.advance(5);
    expect(h.at.unexpected).toBe(4);
    expect(h.at.lastUnexpected).toBe(long.substring(0, 40));
    expect(h.done).toEqual([]);
  });

  it("keeps at most MAX_LINES intermediate lines and counts the rest", () => {
    const h = makeAt();
    h.at.send(row("+COPS:", "AT+COPS=?"), 1);
    const lines: string[] = [];
    for (let i = 1; i <= AtLimit.MAX_LINES + 2; i++) lines.push("+COPS: " + i);
    h.uart.lines(...lines, "OK");
    h.clock.advance(5);
    expect(h.done[0].code).toBe(AT_OK);
    expect(h.done[0].lines).toEqual(lines.slice(0, AtLimit.MAX_LINES));
    expect(h.at.linesDropped).toBe(2);
    expect(h.at.resp).toHaveLength(AtLimit.MAX_LINES);
  });

  it("lets go of the lines once the result is delivered", () => {
    const h = makeAt();
    h.at.send(row("+CTM2MRECV:", "AT+X", 1000, AT_F_BARE), 1);
    h.uart.lines("+CTM2MRECV: " + "ab".repeat(512), "bare", "OK");
    h.clock.advance(5);
    expect(h.done[0].lines.map((l) => l.length)).toEqual([1036, 4]);
    expect(h.at.lines).toBe(0);
    expect(h.at.resp).toEqual(["", "", "", "", ""]);
  });

  it("treats the prefix line as final for AT+CPOWD=1 (its real row) and goes on without an OK", () => {
    const h = makeAt();
    h.at.send(Net.CPOWD, 1);
    h.at.send(Net.CSQ, 2);
    h.uart.lines("NORMAL POWER DOWN");
    h.clock.advance(5);
    expect(h.done[0]).toEqual({ tag: 1, code: AT_OK, errNo: 0, lines: ["NORMAL POWER DOWN"] });
    expect(h.uart.commands()).toEqual(["AT+CPOWD=1", "AT+CSQ"]);
  });

  it("records when the module last sent a line", () => {
    const h = makeAt();
    expect(h.at.lastRxMs).toBe(-1);
    h.clock.advance(1000);
    h.uart.deliver("\r\nRDY");
    h.clock.advance(10);
    expect(h.at.lastRxMs).toBe(-1); // not a line yet
    h.uart.deliver("\r\n");
    h.clock.advance(10);
    expect(h.at.lastRxMs).toBe(1011);
  });
});

describe("At: withdrawal and reset", () => {
  it("a withdrawn command (reset(WITHDRAW), as the link machine leaves a state) never reports, the queue is dropped, and nothing is sent until the module answers it", () => {
    const h = makeAt();
    h.at.send(Net.CGACT, 1);
    h.at.send(Net.COPS, 2);
    h.at.reset(AtReset.WITHDRAW);
    expect(h.at.qLen).toBe(0);
    h.at.send(Net.CSQ, 3);
    expect(h.uart.commands()).toEqual(["AT+CGACT?"]);
    h.uart.lines("+CGACT: 1,1", "OK");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT+CGACT?", "AT+CSQ"]);
    h.uart.lines("+CSQ: 7,0", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 3, code: AT_OK, errNo: 0, lines: ["+CSQ: 7,0"] }]);
  });

  it("a withdrawn command the module never answers lets the queue go at its timeout, silently", () => {
    const h = makeAt();
    h.at.send(row("", "AT+CGACT?", 500), 1);
    h.at.cancelled = h.at.inFlight;
    h.at.qLen = 0;
    h.at.send(Net.CSQ, 2);
    h.clock.advance(500);
    expect(h.uart.commands()).toEqual(["AT+CGACT?", "AT+CSQ"]);
    expect(h.done).toEqual([]);
  });

  it("reset(0) drops the partial line but keeps the command in flight", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    h.uart.deliver("+CS");
    h.clock.advance(5);
    expect(h.at.partial).toBe("+CS");
    h.at.reset(0);
    expect(h.at.partial).toBe("");
    h.uart.deliver("RDY\r\n\r\n+CSQ: 4,0\r\n\r\nOK\r\n");
    h.clock.advance(5);
    expect(h.at.lastUnexpected).toBe("RDY");
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: ["+CSQ: 4,0"] }]);
  });

  it("reset(0) also ends a line being dropped as over-long: the next line is read whole", () => {
    const h = makeAt([""]);
    h.at.feed("F".repeat(AtLimit.LINE_MAX_CHARS + 1));
    expect(h.at.overflows).toBe(1);
    h.at.reset(0);
    h.at.feed("RDY\r\n");
    expect(h.urcs).toEqual(["RDY"]);
  });

  it("reset(1) drops the partial line and the in-flight command at once, without a report", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    h.at.send(row("", "AT"), 2);
    h.uart.deliver("+CS");
    h.clock.advance(5);
    h.at.reset(1);
    expect(h.at.partial).toBe("");
    expect(h.at.inFlight).toBe(1); // the queued AT went out at once
    expect(h.uart.commands()).toEqual(["AT+CSQ", "AT"]);
    h.uart.lines("OK");
    h.clock.advance(5000);
    expect(h.done).toEqual([{ tag: 2, code: AT_OK, errNo: 0, lines: [] }]);
    expect(h.at.timeouts).toBe(0); // the dropped command's timer was stopped
  });

  it("reset(2) drops the queue and every timer, including the hold after +CTM2M ERROR", () => {
    const h = makeAt();
    h.at.send(row("", "AT+CTM2MREG"), 1);
    h.uart.lines("+CTM2M ERROR: 1");
    h.clock.advance(5);
    h.at.send(Net.CSQ, 2);
    expect(h.at.guardTimer).not.toBe(0);
    h.at.reset(2);
    expect(h.at.guardTimer).toBe(0);
    expect(h.at.busy()).toBe(false);
    expect(h.clock.pending()).toBe(0);
    // After the reset a command goes out at once (no hold is left over).
    h.at.send(Net.CGREG, 3);
    h.at.send(Net.CEREG, 4);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+CGREG?"]);
    h.uart.deliver("+CG");
    h.clock.advance(5);
    h.at.reset(2);
    expect([h.at.busy(), h.at.partial, h.clock.pending()]).toEqual([false, "", 0]);
    h.clock.advance(20000);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+CGREG?"]);
    expect(h.done.map((d) => d.tag)).toEqual([1]);
  });

  // Found by this test: reset(2) once dropped the queue by setting qLen = 0 and left the rows in qRow, so
  // a queued AT+CTM2MSEND row (~1,050 characters, ~105 JsVars) stayed referenced until the ring reused it.
  it("reset(2) lets go of the rows it drops (one may be a 1,000-character AT+CTM2MSEND)", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    h.at.send(row("+CTM2MSEND:", "AT+CTM2MSEND=" + "0a".repeat(512) + ",0", 10000), 2);
    h.at.reset(2);
    expect(h.at.busy()).toBe(false);
    expect((h.at as unknown as { qRow: string[] }).qRow).toEqual(["", "", "", ""]);
  });

  it("a command sent from inside atDone waits until atDone returns, then goes out", () => {
    const h = makeAt();
    let written = -1;
    const atDone = h.owner.atDone;
    h.owner.atDone = (tag, code, errNo) => {
      atDone(tag, code, errNo);
      if (tag === 1) {
        h.at.send(Net.CSQ, 2);
        written = h.uart.writes.length;
      }
    };
    h.at.send(row("", "AT"), 1);
    h.uart.lines("OK");
    h.clock.advance(5);
    expect(written).toBe(1);
    expect(h.uart.commands()).toEqual(["AT", "AT+CSQ"]);
  });
  // busy() also starts the queue's head when it may go (the engine's pump lives in it): asked from
  // outside, that has always happened already, so asking changes nothing.
  it("busy() asked from outside or from inside atDone sends nothing the engine would not have sent", () => {
    const h = makeAt();
    const atDone = h.owner.atDone;
    let inside: boolean[] = [];
    h.owner.atDone = (tag, code, errNo) => {
      atDone(tag, code, errNo);
      if (tag === 1) {
        h.at.send(Net.CSQ, 2);
        inside = [h.at.busy(), h.at.busy()];
        expect(h.uart.commands()).toEqual(["AT"]);
      }
    };
    h.at.send(row("", "AT"), 1);
    expect([h.at.busy(), h.at.busy()]).toEqual([true, true]);
    expect(h.uart.commands()).toEqual(["AT"]);
    h.uart.lines("OK");
    h.clock.advance(5);
    expect(inside).toEqual([true, true]);
    expect(h.uart.commands()).toEqual(["AT", "AT+CSQ"]);
    expect(h.at.sent).toBe(2);
  });

  it("a reset(0) from inside the URC parser keeps routing the rest of the chunk and keeps its unfinished line", () => {
    const clock = new FakeClock();
    const done: string[] = [];
    const at: At = new At(
      { write() {} },
      clock,
      { atDone: (tag, code) => void (code !== AT_ECHO && done.push(tag + ":" + code + ":" + at.resp.slice(0, at.lines).join("|"))) },
      (_o, line) => {
        if (line !== "RDY") return false;
        at.reset(0); // the link forgets the partial line on the module's boot line
        return true;
      },
      Aep.FINAL,
      CTM2M_STRAY_OK_MS,
    );
    at.send(row("+CSQ:", "AT+CSQ"), 1);
    at.feed("\r\n+CSQ: 9,0\r\n\r\nRDY\r\n\r\nOK\r\n\r\n+CS");
    expect(done).toEqual(["1:0:+CSQ: 9,0"]);
    expect(at.partial).toBe("+CS");
  });

  it("the hold after +CTM2M ERROR and the command's timeout share one timer callback without mixing them up", () => {
    const h = makeAt();
    h.at.send(row("", "AT+CTM2MREG", 1000), 1);
    h.at.send(row("+CSQ:", "AT+CSQ", 1000), 2);
    h.uart.lines("+CTM2M ERROR: 33");
    h.clock.advance(5);
    expect(h.at.guardTimer).not.toBe(0);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG"]);
    h.clock.advance(400); // the hold ends: AT+CSQ goes out, its own timeout starts
    expect(h.at.guardTimer).toBe(0);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+CSQ"]);
    h.clock.advance(1000);
    expect(h.done.map((d) => [d.tag, d.code])).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(h.at.timeouts).toBe(1);
  });
});

describe("At: line noise", () => {
  it("strips NUL and 0xFF glitch bytes at the ends of a line: \\0OK is OK", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    h.uart.deliver("\r\n\xff\xff+CSQ: 20,0\xff\r\n\u0000OK\r\n");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: ["+CSQ: 20,0"] }]);
    expect(h.at.noise).toBe(4);
    expect(h.at.unexpected).toBe(0);
  });

  it("strips noise inside a line nobody claims, then reads it again (O\\0K ends the command)", () => {
    const h = makeAt();
    h.at.send(row("", "AT"), 1);
    h.uart.deliver("\r\nO\u0000K\r\n");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: [] }]);
    expect(h.at.noise).toBe(1);
  });

  it("a line of nothing but noise is counted as noise only", () => {
    const h = makeAt();
    h.uart.deliver("\u0000\u0000\xff\r\n\u0007\r\n");
    h.clock.advance(5);
    expect(h.at.noise).toBe(4);
    expect(h.at.unexpected).toBe(0);
    expect(h.urcs).toEqual([]);
  });

  it("a URC with glitch bytes around it still reaches the URC parser, clean", () => {
    const h = makeAt();
    h.uart.deliver("\xff+CTM2M: reg,0\u0000\r\n");
    h.clock.advance(5);
    expect(h.urcs).toEqual(["+CTM2M: reg,0"]);
  });

  it("survives an endless garbled line: bounded buffer, counted once, the next command works", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    for (let i = 0; i < 500; i++) {
      h.at.feed("\xffgarbage\u0000" + String.fromCharCode(i % 256).replace(/[\r\n]/, "x"));
      expect(h.at.partial.length).toBeLessThanOrEqual(AtLimit.LINE_MAX_CHARS);
    }
    expect(h.at.overflows).toBe(1);
    expect(h.done).toEqual([]);
    h.at.feed("tail\r\n+CSQ: 12,0\r\nOK\r\n");
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: ["+CSQ: 12,0"] }]);
    expect(h.at.unexpected).toBe(0);
  });

  it("survives random bytes while a command waits, and the command still gets its result", () => {
    const h = makeAt();
    h.at.send(Net.CSQ, 1);
    let x = 12345;
    let junk = "";
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const c = (x >> 16) & 0xff;
      junk += String.fromCharCode(c === 13 || c === 10 ? 32 : c);
      if (i % 97 === 0) junk += "\r\n";
    }
    h.at.feed(junk + "\r\n+CSQ: 30,0\r\nOK\r\n");
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: ["+CSQ: 30,0"] }]);
    expect(h.at.noise).toBeGreaterThan(0);
  });
});
