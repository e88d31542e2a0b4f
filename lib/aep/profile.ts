// A CTWing device profile as data: services (id, kind, ordered fields) and the field types of the
// platform's compact binary format (../shared/protocol.md, last section). The codec (codec.ts) reads it.

/** 4-byte signed integer ("int"); unsigned 0..4294967295 when the field's `min` is >= 0. */
export const FT_INT32 = 1;
/** 2-byte integer ("short"); unsigned when `min` >= 0. */
export const FT_INT16 = 2;
/** 1-byte integer: also enum and bool (bool = min 0, max 1; values are numbers, not true/false). */
export const FT_INT8 = 3;
/** IEEE-754 single, 4 bytes. */
export const FT_FLOAT32 = 4;
/** IEEE-754 double, 8 bytes. */
export const FT_FLOAT64 = 5;
/** Milliseconds since the epoch, 8-byte signed big-endian (value: a number of ms). */
export const FT_DATE = 6;
/** Fixed-length string of `len` bytes: shorter values are padded with 0x00, trailing 0x00 stripped on decode. */
export const FT_STRING = 7;
/** Fixed-length bytes (`len`): padded with 0x00 like strings, decoded as all `len` bytes. Values are hex. */
export const FT_BYTES = 8;
/** Variable-length string: 2-byte length, then the bytes. `max` bounds the length. */
export const FT_VARSTRING = 9;
/** Variable-length bytes: 2-byte length, then the bytes (values are hex strings). */
export const FT_VARBYTES = 10;

/** Data report (uplink). */
export const SK_REPORT = 0x02;
/** Event report (uplink). */
export const SK_EVENT = 0x07;
/** Command (downlink); carries a task id. */
export const SK_COMMAND = 0x06;
/** Command response (uplink); carries the task id of the command it answers. */
export const SK_RESPONSE = 0x86;

/** AT+CTM2MSEND mode: confirmed (the platform ACKs). */
export const MODE_CON = 0;
/** AT+CTM2MSEND mode: fire and forget. */
export const MODE_NON = 1;

/**
 * One parameter. Numbers: `min`/`max` bound the value (defaults: the signed range of the type; a
 * `min` >= 0 makes an integer unsigned so `max` may go up to 255 / 65535 / 4294967295).
 * Strings and bytes: `len` is the fixed size (FT_STRING, FT_BYTES); `min`/`max` bound the byte length.
 */
export interface FieldSpec {
  name: string;
  type: number;
  len?: number;
  min?: number;
  max?: number;
}

export interface ServiceSpec {
  id: number;
  name: string;
  /** SK_REPORT, SK_EVENT, SK_COMMAND or SK_RESPONSE. */
  kind: number;
  fields: FieldSpec[];
  /** MODE_CON (default) or MODE_NON, for uplinks. */
  mode?: 0 | 1;
  /** For a command: the response service (kind SK_RESPONSE) that answers it. */
  response?: number;
}

export interface Profile {
  services: ServiceSpec[];
}

/** The service with this id, or with this name when given a string; undefined when none. */
export function findService(profile: Profile, idOrName: number | string): ServiceSpec | undefined {
  const s = profile.services;
  for (let i = 0; i < s.length; i++) {
    if (s[i].id === idOrName || s[i].name === idOrName) return s[i];
  }
  return undefined;
}
