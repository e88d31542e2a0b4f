// The outbox: a bounded, persistent, ordered queue of uplink frames (hex as sent with AT+CTM2MSEND).
// Send order is highest priority first, FIFO by seq within a priority. Each entry is one small
// self-checking record in its own Store file (`<prefix><slot>`, slot < capacity; format in record.ts), so a
// power cut mid-write can only hurt the record being written. The sequence counter is reserved ahead in
// blocks, in two alternating files (`<prefix>.s0`/`.s1`): one small write per SEQ_BLOCK pushes, and a torn
// reservation never loses the previous one. A seq is handed out only below a reservation already in the
// Store, which is what keeps seqs strictly increasing across reboots whatever fails. Flash per report
// (push + remove): one record write of frame + 18 characters, one erase, 1/SEQ_BLOCK of a 15-character
// write, plus one 15-character write per boot that pushes. Results are numeric codes; nothing throws.

import type { Store } from "../ports";
import {
  decodeRecord,
  encodeRecord,
  encodeSeqRecord,
  seqRecordValue,
  seqRecordWidth,
  SEQ_MAX,
  type OutboxEntry,
} from "./record";

export type { OutboxEntry } from "./record";

/** Queued and persisted. */
export const OB_OK = 0;
/** Queued and persisted; the full queue dropped its oldest lowest-priority entry to make room. */
export const OB_DROPPED_OLDEST = 1;
/** Not queued: full (policy), bad input (stats.invalid), or no seq could be reserved in the Store. */
export const OB_REFUSED = 2;
/** Queued in RAM only: the record write failed (flash full). It is sent while the MCU runs, lost on reboot. */
export const OB_STORE_FAILED = 3;

export const PRIO_NORMAL = 0;
/** Command responses: sent before queued reports, never displaced by them. */
export const PRIO_RESPONSE = 1;
/** Priorities are 0..PRIO_MAX (one character in the record). */
export const PRIO_MAX = 9;

export const OB_MAX_CAPACITY = 255;
/** A frame is at most 512 bytes: 1,024 hex characters. */
export const OB_MAX_HEX = 1024;
/**
 * Sequence numbers per reservation write. A reservation covers the next 2 * SEQ_BLOCK numbers and is
 * renewed once fewer than SEQ_BLOCK remain, so a failed renewal still leaves SEQ_BLOCK numbers to hand
 * out. A reboot skips what was reserved and not used (at most 2 * SEQ_BLOCK numbers).
 */
export const SEQ_BLOCK = 32;
/** Store files besides the slots: the two sequence records. */
export const OB_EXTRA_FILES = 2;
/** Longest prefix: slot names add up to 3 digits, and Espruino Storage names are at most 28 characters. */
export const OB_MAX_PREFIX = 24;

export interface OutboxOptions {
  capacity: number;
  policy: "drop-oldest" | "refuse-newest";
  /** File name prefix, default "ob"; 1..24 characters, and not a prefix-plus-digits of another outbox's. */
  prefix?: string;
  /** Seqs per reservation write, default SEQ_BLOCK (1..1024; tests use small ones to exercise renewals). */
  seqBlock?: number;
}

export interface OutboxStats {
  /** Entries queued (OB_OK, OB_DROPPED_OLDEST, OB_STORE_FAILED). */
  pushed: number;
  removed: number;
  /** Entries dropped to make room (push when full, or load after the capacity shrank). */
  droppedOldest: number;
  /** Pushes refused because the queue was full (or entries beyond capacity at load, refuse-newest). */
  refused: number;
  /** Pushes refused for a bad frame, mode or priority. */
  invalid: number;
  /** Store writes that failed (record or sequence reservation). */
  storeFailures: number;
  /** Records (or sequence files) that failed their check at load; records are erased, never delivered. */
  corrupt: number;
  /** Entries recovered by load(). */
  recovered: number;
  /** Largest size() seen. */
  peak: number;
}

export class Outbox {
  private store: Store;
  private cap: number;
  private dropOldest: boolean;
  private prefix: string;
  /** Entries in send order. */
  private list: OutboxEntry[];
  /** Per slot file: the seq it holds, -1 when free. Length is the scan width (>= capacity). */
  private slotSeq: number[];
  private next: number;
  /** Seqs below this are covered by a reservation in the Store; none at or above it is handed out. */
  private limit: number;
  /** Which sequence file the next reservation goes to (the one not holding the newest). */
  private seqFile: number;
  private loaded: boolean;
  private block: number;
  stats: OutboxStats;

