// The bundle test/espruino/outbox-memory.test.ts boots from .bootcde on the real interpreter: the outbox
// on the firmware's own Store (Espruino's Storage itself, as firmware/main.ts passes it), one phase per boot as
// the Storage file "obphase" says, each printing one "OBTEST {json}" line the test reads.
//   fill:    load an empty outbox, push the sample report until the budget is full (Storage space taken)
//   full:    a reboot with the queue full: time and JsVars of load(), then drain it (head + remove)
//   empty:   a reboot with the queue empty: JsVars of load() again, the same code path
// Device code rules apply (espruino.md). Plain JavaScript: the desktop type check (node's lib) knows
// neither Espruino's globals nor firmware/ports.ts's; esbuild bundles it like the firmware.

import { OB_OK, Outbox, PRIO_NORMAL } from "../../lib/outbox/outbox";

/* global __OB_FLASH_BYTES__, __OB_REPORT_HEX__, E, process, global: defined by the build, or the device's */

const storage = global.require("Storage");
const st = storage;
// A literal, not the Storage string itself: that one goes stale once "obphase" is written again below.
const p0 = st.read("obphase");
const phase = p0 === "fill" ? "fill" : p0 === "full" ? "full" : p0 === "empty" ? "empty" : "?";
const mem0 = process.memory().usage;
const ob = new Outbox(st, { flashBytes: __OB_FLASH_BYTES__, policy: "drop-oldest" });
const mem1 = process.memory().usage;
const t0 = Date.now();
const n = ob.load();
const loadMs = Date.now() - t0;
const mem2 = process.memory().usage;
const out = { phase: phase, queued: n, loadMs: loadMs, usageBefore: mem0, usageConstructed: mem1, usageLoaded: mem2, outboxJsVars: E.getSizeOf(ob), total: process.memory().total };
if (phase === "fill") {
  const free0 = storage.getFree();
  const t1 = Date.now();
  let pushed = 0;
  let usage100 = 0;
  while (ob.push(__OB_REPORT_HEX__, 0, PRIO_NORMAL) === OB_OK) {
    // the same point of the same loop, with 100 queued and then with the budget full
    if (++pushed === 100) usage100 = process.memory().usage;
  }
  const usageFull = process.memory().usage;
  out.pushMs = Date.now() - t1;
  out.pushed = pushed;
  out.size = ob.size();
  out.storageTaken = free0 - storage.getFree();
  out.usage100 = usage100;
  out.usageFull = usageFull;
  st.write("obphase", "full");
} else if (phase === "full") {
  // load() again a few times: a steadier figure than one run
  const t3 = Date.now();
  for (let i = 0; i < 5; i++) ob.load();
  out.loadAvgMs = (Date.now() - t3) / 5;
  const t4 = Date.now();
  out.headSeq = ob.head().seq;
  out.headMs = Date.now() - t4;
  const t2 = Date.now();
  let drained = 0;
  for (let e = ob.head(); e !== undefined; e = ob.head()) {
    if (!ob.remove(e.seq)) break;
    drained++;
  }
  out.drainMs = Date.now() - t2;
  out.drained = drained;
  out.size = ob.size();
  st.write("obphase", "empty");
}
out.stats = ob.stats;
console.log("OBTEST " + JSON.stringify(out));
