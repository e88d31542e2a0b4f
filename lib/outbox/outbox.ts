// The outbox: a persistent, ordered queue of uplink frames that lives in flash, with a RAM index whose size
// does not depend on how many are queued. Send order is command responses first, then reports, each by seq.
//
// Why this shape: NB-IoT outages last days, flash has hundreds of KB free, RAM has a few thousand JsVars.
// Records (format in record.ts) are appended to a few pre-allocated segment files (`<prefix><k>`), never
// rewritten: a confirmation writes one status byte (0xFF -> 0x00, which flash allows without an erase), and
// a segment file is erased once nothing in it is live. RAM holds, per segment, its append offset, its live
// bytes, two flags and, for each class, its lowest live seq and where that record is (OB_SEGMENTS x Ix.WORDS
// words, 448 bytes), so head() and the usual remove() are O(segments) and read a record or two; load()
// walks the record headers once. Nothing per record is kept in RAM.
// Sequence numbers are reserved ahead in two alternating files, as before (see checkpoint()). A power cut
// can only tear the record being written; load() marks it removed and goes on after it.
// Capacity is in live bytes (cap); the full-queue policy applies record by record. cap leaves two
// segments of slack: one segment is always kept free, so the segment with the fewest live bytes can be
// reclaimed (its few live records copied forward, then erased) when the ring wraps round.
// Results are numeric codes; nothing throws.

import type { Store } from "../ports";
import { crc16, HEX, readRecord, REC_OVERHEAD, REC_RELOC, REC_TEXT, SEG_MAGIC, SEQ_MAX, SEQ_REC_CHARS, type OutboxEntry } from "./record";

export type { OutboxEntry } from "./record";

/**
 * The outbox's numbers as a const enum, so the build inlines them (as plain exported consts they stayed
 * variables in the bundle, a JsVar each). The OB_* / PRIO_* / SEQ_BLOCK names below are the same values
 * for desktop code; nothing on the device uses them, so the build leaves them out.
 */
export const enum Ob {
  /** push(): queued and in flash. */
  OK = 0,
  /** push(): queued and in flash; the full queue dropped its oldest record(s) of the lowest class to make room. */
  DROPPED_OLDEST = 1,
  /** push(): not queued: full (policy), bad input (stats.invalid), or no seq could be reserved in the Store. */
  REFUSED = 2,
  /** push(): not queued: the flash write failed (Storage full or failing). Its seq is used up. */
  STORE_FAILED = 3,
  PRIO_NORMAL = 0,
  /** Command responses: sent before queued reports, never displaced by them. */
  PRIO_RESPONSE = 1,
  /** Two classes: one flag bit in the record, one head per class in the index. */
  PRIO_MAX = 1,
  /** A frame is at most 512 bytes: 1,024 hex characters. */
  MAX_HEX = 1024,
  /**
   * Sequence numbers per reservation write. A reservation covers the next 2 * SEQ_BLOCK numbers and is
   * renewed once fewer than SEQ_BLOCK remain, so a failed renewal still leaves SEQ_BLOCK numbers to hand
   * out. A reboot skips what was reserved and not used (at most 2 * SEQ_BLOCK numbers).
   */
  SEQ_BLOCK = 32,
  /** Segment files at most; the index has room for all of them whatever the budget. */
  SEGMENTS = 16,
  /** Store files besides the segments: the two sequence records. */
  EXTRA_FILES = 2,
  /** Longest prefix: segment names add up to 2 digits, and Espruino Storage names are at most 28 characters. */
  MAX_PREFIX = 24,
  /** Flash budget bounds for the class (the configuration allows 4096..524288; tests use tiny ones). */
  MIN_BYTES = 64,
  MAX_BYTES = 524288,
}

export const OB_OK: number = Ob.OK;
export const OB_DROPPED_OLDEST: number = Ob.DROPPED_OLDEST;
export const OB_REFUSED: number = Ob.REFUSED;
export const OB_STORE_FAILED: number = Ob.STORE_FAILED;
export const PRIO_NORMAL: number = Ob.PRIO_NORMAL;
export const PRIO_RESPONSE: number = Ob.PRIO_RESPONSE;
export const PRIO_MAX: number = Ob.PRIO_MAX;
export const OB_MAX_HEX: number = Ob.MAX_HEX;
export const SEQ_BLOCK: number = Ob.SEQ_BLOCK;
export const OB_SEGMENTS: number = Ob.SEGMENTS;
export const OB_EXTRA_FILES: number = Ob.EXTRA_FILES;
export const OB_MAX_PREFIX: number = Ob.MAX_PREFIX;
export const OB_MIN_BYTES: number = Ob.MIN_BYTES;
export const OB_MAX_BYTES: number = Ob.MAX_BYTES;

