// The whole firmware logic against the simulator: reports confirmed, commands answered.
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../lib/aep/codec";
import { APP_PROFILE } from "../../firmware/profile";
import { makeDeviceRig } from "./rig";
import { uplinkStats } from "../../lib/link/stats";

describe("device: reports and commands", () => {
  it("reaches Ready, sends the boot event and periodic reports, each confirmed by msgid", () => {
    const r = makeDeviceRig({ config: { app: { reportIntervalS: 60 } } });
    r.clock.advance(5 * 60_000 + 30_000);
    const sends = r.sim.summary().sends;
    const decoded = sends.map((s) => decodeFrame(APP_PROFILE, s.hex));
    console.log(r.dump(40));
    expect(decoded[0]).toMatchObject({ service: "linkEvent", values: { code: 0, detail: "boot" } });
    expect(decoded.filter((d) => d.err === undefined && d.service === "telemetry").length).toBeGreaterThanOrEqual(4);
    expect(r.device.outbox.size()).toBe(0);
    expect(uplinkStats(r.device.link).delivered).toBe(sends.length);
  });
});
