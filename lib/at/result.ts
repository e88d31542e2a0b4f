// Numeric outcomes of one AT command (the module's own error number travels beside the code), and the
// flags a command row carries. A leaf module: the build inlines these numbers where they are used.

export const AT_OK = 0;
/** Plain `ERROR` (no number: numeric errors are off, or the command is unknown). */
export const AT_ERROR = 1;
/** `+CME ERROR: <n>`. */
export const AT_CME_ERROR = 2;
/** The driver's own final result with a number (SIM7020: `+CTM2M ERROR: <n>`, see aep/ctm2m.ts). */
export const AT_EXTRA_ERROR = 3;
/** No final result within the command's timeout. */
export const AT_TIMEOUT = 4;
/** Withdrawn by its owner before it finished (the state that sent it was left). */
export const AT_CANCELLED = 5;
/**
 * Not a result: the module echoed the in-flight command (it echoes again after a reboot, even after
 * ATE0); the command stays in flight. Reported through atDone so that an owner has one method, not two.
 */
export const AT_ECHO = 6;

/** Row flag: collect lines that carry no prefix (AT+CGSN, AT+CIMI answer with a bare number). */
export const AT_F_BARE = 1;
/** Row flag: may be lost to the module's wake-up (auto-sleep): on timeout send it once more first. */
export const AT_F_WAKE = 2;
/** Row flag: a line with the expected prefix is itself the final result (AT+CPOWD=1 -> NORMAL POWER DOWN). */
export const AT_F_PREFIX_FINAL = 4;
