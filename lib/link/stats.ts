// Link counters for the log, the reports and the soak: plain numbers, one object, no growth.

export interface LinkStats {
  events: number;
  eventsDropped: number;
  exceptions: number;
  transitions: number;
  failures: number;
  readyCount: number;
  registrations: number;
  regFailures: number;
  /** Session recoveries started from Ready (lwstatus, ping, send,9, plat...). */
  recoveries: number;
  rebootsSeen: number;
  powerCycles: number;
  apnFixes: number;
  supervisorFired: number;
  wakeups: number;
  lastTimeToReadyMs: number;
  worstTimeToReadyMs: number;
  /** The first error of the current outage, kept as the root cause ("reg 13", "cme 10"...). */
  rootCause: string;
  /** Failures by cause, e.g. { "reg13": 2, "ctm2m34": 1 }: bounded by the module's code tables. */
  byCode: { [code: string]: number };
}

export function newLinkStats(): LinkStats {
  return {
    events: 0,
    eventsDropped: 0,
    exceptions: 0,
    transitions: 0,
    failures: 0,
    readyCount: 0,
    registrations: 0,
    regFailures: 0,
    recoveries: 0,
    rebootsSeen: 0,
    powerCycles: 0,
    apnFixes: 0,
    supervisorFired: 0,
    wakeups: 0,
    lastTimeToReadyMs: 0,
    worstTimeToReadyMs: 0,
    rootCause: "",
    byCode: {},
  };
}

/** Count a failure cause; only short codes from the module's tables reach here, so keys stay few. */
export function countCode(stats: LinkStats, code: string): void {
  stats.byCode[code] = (stats.byCode[code] || 0) + 1;
  if (stats.rootCause === "") stats.rootCause = code;
}
