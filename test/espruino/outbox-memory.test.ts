// The flash outbox on the REAL Espruino interpreter (its Linux build with the ESP32's JsVar format): a
// bundle of lib/outbox + firmware/ports.ts's Store on Espruino's Storage (entry: outbox-entry.js), built
// like the firmware (build/build.ts's esbuild options and gate) and booted from .bootcde three times on
// the same espruino.flash: fill the default budget with the sample report, reboot with the queue full
// (time and JsVars of load(), then drain), reboot with it empty (JsVars again). RAM must not depend on
// how many are queued. Skipped, saying why, when the interpreter is missing ($ESPRUINO_BIN, else
// ../shared/tools/espruino beside the checkout).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { espruinoEsbuildOptions } from "../../build/build";
import { gateBundle } from "../../build/gate";
import { ROOT } from "../../build/paths";
import { CONFIG_KEYS } from "../../lib/config";
import { OB_OK, Outbox, PRIO_NORMAL } from "../../lib/outbox/outbox";
import { MemoryStore } from "../support/memory-store";
import { SAMPLE_REPORT_HEX } from "../outbox/wear";

const BIN = process.env.ESPRUINO_BIN || path.resolve(ROOT, "..", "shared", "tools", "espruino");
const HAVE = fs.existsSync(BIN);
const WHY = HAVE ? "" : " (SKIPPED: no interpreter at $ESPRUINO_BIN or " + BIN + ")";
/** The default budget. */
const FLASH_BYTES = CONFIG_KEYS.find((k) => k.key === "outbox.flashBytes")!.def as number;

/** Boots the interpreter in dir (with a script, or from .bootcde without one) until a line starting with `marker`, or it exits. */
function boot(dir: string, script: string | undefined, marker: string, maxS: number): Promise<string[]> {
  return new Promise((resolve) => {
    // stdin stays an open pipe: at EOF the interpreter spins and stops reading (tools/README.md)
    const p = spawn(BIN, script ? [script] : [], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.kill("SIGKILL");
      resolve(out.split("\n").map((l) => l.split("\r").join("")));
    };
    const timer = setTimeout(finish, maxS * 1000);
    const onData = (d: Buffer) => {
      out += d.toString("latin1");
      if (out.split("\n").some((l) => l.indexOf(marker) >= 0 && l.endsWith("}\r"))) finish();
    };
    p.stdout.on("data", onData);
    p.stderr.on("data", onData);
    p.on("exit", finish);
  });
}

function result(lines: string[], phase: string): any {
  const l = lines.find((x) => x.indexOf("OBTEST ") >= 0);
  if (!l) throw new Error("no OBTEST line in the " + phase + " boot:\n" + lines.join("\n"));
  return JSON.parse(l.substring(l.indexOf("OBTEST ") + 7));
}

/** Writes into a pre-sized file, each as [offset, data]; size 0 creates "f" 64 bytes long with data at 0. */
const PROBES: [number, string][] = [
  [0, "H"],
  [5, "AB"], // into erased bytes
  [5, "AB"], // the same bytes again: refused too
  [5, "B@"], // different bytes over written ones
  [5, "@"], // only clearing bits: still refused
  [5, "ABCD"], // part equal, part erased: refused
  [7, "CD"], // erased
  [1, "\x00"], // a status byte: 0xFF -> 0x00
  [1, "\x00"],
  [62, "xyz"], // past the end
  [20, "\xff\xffQ"], // 0xFF into erased bytes
];