/**
 * Index words per segment (Ix.WORDS of them): where its indexed records end (Ix.END, the append offset;
 * 0 = no file), its live bytes (Ix.LIVE), flags (Ix.FLAGS: Ix.SEG_RELOC, Ix.SEG_SEALED), then per class
 * its lowest live seq (0 = none) and that record's offset (from Ix.MIN). A const enum: the numbers are
 * inlined (plain top-level consts here stayed variables in the bundle, a JsVar each).
 */
const enum Ix {
  WORDS = 7,
  END = 0,
  LIVE = 1,
  FLAGS = 2,
  MIN = 3,
  /** Holds relocated copies: its records are not in seq order, so its heads need a full rescan. */
  SEG_RELOC = 1,
  /** No more appends: a write failed there (part of a record may follow its end), a bad header, a foreign size. */
  SEG_SEALED = 2,
}

export interface OutboxOptions {
  /** Flash budget in bytes: the segment files together (outbox.flashBytes). */
  flashBytes: number;
  policy: "drop-oldest" | "refuse-newest";
  /** File name prefix, default "ob"; 1..24 characters, and not a prefix-plus-digits of another outbox's. */
  prefix?: string;
  /** Seqs per reservation write, default SEQ_BLOCK (1..1024; tests use small ones to exercise renewals). */
  seqBlock?: number;
}

export interface OutboxStats {
  /** Entries queued (OB_OK, OB_DROPPED_OLDEST). */
  pushed: number;
  removed: number;
  /** Entries dropped to make room. */
  droppedOldest: number;
  /** Pushes refused because the queue was full. */
  refused: number;
  /** Pushes refused for a bad frame, mode or priority. */
  invalid: number;
  /** Store writes that failed (record, status byte or sequence reservation). */
  storeFailures: number;
  /** Records (or sequence files) that failed their check: torn, rotted or foreign; never delivered. */
  corrupt: number;
  /** Entries recovered by load(). */
  recovered: number;
  /** Largest size() seen. */
  peak: number;
}

/**
 * Why so few methods: on the device every function costs RAM (5 JsVars, 1 more per parameter) while its
 * body stays in flash, so the internals ride on public methods as optional arguments instead of helpers
 * of their own: load(k, want) walks one segment, remove(seq, at) marks a record by its position,
 * checkpoint(upTo) writes one sequence value. Only put() (append, reclaim) has no public method to ride
 * on. Storage writes are wrapped (try) where they happen.
 */
export class Outbox {
  stats: OutboxStats;
  /** Live bytes the policy allows (records with their REC_OVERHEAD): the capacity. */
  cap: number;
  /** Segment file size in bytes, and how many segment files the ring uses. */
  seg: number;
  nseg: number;
  private store: Store;
  private drop: boolean;
  private pre: string;
  /** OB_SEGMENTS x Ix.WORDS words (see Ix). */
  private ix: Uint32Array;
  /** Live records and live bytes in all segments. */
  private n: number;
  private bytes: number;
  /** Segment appended to, or -1. */
  private tail: number;
  private next: number;
  /** Seqs below this are covered by a reservation in the Store; none at or above it is handed out. */
  private limit: number;
  /** Which sequence file the next reservation goes to (the one not holding the newest). */
  private sf: number;
  private loaded: boolean;
  private block: number;
  /** Scratch from load(k, 0): highest live seq seen; last record's seq when it is a relocated copy. */
  private top: number;
  private dup: number;
  /** Where has() found its seq (segment * 65536 + offset); load(k, 0): the seq of the segment's last record. */
  private at: number;
  /** Send attempts of the entry tried last. */

  constructor(store: Store, opts: OutboxOptions) {
    this.store = store;
    let fb = Math.floor(opts.flashBytes);
    if (!(fb >= Ob.MIN_BYTES)) fb = Ob.MIN_BYTES;
    if (fb > Ob.MAX_BYTES) fb = Ob.MAX_BYTES;
    // 4 KB segments (a flash page: ~120 reports) up to 16 of them; bigger budgets get bigger segments,
    // smaller ones fewer, never under 4 (one kept free, one's worth of slack, two to hold records).
    const k = Math.floor(fb / 4096);
    this.nseg = k < 4 ? 4 : k > Ob.SEGMENTS ? Ob.SEGMENTS : k;
    this.seg = Math.floor(fb / this.nseg);
    this.cap = (this.nseg - 2) * (this.seg - 1);
    this.drop = opts.policy !== "refuse-newest";
    const p = opts.prefix || "ob";
    this.pre = p.length > Ob.MAX_PREFIX ? p.substring(0, Ob.MAX_PREFIX) : p;
    this.ix = new Uint32Array(Ob.SEGMENTS * Ix.WORDS);
    this.n = 0;
    this.bytes = 0;
    this.tail = -1;
    this.next = 1;
    this.limit = 1;
    this.sf = 0;
    this.loaded = false;
    let b = Math.floor(opts.seqBlock || Ob.SEQ_BLOCK);
    if (!(b >= 1)) b = 1;
    this.block = b > 1024 ? 1024 : b;
    this.top = 0;
    this.dup = 0;
    this.at = -1;
    this.stats = { pushed: 0, removed: 0, droppedOldest: 0, refused: 0, invalid: 0, storeFailures: 0, corrupt: 0, recovered: 0, peak: 0 };
  }

