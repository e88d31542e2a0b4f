// Link counters for the log, the reports and the soak: plain numbers, one object, no growth beyond the
// failure causes (bounded by the module's code tables).

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
  /** The first error of the current outage, kept as the root cause ("reg13", "cme10"...). */
  rootCause: string;
  /** Failures by cause, e.g. { "reg13": 2, "ctm2m34": 1 }: bounded by the module's code tables. */
  byCode: { [code: string]: number };
}