describe("the flash outbox on the real Espruino interpreter", () => {
  it.skipIf(!HAVE)("Storage writes at an offset as the MemoryStore and the sandbox model them: only over erased bytes, not even the same bytes again" + WHY, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-storage-"));
    try {
      const js =
        "var S=require('Storage'),P=" + JSON.stringify(PROBES) + ",out=[];" +
        "P.forEach(function(p){var r;try{r=p[0]===0?S.write('f',p[1],0,64):S.write('f',p[1],p[0]);}catch(e){r=false;}out.push(r===true);});" +
        "var f=S.read('f');var b=[];for(var i=0;i<f.length;i++)b.push(f.charCodeAt(i));" +
        "try{S.write('g','x',3);out.push(true);}catch(e){out.push(false);}" +
        "print('PROBE '+JSON.stringify({ok:out,bytes:b}));";
      fs.writeFileSync(path.join(dir, "p.js"), js, "latin1"); // byte strings, as the device has them
      const line = (await boot(dir, "p.js", "PROBE", 20)).find((l) => l.indexOf("PROBE ") >= 0);
      expect(line).toBeDefined();
      const real = JSON.parse(line!.substring(line!.indexOf("PROBE ") + 6));
      const m = new MemoryStore();
      const ok = PROBES.map(([off, d]) => (off === 0 ? m.writeAt("f", d, 0, 64) : m.writeAt("f", d, off, 0)));
      ok.push(m.writeAt("g", "x", 3, 0));
      expect(real.ok).toEqual(ok);
      expect(real.bytes).toEqual([...m.files.get("f")!].map((c) => c.charCodeAt(0)));
      expect(m.refusedWrites).toBe(7);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.skipIf(!HAVE)("load() with a full queue is quick and takes the same JsVars as with an empty one" + WHY, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "outbox-espruino-"));
    try {
      const r = await build(espruinoEsbuildOptions(path.join(ROOT, "test", "espruino", "outbox-entry.js"), { __OB_FLASH_BYTES__: String(FLASH_BYTES), __OB_REPORT_HEX__: JSON.stringify(SAMPLE_REPORT_HEX) }, true));
      const code = r.outputFiles![0].text;
      expect(gateBundle(code)).toEqual([]);
      fs.writeFileSync(path.join(dir, "bundle.js"), code);
      fs.writeFileSync(path.join(dir, "w.js"), 'var S=require("Storage");S.write(".bootcde",require("fs").readFileSync("bundle.js"));S.write("obphase","fill");print("WRITTEN {}");\n');
      await boot(dir, "w.js", "WRITTEN", 20);
      const fill = result(await boot(dir, undefined, "OBTEST", 120), "fill");
      const full = result(await boot(dir, undefined, "OBTEST", 120), "full");
      const empty = result(await boot(dir, undefined, "OBTEST", 60), "empty");
      console.log(
        "real interpreter, outbox (" + FLASH_BYTES + " bytes, sample report): " + fill.pushed + " pushed in " + fill.pushMs.toFixed(0) + " ms, " + fill.storageTaken + " bytes of Storage taken (" + (fill.storageTaken / fill.pushed).toFixed(1) + " a report); " +
          "reboot with " + full.queued + " queued: load() " + full.loadMs.toFixed(1) + " ms (mean of 5 more: " + full.loadAvgMs.toFixed(1) + " ms), head() " + full.headMs.toFixed(2) + " ms, drain " + full.drained + " in " + full.drainMs.toFixed(0) + " ms; " +
          "reboot with " + empty.queued + " queued: load() " + empty.loadMs.toFixed(1) + " ms; " +
          "JsVars in use after load(): " + full.usageLoaded + " with " + full.queued + " queued, " + empty.usageLoaded + " with " + empty.queued + "; the outbox's own (constructor + load): " + (full.usageLoaded - full.usageBefore) + " / " + (empty.usageLoaded - empty.usageBefore) + "; E.getSizeOf(outbox), its Store port included: " + full.outboxJsVars + " / " + empty.outboxJsVars + "; while filling: " + fill.usage100 + " with 100 queued, " + fill.usageFull + " with " + fill.pushed,
      );
      // The MemoryStore's model of Storage space (a 32-byte header per file, data rounded up to 4) is
      // what the interpreter's Storage.getFree() says was taken by the same pushes.
      const model = new MemoryStore();
      const ob = new Outbox(model, { flashBytes: FLASH_BYTES, policy: "drop-oldest" });
      ob.load();
      let n = 0;
      while (ob.push(SAMPLE_REPORT_HEX, 0, PRIO_NORMAL) === OB_OK) n++;
      expect(n).toBe(fill.pushed);
      expect(fill.storageTaken).toBe(model.allocated);
      expect(fill.phase).toBe("fill");
      expect(fill.queued).toBe(0);
      expect(fill.pushed).toBeGreaterThanOrEqual(1500);
      expect(fill.stats.storeFailures).toBe(0);
      expect(full.phase).toBe("full");
      expect(full.queued).toBe(fill.pushed);
      expect(full.stats.corrupt).toBe(0);
      expect(full.drained).toBe(full.queued);
      expect(full.size).toBe(0);
      expect(empty.phase).toBe("empty");
      expect(empty.queued).toBe(0);
      // the same program, the same boot path: RAM independent of the queue
      expect(Math.abs(full.usageLoaded - empty.usageLoaded)).toBeLessThanOrEqual(4);
      expect(Math.abs(full.outboxJsVars - empty.outboxJsVars)).toBeLessThanOrEqual(2);
      expect(Math.abs(full.usageLoaded - full.usageBefore - (empty.usageLoaded - empty.usageBefore))).toBeLessThanOrEqual(4);
      // and the queue filling up did not grow RAM either: 100 queued, then all
      expect(Math.abs(fill.usageFull - fill.usage100)).toBeLessThanOrEqual(4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
