import { describe, expect, it } from "vitest";
import { bench } from "./bench";
import { parseCommand, splitArgs } from "./command";
import { Rng } from "./rng";

describe("sim line discipline", () => {
  it("echoes the command and \\r before the framed answer until ATE0", () => {
    const b = bench();
    expect(b.at("AT")).toEqual(["OK"]);
    expect(b.raw()).toBe("AT\r\r\nOK\r\n");
    b.clearRaw();
    b.at("ATE0");
    expect(b.raw()).toBe("ATE0\r\r\nOK\r\n"); // ATE0 itself is still echoed
    b.clearRaw();
    b.at("AT+CMEE?");
    expect(b.raw()).toBe("\r\n+CMEE: 0\r\n\r\nOK\r\n");
    b.at("ATE1");
    b.clearRaw();
    b.at("AT");
    expect(b.raw()).toBe("AT\r\r\nOK\r\n");
    expect(b.sim.summary().echoes).toBe(3); // AT, ATE0, AT: ATE1 arrived with echo off
  });

  it("takes input in any chunking, tolerates \\r\\n and ignores empty lines", () => {
    const b = bench();
    for (const ch of "AT+C") b.sim.receive(ch);
    b.sim.receive("SQ\r\n");
    b.clock.runUntil(() => b.sim.state().busy === undefined, 1000);
    b.sim.receive("\r\n\r");
    b.clock.advance(500);
    const t = b.sim.transcript();
    expect(t.map((e) => e.line)).toEqual(["AT+CSQ", expect.stringMatching(/^\+CSQ: \d+,0$/), "OK"]);
    expect(b.sim.summary().commands).toEqual({ "AT+CSQ": 1 });
  });

  it("answers unknown commands and non-AT text with plain ERROR whatever CMEE says", () => {
    const b = bench();
    b.at("AT+CMEE=1");
    expect(b.at("AT+FOO")).toEqual(["ERROR"]);
    expect(b.at("hello")).toEqual(["ERROR"]);
    expect(b.at("AT+CTM2MFOO=1")).toEqual(["ERROR"]);
  });

  it("formats 27.007 errors by AT+CMEE: plain, numeric, text", () => {
    const b = bench({ simPresent: false });
    expect(b.at("AT+CPIN?")).toEqual(["ERROR"]);
    b.at("AT+CMEE=1");
    expect(b.at("AT+CPIN?")).toEqual(["+CME ERROR: 10"]);
    b.at("AT+CMEE=2");
    expect(b.at("AT+CPIN?")).toEqual(["+CME ERROR: SIM not inserted"]);
    expect(b.at("AT+CMEE=3")).toEqual(["+CME ERROR: Incorrect parameters"]);
    expect(b.at("AT+CMEE?")).toEqual(["+CMEE: 2", "OK"]);
  });

  it("+CTM2M ERROR does not depend on CMEE, and OK follows it unless the variant says otherwise", () => {
    const b = bench();
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 1", "OK"]);
    b.at("AT+CMEE=2");
    expect(b.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 1", "OK"]);
    const c = bench({ okAfterCtm2mError: false });
    expect(c.at("AT+CTM2MREG")).toEqual(["+CTM2M ERROR: 1"]);
  });

  it("catches a host that sends a second command before the final result, and ignores that command", () => {
    const b = bench();
    b.sim.receive("AT+CSQ\r");
    b.clock.advance(5); // the module is still working on AT+CSQ (10..60 ms)
    b.sim.receive("AT+CGREG?\r");
    b.clock.advance(2000);
    const s = b.sim.summary();
    expect(s.violations).toHaveLength(1);
    expect(s.violations[0]).toMatch(/^t=5ms "AT\+CGREG\?" sent before the final result of "AT\+CSQ" \(sent 5 ms earlier\): ignored$/);
    expect(s.ignored).toEqual({ busy: 1 });
    expect(s.commands).toEqual({ "AT+CSQ": 1 });
    const t = b.sim.transcript();
    expect(t.filter((e) => e.dir === "module").map((e) => e.line)).toEqual([expect.stringMatching(/^\+CSQ:/), "OK"]);
    expect(t[1]).toMatchObject({ dir: "host", line: "AT+CGREG?", note: "ignored: busy" });
    // Once the final result is out, the next command is served normally.
    expect(b.at("AT+CGREG?")).toEqual(["+CGREG: 0,2", "OK"]);
    expect(b.sim.summary().violations).toHaveLength(1);
  });

  it("a command longer than 2048 characters is a violation answered ERROR", () => {
    const b = bench();
    const long = "AT+CTM2MSEND=" + "00".repeat(1100);
    expect(b.at(long)).toEqual(["ERROR"]);
    const v = b.sim.summary().violations;
    expect(v).toHaveLength(1);
    expect(v[0]).toMatch(/command longer than 2048 characters/);
    expect(b.raw()).not.toContain("0000\r"); // not echoed
    expect(b.at("AT")).toEqual(["OK"]); // the buffer is clean again
  });

  it("answers local commands within tens of ms, drawn from the seed", () => {
    const lat = (seed: number) => {
      const b = bench({ seed });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = b.clock.now();
        b.at("AT");
        out.push(b.clock.now() - t0);
      }
      return out;
    };
    const a = lat(3);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...a)).toBeLessThanOrEqual(60);
    expect(lat(3)).toEqual(a);
    expect(lat(4)).not.toEqual(a);
  });

  it("auto-baud: the first AT after power-up is eaten, the next is answered", () => {
    const b = bench({ autoBaud: true });
    expect(b.at("AT")).toEqual([]);
    expect(b.raw()).toBe("");
    expect(b.at("AT")).toEqual(["OK"]);
    expect(b.sim.summary().swallowed).toEqual({ autobaud: 1 });
    expect(b.sim.transcript()[0]).toMatchObject({ line: "AT", note: "swallowed: autobaud" });
  });

  it("keeps the transcript bounded but the counters whole", () => {
    const b = bench({ transcriptLimit: 10 });
    for (let i = 0; i < 20; i++) b.at("AT");
    const t = b.sim.transcript();
    expect(t).toHaveLength(10);
    expect(t[0].tMs).toBeLessThan(t[9].tMs);
    expect(t[9]).toMatchObject({ dir: "module", line: "OK" });
    expect(b.sim.summary().commands).toEqual({ AT: 20 });
    expect(b.sim.summary().transcriptLines).toBe(40);
  });
});

describe("sim command parsing and generator", () => {
  it("splits names, forms and quoted arguments", () => {
    expect(parseCommand("at+cgreg?")).toMatchObject({ name: "AT+CGREG", form: "read", key: "AT+CGREG?" });
    expect(parseCommand("AT+CTM2MREG=?")).toMatchObject({ form: "test", key: "AT+CTM2MREG=?" });
    expect(parseCommand('AT*MCGDEFCONT="IP","a,b"')).toMatchObject({ name: "AT*MCGDEFCONT", key: "AT*MCGDEFCONT" });
    expect(splitArgs('1,,,"00100001","00000101"').map((a) => a.text)).toEqual(["1", "", "", "00100001", "00000101"]);
    expect(splitArgs('"IP","a,b"')).toEqual([
      { text: "IP", quoted: true },
      { text: "a,b", quoted: true },
    ]);
  });

  it("the generator is deterministic per seed and spreads over its range", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(new Rng(0).next()).not.toBe(new Rng(1).next());
  });
});
