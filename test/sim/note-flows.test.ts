// Replays of the application note's example flows (spec section 5, 4.1, 4.2) with the project's
// AtEngine as the host over the UartStub: same commands, same answers, message ids aside.

import { describe, expect, it } from "vitest";
import { AtEngine, AT_ENGINE_DEFAULTS, AT_F_BARE } from "../support/at-compat";
import { AT_OK } from "../../lib/at/result";
import { FakeClock } from "../support/fake-clock";
import { randomChunks, UartStub } from "../support/uart-stub";
import { Rng } from "./rng";
import { attachToStub, Sim7020, type SimOptions } from "./sim7020";

type Step = { send: string; prefix?: string; settleMs?: number } | { inject: (sim: Sim7020) => void };

function replay(opts: Partial<SimOptions>, steps: Step[], chunked = false) {
  const clock = new FakeClock();
  const uart = new UartStub(clock);
  if (chunked) uart.chunker = randomChunks(new Rng(99).fn(), 4);
  const sim = new Sim7020({ clock, output: () => {}, seed: 5, autoBaud: false, ...opts });
  attachToStub(sim, uart);
  const results: number[] = [];
  const urcs: string[] = [];
  const engine: AtEngine = new AtEngine(
    uart,
    clock,
    [
      { prefix: "+CTM2M:", handler: (l) => urcs.push(l) },
      { prefix: "+CTM2MRECV:", handler: (l) => urcs.push(l) },
      { prefix: "+CPIN:", handler: (l) => urcs.push(l) },
    ],
    { atDone: (_t, code) => results.push(code), atEcho: () => {} },
    AT_ENGINE_DEFAULTS,
  );
  uart.attach((c) => engine.feed(c));
  for (const s of steps) {
    if ("inject" in s) {
      s.inject(sim);
      clock.advance(50);
      continue;
    }
    const n = results.length;
    engine.send(s.send, { prefix: s.prefix || "", timeoutMs: 5000, flags: s.prefix === undefined ? 0 : AT_F_BARE }, n);
    if (clock.runUntil(() => results.length > n, 6000) < 0) throw new Error("no result for " + s.send);
    clock.advance(s.settleMs === undefined ? 5000 : s.settleMs);
  }
  const lines = sim.transcript().map((e) => (e.dir === "host" ? "> " : "< ") + e.line);
  return { sim, results, urcs, lines, engine };
}

/** Message ids are the module's own: compare the shape, and check that each confirmation matches its id. */
function withoutIds(lines: string[]): string[] {
  return lines.map((l) => l.replace(/(\+CTM2MUPDATE: |\+CTM2MSEND: |update,\d+,|send,\d+,)\d+$/, "$1<id>"));
}

function note(text: string): string[] {
  return text
    .trim()
    .split("\n")
    .map((l) => l.trim());
}

const SECTION_5 = note(`
  > AT+CTM2MINIT="221.229.214.202",5683,300,0,0
  < OK
  > AT+CTM2MINIT?
  < +CTM2MINIT: 221.229.214.202,5683,300,0,0
  < OK
  > AT+CTM2MREG=300
  < OK
  < +CTM2M: reg,0
  > AT+CTM2MREG?
  < +CTM2MREG: 3
  < OK
  > AT+CTM2MUPDATE=0
  < +CTM2MUPDATE: 35194
  < OK
  < +CTM2M: update,0,35194
  > AT+CTM2MSEND=0200010006313233343536,0
  < +CTM2MSEND: 46205
  < OK
  < +CTM2M: send,0,46205
  < +CTM2MRECV: 061F41001A0006613132333032
  < +CTM2MRECV:061F42001200080006623132333031
  > AT+CTM2MDEREG
  < OK
  < +CTM2M: dereg,0
`);

const SECTION_5_STEPS: Step[] = [
  { send: 'AT+CTM2MINIT="221.229.214.202",5683,300,0,0' },
  { send: "AT+CTM2MINIT?", prefix: "+CTM2MINIT:" },
  { send: "AT+CTM2MREG=300" },
  { send: "AT+CTM2MREG?", prefix: "+CTM2MREG:" },
  { send: "AT+CTM2MUPDATE=0", prefix: "+CTM2MUPDATE:" },
  { send: "AT+CTM2MSEND=0200010006313233343536,0", prefix: "+CTM2MSEND:" },
  { inject: (sim) => sim.faults.downlink("061F41001A0006613132333032") },
  // The note prints the second downlink without the space: the simulator can too.
  { inject: (sim) => sim.faults.downlink("061F42001200080006623132333031", true) },
  { send: "AT+CTM2MDEREG" },
];

