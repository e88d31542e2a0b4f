// Test bench for the simulator's own tests: the module on a fake clock, driven line by line without an
// AT engine, so each test can assert the exact lines the module printed for one command.

import { FakeClock } from "../support/fake-clock";
import { Sim7020, type SimOptions } from "./sim7020";

export const NOTE_INIT = 'AT+CTM2MINIT="221.229.214.202",5683,300,0,0';

export function bench(opts: Partial<SimOptions> = {}) {
  const clock = new FakeClock();
  let raw = "";
  // Fixed baud by default so the first command is answered; auto-baud tests ask for it.
  const sim = new Sim7020({ clock, output: (t) => void (raw += t), seed: 7, autoBaud: false, ...opts });
  const moduleLinesFrom = (from: number) =>
    sim
      .transcript()
      .slice(from)
      .filter((e) => e.dir === "module")
      .map((e) => e.line);
  const b = {
    clock,
    sim,
    raw: () => raw,
    clearRaw: () => void (raw = ""),
    /** Send one command, run until its final result (plus extraMs), return the lines printed meanwhile. */
    at(line: string, extraMs = 0): string[] {
      const from = sim.transcript().length;
      sim.receive(line + "\r");
      clock.runUntil(() => sim.state().busy === undefined, 60000);
      if (extraMs > 0) clock.advance(extraMs);
      return moduleLinesFrom(from);
    },
    /** Let time pass; return the lines printed meanwhile. */
    wait(ms: number): string[] {
      const from = sim.transcript().length;
      clock.advance(ms);
      return moduleLinesFrom(from);
    },
    /** Wait (up to 20 s) for the network attach that follows boot. */
    attach(): void {
      if (clock.runUntil(() => sim.state().attached, 20000) < 0) throw new Error("no attach: " + JSON.stringify(sim.state()));
    },
    /** Attach, INIT and register until observed (state 3). */
    register(): void {
      b.attach();
      b.at(NOTE_INIT);
      b.at("AT+CTM2MREG");
      if (clock.runUntil(() => sim.state().regState === 3, 20000) < 0) throw new Error("not registered: " + JSON.stringify(sim.state()));
    },
  };
  return b;
}
