// Events every state reacts to the same way: downlinks, reboot evidence, power loss, PSM notices,
// shutdown and module-reboot requests. A state's handler calls handleCommon first.

import { CPIN_NOT_READY, CPIN_READY } from "../sim7020/parse";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import { EV_CPIN, EV_DOWNLINK, EV_ECHO, EV_POWER_DOWN, EV_PSM, EV_REBOOT_MODULE, EV_REBOOT_SEEN, EV_STOP, EV_UNDERVOLTAGE } from "./events";
import type { Link } from "./machine";
import { S_APN_FIX, S_AWAIT_SIM, S_OFF, S_POWER_CYCLE, S_POWER_ON, S_SHUTDOWN, S_SYNC } from "./states";

/** Boot lines of one reboot (RDY, +CFUN: 1, +CPIN: READY, *MATREADY) arrive within this window. */
const REBOOT_DEDUP_MS = 10000;

/** States in which the module is expected to be (re)booting because we made it so. */
function bootExpected(state: number): boolean {
  return state === S_OFF || state === S_POWER_CYCLE || state === S_POWER_ON || state === S_SYNC || state === S_SHUTDOWN;
}

/**
 * A reboot seen (boot lines, or an echo after ATE0). The command in flight stays in flight: after an
 * echo the module is up and will still answer it; after boot lines we cannot tell whether it went out
 * before the reboot (lost: its timeout ends it) or just after (the module is executing it now). Sending
 * AT at once would put two commands in flight in the second case, so the engine waits either way.
 */
export function rebootSeen(m: Link, evidence: string): void {
  const now = m.now();
  const repeat = now - m.lastRebootSeenMs < REBOOT_DEDUP_MS;
  m.lastRebootSeenMs = now;
  if (repeat || bootExpected(m.state)) {
    m.log(LOG_INFO, "boot line: " + evidence);
    return;
  }
  m.stats.rebootsSeen++;
  m.echoOff = false;
  m.asleep = false;
  m.at.dropPartialLine();
  m.go(S_SYNC, "module rebooted (" + evidence + ")");
}

/** True when the event was fully handled here. */
export function handleCommon(m: Link, ev: number, a: number, s: string): boolean {
  switch (ev) {
    case EV_DOWNLINK:
      m.listener.onDownlink(s);
      return true;
    case EV_REBOOT_SEEN:
      rebootSeen(m, s);
      return true;
    case EV_ECHO:
      if (m.echoOff) rebootSeen(m, "echo is on again");
      return true;
    case EV_CPIN:
      // Asked-for +CPIN lines are intermediate results; one arriving on its own means something changed.
      if (m.state === S_APN_FIX || m.state === S_AWAIT_SIM || bootExpected(m.state)) return false;
      if (a === CPIN_READY) rebootSeen(m, "+CPIN: READY");
      else if (a === CPIN_NOT_READY) {
        m.log(LOG_WARN, "SIM not ready (unasked +CPIN: NOT READY)");
        m.go(S_AWAIT_SIM, "SIM not ready");
      }
      return true;
    case EV_POWER_DOWN:
      if (m.state === S_SHUTDOWN || m.state === S_POWER_CYCLE || m.state === S_OFF) return false;
      m.stats.rebootsSeen++;
      m.forgetModule();
      m.noteOff();
      m.log(LOG_ERROR, "module powered down: " + s);
      m.forcePulse = true;
      m.go(S_POWER_ON, "module powered down");
      return true;
    case EV_UNDERVOLTAGE:
      m.log(LOG_WARN, "module supply low: " + s + " (check the supply can give NB-IoT transmit peaks)");
      return true;
    case EV_PSM:
      m.asleep = a === 1;
      if (a !== 1) m.stats.wakeups++;
      return false;
    case EV_STOP:
      if (m.state === S_OFF || m.state === S_SHUTDOWN) return true;
      m.stopRequested = true;
      m.go(S_SHUTDOWN, "shutdown requested");
      return true;
    case EV_REBOOT_MODULE:
      if (m.state === S_OFF || m.state === S_SHUTDOWN) return true;
      m.rebootRequested = true;
      m.go(S_SHUTDOWN, "module reboot requested");
      return true;
  }
  return false;
}
