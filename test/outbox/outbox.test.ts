import { describe, expect, it } from "vitest";
import {
  OB_DROPPED_OLDEST,
  OB_EXTRA_FILES,
  OB_MAX_HEX,
  OB_OK,
  OB_REFUSED,
  OB_STORE_FAILED,
  Outbox,
  PRIO_NORMAL,
  PRIO_RESPONSE,
  SEQ_BLOCK,
  type OutboxOptions,
} from "../../lib/outbox/outbox";
import { crc16, decodeRecord, encodeRecord, encodeSeqRecord, hexN, readHexN, seqRecordValue } from "../../lib/outbox/record";
import { MemoryStore } from "../support/memory-store";

const CON = 0;
const NON = 1;

function box(store: MemoryStore, capacity = 8, policy: OutboxOptions["policy"] = "drop-oldest", prefix?: string): Outbox {
  const ob = new Outbox(store, { capacity, policy, prefix });
  ob.load();
  return ob;
}

/** A new Outbox on the same Store: what the MCU sees after a reboot. */
function reboot(store: MemoryStore, capacity = 8, policy: OutboxOptions["policy"] = "drop-oldest"): Outbox {
  store.powerOn();
  return box(store, capacity, policy);
}

const view = (ob: Outbox) => ob.entries().map((e) => [e.seq, e.hex, e.prio, e.mode]);
const hexes = (ob: Outbox) => ob.entries().map((e) => e.hex);
const records = (store: MemoryStore, prefix = "ob") => store.names(prefix).filter((n) => n.indexOf(".") < 0);

