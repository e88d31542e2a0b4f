// The state table: which handler runs each state. One switch, so the table costs no RAM on the device.

import { apnFix, moduleUp, network } from "./bringup";
import type { Link } from "./machine";
import { power } from "./power";
import { ready } from "./ready";
import { registration, session, shutdown } from "./session";
import { S_AEP_INIT, S_APN_FIX, S_AWAIT_ATTACH, S_AWAIT_OBSERVE, S_AWAIT_PDN, S_AWAIT_SIM, S_CONFIGURE, S_DEREGISTERING, S_PAUSED, S_READY, S_REG_CHECK, S_REGISTERING, S_RETRY_WAIT, S_SHUTDOWN, S_SYNC } from "./states";

/** The handler of every state. */
export function handle(m: Link): void {
  switch (m.state) {
    case S_SHUTDOWN:
      return shutdown(m);
    case S_RETRY_WAIT:
    case S_PAUSED:
    case S_AEP_INIT:
    case S_DEREGISTERING:
      return session(m);
    case S_SYNC:
    case S_CONFIGURE:
      return moduleUp(m);
    case S_APN_FIX:
      return apnFix(m);
    case S_AWAIT_SIM:
    case S_AWAIT_ATTACH:
    case S_AWAIT_PDN:
      return network(m);
    case S_REG_CHECK:
    case S_REGISTERING:
    case S_AWAIT_OBSERVE:
      return registration(m);
    case S_READY:
      return ready(m);
  }
  power(m); // Off, Quiet, Resetting, PowerOff, OffWait, PowerOn, BootWait
}
