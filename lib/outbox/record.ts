// Outbox flash layout: segment files of binary records, and the sequence reservation record. Pure JS
// (E.CRC32 exists only on the device); everything here is read with charCodeAt on a memory-mapped string.
//
// Segment file `<prefix><k>`, pre-allocated at its full size (Storage.write(name, data, 0, size)): byte 0 is
// SEG_MAGIC, records follow from offset 1, the rest is erased flash (0xFF). Offset 1, not 0, because a
// write at offset 0 makes Espruino replace the whole file: every status byte must be at an offset > 0.
// A record, n = payload length (1..1024), REC_OVERHEAD + n bytes:
//   [0]      status: 0xFF live (never written), 0x00 removed. Written once, later: flash turns 1s into 0s
//            without an erase, and Espruino refuses any other rewrite ("already written with different data").
//   [1]      flags: 0xA0 | REC_RELOC | REC_TEXT | prio << 1 | mode. The high nibble 0xA tells a record from
//            erased flash (0xFF) or garbage.
//   [2..3]   n, big-endian   [4..7] seq, big-endian
//   [8..8+n) the frame: its bytes (hex decoded), or with REC_TEXT the string as given (not even-length
//            upper-case hex: kept as is, so the module's own refusal of a malformed frame still happens)
//   [8+n..]  CRC-16 of bytes [1, 8+n), big-endian (the status byte is outside: it changes)
// A write cut short leaves a prefix of the record and 0xFF after it, which never passes the CRC; a cut
// before the flags byte leaves nothing visible.
//
// Sequence record (two alternating files `<prefix>.s0` / `.s1`), 15 ASCII characters, the format the
// slot-per-record outbox used, so a firmware update keeps the numbering:
//   [0] 'S'  [1..8] reserved seq, 8 hex  [9..10] "10" (was the slot count, now unused)  [11..14] CRC-16, 4 hex

/** What the sender sees of one queued uplink (its tries are the data path's to count: lib/link/uplink.ts). */
export interface OutboxEntry {
  seq: number;
  hex: string;
  /** 0 CON, 1 NON */
  mode: number;
  prio: number;
}

export const SEG_MAGIC = 0x4f; // "O"
export const REC_OVERHEAD = 10;
export const REC_TEXT = 4;
export const REC_RELOC = 8;
export const SEQ_REC_CHARS = 15;
/** Largest seq a record can hold (4 bytes; 8 hex digits in the sequence record). */
export const SEQ_MAX = 0xffffffff;
export const HEX = "0123456789ABCDEF";

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of s[from, to) taken as bytes ("123456789" -> 0x29B1),
 * a nibble at a time. The nibble table's entry for t is t * 0x1021 without carries, and for t < 16 the
 * three shifted copies of t do not overlap: t ^ t << 5 ^ t << 12. Computed, not a 16-entry table (an
 * array costs a JsVar an entry on the device).
 */
export function crc16(s: string, from: number, to: number): number {
  let crc = 0xffff;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) & 0xff;
    let t = ((crc >> 12) ^ (c >> 4)) & 15;
    crc = ((crc << 4) & 0xffff) ^ t ^ (t << 5) ^ (t << 12);
    t = ((crc >> 12) ^ c) & 15;
    crc = ((crc << 4) & 0xffff) ^ t ^ (t << 5) ^ (t << 12);
  }
  return crc;
}

/**
 * The entry of the record at f[p] when it is live and intact, else undefined (removed, torn, rotted).
 * The frame is copied out (hex built, or substring): f may be a memory-mapped view of flash.
 */
export function readRecord(f: string, p: number): OutboxEntry | undefined {
  const fl = f.charCodeAt(p + 1);
  const n = f.charCodeAt(p + 2) * 256 + f.charCodeAt(p + 3);
  const end = p + 8 + n;
  if (f.charCodeAt(p) !== 0xff || (fl & 0xf0) !== 0xa0 || n < 1 || end + 2 > f.length) return undefined;
  if (crc16(f, p + 1, end) !== f.charCodeAt(end) * 256 + f.charCodeAt(end + 1)) return undefined;
  let hex = "";
  if (fl & REC_TEXT) hex = f.substring(p + 8, end);
  else
    for (let i = p + 8; i < end; i++) {
      const b = f.charCodeAt(i);
      hex += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
    }
  const seq = ((f.charCodeAt(p + 4) * 256 + f.charCodeAt(p + 5)) * 256 + f.charCodeAt(p + 6)) * 256 + f.charCodeAt(p + 7);
  return { seq: seq, hex: hex, mode: fl & 1, prio: (fl >> 1) & 1 };
}
