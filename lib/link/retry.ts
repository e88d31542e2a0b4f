// Retry delays from a table with random jitter, so a fleet that lost the network together does not
// come back in step (Mbed's cellular state machine does the same), and the registration rate guard.
// The failure count behind the table climbs across cycles: it is reset only when an uplink is actually
// delivered, not on reaching Ready, so a fault that survives a successful registration (the platform
// RSTs every report, the session keeps dropping) backs off like any other. The integers come first:
// the build inlines them (esbuild inlines a leaf module's leading integer constants).

/**
 * The promise the retry tables make: once the last fault clears, the link is Ready again (and has sent
 * what queued up) within the longest jittered delay (1 h + 25%) plus a full bring-up and delivery
 * (15 min): 90 min. The soak and the property tests hold the machine to it.
 */
export const RECOVERY_BOUND_MS = 5400000;

/**
 * The registration guard (every AT+CTM2MREG is signalling on a shared cell): REG_GUARD_BURST quick tries,
 * then one every REG_GUARD_EVERY_MS: 8 an hour under any persistent fault, 11 in the first hour of one.
 */
export const REG_GUARD_BURST = 3;
export const REG_GUARD_EVERY_MS = 450000;

/** Step failures before bring-up restarts, and before the module is power-cycled (then every 3 more). */
export const RESTART_AFTER = 3;
export const POWER_CYCLE_AFTER = 6;