describe("record format", () => {
  it("CRC-16/CCITT-FALSE matches its check value", () => {
    expect(crc16("123456789", 0, 9)).toBe(0x29b1);
    expect(crc16("", 0, 0)).toBe(0xffff);
  });

  it("hex fields round-trip, also past 2^31, and reject non-hex", () => {
    for (const v of [0, 1, 255, 0x7fffffff, 0x80000000, 0xffffffff]) expect(readHexN(hexN(v, 8), 0, 8)).toBe(v);
    expect(readHexN("00zz", 0, 4)).toBe(-1);
    expect(readHexN("0a0B", 0, 4)).toBe(0x0a0b);
    expect(readHexN("12", 0, 4)).toBe(-1);
  });

  it("round-trips an entry and has the documented layout", () => {
    const r = encodeRecord(0x1234, NON, PRIO_RESPONSE, "02000100");
    expect(r.substring(0, 14)).toBe("Q000012341" + "1" + "008");
    expect(r.length).toBe(8 + 18);
    expect(decodeRecord(r, OB_MAX_HEX)).toEqual({ seq: 0x1234, hex: "02000100", mode: NON, prio: PRIO_RESPONSE, tries: 0 });
  });

  it("rejects torn, padded, flipped and foreign records", () => {
    const r = encodeRecord(7, CON, PRIO_NORMAL, "0200010006313233343536");
    for (let keep = 0; keep < r.length; keep++) {
      expect(decodeRecord(r.substring(0, keep), OB_MAX_HEX)).toBeUndefined();
      expect(decodeRecord(r.substring(0, keep) + "\xff".repeat(r.length - keep), OB_MAX_HEX)).toBeUndefined();
    }
    for (let i = 0; i < r.length; i++) {
      const flipped = r.substring(0, i) + String.fromCharCode(r.charCodeAt(i) ^ 0x01) + r.substring(i + 1);
      expect(decodeRecord(flipped, OB_MAX_HEX)).toBeUndefined();
    }
    expect(decodeRecord(r + "00", OB_MAX_HEX)).toBeUndefined();
    expect(decodeRecord("hello world, not a record", OB_MAX_HEX)).toBeUndefined();
    expect(decodeRecord(r, 4)).toBeUndefined(); // longer than allowed
  });

  it("sequence records check themselves", () => {
    const s = encodeSeqRecord(12345, 16);
    expect(s.length).toBe(15);
    expect(seqRecordValue(s)).toBe(12345);
    expect(seqRecordValue(s.substring(0, 14))).toBe(-1);
    expect(seqRecordValue(s.substring(0, 7) + "\xff".repeat(8))).toBe(-1);
    for (let i = 1; i < s.length; i++) expect(seqRecordValue(s.substring(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.substring(i + 1))).toBe(-1);
    expect(seqRecordValue(undefined)).toBe(-1);
  });
});

describe("Outbox: order", () => {
  it("is FIFO within a priority and sends command responses before reports", () => {
    const ob = box(new MemoryStore());
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("A2", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("R1", CON, PRIO_RESPONSE)).toBe(OB_OK);
    expect(ob.push("A3", NON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("R2", CON, PRIO_RESPONSE)).toBe(OB_OK);
    expect(hexes(ob)).toEqual(["R1", "R2", "A1", "A2", "A3"]);
    expect(ob.head()!.hex).toBe("R1");
    expect(ob.remove(ob.head()!.seq)).toBe(true);
    expect(ob.head()!.hex).toBe("R2");
    expect(ob.size()).toBe(4);
  });

  it("hands out strictly increasing seqs and nextSeq() says the next one", () => {
    const ob = box(new MemoryStore());
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = ob.nextSeq();
      ob.push("AA", CON, PRIO_NORMAL);
      expect(ob.entries()[i].seq).toBe(s);
      seqs.push(s);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(ob.nextSeq()).toBe(6);
  });

  it("remove() of an unknown seq is false; removing from the middle keeps the rest in order", () => {
    const ob = box(new MemoryStore());
    for (const h of ["01", "02", "03"]) ob.push(h, CON, PRIO_NORMAL);
    expect(ob.remove(999)).toBe(false);
    expect(ob.remove(ob.entries()[1].seq)).toBe(true);
    expect(ob.remove(ob.entries()[1].seq)).toBe(true);
    expect(hexes(ob)).toEqual(["01"]);
    expect(ob.stats.removed).toBe(2);
  });

  it("noteTry counts attempts without moving the entry", () => {
    const ob = box(new MemoryStore());
    ob.push("01", CON, PRIO_NORMAL);
    ob.push("02", CON, PRIO_NORMAL);
    const s = ob.head()!.seq;
    ob.noteTry(s);
    ob.noteTry(s);
    ob.noteTry(12345); // unknown: no-op
    expect(ob.head()!.tries).toBe(2);
    expect(ob.head()!.seq).toBe(s);
  });

  it("refuses a bad frame, mode or priority, counted as invalid", () => {
    const store = new MemoryStore();
    const ob = box(store);
    expect(ob.push("", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.push("0".repeat(OB_MAX_HEX + 1), CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.push("00", 2, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.push("00", CON, -1)).toBe(OB_REFUSED);
    expect(ob.push("00", CON, 10)).toBe(OB_REFUSED);
    expect(ob.push("00", CON, 0.5)).toBe(OB_REFUSED);
    expect(ob.push(undefined as unknown as string, CON, 0)).toBe(OB_REFUSED);
    expect(ob.stats.invalid).toBe(7);
    expect(ob.size()).toBe(0);
    expect(store.writes).toBe(0);
    expect(ob.push("0".repeat(OB_MAX_HEX), CON, PRIO_NORMAL)).toBe(OB_OK);
  });
});

describe("Outbox: capacity", () => {
  it("drop-oldest drops the oldest report, never a queued command response", () => {
    const store = new MemoryStore();
    const ob = box(store, 4, "drop-oldest");
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("R1", CON, PRIO_RESPONSE);
    ob.push("A2", CON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    expect(ob.push("A4", CON, PRIO_NORMAL)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["R1", "A2", "A3", "A4"]);
    expect(ob.push("R2", CON, PRIO_RESPONSE)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["R1", "R2", "A3", "A4"]);
    expect(ob.stats.droppedOldest).toBe(2);
    expect(ob.size()).toBe(4);
    expect(ob.stats.peak).toBe(4);
    expect(records(store)).toHaveLength(4);
    // what the Store holds is what RAM holds
    expect(view(reboot(store, 4))).toEqual(view(ob));
  });

  it("drop-oldest with only responses queued: a response drops the oldest response, a report is refused", () => {
    const store = new MemoryStore();
    const ob = box(store, 2, "drop-oldest");
    ob.push("R1", CON, PRIO_RESPONSE);
    ob.push("R2", CON, PRIO_RESPONSE);
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.stats.refused).toBe(1);
    expect(ob.push("R3", CON, PRIO_RESPONSE)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["R2", "R3"]);
    expect(view(reboot(store, 2))).toEqual(view(ob));
  });

  it("refuse-newest refuses and counts, but a command response still displaces the oldest report", () => {
    const store = new MemoryStore();
    const ob = box(store, 3, "refuse-newest");
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    const writes = store.writes;
    expect(ob.push("A4", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.stats.refused).toBe(1);
    expect(store.writes).toBe(writes); // a refusal costs no flash
    expect(ob.push("R1", CON, PRIO_RESPONSE)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["R1", "A2", "A3"]);
    ob.push("R2", CON, PRIO_RESPONSE);
    ob.push("R3", CON, PRIO_RESPONSE);
    expect(ob.push("R4", CON, PRIO_RESPONSE)).toBe(OB_REFUSED);
    expect(hexes(ob)).toEqual(["R1", "R2", "R3"]);
    expect(ob.stats.refused).toBe(2);
    expect(ob.stats.droppedOldest).toBe(3);
  });

  it("never holds more than capacity records plus the two sequence files, whatever the churn", () => {
    const store = new MemoryStore();
    let ob = box(store, 5);
    for (let i = 0; i < 500; i++) {
      ob.push(hexN(i, 4), i % 7 === 0 ? NON : CON, i % 5 === 0 ? PRIO_RESPONSE : PRIO_NORMAL);
      if (i % 3 === 0) ob.remove(ob.head()!.seq);
      if (i % 97 === 0) ob = reboot(store, 5);
      expect(ob.size()).toBeLessThanOrEqual(5);
      expect(store.names("ob").length).toBeLessThanOrEqual(5 + OB_EXTRA_FILES);
    }
    expect(ob.stats.peak).toBe(5);
  });
});

describe("Outbox: persistence across MCU reboots", () => {
  it("a new Outbox on the same Store has the same entries in the same order and continues the sequence", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("R1", NON, PRIO_RESPONSE);
    ob.push("A2", NON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    ob.remove(ob.entries()[2].seq);
    ob.noteTry(ob.head()!.seq);
    const before = view(ob);
    const last = ob.nextSeq() - 1;
    const ob2 = reboot(store);
    expect(ob2.stats.recovered).toBe(3);
    expect(view(ob2)).toEqual(before);
    expect(ob2.head()!.tries).toBe(0); // tries live in RAM
    expect(ob2.nextSeq()).toBeGreaterThan(last);
    ob2.push("A4", CON, PRIO_NORMAL);
    expect(hexes(ob2)).toEqual(["R1", "A1", "A3", "A4"]);
  });

  it("the sequence keeps rising across reboots, also when the queue was empty at each reboot", () => {
    const store = new MemoryStore();
    let ob = box(store);
    let last = 0;
    for (let boot = 0; boot < 50; boot++) {
      const n = boot % 3; // some boots push nothing at all
      for (let i = 0; i < n; i++) {
        const s = ob.nextSeq();
        expect(s).toBeGreaterThan(last);
        ob.push("AB", CON, PRIO_NORMAL);
        last = s;
        ob.remove(s);
      }
      expect(ob.size()).toBe(0);
      ob = reboot(store);
      expect(ob.nextSeq()).toBeGreaterThan(last);
    }
    // nothing left behind but the sequence files
    expect(store.names("ob")).toEqual(["ob.s0", "ob.s1"]);
  });

  it("the sequence keeps rising after many pushes in one boot (reservations renewed)", () => {
    const store = new MemoryStore();
    const ob = box(store);
    for (let i = 0; i < 10 * SEQ_BLOCK + 3; i++) {
      ob.push("AB", CON, PRIO_NORMAL);
      ob.remove(ob.head()!.seq);
    }
    const last = ob.nextSeq() - 1;
    expect(reboot(store).nextSeq()).toBeGreaterThan(last);
  });

  it("push() before load() loads first, so it never reuses a seq or a slot", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.powerOn();
    const ob2 = new Outbox(store, { capacity: 8, policy: "drop-oldest" });
    expect(ob2.push("A2", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(hexes(ob2)).toEqual(["A1", "A2"]);
    expect(ob2.entries()[1].seq).toBeGreaterThan(ob2.entries()[0].seq);
  });

  it("a power cut mid-write loses only the entry being written", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    const before = view(ob);
    const last = ob.nextSeq();
    store.cutPower();
    expect(ob.push("A4".repeat(20), CON, PRIO_NORMAL)).toBe(OB_STORE_FAILED); // the MCU never got here
    expect(records(store)).toHaveLength(4); // the torn record is there
    const ob2 = reboot(store);
    expect(view(ob2)).toEqual(before);
    expect(ob2.stats.corrupt).toBe(1);
    expect(records(store)).toHaveLength(3); // and was erased
    expect(ob2.nextSeq()).toBeGreaterThan(last);
  });

  it("a torn write that left 0xFF-filled flash (Espruino's header written, data not) is caught too", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.cutPower({ keep: 5, ffFill: true });
    ob.push("A2", CON, PRIO_NORMAL);
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1"]);
    expect(ob2.stats.corrupt).toBe(1);
  });

  it("a power cut while the drop-oldest victim's slot is rewritten loses only the victim and the newcomer", () => {
    const store = new MemoryStore();
    const ob = box(store, 3);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    store.cutPower();
    ob.push("A4", CON, PRIO_NORMAL);
    expect(hexes(reboot(store, 3))).toEqual(["A2", "A3"]);
  });

  it("a power cut while the sequence reservation is written keeps the sequence guarantee", () => {
    const store = new MemoryStore();
    let ob = box(store);
    let last = 0;
    // Find pushes that renew the reservation, and cut the power in the middle of each.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < SEQ_BLOCK + 1; i++) {
        const w = store.writes;
        const s = ob.nextSeq();
        ob.push("AB", CON, PRIO_NORMAL);
        last = s;
        ob.remove(s);
        if (store.writes - w === 2 && i > 0) break; // that one renewed the reservation
      }
      // The next renewal is SEQ_BLOCK pushes away; push up to it and tear it.
      for (let i = 0; i < SEQ_BLOCK - 1; i++) {
        last = ob.nextSeq();
        ob.push("AB", CON, PRIO_NORMAL);
        ob.remove(last);
      }
      store.cutPower();
      ob.push("CD", CON, PRIO_NORMAL);
      expect(store.names("ob.s").length).toBeGreaterThan(0);
      ob = reboot(store);
      expect(ob.nextSeq()).toBeGreaterThan(last);
      expect(ob.size()).toBe(0);
    }
  });

  it("after a power cut that tore the only sequence file, records still lift the sequence", () => {
    const store = new MemoryStore();
    let ob = box(store);
    store.cutPower({ keep: 3 }); // the very first reservation tears
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_REFUSED); // no durable seq: not queued
    ob = reboot(store);
    expect(ob.stats.corrupt).toBe(1);
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(reboot(store).nextSeq()).toBeGreaterThan(1);
  });

  it("a failed write (flash full): OB_STORE_FAILED, kept in RAM and sendable, gone after a reboot", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.failNextWrites(1);
    expect(ob.push("A2", CON, PRIO_NORMAL)).toBe(OB_STORE_FAILED);
    expect(ob.stats.storeFailures).toBe(1);
    expect(hexes(ob)).toEqual(["A1", "A2"]);
    expect(ob.push("A3", CON, PRIO_NORMAL)).toBe(OB_OK);
    const seqs = ob.entries().map((e) => e.seq);
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1", "A3"]);
    expect(ob2.stats.corrupt).toBe(0);
    expect(ob2.nextSeq()).toBeGreaterThan(Math.max(...seqs));
    // and in the first life the RAM-only entry is removed like any other
    expect(ob.remove(seqs[1])).toBe(true);
  });

  it("a failed write of a torn record erases it at once", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.tearNextWrite();
    expect(ob.push("A2", CON, PRIO_NORMAL)).toBe(OB_STORE_FAILED);
    expect(records(store)).toHaveLength(1);
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1"]);
    expect(ob2.stats.corrupt).toBe(0);
  });

  it("a failed write into the drop-oldest victim's slot does not bring the victim back", () => {
    const store = new MemoryStore();
    const ob = box(store, 2);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL);
    store.failNextWrites(1);
    expect(ob.push("A3", CON, PRIO_NORMAL)).toBe(OB_STORE_FAILED);
    expect(hexes(ob)).toEqual(["A2", "A3"]);
    expect(hexes(reboot(store, 2))).toEqual(["A2"]);
  });

  it("the sequence reservation cannot be written at all: refused rather than a seq a reboot could reuse", () => {
    const store = new MemoryStore();
    const ob = box(store);
    store.failNextWrites(100);
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.stats.storeFailures).toBe(1);
    expect(ob.size()).toBe(0);
    store.powerOn();
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_OK);
  });

  it("a failed renewal of the reservation still leaves SEQ_BLOCK seqs to hand out, and is retried", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A0", CON, PRIO_NORMAL); // first reservation
    let failed = 0;
    let refused = 0;
    let last = 0;
    for (let i = 0; i < 3 * SEQ_BLOCK; i++) {
      store.failNextWrites(1); // every first write fails: the renewal when due, else the record
      const s = ob.nextSeq();
      const r = ob.push("AB", CON, PRIO_NORMAL);
      if (r === OB_REFUSED) {
        refused++;
        expect(ob.nextSeq()).toBe(s); // not handed out
        continue;
      }
      if (r === OB_STORE_FAILED) failed++;
      last = s;
      ob.remove(s);
    }
    // 1 + SEQ_BLOCK records written before the renewal fell due; then every renewal failed, the records
    // went in, and once the reserved numbers ran out every push was refused.
    expect(failed).toBe(1 + SEQ_BLOCK - 1 - 1);
    expect(last).toBe(2 * SEQ_BLOCK);
    expect(refused).toBe(3 * SEQ_BLOCK - (2 * SEQ_BLOCK - 1));
    store.powerOn();
    expect(ob.push("EF", CON, PRIO_NORMAL)).toBe(OB_OK); // the renewal is retried and succeeds
    expect(ob.nextSeq()).toBe(2 * SEQ_BLOCK + 2);
    const ob2 = reboot(store);
    expect(ob2.nextSeq()).toBeGreaterThan(last);
  });

  it("a corrupt record is erased and counted, never delivered", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    const bad = "ob1";
    const r = store.files.get(bad)!;
    store.files.set(bad, r.substring(0, 15) + "F" + r.substring(16)); // one payload character rots
    store.files.set("ob5", "garbage"); // not ours at all
    store.files.set("ob.s1", "S000"); // a broken sequence file
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1", "A3"]);
    expect(ob2.stats.corrupt).toBe(3);
    expect(store.files.has("ob1")).toBe(false);
    expect(store.files.has("ob5")).toBe(false);
    expect(ob2.nextSeq()).toBeGreaterThan(3);
  });

  it("two records with the same seq (should never happen) keep one", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.files.set("ob3", store.files.get("ob0")!);
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1"]);
    expect(ob2.stats.corrupt).toBe(1);
    expect(records(store)).toEqual(["ob0"]);
  });

  it("a smaller capacity after a reboot: records in higher slots are still found, then trimmed by the policy", () => {
    const store = new MemoryStore();
    const ob = box(store, 6);
    for (const h of ["A1", "A2", "A3", "A4", "A5"]) ob.push(h, CON, PRIO_NORMAL);
    ob.push("R1", CON, PRIO_RESPONSE);
    const small = reboot(store, 3, "drop-oldest");
    expect(hexes(small)).toEqual(["R1", "A4", "A5"]);
    expect(small.stats.droppedOldest).toBe(3);
    expect(records(store)).toHaveLength(3);
    // a slot beyond the new capacity is still read on the next boot, until it empties
    expect(view(reboot(store, 3))).toEqual(view(small));
    const s2 = reboot(store, 3);
    for (let i = 0; i < 10; i++) {
      s2.push("B" + i, CON, PRIO_NORMAL);
      s2.remove(s2.entries()[s2.size() - 1].seq);
      expect(records(store).length).toBeLessThanOrEqual(3);
    }
    expect(view(reboot(store, 3))).toEqual(view(s2));
    expect(store.names("ob").length).toBeLessThanOrEqual(3 + OB_EXTRA_FILES);
  });

  it("refuse-newest trims the newest when the capacity shrank", () => {
    const store = new MemoryStore();
    const ob = box(store, 4, "refuse-newest");
    for (const h of ["A1", "A2", "A3", "A4"]) ob.push(h, CON, PRIO_NORMAL);
    const small = reboot(store, 2, "refuse-newest");
    expect(hexes(small)).toEqual(["A1", "A2"]);
    expect(small.stats.refused).toBe(2);
  });

  it("names fit Espruino Storage (28 characters) and two prefixes do not mix", () => {
    const store = new MemoryStore();
    const long = "x".repeat(40);
    const a = box(store, 255, "drop-oldest", long);
    for (let i = 0; i < 255; i++) a.push("00", CON, PRIO_NORMAL);
    for (const n of store.names()) expect(n.length).toBeLessThanOrEqual(28);
    const b = box(store, 4, "drop-oldest", "up");
    b.push("11", CON, PRIO_NORMAL);
    expect(hexes(box(store, 4, "drop-oldest", "up"))).toEqual(["11"]);
    expect(box(store, 255, "drop-oldest", long).size()).toBe(255);
    expect(a.capacity()).toBe(255);
    expect(new Outbox(store, { capacity: 1000, policy: "drop-oldest" }).capacity()).toBe(255);
    expect(new Outbox(store, { capacity: 0, policy: "drop-oldest" }).capacity()).toBe(1);
  });
});

