// The flash outbox: record layout, send order, the byte budget and its policies, persistence across
// reboots and power cuts at every write and erase, the RAM index, and what a report costs in flash.
import { describe, expect, it } from "vitest";
import {
  OB_DROPPED_OLDEST,
  OB_EXTRA_FILES,
  OB_MAX_HEX,
  OB_OK,
  OB_REFUSED,
  OB_SEGMENTS,
  OB_STORE_FAILED,
  Outbox,
  PRIO_NORMAL,
  PRIO_RESPONSE,
  SEQ_BLOCK,
  type OutboxOptions,
} from "../../lib/outbox/outbox";
import { crc16, readRecord, REC_OVERHEAD } from "../../lib/outbox/record";
import { MemoryStore } from "../support/memory-store";
import { DEFAULT_FLASH_BYTES, flashPerReport, SAMPLE_REPORT_HEX } from "./wear";

const CON = 0;
const NON = 1;
type Policy = OutboxOptions["policy"];

/** A budget of 4 segments whose cap holds exactly `records` (even) one-byte frames ("A1", "E2", ...: 11-byte records), half of them a segment. */
function budgetFor(records: number): number {
  return 4 * (Math.ceil(records / 2) * (1 + REC_OVERHEAD) + 1);
}

function box(store: MemoryStore, flashBytes = 65536, policy: Policy = "drop-oldest", prefix?: string): Outbox {
  const ob = new Outbox(store, { flashBytes, policy, prefix });
  ob.load();
  return ob;
}

/** A new Outbox on the same Store: what the MCU sees after a reboot. */
function reboot(store: MemoryStore, flashBytes = 65536, policy: Policy = "drop-oldest"): Outbox {
  store.powerOn();
  return box(store, flashBytes, policy);
}

const view = (ob: Outbox) => ob.entries().map((e) => [e.seq, e.hex, e.prio, e.mode]);
const hexes = (ob: Outbox) => ob.entries().map((e) => e.hex);
const segments = (store: MemoryStore, prefix = "ob") => store.names(prefix).filter((n) => n.indexOf(".") < 0);