  /**
   * Find where the Store left off (after an MCU reboot or a deep-sleep wake): the sequence reservation,
   * then one pass over each segment's record headers (no record is copied into RAM). Returns the entries
   * queued. push() and nextSeq() call this first if nobody did.
   *
   * load(k, want), the outbox's own: walk segment k's records alone. want > 0: the offset of the live,
   * intact record carrying that seq, or -1. want 0: rebuild k's index words from flash and return its live
   * records; also raise this.top to the highest live seq, and leave in this.dup the last record's seq
   * when it is a live relocated copy (load() resolves those). Lean on purpose: 1,700 records are walked
   * at a full reload, so each costs a few byte reads (status, flags, length); a seq is read only where a
   * head or the top can be. The last record is the only one a power cut can have torn, so it alone is
   * checked here (the others when sent), and marked removed when it fails: what is appended after it
   * later is still found.
   */
  load(k?: number, want?: number): number {
    const st = this.store;
    const ix = this.ix;
    if (k !== undefined) {
      const b = k * Ix.WORDS;
      const name = this.pre + k;
      const f = st.read(name);
      const known = ix[b + Ix.END];
      if (want === 0) {
        for (let i = b + 1; i < b + Ix.WORDS; i++) ix[i] = 0;
        this.dup = 0;
      }
      if (f === undefined) return want === 0 ? 0 : -1;
      // A segment in use is walked up to what is indexed: a record torn in this life may follow.
      const end = known > 0 && known < f.length ? known : f.length;
      // Not ours, torn when created, or from a budget with another segment size: drained, never appended to.
      let flags = f.charCodeAt(0) !== SEG_MAGIC || f.length !== this.seg ? Ix.SEG_SEALED : 0;
      let p: number = f.charCodeAt(0) === SEG_MAGIC ? 1 : end;
      let count = 0;
      let live = 0;
      let rec = -1;
      let first0 = -1;
      let first1 = -1;
      let last = -1;
      let prev = -1;
      while (p + 1 < end) {
        const fl: number = f.charCodeAt(p + 1);
        if (fl === 0xff) break; // erased flash: the end
        const L = f.charCodeAt(p + 2) * 256 + f.charCodeAt(p + 3) + REC_OVERHEAD;
        if ((fl & 0xf0) !== 0xa0 || L === REC_OVERHEAD || p + L > end) {
          // A header that makes no sense: what follows cannot be found, and nothing more goes in here.
          if (!this.loaded && want === 0) this.stats.corrupt++;
          flags |= Ix.SEG_SEALED;
          break;
        }
        rec = p;
        if (f.charCodeAt(p) === 0xff) {
          if (want !== 0) {
            const seq = ((f.charCodeAt(p + 4) * 256 + f.charCodeAt(p + 5)) * 256 + f.charCodeAt(p + 6)) * 256 + f.charCodeAt(p + 7);
            if (seq === want && readRecord(f, p) !== undefined) return p;
          } else {
            count++;
            live += L;
            prev = last;
            last = p;
            // 0xA0 / 0xA1: a report, as written (the usual case, so it comes first)
            if (fl > 0xa1) {
              if ((fl & REC_RELOC) !== 0) flags |= Ix.SEG_RELOC;
              if ((fl & 2) === 0) {
                if (first0 < 0) first0 = p;
              } else if (first1 < 0) first1 = p;
            } else if (first0 < 0) first0 = p;
          }
        }
        p += L;
      }
      if (want !== 0) return -1;
      ix[b + Ix.LIVE] = live;
      // The seq of the last record written here, live or not: load() appends where the newest one is.
      this.at = rec < 0 ? 0 : ((f.charCodeAt(rec + 4) * 256 + f.charCodeAt(rec + 5)) * 256 + f.charCodeAt(rec + 6)) * 256 + f.charCodeAt(rec + 7);
      if (known === 0) ix[b + Ix.END] = p;
      else flags |= ix[b + Ix.FLAGS] & Ix.SEG_SEALED;
      // The final record: the one a power cut can have torn, and the one a cut in a reclaim can have
      // left as a duplicate (a relocated copy whose original was not marked yet).
      const final = last >= 0 && last + f.charCodeAt(last + 2) * 256 + f.charCodeAt(last + 3) + REC_OVERHEAD === p ? last : -1;
      let torn = -1;
      if (final >= 0 && readRecord(f, final) === undefined) {
        // Torn: never delivered. If this write fails, the next load tries again. (Espruino throws where
        // a write cannot happen: that is a failed write here, never an exception; so at every write.)
        let ok = false;
        try {
          ok = st.write(name, "\0", final, 0) !== false;
        } catch (e) {}
        if (ok && !this.loaded) this.stats.corrupt++;
        count--;
        ix[b + Ix.LIVE] -= p - final;
        if (first0 === final) first0 = -1;
        if (first1 === final) first1 = -1;
        torn = final;
        last = prev;
      } else if (final >= 0 && (f.charCodeAt(final + 1) & REC_RELOC) !== 0)
        this.dup = ((f.charCodeAt(final + 4) * 256 + f.charCodeAt(final + 5)) * 256 + f.charCodeAt(final + 6)) * 256 + f.charCodeAt(final + 7);
      ix[b + Ix.FLAGS] = flags;
      if ((flags & Ix.SEG_RELOC) !== 0) {
        // Relocated copies break the seq order: every live seq is read once more.
        for (let q = 1; q < p; ) {
          if (f.charCodeAt(q) === 0xff && q !== torn) {
            const seq = ((f.charCodeAt(q + 4) * 256 + f.charCodeAt(q + 5)) * 256 + f.charCodeAt(q + 6)) * 256 + f.charCodeAt(q + 7);
            const m = b + Ix.MIN + 2 * ((f.charCodeAt(q + 1) >> 1) & 1);
            if (seq > this.top) this.top = seq;
            if (ix[m] === 0 || seq < ix[m]) {
              ix[m] = seq;
              ix[m + 1] = q;
            }
          }
          q += f.charCodeAt(q + 2) * 256 + f.charCodeAt(q + 3) + REC_OVERHEAD;
        }
      } else {
        // In seq order: a class's head is its first live record, the top is the last one.
        for (let c = 0; c < 2; c++) {
          const q = c === 0 ? first0 : first1;
          if (q < 0) continue;
          ix[b + Ix.MIN + 2 * c] = ((f.charCodeAt(q + 4) * 256 + f.charCodeAt(q + 5)) * 256 + f.charCodeAt(q + 6)) * 256 + f.charCodeAt(q + 7);
          ix[b + Ix.MIN + 2 * c + 1] = q;
        }
        if (last >= 0) {
          const top = ((f.charCodeAt(last + 4) * 256 + f.charCodeAt(last + 5)) * 256 + f.charCodeAt(last + 6)) * 256 + f.charCodeAt(last + 7);
          if (top > this.top) this.top = top;
        }
      }
      return count;
    }
    let reserved = 1;
    let best = -1;
    for (let f = 0; f < 2; f++) {
      const r = st.read(this.pre + ".s" + f);
      if (r === undefined) continue;
      // "S", 8 hex digits of seq, 2 unused, 4 of CRC: a wrong length, digit or CRC spoils it.
      let v = r.length === SEQ_REC_CHARS && r.charCodeAt(0) === 83 ? 0 : -1;
      let c = 0;
      for (let i = 1; i < SEQ_REC_CHARS && v >= 0; i++) {
        const d = HEX.indexOf(r.charAt(i));
        if (i === 9 || i === 10) continue;
        if (d < 0) v = -1;
        else if (i < 9) v = v * 16 + d;
        else c = c * 16 + d;
      }
      if (v < 0 || c !== crc16(r, 0, 11)) {
        this.stats.corrupt++;
        continue;
      }
      if (v >= reserved) {
        reserved = v;
        best = f;
      }
    }
    this.sf = best === 0 ? 1 : 0;
    for (let i = 0; i < ix.length; i++) ix[i] = 0;
    this.n = 0;
    this.bytes = 0;
    this.top = 0;
    this.tail = -1;
    this.loaded = false;
    const dups: number[] = [];
    let newest = -1;
    for (let s = 0; s < Ob.SEGMENTS; s++) {
      this.n += this.load(s, 0);
      this.bytes += ix[s * Ix.WORDS + Ix.LIVE];
      if (this.dup > 0) dups.push(s, this.dup);
      // Appends go on in the segment of the ring that took the last one (when it may take more).
      if (ix[s * Ix.WORDS + Ix.END] !== 0 && s < this.nseg && (ix[s * Ix.WORDS + Ix.FLAGS] & Ix.SEG_SEALED) === 0 && this.at > newest) {
        newest = this.at;
        this.tail = s;
      }
    }
    // A power cut between a relocated copy and the removal of its original leaves that seq twice; the
    // copy is then the last record of its segment. Keep the copy. When the original was itself a
    // relocated copy at the end of its segment, both segments list the seq: remove one of them only,
    // or the second entry would remove the copy the first one kept (a queued record lost).
    for (let i = 0; i < dups.length; i += 2) {
      let seen = 0;
      for (let j = 0; j < i; j += 2) if (dups[j + 1] === dups[i + 1]) seen = 1;
      if (seen) continue;
      for (let s = 0; s < Ob.SEGMENTS; s++) {
        if (s === dups[i] || ix[s * Ix.WORDS + Ix.LIVE] === 0) continue;
        const off = this.load(s, dups[i + 1]);
        if (off >= 0 && this.remove(dups[i + 1], s * 65536 + off)) break;
      }
    }
    // Segments with nothing live go.
    for (let s = 0; s < Ob.SEGMENTS; s++) {
      const b = s * Ix.WORDS;
      if (ix[b + Ix.END] !== 0 && ix[b + Ix.LIVE] === 0 && s !== this.tail) {
        st.erase(this.pre + s);
        for (let i = b; i < b + Ix.WORDS; i++) ix[i] = 0;
      }
    }
    this.next = this.top + 1 > reserved ? this.top + 1 : reserved;
    this.limit = this.next;
    this.loaded = true;
    this.stats.recovered += this.n;
    if (this.n > this.stats.peak) this.stats.peak = this.n;
    return this.n;
  }

