// Property: for any sequence of push / remove / try / reboot / power cut mid-write / failed writes, the
// outbox matches a plain model: nothing accepted is lost (entries pushed with OB_OK or OB_DROPPED_OLDEST
// and not removed survive every reboot), order is kept, size <= capacity, seqs strictly increase across
// reboots, and the Store never holds more than capacity records plus the two sequence files. Small
// reservation blocks (1..4) make power cuts land on sequence-file writes often.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OB_DROPPED_OLDEST, OB_EXTRA_FILES, OB_OK, OB_REFUSED, OB_STORE_FAILED, Outbox, PRIO_NORMAL, PRIO_RESPONSE } from "../../lib/outbox/outbox";
import { MemoryStore } from "../support/memory-store";

interface ModelEntry {
  seq: number;
  hex: string;
  mode: number;
  prio: number;
  tries: number;
  /** Accepted with OB_OK / OB_DROPPED_OLDEST: must survive a reboot. */
  durable: boolean;
}

type Op =
  | { k: "push"; bytes: number; prio: number; mode: number }
  | { k: "remove"; pick: number }
  | { k: "removeUnknown" }
  | { k: "try" }
  | { k: "reboot" }
  | { k: "cut"; keep: number; ff: boolean; prio: number }
  | { k: "fail"; n: number; prio: number }
  | { k: "tear"; prio: number };

const prio = fc.constantFrom(PRIO_NORMAL, PRIO_NORMAL, PRIO_NORMAL, PRIO_RESPONSE);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ k: fc.constant("push" as const), bytes: fc.integer({ min: 1, max: 40 }), prio, mode: fc.constantFrom(0, 1) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("removeUnknown" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("try" as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("reboot" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("cut" as const), keep: fc.nat({ max: 60 }), ff: fc.boolean(), prio }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("fail" as const), n: fc.integer({ min: 1, max: 3 }), prio }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("tear" as const), prio }) },
);

/** The model's send order: highest priority first, then by seq. */
function ordered(m: ModelEntry[]): ModelEntry[] {
  return m.slice().sort((a, b) => b.prio - a.prio || a.seq - b.seq);
}

/** The documented full-queue rule: index (into the ordered model) to drop, or -1 to refuse. */
function victim(m: ModelEntry[], p: number, dropOldest: boolean): number {
  const o = ordered(m);
  const low = o[o.length - 1].prio;
  if (p < low || (p === low && !dropOldest)) return -1;
  return o.findIndex((e) => e.prio === low);
}

