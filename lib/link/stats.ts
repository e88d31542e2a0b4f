// Link counters for the log, the reports and the soak: one Int32Array (Link.stats) indexed by Stat, the
// data path's (Uplink) in the same array. Not an object of named numbers: on the device an object costs a
// JsVar per counter (two or three for a name the build cannot shorten, such as `registrations`, which is a
// profile field), a typed array about one per three. The names are for the desktop: linkStats() and
// uplinkStats() give a named copy (unused on the device, so the build leaves them out). Bounded: the
// failure causes (Link.byCode) are keyed by the module's code tables.

export const enum Stat {
  EVENTS,
  EVENTS_DROPPED,
  EXCEPTIONS,
  TRANSITIONS,
  FAILURES,
  READY_COUNT,
  REGISTRATIONS,
  REG_ATTEMPTS,
  REG_FAILURES,
  REG_GUARD_HELD,
  RECOVERIES,
  REBOOTS_SEEN,
  POWER_CYCLES,
  APN_FIXES,
  SUPERVISOR_FIRED,
  WAKEUPS,
  SET_ASIDE,
  BAD_INTERPRETER,
  LAST_TIME_TO_READY_MS,
  WORST_TIME_TO_READY_MS,
  // The data path's (Uplink).
  UP_SENDS,
  UP_DELIVERED,
  UP_RETRIES,
  UP_CONFIRM_TIMEOUTS,
  UP_DROPPED,
  UP_SET_ASIDE,
  UP_UNKNOWN_CONFIRMS,
  UP_LATE_CONFIRMS,
  UP_EARLY_CONFIRMS,
  UP_WAKE_PULSES,
  COUNT,
}

/** The counter names in Stat order (desktop only). */
const LINK_NAMES = ["events", "eventsDropped", "exceptions", "transitions", "failures", "readyCount", "registrations", "regAttempts", "regFailures", "regGuardHeld", "recoveries", "rebootsSeen", "powerCycles", "apnFixes", "supervisorFired", "wakeups", "setAside", "badInterpreter", "lastTimeToReadyMs", "worstTimeToReadyMs"];
const UPLINK_NAMES = ["sends", "delivered", "retries", "confirmTimeouts", "dropped", "setAside", "unknownConfirms", "lateConfirms", "earlyConfirms", "wakePulses"];

/** What linkStats() and uplinkStats() read. */
export interface StatsSource {
  stats: Int32Array;
  rootCause: string;
  byCode: { [code: string]: number };
}

/** A named copy of the link's counters (tests, soak, bench). */
export function linkStats(link: StatsSource): LinkStats {
  const o: any = {};
  for (let i = 0; i < LINK_NAMES.length; i++) o[LINK_NAMES[i]] = link.stats[i];
  o.rootCause = link.rootCause;
  o.byCode = link.byCode;
  return o as LinkStats;
}

/** A named copy of the data path's counters (tests, soak, bench). */
export function uplinkStats(link: StatsSource): UplinkStats {
  const o: any = {};
  for (let i = 0; i < UPLINK_NAMES.length; i++) o[UPLINK_NAMES[i]] = link.stats[Stat.UP_SENDS + i];
  return o as UplinkStats;
}

export interface LinkStats {
  events: number;
  eventsDropped: number;
  exceptions: number;
  transitions: number;
  failures: number;
  readyCount: number;
  /** Registrations that succeeded (reg,0). */
  registrations: number;
  /** AT+CTM2MREG commands sent (what the network and the platform see). */
  regAttempts: number;
  regFailures: number;
  /** Registrations the rate guard held back (at most REG_GUARD_MAX an hour). */
  regGuardHeld: number;
  /** Session recoveries started from Ready (lwstatus, ping, send,9, plat...). */
  recoveries: number;
  rebootsSeen: number;
  powerCycles: number;
  apnFixes: number;
  supervisorFired: number;
  wakeups: number;
  /** Uplinks set aside after the platform answered them with RST three times. */
  setAside: number;
  /** Boots on an Espruino build known to lose UART bytes (counted by the firmware). */
  badInterpreter: number;
  lastTimeToReadyMs: number;
  worstTimeToReadyMs: number;
  /** The first error of the current outage, kept as the root cause ("reg13", "cme10"...): Link.rootCause. */
  rootCause: string;
  /** Failures by cause, e.g. { "reg13": 2, "ctm2m34": 1 }, bounded by the module's code tables: Link.byCode. */
  byCode: { [code: string]: number };
}

export interface UplinkStats {
  sends: number;
  delivered: number;
  retries: number;
  confirmTimeouts: number;
  dropped: number;
  setAside: number;
  unknownConfirms: number;
  lateConfirms: number;
  earlyConfirms: number;
  wakePulses: number;
}
