// The state table (indexed by the S_* numbers) and the factory that builds a link on its ports.

import { ApnFix, AwaitAttach, AwaitSim, Configure, Off, PowerCycle, PowerOn, RetryWait, Sync } from "./bringup";
import { Link, type LinkPorts, type StateDef } from "./machine";
import { AepInit, Deregistering, Paused, Ready, Registering, Shutdown } from "./session";
import type { LinkConfig, LinkListener } from "./types";

const TABLE: StateDef[] = [
  Off,
  PowerCycle,
  PowerOn,
  Sync,
  Configure,
  ApnFix,
  AwaitSim,
  AwaitAttach,
  AepInit,
  Registering,
  Deregistering,
  Ready,
  RetryWait,
  Paused,
  Shutdown,
];

export function createLink(ports: LinkPorts, cfg: LinkConfig, listener: LinkListener): Link {
  return new Link(ports, cfg, listener, TABLE);
}