describe("Outbox: flash cost per report", () => {
  function perReport(payloadBytes: number) {
    const store = new MemoryStore();
    const ob = box(store, 16);
    const hex = "A5".repeat(payloadBytes);
    ob.push(hex, CON, PRIO_NORMAL); // warm up: first reservation
    ob.remove(ob.head()!.seq);
    store.resetCounters();
    const n = 32 * SEQ_BLOCK;
    for (let i = 0; i < n; i++) {
      expect(ob.push(hex, CON, PRIO_NORMAL)).toBe(OB_OK);
      expect(ob.remove(ob.head()!.seq)).toBe(true);
    }
    return { writes: store.writes / n, bytes: store.bytesWritten / n, erases: store.erases / n };
  }

  it("push+remove costs one record write, one erase and 1/SEQ_BLOCK of a 15-byte sequence write", () => {
    const small = perReport(10);
    const big = perReport(100);
    console.log(
      "outbox flash per report (push+remove): 10-byte payload " + small.writes + " writes, " + small.bytes + " bytes, " + small.erases +
        " erases; 100-byte payload " + big.writes + " writes, " + big.bytes + " bytes, " + big.erases + " erases",
    );
    expect(small.writes).toBeCloseTo(1 + 1 / SEQ_BLOCK, 6);
    expect(small.bytes).toBeCloseTo(20 + 18 + 15 / SEQ_BLOCK, 6);
    expect(big.bytes).toBeCloseTo(200 + 18 + 15 / SEQ_BLOCK, 6);
    expect(small.erases).toBe(1);
  });

  it("a wake from deep sleep (a reboot) that sends one report adds one sequence write", () => {
    const store = new MemoryStore();
    box(store).push("00", CON, PRIO_NORMAL);
    let ob = reboot(store);
    ob.remove(ob.head()!.seq);
    store.resetCounters();
    for (let i = 0; i < 10; i++) {
      ob = reboot(store);
      ob.push("A5".repeat(10), CON, PRIO_NORMAL);
      ob.remove(ob.head()!.seq);
    }
    expect(store.writes).toBe(20);
    expect(store.bytesWritten).toBe(10 * (38 + 15));
  });
});

