import { describe, expect, it } from "vitest";
import { AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE } from "../../lib/at/engine";
import { AT_CANCELLED, AT_CME_ERROR, AT_CTM2M_ERROR, AT_ERROR, AT_OK, AT_TIMEOUT, atResultText } from "../../lib/at/result";
import { makeEngine, spec } from "./harness";

describe("AtEngine: one command in flight", () => {
  it("sends the next command only after the previous final result", () => {
    const h = makeEngine();
    h.engine.send("AT", spec(""), 1);
    h.engine.send("AT+CSQ", spec("+CSQ:"), 2);
    expect(h.uart.commands()).toEqual(["AT"]);
    h.uart.lines("OK");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT", "AT+CSQ"]);
    h.uart.lines("+CSQ: 20,0", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([
      { tag: 1, code: AT_OK, errNo: 0, lines: [] },
      { tag: 2, code: AT_OK, errNo: 0, lines: ["+CSQ: 20,0"] },
    ]);
    expect(h.engine.busy()).toBe(false);
  });

  it("refuses a command when the queue is full, and the queue is FIFO", () => {
    const h = makeEngine(undefined, { queueCapacity: 3 });
    expect(h.engine.send("A1", spec(""), 1)).toBe(true); // in flight
    expect(h.engine.send("A2", spec(""), 2)).toBe(true);
    expect(h.engine.send("A3", spec(""), 3)).toBe(true);
    expect(h.engine.send("A4", spec(""), 4)).toBe(true);
    expect(h.engine.send("A5", spec(""), 5)).toBe(false);
    expect(h.engine.stats.queueFull).toBe(1);
    for (let i = 0; i < 4; i++) {
      h.uart.lines("OK");
      h.clock.advance(5);
    }
    expect(h.done.map((d) => d.tag)).toEqual([1, 2, 3, 4]);
    expect(h.uart.commands()).toEqual(["A1", "A2", "A3", "A4"]);
  });

  it("reports ERROR, +CME ERROR and +CTM2M ERROR with the module's number", () => {
    const h = makeEngine();
    h.engine.send("AT+X", spec(""), 1);
    h.engine.send("AT+CPIN?", spec("+CPIN:"), 2);
    h.engine.send("AT+CTM2MREG", spec(""), 3);
    h.uart.lines("ERROR");
    h.clock.advance(5);
    h.uart.lines("+CME ERROR: 10");
    h.clock.advance(5);
    h.uart.lines("+CTM2M ERROR: 33", "OK");
    h.clock.advance(500);
    expect(h.done.map((d) => [d.code, d.errNo])).toEqual([
      [AT_ERROR, 0],
      [AT_CME_ERROR, 10],
      [AT_CTM2M_ERROR, 33],
    ]);
    expect(atResultText(AT_CTM2M_ERROR, 33)).toBe("ctm2m 33");
  });

  it("gives -1 as the error number when the module sends text", () => {
    const h = makeEngine();
    h.engine.send("AT+CPIN?", spec("+CPIN:"), 1);
    h.uart.lines("+CME ERROR: SIM not inserted");
    h.clock.advance(5);
    expect(h.done[0]).toMatchObject({ code: AT_CME_ERROR, errNo: -1 });
  });

  it("swallows the stray OK after +CTM2M ERROR instead of giving it to the next command", () => {
    const h = makeEngine();
    h.engine.send("AT+CTM2MSEND=00", spec("+CTM2MSEND:"), 1);
    h.engine.send("AT+CSQ", spec("+CSQ:"), 2);
    h.uart.deliver("\r\n+CTM2M ERROR: 17\r\n");
    h.clock.advance(5);
    // the next command waits for the OK the note prints after the error
    expect(h.uart.commands()).toEqual(["AT+CTM2MSEND=00"]);
    h.uart.deliver("\r\nOK\r\n");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT+CTM2MSEND=00", "AT+CSQ"]);
    expect(h.engine.stats.strayOk).toBe(1);
    h.uart.lines("+CSQ: 9,0", "OK");
    h.clock.advance(5);
    expect(h.done.map((d) => d.code)).toEqual([AT_CTM2M_ERROR, AT_OK]);
    expect(h.done[1].lines).toEqual(["+CSQ: 9,0"]);
  });

  it("moves on after the guard when a module prints no OK after +CTM2M ERROR", () => {
    const h = makeEngine();
    h.engine.send("AT+CTM2MREG", spec(""), 1);
    h.engine.send("AT+CSQ", spec("+CSQ:"), 2);
    h.uart.lines("+CTM2M ERROR: 1");
    h.clock.advance(100);
    expect(h.uart.commands()).toHaveLength(1);
    h.clock.advance(300);
    expect(h.uart.commands()).toEqual(["AT+CTM2MREG", "AT+CSQ"]);
  });

  it("times out, reports it, and carries on with the next command", () => {
    const h = makeEngine();
    h.engine.send("AT", spec("", 300), 1);
    h.engine.send("AT+CSQ", spec("+CSQ:"), 2);
    h.clock.advance(299);
    expect(h.done).toEqual([]);
    h.clock.advance(1);
    expect(h.done[0]).toMatchObject({ tag: 1, code: AT_TIMEOUT });
    expect(h.uart.commands()).toEqual(["AT", "AT+CSQ"]);
    expect(h.engine.stats.timeouts).toBe(1);
  });

  it("resends a wake-marked command once before it counts as a timeout", () => {
    const h = makeEngine();
    h.engine.send("AT+CTM2MSEND=0200010006313233343536", spec("+CTM2MSEND:", 500, AT_F_WAKE), 7);
    h.clock.advance(500);
    expect(h.uart.commands()).toEqual(["AT+CTM2MSEND=0200010006313233343536", "AT+CTM2MSEND=0200010006313233343536"]);
    expect(h.done).toEqual([]);
    expect(h.engine.stats.wakeResends).toBe(1);
    h.uart.lines("+CTM2MSEND: 46205", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 7, code: AT_OK, errNo: 0, lines: ["+CTM2MSEND: 46205"] }]);
    expect(h.engine.stats.timeouts).toBe(0);
  });

  it("a wake-marked command lost twice is a timeout", () => {
    const h = makeEngine();
    h.engine.send("AT", spec("", 500, AT_F_WAKE), 1);
    h.clock.advance(1000);
    expect(h.done[0].code).toBe(AT_TIMEOUT);
    expect(h.uart.commands()).toEqual(["AT", "AT"]);
  });
});

