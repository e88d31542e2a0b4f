// Retry delays from a table with random jitter, so a fleet that lost the network together does not
// come back in step (Mbed's cellular state machine does the same). Reset on reaching Ready.

/** Seconds by consecutive failure: doubling to 128 s, then minutes. */
export const RETRY_DELAYS_S = [1, 2, 4, 8, 16, 32, 64, 128, 300, 600, 1800];
/** For causes a quick retry cannot fix (authentication rejected, unknown endpoint, no SIM). */
export const LONG_DELAYS_S = [60, 600, 1800, 3600];

/**
 * The promise the retry tables make: once the last fault clears, the link is Ready again (and has sent
 * what queued up) within the longest jittered delay plus a full bring-up and delivery: 90 min. The
 * soak and the property tests hold the machine to it.
 */
export const RECOVERY_BOUND_MS = LONG_DELAYS_S[LONG_DELAYS_S.length - 1] * 1250 + 15 * 60 * 1000;

/** Delay for the n-th consecutive failure (1-based), jittered to 75%..125%. */
export function retryDelayMs(table: number[], n: number, rand: () => number): number {
  const i = n < 1 ? 0 : n > table.length ? table.length - 1 : n - 1;
  return Math.floor(table[i] * 1000 * (0.75 + 0.5 * rand()));
}

/** What a failure leads to, by how many times the same step has failed in a row. */
export const ESCALATE_RETRY_STEP = 0;
export const ESCALATE_RESTART = 1;
export const ESCALATE_POWER_CYCLE = 2;

/** Step failures before bring-up restarts, and before the module is power-cycled. */
export const RESTART_AFTER = 3;
export const POWER_CYCLE_AFTER = 6;

export function escalation(stepFailures: number): number {
  if (stepFailures >= POWER_CYCLE_AFTER && (stepFailures - POWER_CYCLE_AFTER) % 3 === 0) return ESCALATE_POWER_CYCLE;
  if (stepFailures === RESTART_AFTER) return ESCALATE_RESTART;
  return ESCALATE_RETRY_STEP;
}
