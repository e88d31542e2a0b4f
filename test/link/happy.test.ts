// The application note's happy flow, end to end against the simulator.
import { describe, expect, it } from "vitest";
import { S_READY } from "../../lib/link/states";
import { makeRig } from "./harness";

describe("link: happy path", () => {
  it("goes from power-on to a registered, observed session with the note's commands", () => {
    const r = makeRig();
    r.link.start();
    const t = r.untilReady(120_000);
    if (t < 0) console.log(r.dump());
    expect(t).toBeGreaterThan(0);
    expect(r.link.state).toBe(S_READY);
    console.log(r.commands().join("\n"));
    console.log(r.dump());
  });
});
