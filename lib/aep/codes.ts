// The numbers of the AEP (CTWing) protocol as the SIM7020 note gives them: +CTM2M ERROR codes, reg and
// send results, AT+CTM2MREG? states and the +CTM2M notice operations. A leaf module (no imports), so the
// build inlines every number where it is used.

// +CTM2M ERROR: <n> numbers (note section 3). Prefix CE_ (the codec's own errors are E_*).
export const CE_OTHER = 1;
export const CE_PARAM_COUNT = 2;
export const CE_PARAM_VALUE = 3;
export const CE_NOT_CONNECTED = 4;
export const CE_DISABLED = 7;
export const CE_HEX_DECODE = 13;
export const CE_TOO_LONG = 14;
export const CE_NOT_READY = 15;
export const CE_NO_IMSI = 16;
export const CE_ODD_LENGTH = 17;
export const CE_SESSION_ACTIVE = 32;
export const CE_ALREADY_CONNECTED = 33;
export const CE_SESSION_FAILED = 34;
export const CE_FOTA = 35;

// reg,<N> results.
export const REG_OK = 0;
export const REG_TIMEOUT = 1;
export const REG_NOT_SENT = 2;
export const REG_BAD_ENDPOINT = 10;
export const REG_AUTH_REJECTED = 13;
export const REG_UNSUPPORTED = 22;

// send,<s> results.
export const SEND_OK = 0;
export const SEND_TIMEOUT = 1;
export const SEND_NOT_SENT = 2;
export const SEND_RST = 9;

// AT+CTM2MREG? states.
export const REG_STATE_NONE = 0;
export const REG_STATE_CONNECTING = 1;
export const REG_STATE_CONNECTED = 2;
export const REG_STATE_OBSERVED = 3;
export const REG_STATE_DISCONNECTING = 4;

// +CTM2M: <op>,<status>[,<d1>,<d2>,<d3>] operations.
export const OP_UNKNOWN = 0;
export const OP_CONN = 1;
export const OP_REG = 2;
export const OP_OBSRV = 3;
export const OP_SEND = 4;
export const OP_UPDATE = 5;
export const OP_DEREG = 6;
export const OP_PING = 7;
export const OP_PLAT = 8;
export const OP_PSM = 9;
export const OP_LWSTATUS = 10;

/** The engine's code for +CTM2M ERROR: <n> (at/result.ts AT_EXTRA_ERROR: the driver's own final result). */
export const AT_CTM2M_ERROR = 3;
/** How long the engine holds the next command for the stray OK the module prints after +CTM2M ERROR. */
export const CTM2M_STRAY_OK_MS = 300;
