// The codec's numbers: the frame limit and its error codes (E_*; the module's own errors are CE_* in
// codes.ts). A leaf module whose integers come first, so the build inlines them.

/** AT+CTM2MSEND takes at most 1024 hex characters (error 14 beyond). */
export const FRAME_MAX_BYTES = 512;

export const E_UNKNOWN_SERVICE = 1;
/** The service exists but is not of the kind the operation needs (or the type byte disagrees with it). */
export const E_WRONG_KIND = 2;
export const E_MISSING = 3;
export const E_TYPE = 4;
export const E_RANGE = 5;
/** A string or bytes value longer than its field allows. */
export const E_TOO_LONG = 6;
export const E_FRAME_TOO_BIG = 7;
/** The frame ends before its header, or before the length its header announces. */
export const E_TRUNCATED = 8;
/** The length field disagrees with the data: trailing bytes, or fields that need more or fewer bytes. */
export const E_LENGTH = 9;
export const E_ODD_HEX = 10;
export const E_NOT_HEX = 11;
/** The first byte is none of 02, 07, 06, 86. */
export const E_UNKNOWN_TYPE = 12;
/** The profile itself is wrong (unknown field type, fixed field without `len`, ...): see checkProfile. */
export const E_BAD_PROFILE = 13;

/** Result codes in the error response (commandError) besides the codec's E_* numbers above. */
export const RESULT_HANDLER_FAILED = 100;
export const RESULT_BAD_RESPONSE = 101;

/** Short names of the codes above, by code (desktop: the CLI and tests). */
export const CODEC_ERR_NAMES = [
  "ok", "unknown-service", "wrong-kind", "missing-value", "wrong-type", "out-of-range", "too-long",
  "frame-too-big", "truncated", "bad-length", "odd-hex", "not-hex", "unknown-type", "bad-profile",
];

export function codecErrName(code: number): string {
  return CODEC_ERR_NAMES[code] || "error-" + code;
}

