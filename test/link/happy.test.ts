// The application note's happy flow, end to end against the simulator: the exact commands from cold
// boot to Ready, and what a warm start after our own deep sleep costs.
import { FORGET_ALL } from "../../lib/link/events";
import { describe, expect, it } from "vitest";
import { S_READY } from "../../lib/link/states";
import { makeRig } from "./harness";

/**
 * Cold boot to Ready on a factory module (auto-baud, nothing saved): the note's sections 4.1 and 5,
 * with what only feeds the log (IMEI, IMSI, operator) moved out of the path (Ready asks it later), the
 * SIM and the saved APN checked only when attach does not come, the PDN read from AT+CGCONTRDP, and
 * AT+CTM2MREG? replaced by the REG's own "already connected" (error 33).
 */
export const COLD_BOOT = [
  "AT", // eaten by auto-baud
  "AT",
  "ATE0",
  "AT+CPSMS?",
  "AT+CSQ",
  "AT+CGREG?",
  "AT+CGCONTRDP",
  "AT+CTM2MINIT?",
  'AT+CTM2MINIT="221.229.214.202",5683,86400,0,0',
  "AT+CTM2MREG",
];

describe("link: happy path", () => {
  it("goes from power-on to a registered, observed session with the note's commands", () => {
    const r = makeRig();
    r.start();
    const t = r.untilReady(120_000);
    expect(t).toBeGreaterThan(0);
    expect(r.link.state).toBe(S_READY);
    // While the network searches, the CGREG poll repeats (the signal is read once, on entry): compare
    // without the extra rounds.
    const c = r.commands();
    expect(c.filter((x) => x === "AT+CSQ")).toEqual(["AT+CSQ"]);
    const polls = c.filter((x) => x === "AT+CGREG?").length - 1;
    const compact = c.filter((x, i) => !((x === "AT+CGREG?" || x === "AT+CEREG?") && c.slice(i + 1).includes("AT+CGREG?")));
    expect(compact).toEqual(COLD_BOOT);
    expect(r.sim.summary().violations).toEqual([]);
    expect(r.sim.summary().registrations).toBe(1);
    expect(polls).toBeLessThan(10);
  });

  it("reads the signal once while the network is quick, and on every poll once the search is slow", () => {
    const r = makeRig();
    r.sim.faults.noSignal(70_000, 2); // searching for 70 s from power-on
    r.start();
    expect(r.untilReady(180_000)).toBeGreaterThan(0);
    const c = r.commands();
    const csq = c.filter((x) => x === "AT+CSQ").length;
    const polls = c.filter((x) => x === "AT+CGREG?").length;
    // Fast polls (2 s) for the first 30 s carry no AT+CSQ; the slow ones (5 s) each carry one.
    expect(polls).toBeGreaterThan(15);
    expect(csq).toBeGreaterThan(3);
    expect(csq).toBeLessThan(polls - 8);
    expect(r.sim.summary().violations).toEqual([]);
  });

  it("does not rewrite the AEP parameters the module already has (its flash is AUTO_SAVE)", () => {
    const r = makeRig({ sim: { savedInit: { ip: "221.229.214.202", port: 5683, lifetimeS: 86400, autoTau: 0, security: 0 } } });
    r.start();
    expect(r.untilReady(120_000)).toBeGreaterThan(0);
    expect(r.commands().filter((x) => x.startsWith("AT+CTM2MINIT="))).toEqual([]);
  });

  it("uses a session the module still holds instead of registering again", () => {
    const r = makeRig();
    r.start();
    r.untilReady(120_000);
    // an MCU restart: a new machine on a module that kept its observed session
    r.link.forget(FORGET_ALL);
    r.start();
    expect(r.untilReady(120_000)).toBeGreaterThan(0);
    // The REG is refused with 33 (already connected): the module does not register again.
    expect(r.sim.summary().registrations).toBe(1);
    expect(r.logs.join("\n")).toContain("already connected (error 33)");
    expect(r.logs.join("\n")).toContain("session already up");
  });

  it("a warm start after our own deep sleep goes straight to Ready and sends nothing until there is an uplink", () => {
    const r = makeRig();
    r.start();
    r.untilReady(120_000);
    r.link.forget(FORGET_ALL);
    const before = r.commands().length;
    r.start(true);
    expect(r.untilReady(1000)).toBeGreaterThanOrEqual(0);
    r.clock.advance(10_000);
    expect(r.commands().slice(before)).toEqual([]);
    expect(r.logs.join("\n")).toContain("Off -> Ready (start (woken from deep sleep))");
  });
});

describe("link: health for the watchdog", () => {
  it("stays healthy while idle in Ready, with and without power saving", () => {
    for (const psm of [false, true]) {
      const r = makeRig({ config: { network: { psm: { enabled: psm, tauS: 3600, activeS: 20 } } } });
      r.start();
      expect(r.untilReady(120_000)).toBeGreaterThan(0);
      for (let h = 0; h < 6; h++) {
        r.clock.advance(3_600_000);
        expect(r.link.healthy(60_000)).toBe(true);
      }
      expect(r.link.state).toBe(S_READY);
    }
  });

  it("is unhealthy when its timers are gone (a wedged machine lets the watchdog bite)", () => {
    const r = makeRig();
    r.start();
    r.untilReady(120_000);
    r.link.forget(FORGET_ALL);
    r.link.state = S_READY; // pretend Ready with no timer: what a lost timer chain looks like
    expect(r.link.healthy(60_000)).toBe(false);
  });
});

describe("link: the network's APN against the configured one", () => {
  // [configured, what AT+CGCONTRDP reports, APN fix expected]. An operator suffix after a dot and the
  // case do not make a different APN; anything else does; an empty one says nothing.
  const cases: [string, string, boolean][] = [
    ["ctnb", "ctnb", false],
    ["ctnb", "CTNB", false],
    ["CTNB", "ctnb.mnc011.mcc460.gprs", false],
    ["ctnb", "ctnb.mnc011.mcc460.gprs", false],
    ["ctnb", "", false],
    ["ctnb", "ctnbx", true],
    ["ctnb", "ctnbx.mnc011.mcc460.gprs", true],
    ["ctnb", "shnbiot", true],
    ["ctnb", "ctn", true],
  ];
  for (const [configured, reported, fix] of cases) {
    it("configured " + JSON.stringify(configured) + ", network " + JSON.stringify(reported) + ": " + (fix ? "APN fix" : "no APN fix"), () => {
      // The module's saved APN is the network's, so attach comes either way: only the comparison decides.
      const r = makeRig({ config: { network: { apn: configured } }, sim: { networkApn: reported, initialApn: reported } });
      r.start();
      const fixed = () => r.transitions.some((t) => t.to === "ApnFix");
      if (fix) expect(r.clock.runUntil(fixed, 300_000)).toBeGreaterThanOrEqual(0);
      else {
        expect(r.untilReady(120_000)).toBeGreaterThan(0);
        expect(fixed()).toBe(false);
      }
    });
  }
});
