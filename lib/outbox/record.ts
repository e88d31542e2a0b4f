// Outbox record formats: one small self-checking text record per queued uplink, and the sequence
// reservation record. Fixed-width hex fields read with charCodeAt; CRC-16/CCITT-FALSE in pure JS (E.CRC32
// exists only on the device). A torn, truncated or bit-rotted record decodes as undefined, never throws.
//
// Entry record (one file per slot), all ASCII, n = payload length, total n + 18 characters:
//   [0] 'Q' (format 1)  [1..8] seq, 8 hex  [9] mode '0'|'1'  [10] prio '0'..'9'  [11..13] n, 3 hex
//   [14 .. 14+n) the frame hex as it will be sent   [14+n .. 18+n) CRC-16 of everything before it, 4 hex
// Sequence record (two alternating files), 15 characters:
//   [0] 'S'  [1..8] reserved seq, 8 hex  [9..10] slot files in use (scan width), 2 hex  [11..14] CRC-16
// The CRC sits last so a write cut short (truncated, or 0xFF-filled flash) never passes the check.

/** What the sender sees of one queued uplink. `tries` lives in RAM only (persisting it would cost a write per try). */
export interface OutboxEntry {
  seq: number;
  hex: string;
  /** 0 CON, 1 NON */
  mode: number;
  prio: number;
  tries: number;
}

export const REC_HEAD_CHARS = 14;
export const REC_EXTRA_CHARS = 18;
export const SEQ_REC_CHARS = 15;
/** Largest seq a record can hold (8 hex digits). */
export const SEQ_MAX = 0xffffffff;

const HEX = "0123456789ABCDEF";
// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), a nibble at a time: 16 table entries instead of 256.
const CRC_T = [
  0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7, 0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
];

/** CRC-16/CCITT-FALSE of s[from, to) taken as bytes ("123456789" -> 0x29B1). */
export function crc16(s: string, from: number, to: number): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) & 0xff;
    crc = ((crc << 4) & 0xffff) ^ CRC_T[((crc >> 12) ^ (c >> 4)) & 15];
    crc = ((crc << 4) & 0xffff) ^ CRC_T[((crc >> 12) ^ c) & 15];
  }
  return crc;
}

/** `v` (0 <= v <= 16^n - 1) as exactly n upper-case hex digits. Arithmetic, not bit operations: seq may pass 2^31. */
export function hexN(v: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    s = HEX.charAt(v % 16) + s;
    v = Math.floor(v / 16);
  }
  return s;
}

/** The n hex digits at s[from] as a number, or -1 when one is missing or not a hex digit. */
export function readHexN(s: string, from: number, n: number): number {
  if (from + n > s.length) return -1;
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i);
    let d = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 65 && c <= 70) d = c - 55;
    else if (c >= 97 && c <= 102) d = c - 87;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The stored form of one entry. The caller has checked 1 <= hex.length <= 1024, mode 0|1, prio 0..9. */
export function encodeRecord(seq: number, mode: number, prio: number, hex: string): string {
  const body = "Q" + hexN(seq, 8) + HEX.charAt(mode) + HEX.charAt(prio) + hexN(hex.length, 3) + hex;
  return body + hexN(crc16(body, 0, body.length), 4);
}

/** The entry a record holds, or undefined when it is torn, corrupt or not a record. */
export function decodeRecord(r: string, maxHex: number): OutboxEntry | undefined {
  if (r.length < REC_EXTRA_CHARS + 1 || r.charCodeAt(0) !== 81 /* Q */) return undefined;
  const n = readHexN(r, 11, 3);
  if (n < 1 || n > maxHex || r.length !== n + REC_EXTRA_CHARS) return undefined;
  const end = REC_HEAD_CHARS + n;
  if (readHexN(r, end, 4) !== crc16(r, 0, end)) return undefined;
  const seq = readHexN(r, 1, 8);
  const mode = r.charCodeAt(9) - 48;
  const prio = r.charCodeAt(10) - 48;
  if (seq < 0 || mode < 0 || mode > 1 || prio < 0 || prio > 9) return undefined;
  // substring copies into RAM: a memory-mapped Storage string would go stale after Storage.compact().
  return { seq: seq, hex: r.substring(REC_HEAD_CHARS, end), mode: mode, prio: prio, tries: 0 };
}

export function encodeSeqRecord(reserved: number, width: number): string {
  const body = "S" + hexN(reserved, 8) + hexN(width, 2);
  return body + hexN(crc16(body, 0, body.length), 4);
}

/** The reserved seq of a sequence record, or -1 when it is torn or corrupt. */
export function seqRecordValue(r: string | undefined): number {
  if (r === undefined || r.length !== SEQ_REC_CHARS || r.charCodeAt(0) !== 83 /* S */) return -1;
  if (readHexN(r, 11, 4) !== crc16(r, 0, 11)) return -1;
  return readHexN(r, 1, 8);
}

/** The scan width of a sequence record that seqRecordValue accepted. */
export function seqRecordWidth(r: string): number {
  return readHexN(r, 9, 2);
}