  /** The seq the next push will carry (strictly greater than any handed out before, across reboots). */
  nextSeq(): number {
    if (!this.loaded) this.load();
    return this.next;
  }

  /**
   * Queue one frame (hex as sent, 1..1024 characters; mode 0 CON / 1 NON; prio PRIO_NORMAL or
   * PRIO_RESPONSE). The record is in flash before OB_OK / OB_DROPPED_OLDEST is returned.
   */
  push(hex: string, mode: number, prio: number): number {
    if (!this.loaded) this.load();
    const st = this.stats;
    const ix = this.ix;
    if (typeof hex !== "string" || hex.length < 1 || hex.length > Ob.MAX_HEX || (mode !== 0 && mode !== 1) || (prio !== Ob.PRIO_NORMAL && prio !== Ob.PRIO_RESPONSE)) {
      st.invalid++;
      return Ob.REFUSED;
    }
    // Bytes when it is even-length upper-case hex (what the codec makes): half the flash. Anything else is
    // kept as given, so a malformed frame still reaches the module and is refused there, as before.
    let body = "";
    let text = (hex.length & 1) === 1;
    for (let i = 0; i < hex.length && !text; i += 2) {
      const hi = HEX.indexOf(hex.charAt(i));
      const lo = HEX.indexOf(hex.charAt(i + 1));
      if (hi < 0 || lo < 0) text = true;
      else body += String.fromCharCode(hi * 16 + lo);
    }
    if (text) body = hex;
    const L = body.length + REC_OVERHEAD;
    if (L > this.seg - 1) {
      st.invalid++; // more than one segment holds (only with a tiny budget)
      return Ob.REFUSED;
    }
    const dropped = st.droppedOldest;
    // The first round builds the record (rec is "" until then), the later ones write it; one loop, so the
    // class search below is written once. Full: the policy decides in the first round, before a seq is
    // taken or anything written. Only the lowest class queued can lose a record, and never to a newcomer
    // of a lower class, so a report never displaces a command response. drop-oldest drops for an equal or
    // higher class; refuse-newest only for a higher one (a response still gets in ahead of queued reports).
    let rec = "";
    for (;;) {
      if (rec !== "" && this.bytes + L <= this.cap) {
        const at = this.put(rec);
        if (at >= 0) break;
        if (at === -1) return Ob.STORE_FAILED;
      }
      // Over cap, or no room in the segments after all (frames of mixed sizes leave gaps): one more goes,
      // the oldest of the lowest class, found again each time. With mixed sizes the class can run out
      // before there is room: then the newcomer is refused after all.
      let v = -1;
      if (rec !== "" || this.bytes + L > this.cap) {
        for (let m = Ix.MIN; m < Ix.WORDS && v < 0; m += 2) for (let b = 0; b < ix.length; b += Ix.WORDS) if (ix[b + m] > 0 && (v < 0 || ix[b + m] < ix[v])) v = b + m;
        const low = ((v % Ix.WORDS) - Ix.MIN) / 2;
        if (v < 0 || low > prio || (low === prio && !this.drop)) {
          st.refused++;
          return Ob.REFUSED;
        }
      }
      if (rec === "") {
        if (this.next + this.block >= this.limit && !this.checkpoint(this.next + 2 * this.block)) st.storeFailures++;
        if (this.next >= this.limit || this.next > SEQ_MAX) return Ob.REFUSED; // no durable seq: a reboot could reuse it
        const seq = this.next++;
        rec = "\xff" + String.fromCharCode(0xa0 | (text ? REC_TEXT : 0) | (prio << 1) | mode, body.length >> 8, body.length & 255, seq >>> 24, (seq >>> 16) & 255, (seq >>> 8) & 255, seq & 255) + body;
        const c = crc16(rec, 1, rec.length);
        rec += String.fromCharCode(c >> 8, c & 255);
      } else {
        if (!this.remove(ix[v], Math.floor(v / Ix.WORDS) * 65536 + ix[v + 1])) return Ob.STORE_FAILED;
        st.droppedOldest++;
      }
    }
    st.pushed++;
    if (this.n > st.peak) st.peak = this.n;
    // put() may have dropped some too, reclaiming a segment (see there).
    return st.droppedOldest > dropped ? Ob.DROPPED_OLDEST : Ob.OK;
  }

