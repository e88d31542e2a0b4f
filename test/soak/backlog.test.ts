// Draining a backlog after a long outage, with today's uplink sender on the simulator: the reports go
// out oldest first, one CON in flight, a command response that arrives meanwhile jumps the backlog, the
// link's own Ready checks still run, and the drain rate (reports per minute) is printed.

import { describe, expect, it } from "vitest";
import { decodeCommand, decodeFrame, encodeCommand } from "../../lib/aep/codec";
import { Ready } from "../../lib/link/ready";
import { APP_PROFILE, CMD_REPORT_NOW, RSP_REPORT_NOW, SVC_TELEMETRY } from "../../firmware/profile";
import { makeDeviceRig } from "../device/rig";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("draining the backlog of a long outage", () => {
  it("two days without signal: oldest first, one CON in flight, a command response first, health checks go on", () => {
    const r = makeDeviceRig({ seed: 11 }); // the default configuration: 300 s reports, 64 KB outbox
    expect(r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0, 20 * MIN)).toBeGreaterThanOrEqual(0);
    r.sim.faults.noSignal(2 * DAY);
    r.clock.advance(2 * DAY);
    const backlog = r.device.outbox.size();
    expect(backlog).toBeGreaterThan(2 * 288 - 5);
    expect(r.device.outbox.stats.droppedOldest).toBe(0);

    // From here on: every host command and module line, with its time.
    const log: { t: number; host: boolean; line: string }[] = [];
    const toSim = r.uart.onWrite as (d: string) => void;
    r.uart.onWrite = (d) => {
      log.push({ t: r.clock.now(), host: true, line: d });
      toSim(d);
    };
    const feed = (c: string) => r.device.link.at.feed(c);
    r.uart.attach((c) => {
      for (const l of c.split("\r\n")) if (l) log.push({ t: r.clock.now(), host: false, line: l });
      feed(c);
    });
    const sends0 = r.sim.rec.s.sends.length;
    // A command once a quarter of the backlog is out.
    let commandAt = -1;
    const task = 4242;
    r.clock.runUntil(() => r.sim.rec.s.sends.length - sends0 >= backlog / 4, 6 * HOUR);
    const cmd = encodeCommand(APP_PROFILE, CMD_REPORT_NOW, task, { reserved: 0 });
    if (cmd.err !== undefined) throw new Error(cmd.msg);
    r.sim.faults.downlink(cmd.hex);
    commandAt = r.clock.now();
    expect(r.clock.runUntil(() => r.isReady() && r.device.outbox.size() === 0 && !r.device.link.up.busy(), 6 * HOUR)).toBeGreaterThanOrEqual(0);

    const sends = r.sim.rec.s.sends.slice(sends0);
    const reports = sends.filter((s) => decodeFrame(APP_PROFILE, s.hex).serviceId === SVC_TELEMETRY);
    // oldest first: the reports' own seq fields rise
    const seqs = reports.map((s) => {
      const f = decodeFrame(APP_PROFILE, s.hex);
      return f.err === undefined ? (f.values.seq as number) : -1;
    });
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    // one CON in flight: never a second AT+CTM2MSEND before the module's "+CTM2M: send," for the first
    let open = 0;
    let maxOpen = 0;
    for (const e of log) {
      if (e.host && e.line.indexOf("AT+CTM2MSEND=") === 0) maxOpen = Math.max(maxOpen, ++open);
      if (!e.host && e.line.indexOf("+CTM2M: send,") === 0) open = Math.max(0, open - 1);
    }
    expect(maxOpen).toBe(1);
    // the response: the first frame sent after the command arrived, or the one after it (one may be on its way)
    const after = log.filter((e) => e.host && e.t >= commandAt && e.line.indexOf("AT+CTM2MSEND=") === 0).map((e) => decodeFrame(APP_PROFILE, e.line.substring(13, e.line.indexOf(","))));
    const at = after.findIndex((f) => f.serviceId === RSP_REPORT_NOW);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThanOrEqual(1);
    expect(after[at].taskId).toBe(task);
    expect(decodeCommand(APP_PROFILE, cmd.hex).taskId).toBe(task);
    // health checks: the Ready state's every-15-minutes queries still go out while the backlog drains
    const first = sends[0].tMs;
    const last = sends[sends.length - 1].tMs;
    const checks = log.filter((e) => e.host && e.t >= first && e.t <= last && e.line.indexOf("AT+CSQ") === 0).length;
    expect(checks).toBeGreaterThanOrEqual(Math.floor((last - first) / Ready.CHECK_MS) - 1);
    const perMin = (reports.length / (last - first)) * MIN;
    console.log(
      "backlog drain (simulator, today's sender): " + backlog + " queued after 2 days without signal; " + sends.length + " uplinks out in " + ((last - first) / MIN).toFixed(1) + " min = " + perMin.toFixed(1) +
        " reports a minute; one CON in flight; the command response went " + (at === 0 ? "next" : "right after the frame on its way") + "; " + checks + " Ready checks meanwhile",
    );
    expect(perMin).toBeGreaterThan(10);
  });
});