describe("AtEngine: routing", () => {
  it("collects intermediate lines by the expected prefix", () => {
    const h = makeEngine();
    h.engine.send("AT+CGREG?", spec("+CGREG:"), 1);
    h.uart.lines("+CGREG: 0,1", "OK");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["+CGREG: 0,1"]);
  });

  it("collects bare lines for commands without a prefix (AT+CGSN, AT+CIMI)", () => {
    const h = makeEngine();
    h.engine.send("AT+CGSN", spec("", 1000, AT_F_BARE), 1);
    h.engine.send("AT+CIMI", spec("", 1000, AT_F_BARE), 2);
    h.uart.lines("864403040012345", "OK");
    h.clock.advance(5);
    h.uart.lines("460111174590523", "OK");
    h.clock.advance(5);
    expect(h.done.map((d) => d.lines)).toEqual([["864403040012345"], ["460111174590523"]]);
  });

  it("a URC between the intermediate line and OK goes to the URC table and does not break the command", () => {
    const h = makeEngine();
    h.engine.send("AT+CTM2MSEND=0200010006313233343536,0", spec("+CTM2MSEND:"), 1);
    h.uart.lines("+CTM2MSEND: 46205", "+CTM2M: send,0,46204", "+CTM2MRECV: 061F41001A0006613132333032", "OK");
    h.clock.advance(5);
    expect(h.done).toEqual([{ tag: 1, code: AT_OK, errNo: 0, lines: ["+CTM2MSEND: 46205"] }]);
    expect(h.urcs).toEqual(["+CTM2M: send,0,46204", "+CTM2MRECV: 061F41001A0006613132333032"]);
  });

  it("never confuses +CTM2M: with +CTM2MSEND: or +CTM2M ERROR:", () => {
    const h = makeEngine(["+CTM2M:"]);
    h.engine.send("AT+CTM2MSEND=00", spec("+CTM2MSEND:"), 1);
    h.uart.lines("+CTM2M:reg,0", "+CTM2MSEND: 5", "OK");
    h.clock.advance(5);
    h.uart.lines("+CTM2MSEND: 6"); // nothing in flight: not a URC either
    h.clock.advance(5);
    expect(h.urcs).toEqual(["+CTM2M:reg,0"]);
    expect(h.done[0].lines).toEqual(["+CTM2MSEND: 5"]);
    expect(h.engine.stats.unexpected).toBe(1);
    expect(h.engine.lastUnexpected).toBe("+CTM2MSEND: 6");
  });

  it("a URC arriving while a bare-line command is in flight still reaches the URC table", () => {
    const h = makeEngine();
    h.engine.send("AT+CIMI", spec("", 1000, AT_F_BARE), 1);
    h.uart.lines("+CTM2M: lwstatus,0", "460111174590523", "OK");
    h.clock.advance(5);
    expect(h.urcs).toEqual(["+CTM2M: lwstatus,0"]);
    expect(h.done[0].lines).toEqual(["460111174590523"]);
  });

  it("recognises and ignores an echoed command line, and says so", () => {
    const h = makeEngine();
    h.engine.send("AT+CSQ", spec("+CSQ:"), 4);
    h.uart.deliver("AT+CSQ\r\r\n+CSQ: 31,99\r\n\r\nOK\r\n");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["+CSQ: 31,99"]);
    expect(h.echoes).toEqual([4]);
    expect(h.engine.stats.unexpected).toBe(0);
  });

  it("counts lines nobody expects", () => {
    const h = makeEngine();
    h.uart.lines("junk", "OK", "+CSQ: 1,1");
    h.clock.advance(5);
    expect(h.engine.stats.unexpected).toBe(3);
    expect(h.done).toEqual([]);
  });

  it("keeps at most maxLines intermediate lines and counts the rest", () => {
    const h = makeEngine(undefined, { maxLines: 2 });
    h.engine.send("AT+COPS=?", spec("+COPS:"), 1);
    h.uart.lines("+COPS: 1", "+COPS: 2", "+COPS: 3", "OK");
    h.clock.advance(5);
    expect(h.done[0].lines).toEqual(["+COPS: 1", "+COPS: 2"]);
    expect(h.engine.stats.linesDropped).toBe(1);
  });

  it("treats the prefix line as final for AT+CPOWD=1", () => {
    const h = makeEngine();
    h.engine.send("AT+CPOWD=1", spec("NORMAL POWER DOWN", 5000, AT_F_PREFIX_FINAL), 1);
    h.uart.lines("NORMAL POWER DOWN");
    h.clock.advance(5);
    expect(h.done[0]).toMatchObject({ code: AT_OK, lines: ["NORMAL POWER DOWN"] });
  });
});