  /** The entry to send next (read from flash: a new object each call), or undefined. */
  head(): OutboxEntry | undefined {
    const ix = this.ix;
    for (;;) {
      // The lowest seq of the highest class queued.
      let v = -1;
      for (let m = Ix.MIN + 2; m >= Ix.MIN && v < 0; m -= 2) for (let b = 0; b < ix.length; b += Ix.WORDS) if (ix[b + m] > 0 && (v < 0 || ix[b + m] < ix[v])) v = b + m;
      if (v < 0) {
        // Nothing left in the index: the counts agree (a header that rotted could have thrown them off).
        this.n = 0;
        this.bytes = 0;
        return undefined;
      }
      const k = Math.floor(v / Ix.WORDS);
      const f = this.store.read(this.pre + k);
      const e = f === undefined ? undefined : readRecord(f, ix[v + 1]);
      if (e !== undefined && e.seq === ix[v]) return e;
      // Rotted since it was written: never delivered.
      this.stats.corrupt++;
      if (!this.remove(ix[v], k * 65536 + ix[v + 1])) return undefined;
    }
  }

  /** Still queued (not yet confirmed or dropped). Leaves its position in this.at for remove(). */
  has(seq: number): boolean {
    if (!(seq > 0) || seq >= this.next) return false;
    const ix = this.ix;
    // Segment heads first (a confirmation is nearly always for a head); below every head is nothing.
    let low = 0;
    for (let b = 0; b < ix.length; b += Ix.WORDS)
      for (let m = b + Ix.MIN; m < b + Ix.WORDS; m += 2) {
        if (ix[m] === seq) {
          this.at = (b / Ix.WORDS) * 65536 + ix[m + 1];
          return true;
        }
        if (ix[m] > 0 && (low === 0 || ix[m] < low)) low = ix[m];
      }
    if (seq < low) return false;
    for (let k = 0; k < Ob.SEGMENTS; k++) {
      if (ix[k * Ix.WORDS + Ix.LIVE] === 0) continue;
      const off = this.load(k, seq);
      if (off >= 0) {
        this.at = k * 65536 + off;
        return true;
      }
    }
    return false;
  }