  constructor(store: Store, opts: OutboxOptions) {
    this.store = store;
    let cap = Math.floor(opts.capacity);
    if (!(cap >= 1)) cap = 1;
    if (cap > OB_MAX_CAPACITY) cap = OB_MAX_CAPACITY;
    this.cap = cap;
    this.dropOldest = opts.policy !== "refuse-newest";
    const p = opts.prefix || "ob";
    this.prefix = p.length > OB_MAX_PREFIX ? p.substring(0, OB_MAX_PREFIX) : p;
    this.list = [];
    this.slotSeq = [];
    this.next = 1;
    this.limit = 1;
    this.seqFile = 0;
    this.loaded = false;
    let b = Math.floor(opts.seqBlock || SEQ_BLOCK);
    if (!(b >= 1)) b = 1;
    this.block = b > 1024 ? 1024 : b;
    this.stats = { pushed: 0, removed: 0, droppedOldest: 0, refused: 0, invalid: 0, storeFailures: 0, corrupt: 0, recovered: 0, peak: 0 };
  }

  /**
   * Read what the Store holds (after an MCU reboot): the sequence reservation and every slot record.
   * Corrupt records are erased and counted. If the Store holds more than capacity (capacity lowered by
   * a new configuration), the policy trims it. Returns the entries now queued. push() and nextSeq()
   * call this first if nobody did.
   */
  load(): number {
    const st = this.store;
    this.list.splice(0);
    this.slotSeq.splice(0);
    let width = this.cap;
    let reserved = 1;
    let best = -1;
    for (let f = 0; f < 2; f++) {
      const r = st.read(this.seqName(f));
      const v = seqRecordValue(r);
      if (v < 0) {
        if (r !== undefined) this.stats.corrupt++;
        continue;
      }
      const w = seqRecordWidth(r as string);
      if (w > width) width = w;
      if (v >= reserved) {
        reserved = v;
        best = f;
      }
    }
    this.seqFile = best === 0 ? 1 : 0;
    let maxSeq = 0;
    for (let i = 0; i < width; i++) {
      this.slotSeq.push(-1);
      const r = st.read(this.slotName(i));
      if (r === undefined) continue;
      const e = decodeRecord(r, OB_MAX_HEX);
      if (e === undefined || this.indexOfSeq(e.seq) >= 0) {
        // Torn by a power cut, rotted, or a duplicate: never delivered.
        st.erase(this.slotName(i));
        this.stats.corrupt++;
        continue;
      }
      this.slotSeq[i] = e.seq;
      this.insert(e);
      if (e.seq > maxSeq) maxSeq = e.seq;
    }
    this.next = maxSeq + 1 > reserved ? maxSeq + 1 : reserved;
    this.limit = this.next;
    while (this.list.length > this.cap) {
      // refuse-newest keeps the oldest: the newest of the lowest priority goes (the last in send order).
      if (this.dropOldest) {
        this.stats.droppedOldest++;
        this.drop(this.oldestLowest());
      } else {
        this.stats.refused++;
        this.drop(this.list.length - 1);
      }
    }
    this.loaded = true;
    this.stats.recovered += this.list.length;
    this.notePeak();
    return this.list.length;
  }

  /** The seq the next push will carry (strictly greater than any handed out before, across reboots). */
  nextSeq(): number {
    if (!this.loaded) this.load();
    return this.next;
  }

  /**
   * Queue one frame (hex as sent, 1..1024 characters; mode 0 CON / 1 NON; prio 0..9). The record is in the
   * Store before OB_OK / OB_DROPPED_OLDEST is returned. OB_STORE_FAILED: queued in RAM only. OB_REFUSED:
   * not queued.
   */
  push(hex: string, mode: number, prio: number): number {
    if (!this.loaded) this.load();
    const st = this.stats;
    if (typeof hex !== "string" || hex.length < 1 || hex.length > OB_MAX_HEX || (mode !== 0 && mode !== 1) || !(prio >= 0 && prio <= PRIO_MAX && prio === Math.floor(prio))) {
      st.invalid++;
      return OB_REFUSED;
    }
    let victim = -1;
    if (this.list.length >= this.cap) {
      victim = this.victimFor(prio);
      if (victim < 0) {
        st.refused++;
        return OB_REFUSED;
      }
    }
    if (this.next + this.block >= this.limit && !this.reserve()) st.storeFailures++;
    if (this.next >= this.limit || this.next > SEQ_MAX) return OB_REFUSED; // no durable seq: a reboot could reuse it
    const seq = this.next++;
    let result = OB_OK;
    let slot = -1;
    if (victim >= 0) {
      slot = this.slotSeq.indexOf(this.list[victim].seq);
      this.list.splice(victim, 1);
      st.droppedOldest++;
      result = OB_DROPPED_OLDEST;
      if (slot >= this.cap) {
        this.store.erase(this.slotName(slot));
        this.slotSeq[slot] = -1;
        slot = -1;
      }
    }
    if (slot < 0) slot = this.freeSlot();
    this.slotSeq[slot] = seq;
    const name = this.slotName(slot);
    // Overwriting the victim's slot replaces its record in one write.
    if (!this.store.write(name, encodeRecord(seq, mode, prio, hex))) {
      // Leave neither a torn record nor the victim's old one behind.
      this.store.erase(name);
      st.storeFailures++;
      result = OB_STORE_FAILED;
    }
    this.insert({ seq: seq, hex: hex, mode: mode, prio: prio, tries: 0 });
    st.pushed++;
    this.notePeak();
    return result;
  }