describe("outbox: checkpoint before a planned stop", () => {
  it("the next boot goes on from the exact next seq (no reservation gap), still strictly increasing", async () => {
    const { Outbox } = await import("../../lib/outbox/outbox");
    const { MemoryStore } = await import("../support/memory-store");
    const store = new MemoryStore();
    const a = new Outbox(store, { capacity: 4, policy: "drop-oldest" });
    a.load();
    a.push("0A", 0, 0);
    a.push("0B", 0, 0);
    const next = a.nextSeq();
    expect(a.checkpoint()).toBe(true);
    const b = new Outbox(store, { capacity: 4, policy: "drop-oldest" });
    b.load();
    expect(b.nextSeq()).toBe(next);
    // without a checkpoint the reboot skips the rest of the reservation
    b.push("0C", 0, 0);
    const c = new Outbox(store, { capacity: 4, policy: "drop-oldest" });
    c.load();
    expect(c.nextSeq()).toBeGreaterThan(next + 1);
  });

  it("a torn checkpoint falls back to the older reservation: never a reused seq", async () => {
    const { Outbox } = await import("../../lib/outbox/outbox");
    const { MemoryStore } = await import("../support/memory-store");
    const store = new MemoryStore();
    const a = new Outbox(store, { capacity: 4, policy: "drop-oldest" });
    a.load();
    a.push("0A", 0, 0);
    const used = a.nextSeq() - 1;
    store.tearNextWrite();
    a.checkpoint();
    const b = new Outbox(store, { capacity: 4, policy: "drop-oldest" });
    b.load();
    expect(b.nextSeq()).toBeGreaterThan(used);
  });
});