  /**
   * Confirmed (or set aside as unsendable): its status byte is written, nothing else. False for a seq not
   * queued, or when that write failed (it stays queued and goes out again: never lost). `at` is for the
   * outbox itself (drops, reclaims, bad records): the record's position, and not counted as removed.
   */
  remove(seq: number, at?: number): boolean {
    const ix = this.ix;
    const counted = at === undefined;
    if (counted && !this.has(seq)) return false;
    const pos = counted ? this.at : (at as number);
    const k = pos >> 16;
    const off = pos & 0xffff;
    const b = k * Ix.WORDS;
    const name = this.pre + k;
    const f = this.store.read(name);
    if (f === undefined || f.charCodeAt(off) !== 0xff) return false;
    const L = f.charCodeAt(off + 2) * 256 + f.charCodeAt(off + 3) + REC_OVERHEAD;
    let ok = false;
    try {
      ok = this.store.write(name, "\0", off, 0) !== false;
    } catch (e) {}
    if (!ok) {
      this.stats.storeFailures++;
      return false;
    }
    ix[b + Ix.LIVE] -= L;
    this.n--;
    this.bytes -= L;
    const m = ix[b + Ix.MIN] === seq ? b + Ix.MIN : ix[b + Ix.MIN + 2] === seq ? b + Ix.MIN + 2 : -1;
    if (ix[b + Ix.LIVE] === 0 && k !== this.tail) {
      // Everything in it is confirmed: the file goes (its space comes back at Storage's next compaction).
      this.store.erase(name);
      for (let i = b; i < b + Ix.WORDS; i++) ix[i] = 0;
    } else if (m >= 0 && (ix[b + Ix.FLAGS] & Ix.SEG_RELOC) !== 0) this.load(k, 0);
    else if (m >= 0) {
      // Records in seq order: its class's next head here is the first live one of that class after it.
      const c = (m - b - Ix.MIN) / 2;
      let q = off + L;
      ix[m] = 0;
      while (q < ix[b + Ix.END]) {
        const fl = f.charCodeAt(q + 1);
        if (f.charCodeAt(q) === 0xff && ((fl >> 1) & 1) === c) {
          ix[m] = ((f.charCodeAt(q + 4) * 256 + f.charCodeAt(q + 5)) * 256 + f.charCodeAt(q + 6)) * 256 + f.charCodeAt(q + 7);
          ix[m + 1] = q;
          break;
        }
        q += f.charCodeAt(q + 2) * 256 + f.charCodeAt(q + 3) + REC_OVERHEAD;
      }
    }
    if (counted) this.stats.removed++;
    return true;
  }