  /** The entry to send next, or undefined. The object is live: read it, do not change it. */
  head(): OutboxEntry | undefined {
    return this.list.length > 0 ? this.list[0] : undefined;
  }

  /** Still queued (not yet confirmed or dropped). */
  has(seq: number): boolean {
    return this.indexOfSeq(seq) >= 0;
  }

  /** Confirmed (or dropped as unsendable): gone from RAM and Store. False for an unknown seq. */
  remove(seq: number): boolean {
    const i = this.indexOfSeq(seq);
    if (i < 0) return false;
    this.drop(i);
    this.stats.removed++;
    return true;
  }

  /** One more send attempt for this entry; its place in the queue does not change. */
  noteTry(seq: number): void {
    const i = this.indexOfSeq(seq);
    if (i >= 0) this.list[i].tries++;
  }

  size(): number {
    return this.list.length;
  }

  capacity(): number {
    return this.cap;
  }

  /** Every entry in send order (a new array of the live entries). */
  entries(): OutboxEntry[] {
    return this.list.slice();
  }

  private slotName(i: number): string {
    return this.prefix + i;
  }

  private seqName(f: number): string {
    return this.prefix + ".s" + f;
  }

  private indexOfSeq(seq: number): number {
    const l = this.list;
    for (let i = 0; i < l.length; i++) if (l[i].seq === seq) return i;
    return -1;
  }

  /** Place e after every entry of higher or equal priority with a lower seq. */
  private insert(e: OutboxEntry): void {
    const l = this.list;
    let i = l.length;
    while (i > 0 && (l[i - 1].prio < e.prio || (l[i - 1].prio === e.prio && l[i - 1].seq > e.seq))) i--;
    l.splice(i, 0, e);
  }

  /** Remove entry i from RAM and erase its record. */
  private drop(i: number): void {
    const seq = this.list[i].seq;
    this.list.splice(i, 1);
    const s = this.slotSeq.indexOf(seq);
    if (s >= 0) {
      this.slotSeq[s] = -1;
      this.store.erase(this.slotName(s));
    }
  }

  /** Index of the oldest entry of the lowest priority queued (the list is non-empty). */
  private oldestLowest(): number {
    const l = this.list;
    const low = l[l.length - 1].prio;
    let i = l.length - 1;
    while (i > 0 && l[i - 1].prio === low) i--;
    return i;
  }

  /**
   * Full queue, one more of priority `prio`: the entry to drop, or -1 to refuse the new one. Only an
   * entry of the lowest queued priority can go, and never for a newcomer of even lower priority, so a
   * report never displaces a command response. drop-oldest drops it for an equal or higher priority;
   * refuse-newest only for a strictly higher one (a response still gets in ahead of queued reports).
   */
  private victimFor(prio: number): number {
    const low = this.list[this.list.length - 1].prio;
    if (prio < low || (prio === low && !this.dropOldest)) return -1;
    return this.oldestLowest();
  }

  /** A free slot below capacity (one exists whenever size() < capacity). */
  private freeSlot(): number {
    for (let i = 0; i < this.cap; i++) if (!(this.slotSeq[i] >= 0)) return i;
    return 0;
  }

  /**
   * Before a planned stop (deep sleep): write down exactly where the sequence stands, so the next boot
   * goes on from there instead of skipping the rest of a reservation (the platform would see a gap of
   * up to 2 * SEQ_BLOCK at every wake). load() takes the larger of the two sequence files, so both get
   * the exact value: older first, then the one with the live reservation. A power cut in either write
   * leaves a valid value >= every seq handed out, so the guarantee (strictly increasing) holds.
   */
  checkpoint(): boolean {
    if (!this.loaded) this.load();
    if (this.limit === this.next) return true;
    return this.reserve(this.next) && this.reserve(this.next);
  }

  /** Write a reservation (by default the next block) to the older sequence file. */
  private reserve(exact?: number): boolean {
    let width = this.cap;
    for (let i = this.slotSeq.length - 1; i >= width; i--) {
      if (this.slotSeq[i] >= 0) {
        width = i + 1;
        break;
      }
    }
    let upTo = exact !== undefined ? exact : this.next + 2 * this.block;
    if (upTo > SEQ_MAX) upTo = SEQ_MAX;
    if (!this.store.write(this.seqName(this.seqFile), encodeSeqRecord(upTo, width))) return false;
    this.limit = upTo;
    this.seqFile = this.seqFile === 0 ? 1 : 0;
    return true;
  }

  private notePeak(): void {
    if (this.list.length > this.stats.peak) this.stats.peak = this.list.length;
  }
}
