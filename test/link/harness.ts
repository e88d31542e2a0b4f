// The link machine on the UART stub, the fake clock and the SIM7020 simulator: what every link test
// and the soak build on. Logs are kept in memory (and printed on demand) so failures show the story.

import { createLink } from "../../lib/link/table";
import type { Link } from "../../lib/link/machine";
import type { LinkConfig } from "../../lib/link/types";
import { S_READY, STATE_NAMES } from "../../lib/link/states";
import { LOG_INFO, type Log } from "../../lib/ports";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";
import { Rng } from "../sim/rng";
import { Sim7020, attachToStub, type SimOptions } from "../sim/sim7020";
import { wiredPins } from "../device/rig";

export const BASE_CONFIG: LinkConfig = {
  apn: "ctnb",
  attachTimeoutS: 180,
  readyTimeoutS: 900,
  psm: { enabled: false, tauS: 86400, activeS: 60 },
  init: { server: "221.229.214.202", port: 5683, lifetimeS: 86400, autoTau: 0, security: 0, pskId: "", psk: "" },
  bindingMode: -1,
  hasPwrkey: false,
  hasStatus: false,
  baud: 115200,
};

export interface Rig {
  clock: FakeClock;
  uart: UartStub;
  sim: Sim7020;
  link: Link;
  logs: string[];
  transitions: { from: string; to: string; reason: string; t: number }[];
  downlinks: string[];
  rng: Rng;
  /** Run until Ready (or maxMs); returns the elapsed ms or -1. */
  untilReady(maxMs?: number): number;
  /** Host commands sent so far, without the trailing \r. */
  commands(): string[];
  dump(): string;
}

export function makeRig(opts: { seed?: number; sim?: Partial<SimOptions>; cfg?: Partial<LinkConfig>; logLevel?: number; wirePins?: boolean } = {}): Rig {
  const seed = opts.seed ?? 1;
  const clock = new FakeClock(0);
  const uart = new UartStub(clock);
  const sim = new Sim7020({ clock, output: () => {}, seed, ...(opts.sim ?? {}) });
  attachToStub(sim, uart);
  const logs: string[] = [];
  const transitions: Rig["transitions"] = [];
  const downlinks: string[] = [];
  const log: Log = {
    level: opts.logLevel ?? LOG_INFO,
    write(level, tag, text) {
      logs.push((clock.now() / 1000).toFixed(3) + " " + "EWID".charAt(level) + " " + tag + ": " + text);
      if (logs.length > 4000) logs.splice(0, 1000);
    },
  };
  const rng = new Rng(seed * 7919 + 13);
  const cfg: LinkConfig = { ...BASE_CONFIG, ...(opts.cfg ?? {}) };
  if (opts.wirePins) {
    cfg.hasPwrkey = true;
    cfg.hasStatus = true;
  }
  const link = createLink(
    {
      uart,
      clock,
      pins: wiredPins(sim.pins, cfg.hasPwrkey, cfg.hasStatus),
      log,
      random: () => rng.next(),
    },
    cfg,
    {
      onStateChange(from, to, reason) {
        transitions.push({ from: STATE_NAMES[from], to: STATE_NAMES[to], reason, t: clock.now() });
      },
      onDownlink(hex) {
        downlinks.push(hex);
      },
    },
  );
  uart.attach((c) => link.at.feed(c));
  const rig: Rig = {
    clock,
    uart,
    sim,
    link,
    logs,
    transitions,
    downlinks,
    rng,
    untilReady(maxMs = 3600_000) {
      return clock.runUntil(() => link.state === S_READY, maxMs);
    },
    commands() {
      return uart.commands();
    },
    dump() {
      return logs.slice(-80).join("\n");
    },
  };
  return rig;
}