describe("record format", () => {
  it("CRC-16/CCITT-FALSE matches its check value", () => {
    expect(crc16("123456789", 0, 9)).toBe(0x29b1);
    expect(crc16("", 0, 0)).toBe(0xffff);
  });

  it("has the documented layout: a segment file of the budget's size, records of bytes from offset 1", () => {
    const store = new MemoryStore();
    const ob = box(store);
    expect(ob.push("0A0B0C", NON, PRIO_RESPONSE)).toBe(OB_OK);
    const f = store.files.get("ob0")!;
    expect(f.length).toBe(4096);
    expect(f.charCodeAt(0)).toBe(0x4f);
    const rec = f.substring(1, 1 + 3 + REC_OVERHEAD);
    expect([...rec].map((c) => c.charCodeAt(0))).toEqual([0xff, 0xa0 | 2 | 1, 0, 3, 0, 0, 0, 1, 0x0a, 0x0b, 0x0c, ...(() => { const c = crc16(rec, 1, 11); return [c >> 8, c & 255]; })()]);
    expect(f.substring(1 + 13)).toBe("\xff".repeat(4096 - 14));
    expect(readRecord(f, 1)).toEqual({ seq: 1, hex: "0A0B0C", mode: NON, prio: PRIO_RESPONSE });
  });

  it("rejects torn, flipped and removed records", () => {
    const store = new MemoryStore();
    box(store).push("0200010006313233343536", CON, PRIO_NORMAL);
    const f = store.files.get("ob0")!;
    const len = 11 + REC_OVERHEAD;
    for (let keep = 0; keep < len; keep++) expect(readRecord(f.substring(0, 1 + keep) + "\xff".repeat(4096), 1)).toBeUndefined();
    for (let i = 2; i < 1 + len; i++) {
      const flipped = f.substring(0, i) + String.fromCharCode(f.charCodeAt(i) ^ 0x01) + f.substring(i + 1);
      expect(readRecord(flipped, 1)).toBeUndefined();
    }
    expect(readRecord("O\x00" + f.substring(2), 1)).toBeUndefined();
  });

  it("keeps a frame that is not even-length upper-case hex exactly as given (the module refuses it, not us)", () => {
    const ob = box(new MemoryStore());
    for (const h of ["0200010", "02000100ZZ", "0a0b"]) expect(ob.push(h, CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(hexes(ob)).toEqual(["0200010", "02000100ZZ", "0a0b"]);
  });

  it("writes the sequence record in the slot outbox's format, so an update keeps the numbering", () => {
    const store = new MemoryStore();
    // what the previous outbox left: "S" + 8 hex + 2 hex + CRC-16
    const body = "S000004D2" + "10";
    store.files.set("ob.s0", body + crc16(body, 0, 11).toString(16).toUpperCase().padStart(4, "0"));
    const ob = box(store);
    expect(ob.nextSeq()).toBe(0x4d2);
    ob.push("AB", CON, PRIO_NORMAL);
    expect(store.files.get("ob.s1")).toMatch(/^S0000051210[0-9A-F]{4}$/); // 1234 + 2 * SEQ_BLOCK
  });
});

describe("Outbox: order", () => {
  it("is FIFO within a class and sends command responses before reports", () => {
    const ob = box(new MemoryStore());
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("A2", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("E1", CON, PRIO_RESPONSE)).toBe(OB_OK);
    expect(ob.push("A3", NON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("E2", CON, PRIO_RESPONSE)).toBe(OB_OK);
    expect(hexes(ob)).toEqual(["E1", "E2", "A1", "A2", "A3"]);
    expect(ob.head()!.hex).toBe("E1");
    expect(ob.remove(ob.head()!.seq)).toBe(true);
    expect(ob.head()!.hex).toBe("E2");
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

  it("remove() of an unknown seq is false; any queued seq can be removed and the rest keep their order", () => {
    const ob = box(new MemoryStore());
    for (const h of ["01", "02", "03", "04"]) ob.push(h, CON, PRIO_NORMAL);
    expect(ob.remove(999)).toBe(false);
    expect(ob.remove(0)).toBe(false);
    expect(ob.remove(ob.entries()[2].seq)).toBe(true); // set aside, not the head
    expect(ob.remove(ob.entries()[1].seq)).toBe(true);
    expect(ob.remove(3)).toBe(false); // already gone
    expect(hexes(ob)).toEqual(["01", "04"]);
    expect(ob.head()!.hex).toBe("01");
    expect(ob.stats.removed).toBe(2);
    expect(ob.has(1) && ob.has(4) && !ob.has(2) && !ob.has(3)).toBe(true);
  });

  it("refuses a bad frame, mode or priority, counted as invalid, at no flash cost", () => {
    const store = new MemoryStore();
    const ob = box(store);
    expect(ob.push("", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.push("0".repeat(OB_MAX_HEX + 1), CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.push("00", 2, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.push("00", CON, -1)).toBe(OB_REFUSED);
    expect(ob.push("00", CON, 2)).toBe(OB_REFUSED);
    expect(ob.push("00", CON, 0.5)).toBe(OB_REFUSED);
    expect(ob.push(undefined as unknown as string, CON, 0)).toBe(OB_REFUSED);
    expect(ob.stats.invalid).toBe(7);
    expect(ob.size()).toBe(0);
    expect(store.writes).toBe(0);
    expect(ob.push("0".repeat(OB_MAX_HEX), CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.push("Z".repeat(OB_MAX_HEX), CON, PRIO_NORMAL)).toBe(OB_OK); // as text: 1,034 bytes still fit a segment
    expect(box(store, budgetFor(4)).push("0".repeat(40), CON, PRIO_NORMAL)).toBe(OB_REFUSED); // a tiny budget's segment cannot hold it
  });
});

describe("Outbox: the byte budget", () => {
  it("the default budget: 16 segments of 5 KB, and the sample report fits more than a week at 300 s", () => {
    const store = new MemoryStore();
    const ob = box(store, DEFAULT_FLASH_BYTES);
    expect([ob.nseg, ob.seg, ob.cap]).toEqual([16, 5120, 14 * 5119]);
    expect(SAMPLE_REPORT_HEX.length).toBe(48);
    let n = 0;
    while (ob.push(SAMPLE_REPORT_HEX, CON, PRIO_NORMAL) === OB_OK) n++;
    console.log("default budget (" + DEFAULT_FLASH_BYTES + " bytes): " + n + " sample reports (" + SAMPLE_REPORT_HEX.length / 2 + "-byte frame, " + (SAMPLE_REPORT_HEX.length / 2 + REC_OVERHEAD) + " bytes a record) = " + ((n * 300) / 86400).toFixed(2) + " days at 300 s");
    expect(n).toBeGreaterThanOrEqual(7 * 288);
    expect(n).toBe(Math.floor(ob.cap / (24 + REC_OVERHEAD)));
    // 30-byte frames (60 hex characters): still more than 1,500
    const ob30 = box(new MemoryStore(), DEFAULT_FLASH_BYTES);
    let m = 0;
    while (ob30.push("AB".repeat(30), CON, PRIO_NORMAL) === OB_OK) m++;
    expect(m).toBe(Math.floor(ob30.cap / 40));
    expect(m).toBeGreaterThanOrEqual(1500);
    // 64 KB: 1,686 (5.85 days), short of a week
    const ob64 = box(new MemoryStore(), 65536);
    let k = 0;
    while (ob64.push(SAMPLE_REPORT_HEX, CON, PRIO_NORMAL) === OB_OK) k++;
    expect(k).toBe(1686);
  });

  it("segments scale with the budget; the RAM index does not", () => {
    for (const [fb, nseg, seg] of [
      [4096, 4, 1024],
      [16384, 4, 4096],
      [32768, 8, 4096],
      [65536, 16, 4096],
      [524288, 16, 32768],
      [1_000_000, 16, 32768],
    ]) {
      const ob = new Outbox(new MemoryStore(), { flashBytes: fb, policy: "drop-oldest" });
      expect([ob.nseg, ob.seg]).toEqual([nseg, seg]);
      expect(ob.cap).toBe((nseg - 2) * (seg - 1));
      expect((ob as unknown as { ix: Uint32Array }).ix.length).toBe(OB_SEGMENTS * 7);
    }
  });

  it("drop-oldest drops the oldest report, never a queued command response", () => {
    const store = new MemoryStore();
    const fb = budgetFor(4);
    const ob = box(store, fb, "drop-oldest");
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("E1", CON, PRIO_RESPONSE);
    ob.push("A2", CON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    expect(ob.push("A4", CON, PRIO_NORMAL)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["E1", "A2", "A3", "A4"]);
    expect(ob.push("E2", CON, PRIO_RESPONSE)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["E1", "E2", "A3", "A4"]);
    expect(ob.stats.droppedOldest).toBe(2);
    expect(ob.size()).toBe(4);
    expect(ob.stats.peak).toBe(4);
    // what the Store holds is what the index says
    expect(view(reboot(store, fb))).toEqual(view(ob));
  });

  it("drop-oldest with only responses queued: a response drops the oldest response, a report is refused", () => {
    const store = new MemoryStore();
    const fb = budgetFor(2);
    const ob = box(store, fb, "drop-oldest");
    ob.push("E1", CON, PRIO_RESPONSE);
    ob.push("E2", CON, PRIO_RESPONSE);
    const w = store.steps;
    expect(ob.push("A1", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(store.steps).toBe(w);
    expect(ob.stats.refused).toBe(1);
    expect(ob.push("E3", CON, PRIO_RESPONSE)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["E2", "E3"]);
    expect(view(reboot(store, fb))).toEqual(view(ob));
  });

  it("refuse-newest refuses and counts, but a command response still displaces the oldest report", () => {
    const store = new MemoryStore();
    const fb = budgetFor(4);
    const ob = box(store, fb, "refuse-newest");
    for (const h of ["A1", "A2", "A3", "A4"]) ob.push(h, CON, PRIO_NORMAL);
    const steps = store.steps;
    expect(ob.push("A5", CON, PRIO_NORMAL)).toBe(OB_REFUSED);
    expect(ob.stats.refused).toBe(1);
    expect(store.steps).toBe(steps); // a refusal costs no flash
    expect(ob.push("E1", CON, PRIO_RESPONSE)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["E1", "A2", "A3", "A4"]);
    for (const h of ["E2", "E3", "E4"]) ob.push(h, CON, PRIO_RESPONSE);
    expect(ob.push("E5", CON, PRIO_RESPONSE)).toBe(OB_REFUSED);
    expect(hexes(ob)).toEqual(["E1", "E2", "E3", "E4"]);
    expect(ob.stats.refused).toBe(2);
    expect(ob.stats.droppedOldest).toBe(4);
    expect(view(reboot(store, fb, "refuse-newest"))).toEqual(view(ob));
  });

  it("never holds more live bytes than cap, nor more files than its segments and the two sequence files", () => {
    const store = new MemoryStore();
    const fb = budgetFor(6);
    let ob = box(store, fb);
    for (let i = 0; i < 3000; i++) {
      ob.push((i & 255).toString(16).padStart(2, "0").toUpperCase().repeat(1 + (i % 2)), i % 7 === 0 ? NON : CON, i % 5 === 0 ? PRIO_RESPONSE : PRIO_NORMAL);
      if (i % 3 === 0) ob.remove(ob.head()!.seq);
      if (i % 11 === 0 && ob.size() > 2) ob.remove(ob.entries()[ob.size() - 2].seq); // set aside from the middle
      if (i % 97 === 0) ob = reboot(store, fb);
      expect(ob.entries().reduce((n, e) => n + e.hex.length / 2 + REC_OVERHEAD, 0)).toBeLessThanOrEqual(ob.cap);
      expect(ob.size()).toBe(ob.entries().length);
      expect(store.names("ob").length).toBeLessThanOrEqual(ob.nseg + OB_EXTRA_FILES);
    }
    expect(ob.stats.storeFailures).toBe(0);
    expect(store.refusedWrites).toBe(0);
  });

  it("a month of drop-oldest at full costs about one record write and one status byte a report (no copying snowball)", () => {
    const store = new MemoryStore();
    const ob = box(store, 65536);
    let responses = 0;
    for (let i = 0; i < 8640; i++) {
      // a command response now and then that cannot go out either
      if (i % 200 === 0) responses += ob.push("86000200" + (i & 255).toString(16).padStart(2, "0").toUpperCase(), CON, PRIO_RESPONSE) === OB_REFUSED ? 0 : 1;
      ob.push(SAMPLE_REPORT_HEX, CON, PRIO_NORMAL);
    }
    expect(ob.stats.storeFailures).toBe(0);
    expect(ob.entries().filter((e) => e.prio === PRIO_RESPONSE).length).toBe(responses);
    expect(store.writesInto / 8640).toBeLessThan(2.1);
    expect(ob.size()).toBeGreaterThan(1600);
    expect(ob.head()!.prio).toBe(PRIO_RESPONSE);
  });
});

describe("Outbox: persistence across MCU reboots", () => {
  it("a new Outbox on the same Store has the same entries in the same order and continues the sequence", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("E1", NON, PRIO_RESPONSE);
    ob.push("A2", NON, PRIO_NORMAL);
    ob.push("A3", CON, PRIO_NORMAL);
    ob.remove(ob.entries()[2].seq);
    const before = view(ob);
    const last = ob.nextSeq() - 1;
    const ob2 = reboot(store);
    expect(ob2.stats.recovered).toBe(3);
    expect(view(ob2)).toEqual(before);
    expect(ob2.nextSeq()).toBeGreaterThan(last);
    ob2.push("A4", CON, PRIO_NORMAL);
    expect(hexes(ob2)).toEqual(["E1", "A1", "A3", "A4"]);
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
    // nothing left behind but the sequence files and the tail segment
    expect(store.names("ob")).toEqual(["ob.s0", "ob.s1", "ob0"]);
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

  it("push() before load() loads first, so it never reuses a seq or a place", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.powerOn();
    const ob2 = new Outbox(store, { flashBytes: 65536, policy: "drop-oldest" });
    expect(ob2.push("A2", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(hexes(ob2)).toEqual(["A1", "A2"]);
    expect(ob2.entries()[1].seq).toBeGreaterThan(ob2.entries()[0].seq);
  });

  it("a power cut mid-append loses only that record; the next boot marks it and appends after it", () => {
    const store = new MemoryStore();
    const ob = box(store);
    for (const h of ["A1", "A2", "A3"]) ob.push(h, CON, PRIO_NORMAL);
    const before = view(ob);
    const last = ob.nextSeq();
    store.cutPower({ keep: 9 }); // header and part of the seq written
    expect(ob.push("A4".repeat(20), CON, PRIO_NORMAL)).toBe(OB_STORE_FAILED); // the MCU never got here
    const ob2 = reboot(store);
    expect(view(ob2)).toEqual(before);
    expect(ob2.stats.corrupt).toBe(1);
    expect(ob2.nextSeq()).toBeGreaterThan(last);
    ob2.push("A5", CON, PRIO_NORMAL);
    const ob3 = reboot(store);
    expect(hexes(ob3)).toEqual(["A1", "A2", "A3", "A5"]);
    expect(ob3.stats.corrupt).toBe(0); // marked removed by the first boot after the cut
  });

  it("a power cut at every write and erase step loses at most the record being written, never the queue", () => {
    // A workload that goes through every path: appends, new segments, drops at full, a reclaim that
    // copies a stuck response forward, removals of heads and of a middle entry, reservations, erases.
    const fb = budgetFor(6);
    type Step = { op: "push"; hex: string; prio: number } | { op: "remove"; which: "head" | "middle" } | { op: "reboot" };
    const steps: Step[] = [];
    for (let i = 0; i < 40; i++) {
      steps.push({ op: "push", hex: (16 + i).toString(16).toUpperCase(), prio: i % 9 === 0 ? PRIO_RESPONSE : PRIO_NORMAL });
      if (i % 4 === 3) steps.push({ op: "remove", which: "head" });
      if (i % 13 === 12) steps.push({ op: "remove", which: "middle" });
      if (i % 17 === 16) steps.push({ op: "reboot" });
    }
    type Model = Map<number, { hex: string; prio: number }>;
    /** What each push dropped in the run without a cut (the workload is the same up to the cut). */
    const dropsOf = new Map<number, number[]>();
    /** Runs the workload; with cutAt >= 0 the power goes at that step, then the reboot is checked. */
    const run = (cutAt: number) => {
      const store = new MemoryStore();
      let ob = new Outbox(store, { flashBytes: fb, policy: "drop-oldest", seqBlock: 3 });
      ob.load();
      const model: Model = new Map();
      let maxSeq = 0;
      if (cutAt >= 0) store.cutAtStep(cutAt, { keep: cutAt % 7, ffFill: cutAt % 2 === 0 });
      let inFlight: { kind: string; seq: number; op: number } | undefined;
      for (let op = 0; op < steps.length; op++) {
        const s = steps[op];
        if (store.isDead()) break;
        if (s.op === "reboot") {
          ob = new Outbox(store, { flashBytes: fb, policy: "drop-oldest", seqBlock: 3 });
          ob.load();
          continue;
        }
        if (s.op === "push") {
          const seq = ob.nextSeq();
          const before = ob.entries().map((e) => e.seq);
          inFlight = { kind: "push", seq, op };
          const r = ob.push(s.hex, CON, s.prio);
          if (store.isDead()) break;
          expect(r === OB_OK || r === OB_DROPPED_OLDEST).toBe(true);
          const after = new Set(ob.entries().map((e) => e.seq));
          const dropped = before.filter((q) => !after.has(q));
          if (cutAt < 0) dropsOf.set(op, dropped);
          for (const q of dropped) model.delete(q);
          model.set(seq, { hex: s.hex, prio: s.prio });
          maxSeq = seq;
        } else {
          const e = ob.entries();
          const target = s.which === "head" ? ob.head() : e[Math.floor(e.length / 2)];
          if (!target) continue;
          inFlight = { kind: "remove", seq: target.seq, op };
          const ok = ob.remove(target.seq);
          if (store.isDead()) break;
          expect(ok).toBe(true);
          model.delete(target.seq);
        }
        inFlight = undefined;
      }
      if (cutAt < 0) return { total: store.steps, store };
      // The reboot after the cut.
      store.powerOn();
      const back = new Outbox(store, { flashBytes: fb, policy: "drop-oldest", seqBlock: 3 });
      back.load();
      const got = back.entries();
      const seqs = got.map((e) => e.seq);
      expect(new Set(seqs).size, "a seq twice").toBe(seqs.length);
      expect(back.size()).toBe(got.length);
      for (const [seq, m] of model) {
        const g = got.find((e) => e.seq === seq);
        // only what the interrupted push was dropping, or the interrupted removal's target, may be gone
        const excused = inFlight !== undefined && (inFlight.kind === "push" ? dropsOf.get(inFlight.op)!.includes(seq) : inFlight.seq === seq);
        if (!g) expect(excused, "lost seq " + seq + " (cut at step " + cutAt + ")").toBe(true);
        else expect([g.hex, g.prio]).toEqual([m.hex, m.prio]);
      }
      for (const g of got) {
        if (model.has(g.seq)) continue;
        // the interrupted push's record (complete before the cut)
        expect(inFlight?.kind === "push" && g.seq === inFlight.seq, "resurrected or foreign seq " + g.seq + " (cut at step " + cutAt + ")").toBe(true);
      }
      const ordered = got.slice().sort((a, b) => b.prio - a.prio || a.seq - b.seq);
      expect(got).toEqual(ordered);
      expect(back.nextSeq()).toBeGreaterThan(Math.max(maxSeq, ...seqs));
      // and it goes on working
      expect(back.push("FF", CON, PRIO_NORMAL)).not.toBe(OB_STORE_FAILED);
      expect(store.refusedWrites).toBe(0);
      return { total: 0, store };
    };
    const clean = run(-1);
    expect(clean.store.refusedWrites).toBe(0);
    expect(clean.total).toBeGreaterThan(80);
    expect([...dropsOf.values()].some((d) => d.length > 0)).toBe(true);
    for (let i = 0; i < clean.total; i++) run(i);
  });

  it("a torn segment creation (file there, record not) is reclaimed like an empty segment", () => {
    const store = new MemoryStore();
    const fb = budgetFor(4);
    const ob = box(store, fb);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL); // segment 0 full (two records)
    store.cutPower({ keep: 0 });
    ob.push("A3", CON, PRIO_NORMAL); // creating segment 1 tears
    expect(store.files.has("ob1")).toBe(true);
    const ob2 = reboot(store, fb);
    expect(hexes(ob2)).toEqual(["A1", "A2"]);
    expect(store.files.has("ob1")).toBe(false);
    for (const h of ["A4", "A5"]) expect(ob2.push(h, CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(hexes(reboot(store, fb))).toEqual(["A1", "A2", "A4", "A5"]);
  });

  it("a cut between a reclaim's copy and the removal of its original: the next boot keeps one of them", () => {
    const store = new MemoryStore();
    const fb = budgetFor(6); // 4 segments of three records, cap six
    const ob = box(store, fb);
    ob.push("E1", CON, PRIO_RESPONSE); // stuck: it never goes out
    for (const h of ["A1", "A2", "A3", "A4", "A5"]) ob.push(h, CON, PRIO_NORMAL);
    ob.remove(2);
    ob.remove(3); // segment 0 holds only E1 now
    for (const h of ["A6", "A7", "A8"]) ob.push(h, CON, PRIO_NORMAL); // segment 2; A3 dropped at full
    expect(segments(store)).toEqual(["ob0", "ob1", "ob2"]);
    // The next push needs a segment with only the last free one left: segment 0 (fewest live bytes) is
    // reclaimed, E1 copied forward. Cut the power at every step of that push.
    const before = new Map(store.files);
    const w = store.steps;
    expect(ob.push("A9", CON, PRIO_NORMAL)).toBe(OB_DROPPED_OLDEST);
    expect(hexes(ob)).toEqual(["E1", "A5", "A6", "A7", "A8", "A9"]);
    expect(segments(store)).toEqual(["ob1", "ob2", "ob3"]);
    const stepsOfPush = store.steps - w;
    expect(stepsOfPush).toBeGreaterThanOrEqual(4); // drop A4, copy E1, mark the original, erase segment 0, append A9
    for (let cut = 0; cut < stepsOfPush; cut++) {
      const s = new MemoryStore();
      for (const [k, v] of before) s.files.set(k, v);
      const o = box(s, fb);
      s.cutAtStep(cut);
      o.push("A9", CON, PRIO_NORMAL);
      const back = reboot(s, fb);
      const hx = hexes(back);
      expect(hx.filter((h) => h === "E1"), "cut at step " + cut).toEqual(["E1"]);
      expect(back.size()).toBe(hx.length);
      expect(hx.filter((h) => h !== "A4" && h !== "A9")).toEqual(["E1", "A5", "A6", "A7", "A8"]);
      expect(back.head()!.hex).toBe("E1");
      expect(back.remove(back.head()!.seq)).toBe(true);
      expect(hexes(reboot(s, fb)).filter((h) => h === "E1")).toEqual([]);
    }
  });

  it("a failed write (flash full): OB_STORE_FAILED, not queued, and the next push goes on in another segment", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.failNextWrites(2); // the append and the retry in a fresh segment
    expect(ob.push("A2", CON, PRIO_NORMAL)).toBe(OB_STORE_FAILED);
    expect(ob.stats.storeFailures).toBe(2);
    expect(hexes(ob)).toEqual(["A1"]);
    expect(ob.push("A3", CON, PRIO_NORMAL)).toBe(OB_OK);
    const seqs = ob.entries().map((e) => e.seq);
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1", "A3"]);
    expect(ob2.stats.corrupt).toBe(0);
    expect(ob2.nextSeq()).toBeGreaterThan(Math.max(...seqs));
  });

  it("one failed or torn append is retried in a fresh segment", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    store.tearNextWrite({ keep: 6 });
    expect(ob.push("A2", CON, PRIO_NORMAL)).toBe(OB_OK);
    expect(ob.stats.storeFailures).toBe(1);
    ob.push("A3", CON, PRIO_NORMAL);
    expect(segments(store)).toEqual(["ob0", "ob1"]);
    const ob2 = reboot(store);
    expect(hexes(ob2)).toEqual(["A1", "A2", "A3"]);
    expect(ob2.stats.corrupt).toBe(1); // the torn one, found last in its sealed segment
  });

  it("a confirmation that cannot be written leaves the entry queued (sent again), never half-removed", () => {
    const store = new MemoryStore();
    const ob = box(store);
    ob.push("A1", CON, PRIO_NORMAL);
    ob.push("A2", CON, PRIO_NORMAL);
    store.failNextWrites(1);
    expect(ob.remove(1)).toBe(false);
    expect(hexes(ob)).toEqual(["A1", "A2"]);
    expect(ob.remove(1)).toBe(true);
    expect(hexes(reboot(store))).toEqual(["A2"]);
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
    ob.push("A0", CON, PRIO_NORMAL); // first reservation: 1 .. 2 * SEQ_BLOCK
    let refused = 0;
    let last = 0;
    for (let i = 0; i < 3 * SEQ_BLOCK; i++) {
      const s = ob.nextSeq();
      // the renewal, when due, is the first write of the push: make exactly that one fail
      if (s + SEQ_BLOCK >= 2 * SEQ_BLOCK + 1) store.failNextWrites(1);
      const r = ob.push("AB", CON, PRIO_NORMAL);
      store.powerOn();
      if (r === OB_REFUSED) {
        refused++;
        expect(ob.nextSeq()).toBe(s); // not handed out
        continue;
      }
      expect(r).toBe(OB_OK);
      last = s;
      ob.remove(s);
    }
    expect(last).toBe(2 * SEQ_BLOCK);
    expect(refused).toBe(3 * SEQ_BLOCK - (2 * SEQ_BLOCK - 1));
    expect(ob.push("EF", CON, PRIO_NORMAL)).toBe(OB_OK); // the renewal is retried and succeeds
    expect(ob.nextSeq()).toBe(2 * SEQ_BLOCK + 2);
    expect(reboot(store).nextSeq()).toBeGreaterThan(last);
  });

  it("a record that rots in flash is counted and skipped when it comes up, never delivered", () => {
    const store = new MemoryStore();
    const ob = box(store);
    for (const h of ["A1A1", "A2A2", "A3A3"]) ob.push(h, CON, PRIO_NORMAL);
    const f = store.files.get("ob0")!;
    const at = 1 + (2 + REC_OVERHEAD) + 9; // a payload byte of the second record
    store.files.set("ob0", f.substring(0, at) + String.fromCharCode(f.charCodeAt(at) ^ 4) + f.substring(at + 1));
    store.files.set("ob.s1", "S000"); // a broken sequence file
    const ob2 = reboot(store);
    expect(ob2.size()).toBe(3); // load checks the last record of each segment only: quick
    expect(ob2.stats.corrupt).toBe(1);
    expect(ob2.head()!.hex).toBe("A1A1");
    ob2.remove(ob2.head()!.seq);
    expect(ob2.head()!.hex).toBe("A3A3");
    expect(ob2.stats.corrupt).toBe(2);
    expect(ob2.size()).toBe(1);
    expect(ob2.nextSeq()).toBeGreaterThan(3);
  });

  it("a header that makes no sense ends its segment: counted, sealed, the other segments untouched", () => {
    const store = new MemoryStore();
    const fb = budgetFor(4);
    const ob = box(store, fb);
    for (const h of ["A1", "A2", "A3", "A4"]) ob.push(h, CON, PRIO_NORMAL); // segments 0 and 1
    const f = store.files.get("ob0")!;
    store.files.set("ob0", f.substring(0, 2) + "\x00" + f.substring(3)); // the first record's flags
    const ob2 = reboot(store, fb);
    expect(hexes(ob2)).toEqual(["A3", "A4"]);
    expect(ob2.stats.corrupt).toBe(1);
    expect(store.files.has("ob0")).toBe(false); // nothing live in it: erased
    store.files.set("ob5", "not a segment");
    const ob3 = reboot(store, fb);
    expect(hexes(ob3)).toEqual(["A3", "A4"]);
    expect(store.files.has("ob5")).toBe(false);
  });

  it("the slot outbox's record files are not mistaken for segments", () => {
    const store = new MemoryStore();
    store.files.set("ob0", "Q0000000100" + "002AB" + "1234"); // a record of the previous layout
    const ob = box(store);
    expect(ob.size()).toBe(0);
    expect(store.files.has("ob0")).toBe(false);
    expect(ob.push("AB", CON, PRIO_NORMAL)).toBe(OB_OK);
  });

  it("a smaller budget after a reboot: records in the old segments are still found and drained", () => {
    const store = new MemoryStore();
    const ob = box(store, 65536);
    for (let i = 0; i < 400; i++) ob.push(SAMPLE_REPORT_HEX, CON, PRIO_NORMAL); // segments 0..3
    ob.push("E1", CON, PRIO_RESPONSE);
    const small = reboot(store, 4096); // 4 segments of 1 KB: the old 4 KB ones are drained, not appended to
    expect(small.size()).toBe(401);
    expect(small.head()!.hex).toBe("E1");
    expect(small.push("A1", CON, PRIO_NORMAL)).toBe(OB_DROPPED_OLDEST); // over the new cap: the policy trims
    expect(small.size()).toBeLessThan(401);
    let h;
    let n = 0;
    while ((h = small.head())) {
      expect(small.remove(h.seq)).toBe(true);
      n++;
    }
    expect(hexes(small)).toEqual([]);
    expect(n).toBeGreaterThan(0);
    for (const name of segments(store)) expect(store.files.get(name)!.length).toBe(1024);
    expect(reboot(store, 4096).size()).toBe(0);
  });

  it("names fit Espruino Storage (28 characters) and two prefixes do not mix", () => {
    const store = new MemoryStore();
    const long = "x".repeat(40);
    const a = box(store, 65536, "drop-oldest", long);
    for (let i = 0; i < 2000; i++) a.push(SAMPLE_REPORT_HEX, CON, PRIO_NORMAL);
    for (const n of store.names()) expect(n.length).toBeLessThanOrEqual(28);
    const b = box(store, 65536, "drop-oldest", "up");
    b.push("11", CON, PRIO_NORMAL);
    expect(hexes(box(store, 65536, "drop-oldest", "up"))).toEqual(["11"]);
    expect(box(store, 65536, "drop-oldest", long).size()).toBe(a.size());
  });
});

describe("Outbox: flash cost per report", () => {
  it("push + remove of the sample report: one record write and one status byte; a segment erase every 120", () => {
    const w = flashPerReport({ reports: 20 * 120, flashBytes: 65536 }); // 4 KB segments: 120 records each
    console.log("outbox flash per confirmed report (4 KB segments): " + w.bytesWritten.toFixed(2) + " bytes written, " + w.writes.toFixed(3) + " writes, " + w.erases.toFixed(4) + " erases, " + w.allocated.toFixed(1) + " bytes of Storage taken until a compaction");
    expect(w.bytesWritten).toBeCloseTo(34 + 1 + 1 / 120 + 15 / SEQ_BLOCK, 1);
    expect(w.erases).toBeCloseTo(1 / 120, 3);
    expect(w.allocated).toBeCloseTo((4096 + 32) / 120 + (16 + 32) / SEQ_BLOCK, 0);
    const d = flashPerReport({ reports: 20 * 150 }); // the default budget: 5 KB segments, 150 records each
    expect(d.erases).toBeCloseTo(1 / 150, 3);
    expect(d.allocated).toBeCloseTo((5120 + 32) / 150 + (16 + 32) / SEQ_BLOCK, 0);
  });

  it("a deep-sleep cycle per report adds the checkpoint's two writes and the renewal after the wake", () => {
    const w = flashPerReport({ reports: 1200, sleepEach: true, flashBytes: 65536 });
    // the checkpoint's two exact values, then the first push after the wake renews the reservation
    expect(w.bytesWritten).toBeCloseTo(34 + 1 + 1 / 120 + 3 * 15, 1);
    expect(w.erases).toBeCloseTo(1 / 120, 3);
  });
});

describe("outbox: checkpoint before a planned stop", () => {
  it("the next boot goes on from the exact next seq (no reservation gap), still strictly increasing", () => {
    const store = new MemoryStore();
    const a = box(store);
    a.push("0A", 0, 0);
    a.push("0B", 0, 0);
    const next = a.nextSeq();
    expect(a.checkpoint()).toBe(true);
    const b = box(store);
    expect(b.nextSeq()).toBe(next);
    // without a checkpoint the reboot skips the rest of the reservation
    b.push("0C", 0, 0);
    const c = box(store);
    expect(c.nextSeq()).toBeGreaterThan(next + 1);
  });

  it("a torn checkpoint falls back to the older reservation: never a reused seq", () => {
    const store = new MemoryStore();
    const a = box(store);
    a.push("0A", 0, 0);
    const used = a.nextSeq() - 1;
    store.tearNextWrite();
    a.checkpoint();
    const b = box(store);
    expect(b.nextSeq()).toBeGreaterThan(used);
  });
});
