// The link machine on the UART stub, the fake clock and the SIM7020 simulator: what every link test
// builds on. The data path has an empty queue here (test/data and test/device add the outbox). Logs are
// kept in memory (and printed on demand) so failures show the story.

import { EV_START, LE_STATE, START_WARM } from "../../lib/link/events";
import { Link } from "../../lib/link/machine";
import { S_READY, stateName } from "../../lib/link/states";
import { LOG_INFO, type Log } from "../../lib/ports";
import { testConfig } from "../support/config";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";
import { Rng } from "../sim/rng";
import { Sim7020, attachToStub, type SimOptions } from "../sim/sim7020";
import { wiredPins } from "../device/rig";

export interface Rig {
  clock: FakeClock;
  uart: UartStub;
  sim: Sim7020;
  link: Link;
  logs: string[];
  transitions: { from: string; to: string; reason: string; t: number }[];
  downlinks: string[];
  rng: Rng;
  /** Start bring-up (warm: after our own deep sleep). */
  start(warm?: boolean): void;
  /** Run until Ready (or maxMs); returns the elapsed ms or -1. */
  untilReady(maxMs?: number): number;
  /** Host commands sent so far, without the trailing \r. */
  commands(): string[];
  dump(): string;
}

/**
 * `config`: a partial firmware configuration (validated, defaults filled in); `wirePins` wires PWRKEY
 * (D4) and STATUS (D5).
 */
export function makeRig(opts: { seed?: number; sim?: Partial<SimOptions>; config?: any; logLevel?: number; wirePins?: boolean } = {}): Rig {
  const seed = opts.seed ?? 1;
  const over = JSON.parse(JSON.stringify(opts.config ?? {}));
  if (opts.wirePins) over.modem = { ...(over.modem ?? {}), pwrkeyPin: "D4", statusPin: "D5" };
  if (opts.logLevel !== undefined) over.log = { ...(over.log ?? {}), level: opts.logLevel };
  const cfg = testConfig(over);
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
  const owner = {
    linkEvent(kind: number, from: number, to: number, reason: string) {
      if (kind === LE_STATE) transitions.push({ from: stateName(from), to: stateName(to), reason, t: clock.now() });
    },
    linkDownlink(hex: string) {
      downlinks.push(hex);
    },
  };
  const nothing = { head: () => undefined, remove: () => false, size: () => 0, push: () => 2, nextSeq: () => 0 };
  const link = new Link({ uart, clock, pins: wiredPins(sim.pins, cfg.modem.pwrkeyPin !== null, cfg.modem.statusPin !== null), log, random: () => rng.next() }, owner, owner, nothing);
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
    start(warm = false) {
      link.post(EV_START, 0, warm ? START_WARM : 0, -1, -1, -1, "");
    },
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