  size(): number {
    return this.n;
  }

  /**
   * Every entry in send order, read from flash (diagnostics and tests; the send path uses head()). Sorted
   * by insertion from the end, not with sort(): a comparator would be one more function on the device.
   */
  entries(): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (let k = 0; k < Ob.SEGMENTS; k++) {
      const f = this.ix[k * Ix.WORDS + Ix.LIVE] > 0 ? this.store.read(this.pre + k) : undefined;
      if (f === undefined) continue;
      for (let p = 1; p + 1 < f.length; ) {
        const L = f.charCodeAt(p + 2) * 256 + f.charCodeAt(p + 3) + REC_OVERHEAD;
        if ((f.charCodeAt(p + 1) & 0xf0) !== 0xa0 || p + L > f.length) break;
        const e = readRecord(f, p);
        if (e !== undefined) {
          // Responses first, then by seq; after any equal one (a duplicate), as a stable sort leaves it.
          let i = out.length;
          while (i > 0 && (out[i - 1].prio < e.prio || (out[i - 1].prio === e.prio && out[i - 1].seq > e.seq))) i--;
          out.splice(i, 0, e);
        }
        p += L;
      }
    }
    return out;
  }

  /**
   * Before a planned stop (deep sleep): write down exactly where the sequence stands, so the next boot
   * goes on from there instead of skipping the rest of a reservation (the platform would see a gap of
   * up to 2 * SEQ_BLOCK at every wake). load() takes the larger of the two sequence files, so both get
   * the exact value: older first, then the one with the live reservation. A power cut in either write
   * leaves a valid value >= every seq handed out, so the guarantee (strictly increasing) holds.
   * With `upTo` (push() renewing the reservation): write that one value to the older file.
   */
  checkpoint(upTo?: number): boolean {
    if (!this.loaded) this.load();
    if (upTo === undefined) return this.limit === this.next || (this.checkpoint(this.next) && this.checkpoint(this.next));
    let v = upTo > SEQ_MAX ? SEQ_MAX : upTo;
    const value = v;
    let s = "";
    for (let i = 0; i < 8; i++) {
      s = HEX.charAt(v % 16) + s;
      v = Math.floor(v / 16);
    }
    s = "S" + s + "10";
    let c = crc16(s, 0, s.length);
    let t = "";
    for (let i = 0; i < 4; i++) {
      t = HEX.charAt(c & 15) + t;
      c = c >> 4;
    }
    let ok = false;
    try {
      ok = this.store.write(this.pre + ".s" + this.sf, s + t) !== false;
    } catch (e) {}
    if (!ok) return false;
    this.limit = value;
    this.sf = this.sf === 0 ? 1 : 0;
    return true;
  }

  /**
   * Append one record (status byte included) and index it: its position (segment * 65536 + offset); -1
   * when a write failed, -2 when there is no room. It goes to the tail segment; when that is full, to a
   * fresh one, as long as another stays free. With only the last free one left, the segment (not the
   * tail) with the fewest live bytes is reclaimed: its live records are copied to the tail while they fit
   * (a copy carries REC_RELOC: it may take the last free segment, and never reclaims), and it is erased
   * once the last original is marked. A failed write seals its segment (part of the record may be there)
   * and is tried once more.
   */
  private put(rec: string): number {
    const ix = this.ix;
    const st = this.store;
    const L = rec.length;
    const reloc = (rec.charCodeAt(1) & REC_RELOC) !== 0;
    let fails = 0;
    for (let round = 0; round < 2 * Ob.SEGMENTS; round++) {
      let t = this.tail;
      // Where the record goes in segment t: its end, or 0 for a fresh file (the magic byte, then the record).
      let off = -1;
      if (t >= 0 && (ix[t * Ix.WORDS + Ix.FLAGS] & Ix.SEG_SEALED) === 0 && ix[t * Ix.WORDS + Ix.END] + L <= this.seg) off = ix[t * Ix.WORDS + Ix.END];
      else {
        let nfree = 0;
        let free = -1;
        for (let k = this.nseg - 1; k >= 0; k--)
          if (ix[k * Ix.WORDS + Ix.END] === 0) {
            nfree++;
            free = k;
          }
        if (nfree > 1 || (nfree === 1 && reloc)) {
          if (t >= 0 && ix[t * Ix.WORDS + Ix.LIVE] === 0) {
            st.erase(this.pre + t);
            for (let i = t * Ix.WORDS; i < t * Ix.WORDS + Ix.WORDS; i++) ix[i] = 0;
          }
          this.tail = -1;
          t = free;
          off = 0;
        } else {
          if (reloc) return -2;
          let v = -1;
          for (let k = 0; k < Ob.SEGMENTS; k++) if (k !== t && ix[k * Ix.WORDS + Ix.END] !== 0 && (v < 0 || ix[k * Ix.WORDS + Ix.LIVE] < ix[v * Ix.WORDS + Ix.LIVE])) v = k;
          if (v < 0) return -2;
          const name = this.pre + v;
          // Full (no room for one more after this record) and drop-oldest: see below.
          const full = this.drop && this.bytes + 2 * L > this.cap;
          for (let p = 1; ix[v * Ix.WORDS + Ix.LIVE] > 0; ) {
            // Read again each time: creating a segment can make Storage compact and move files.
            const f = st.read(name);
            if (f === undefined || p + 1 >= f.length || (f.charCodeAt(p + 1) & 0xf0) !== 0xa0) break;
            const fl = f.charCodeAt(p + 1);
            const n = f.charCodeAt(p + 2) * 256 + f.charCodeAt(p + 3);
            if (f.charCodeAt(p) === 0xff) {
              const seq = ((f.charCodeAt(p + 4) * 256 + f.charCodeAt(p + 5)) * 256 + f.charCodeAt(p + 6)) * 256 + f.charCodeAt(p + 7);
              // Full and drop-oldest: the oldest report would be the next push's victim anyway. Copying it
              // instead would take a place the new reports need, so more of the next segment would
              // still be live at its turn: the copying snowballs (measured: 5, 10, 20, 40, 80 a wrap).
              let oldest = full && (fl & 2) === 0;
              for (let b = 0; b < ix.length && oldest; b += Ix.WORDS) if (ix[b + Ix.MIN] > 0 && ix[b + Ix.MIN] < seq) oldest = false;
              const bad = !oldest && readRecord(f, p) === undefined; // rotted: not copied, never delivered
              let r = -1;
              if (!oldest && !bad) {
                // Copy first, then mark the original: a power cut in between leaves a duplicate (load keeps the copy), never a loss.
                let copy = "\xff" + String.fromCharCode(fl | REC_RELOC) + f.substring(p + 2, p + 8 + n);
                const c = crc16(copy, 1, copy.length);
                copy += String.fromCharCode(c >> 8, c & 255);
                r = this.put(copy);
                if (r < 0) return r;
              }
              if (!this.remove(seq, v * 65536 + p)) {
                if (r >= 0) this.remove(seq, r); // the original stays: take the copy back
                return -1;
              }
              if (oldest) this.stats.droppedOldest++;
              if (bad) this.stats.corrupt++;
            }
            p += n + REC_OVERHEAD;
          }
          if (ix[v * Ix.WORDS + Ix.END] !== 0 && ix[v * Ix.WORDS + Ix.LIVE] === 0 && v !== this.tail) {
            st.erase(name);
            for (let i = v * Ix.WORDS; i < v * Ix.WORDS + Ix.WORDS; i++) ix[i] = 0;
          }
          continue;
        }
      }
      // One write for both. One that says it failed may still have put every byte there (the part missing
      // was 0xFF, as erased flash is): then it did not fail, and a copy elsewhere would be a duplicate.
      const data = off === 0 ? String.fromCharCode(SEG_MAGIC) + rec : rec;
      let ok = false;
      try {
        ok = st.write(this.pre + t, data, off, off === 0 ? this.seg : 0) !== false;
      } catch (e) {}
      let at = -1;
      if (ok || (st.read(this.pre + t) || "").substring(off, off + data.length) === data) {
        ix[t * Ix.WORDS + Ix.END] = off + data.length;
        if (off === 0) this.tail = t;
        at = t * 65536 + off + data.length - L;
      } else if (off === 0) {
        // A torn creation may have left a file: in use, nothing indexed, reclaimed as empty.
        ix[t * Ix.WORDS + Ix.END] = 1;
        ix[t * Ix.WORDS + Ix.FLAGS] = Ix.SEG_SEALED;
      } else ix[t * Ix.WORDS + Ix.FLAGS] |= Ix.SEG_SEALED;
      if (at < 0) {
        this.stats.storeFailures++;
        if (++fails > 1) return -1;
        continue;
      }
      const seq = ((rec.charCodeAt(4) * 256 + rec.charCodeAt(5)) * 256 + rec.charCodeAt(6)) * 256 + rec.charCodeAt(7);
      const m = t * Ix.WORDS + Ix.MIN + 2 * ((rec.charCodeAt(1) >> 1) & 1);
      ix[t * Ix.WORDS + Ix.LIVE] += L;
      if (reloc) ix[t * Ix.WORDS + Ix.FLAGS] |= Ix.SEG_RELOC;
      this.n++;
      this.bytes += L;
      if (ix[m] === 0 || seq < ix[m]) {
        ix[m] = seq;
        ix[m + 1] = at & 0xffff;
      }
      return at;
    }
    return -2;
  }
}