describe("the application note's flows, replayed through AtEngine", () => {
  it("section 5: INIT, INIT?, REG=300, REG?, UPDATE=0, SEND, two downlinks, DEREG", () => {
    const r = replay({ printObsrv: false }, [{ inject: () => {} }, ...SECTION_5_STEPS]);
    // The module was attached before the flow starts (note: the network section comes first).
    expect(withoutIds(r.lines)).toEqual(withoutIds(SECTION_5));
    expect(r.results.every((c) => c === AT_OK)).toBe(true);
    const id = (prefix: string) => r.lines.find((l) => l.startsWith(prefix))!.split(/[:,] ?/).pop();
    expect(id("< +CTM2M: update,")).toBe(id("< +CTM2MUPDATE: "));
    expect(id("< +CTM2M: send,")).toBe(id("< +CTM2MSEND: "));
    expect(r.urcs).toEqual([
      "+CTM2M: reg,0",
      expect.stringMatching(/^\+CTM2M: update,0,\d+$/),
      expect.stringMatching(/^\+CTM2M: send,0,\d+$/),
      "+CTM2MRECV: 061F41001A0006613132333032",
      "+CTM2MRECV:061F42001200080006623132333031",
      "+CTM2M: dereg,0",
    ]);
    expect(r.sim.summary()).toMatchObject({ registrations: 1, downlinks: 2, violations: [], sends: [{ hex: "0200010006313233343536", mode: 0 }] });
    expect(r.engine.stats).toMatchObject({ unexpected: 0, timeouts: 0, echoes: 7 });
  });

  it("section 5 again with the module's output in random 1-4 character pieces: same transcript", () => {
    const r = replay({ printObsrv: false }, [{ inject: () => {} }, ...SECTION_5_STEPS], true);
    expect(withoutIds(r.lines)).toEqual(withoutIds(SECTION_5));
    expect(r.engine.stats).toMatchObject({ unexpected: 0, timeouts: 0 });
  });

  it("section 4.1: PDN self-activation checks", () => {
    const r = replay({ operator: "CHN-UNICOM", initialApn: "shnbiot", networkApn: "shnbiot", rssi: 20, ip: "10.250.0.213" }, [
      { send: "AT+CPIN?", prefix: "+CPIN:", settleMs: 7000 },
      { send: "AT+CSQ", prefix: "+CSQ:" },
      { send: "AT+CGREG?", prefix: "+CGREG:" },
      { send: "AT+CGACT?", prefix: "+CGACT:" },
      { send: "AT+COPS?", prefix: "+COPS:" },
      { send: "AT+CGCONTRDP", prefix: "+CGCONTRDP:" },
    ]);
    expect(r.lines).toEqual(
      note(`
      > AT+CPIN?
      < +CPIN: READY
      < OK
      > AT+CSQ
      < +CSQ: 20,0
      < OK
      > AT+CGREG?
      < +CGREG: 0,1
      < OK
      > AT+CGACT?
      < +CGACT: 1,1
      < OK
      > AT+COPS?
      < +COPS: 0,0,"CHN-UNICOM",9
      < OK
      > AT+CGCONTRDP
      < +CGCONTRDP: 1,5,"shnbiot","10.250.0.213.255.255.255.0"
      < OK
    `),
    );
  });

  it("section 4.2: changing the APN at CFUN=0 (the note's AT+MCGDEFCONT spelling)", () => {
    const r = replay({ apnSpelling: "plus", initialApn: "ctnb", networkApn: "3GNET", ip: "10.250.0.253" }, [
      { send: "AT+CFUN=0" },
      { send: 'AT+MCGDEFCONT="IP","3GNET"' },
      { send: "AT+CFUN=1", settleMs: 7000 },
      { send: "AT+CGREG?", prefix: "+CGREG:" },
      { send: "AT+CGCONTRDP", prefix: "+CGCONTRDP:" },
    ]);
    expect(r.lines).toEqual(
      note(`
      > AT+CFUN=0
      < +CPIN: NOT READY
      < OK
      > AT+MCGDEFCONT="IP","3GNET"
      < OK
      > AT+CFUN=1
      < OK
      < +CPIN: READY
      > AT+CGREG?
      < +CGREG: 0,1
      < OK
      > AT+CGCONTRDP
      < +CGCONTRDP: 1,5,"3GNET","10.250.0.253.255.255.255.0"
      < OK
    `),
    );
    expect(r.urcs).toEqual(["+CPIN: NOT READY", "+CPIN: READY"]); // CFUN has no prefix: both reach the URC table
  });
});
