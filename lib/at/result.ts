// Numeric outcomes of one AT command. The module's own error number travels beside the code.

export const AT_OK = 0;
/** Plain `ERROR` (no number: numeric errors are off, or the command is unknown). */
export const AT_ERROR = 1;
/** `+CME ERROR: <n>`. */
export const AT_CME_ERROR = 2;
/** `+CTM2M ERROR: <n>` (the AEP commands' own error table). */
export const AT_CTM2M_ERROR = 3;
/** No final result within the command's timeout. */
export const AT_TIMEOUT = 4;
/** Withdrawn by its owner before it finished (the state that sent it was left). */
export const AT_CANCELLED = 5;

const NAMES = ["ok", "error", "cme", "ctm2m", "timeout", "cancelled"];

/** "ctm2m 33", "timeout": for log lines. */
export function atResultText(code: number, errNo: number): string {
  const name = NAMES[code] || "?" + code;
  return code === AT_CME_ERROR || code === AT_CTM2M_ERROR ? name + " " + errNo : name;
}