function run(capacity: number, dropOldest: boolean, seqBlock: number, ops: Op[]): void {
  const store = new MemoryStore();
  const opts = { capacity, policy: dropOldest ? ("drop-oldest" as const) : ("refuse-newest" as const), seqBlock };
  let ob = new Outbox(store, opts);
  ob.load();
  let model: ModelEntry[] = [];
  /**
   * Dropped by a push whose power cut came before the victim's record was overwritten (the cut tore the
   * sequence reservation): the drop never reached the flash, so the victim may be back after the reboot.
   */
  let limbo: ModelEntry[] = [];
  let maxSeq = 0;
  let n = 0;

  const check = () => {
    const got = ob.entries().map((e) => [e.seq, e.hex, e.mode, e.prio, e.tries]);
    const want = ordered(model).map((e) => [e.seq, e.hex, e.mode, e.prio, e.tries]);
    expect(got).toEqual(want); // (a) nothing lost or added, (b) order kept
    expect(ob.size()).toBeLessThanOrEqual(capacity); // (c)
    expect(ob.nextSeq()).toBeGreaterThan(maxSeq); // (d)
    expect(store.names("ob").length).toBeLessThanOrEqual(capacity + OB_EXTRA_FILES); // (e)
    const h = ob.head();
    expect(h === undefined ? undefined : h.seq).toBe(want.length ? want[0][0] : undefined);
  };

  const reboot = () => {
    store.powerOn();
    model = model.filter((e) => e.durable);
    for (const e of model) e.tries = 0;
    ob = new Outbox(store, opts);
    const n = ob.load();
    const back = ob.entries();
    for (const e of limbo) if (back.some((b) => b.seq === e.seq)) model.push({ ...e, tries: 0 });
    limbo = [];
    expect(n).toBe(model.length);
    check();
  };

  /** Push with whatever fault is armed; `healthy` says no fault is armed. */
  const push = (bytes: number, p: number, mode: number, healthy: boolean, cut: boolean) => {
    const hex = (n++ % 256).toString(16).padStart(2, "0").toUpperCase().repeat(bytes);
    const before = { ...ob.stats };
    const seq = ob.nextSeq();
    const full = model.length >= capacity;
    const v = full ? victim(model, p, dropOldest) : -1;
    const r = ob.push(hex, mode, p);
    if (full && v < 0) {
      expect(r).toBe(OB_REFUSED);
      expect(ob.stats.refused).toBe(before.refused + 1);
      expect(ob.nextSeq()).toBe(seq);
      return;
    }
    if (healthy) expect(r).toBe(v >= 0 ? OB_DROPPED_OLDEST : OB_OK);
    if (r === OB_REFUSED) {
      // only when no sequence number could be reserved in the Store
      expect(healthy).toBe(false);
      expect(ob.stats.storeFailures).toBeGreaterThan(before.storeFailures);
      expect(ob.nextSeq()).toBe(seq);
      return;
    }
    if (r === OB_OK || r === OB_DROPPED_OLDEST) expect(r).toBe(v >= 0 ? OB_DROPPED_OLDEST : OB_OK);
    else expect(r).toBe(OB_STORE_FAILED);
    expect(ob.stats.droppedOldest).toBe(before.droppedOldest + (v >= 0 ? 1 : 0));
    if (v >= 0) {
      const gone = ordered(model)[v];
      model = model.filter((e) => e !== gone);
      if (cut && r === OB_STORE_FAILED) limbo.push(gone);
    }
    expect(seq).toBeGreaterThan(maxSeq);
    maxSeq = seq;
    model.push({ seq, hex, mode, prio: p, tries: 0, durable: r !== OB_STORE_FAILED });
  };

  check();
  for (const o of ops) {
    switch (o.k) {
      case "push":
        push(o.bytes, o.prio, o.mode, true, false);
        break;
      case "remove": {
        if (model.length === 0) break;
        const e = ordered(model)[o.pick % model.length];
        expect(ob.remove(e.seq)).toBe(true);
        model = model.filter((x) => x !== e);
        break;
      }
      case "removeUnknown":
        expect(ob.remove(maxSeq + 1000)).toBe(false);
        break;
      case "try": {
        const h = ob.head();
        if (h) {
          ob.noteTry(h.seq);
          model.find((e) => e.seq === h.seq)!.tries++;
        }
        break;
      }
      case "reboot":
        reboot();
        break;
      case "cut":
        store.cutPower({ keep: o.keep, ffFill: o.ff });
        push(1 + (o.keep % 30), o.prio, 0, false, true);
        reboot();
        break;
      case "fail":
        store.failNextWrites(o.n);
        push(4, o.prio, 0, false, false);
        store.powerOn(); // disarm what the push did not use
        break;
      case "tear":
        store.tearNextWrite();
        push(6, o.prio, 1, false, false);
        store.powerOn();
        break;
    }
    check();
  }
  reboot();
}

describe("Outbox property: no loss, order, bounds, rising seq", () => {
  it("holds for any sequence of operations, faults and reboots", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 80 }), (capacity, dropOldest, block, ops) => {
        run(capacity, dropOldest, block, ops);
      }),
      { numRuns: 400 },
    );
  });

  it("holds over a long run with many sequence reservations", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.array(op, { minLength: 300, maxLength: 600 }), (capacity, dropOldest, ops) => {
        run(capacity, dropOldest, 32, ops); // the default block
      }),
      { numRuns: 30 },
    );
  });
});
