// The sample application's service ids and result codes: a leaf module, so the build inlines them.
// The services themselves are in profile.ts.

export const SVC_TELEMETRY = 1;
export const SVC_LINK_EVENT = 2;
// Ids of their own: the application note's examples use 8001 and 8002 for other payloads.
export const CMD_SET_INTERVAL = 8101;
export const CMD_REPORT_NOW = 8102;
export const CMD_REBOOT_MODULE = 8103;
/** Answers a command that is unknown or could not be decoded, so the platform's task never hangs. */
export const RSP_COMMAND_ERROR = 9100;
export const RSP_SET_INTERVAL = 9101;
export const RSP_REPORT_NOW = 9102;
export const RSP_REBOOT_MODULE = 9103;

/** `result` of a response: 0 ok; otherwise an error code (for RSP_COMMAND_ERROR: the codec's E_* code). */
export const RESULT_OK = 0;