describe("AtEngine: cancellation", () => {
  it("cancelAll reports every command cancelled and sends nothing until the module answers the in-flight one", () => {
    const h = makeEngine();
    h.engine.send("AT+CGACT?", spec("+CGACT:"), 1);
    h.engine.send("AT+COPS?", spec("+COPS:"), 2);
    h.engine.cancelAll();
    expect(h.done.map((d) => [d.tag, d.code])).toEqual([
      [1, AT_CANCELLED],
      [2, AT_CANCELLED],
    ]);
    h.engine.send("AT+CSQ", spec("+CSQ:"), 3);
    expect(h.uart.commands()).toEqual(["AT+CGACT?"]);
    h.uart.lines("+CGACT: 1,1", "OK");
    h.clock.advance(5);
    expect(h.uart.commands()).toEqual(["AT+CGACT?", "AT+CSQ"]);
    expect(h.done).toHaveLength(2); // the cancelled command's OK is not reported again
  });

  it("moduleReset drops the partial line and the in-flight command at once", () => {
    const h = makeEngine();
    h.engine.send("AT+CSQ", spec("+CSQ:"), 1);
    h.engine.send("AT", spec(""), 2);
    h.uart.deliver("+CS");
    h.clock.advance(5);
    h.engine.moduleReset();
    expect(h.done[0]).toMatchObject({ tag: 1, code: AT_CANCELLED });
    expect(h.uart.commands()).toEqual(["AT+CSQ", "AT"]);
    expect(h.engine.pendingChars()).toBe(0);
  });
});
