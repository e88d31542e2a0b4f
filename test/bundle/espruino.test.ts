// The bundle on the REAL Espruino interpreter (Linux build, $ESPRUINO_BIN) against the simulator on a
// pseudo-terminal: it must reach READY and get an uplink confirmed. Also re-measures the sandbox's list
// of missing built-ins on the interpreter. Without ESPRUINO_BIN (or socat) these are skipped and say so.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { classifyLine } from "../sandbox/desktop-run";
import { MISSING_GLOBALS, MISSING_MEMBERS } from "../sandbox/missing-builtins";
import { cleanLine, hasSocat, runOnEspruino } from "../sandbox/real-espruino";

const BIN = process.env.ESPRUINO_BIN || "";
const SOCAT = hasSocat();
const why = !BIN ? " (SKIPPED: ESPRUINO_BIN is not set; point it at the interpreter's Linux build to run this)" : !SOCAT ? " (SKIPPED: socat is not installed)" : "";

/** An instance to read a prototype member from: Espruino does not expose most built-ins' prototypes. */
const INSTANCE: { [ctor: string]: string } = {
  Object: "({})", Array: "[]", Number: "(0)", String: "('')", Date: "(new Date())", Promise: "(Promise.resolve())",
  Error: "(new Error('x'))", TypeError: "(new TypeError('x'))", ReferenceError: "(new ReferenceError('x'))",
  SyntaxError: "(new SyntaxError('x'))", ArrayBuffer: "(new ArrayBuffer(8))", DataView: "(new DataView(new ArrayBuffer(8)))",
  TypedArray: "(new Uint8Array(1))",
};

function probeExpr(name: string): string {
  const p = name.split(".");
  if (p.length === 3 && p[1] === "prototype") return INSTANCE[p[0]] + "[" + JSON.stringify(p[2]) + "]";
  return p[0] === "TypedArray" ? "Uint8Array." + p[1] : name;
}

/** Runs a script on the interpreter in a temp directory; resolves with its cleaned output lines. */
function runScript(code: string, holdS: number): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-probe-"));
  fs.writeFileSync(path.join(dir, "probe.js"), code);
  return new Promise((resolve) => {
    const p = spawn("sh", ["-c", 'sleep "$HOLD" | exec timeout --foreground -s KILL "$HOLD" "$ESPRUINO" probe.js'], {
      cwd: dir,
      env: { ...process.env, HOLD: String(holdS), ESPRUINO: BIN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString("latin1")));
    p.stderr.on("data", (d: Buffer) => (out += d.toString("latin1")));
    p.on("exit", () => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(out.split("\n").map(cleanLine));
    });
  });
}

describe("the bundle on the real Espruino interpreter", () => {
  it.skipIf(why !== "")("reaches READY and gets an uplink confirmed against the simulator on a pty" + why, async () => {
    const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fw-espruino-")), "firmware.js");
    const r = await runOnEspruino({
      bin: BIN,
      scenario: "happy",
      seed: 1,
      forS: 75,
      override: { app: { reportIntervalS: 10 } },
      outFile,
      until: (lines) => lines.some((l) => classifyLine(l) === "ready") && lines.filter((l) => classifyLine(l) === "confirmed").length >= 2,
    });
    const text = r.lines.join("\n");
    if (r.ended !== "until") console.log(text);
    expect(r.lines.some((l) => l.indexOf("Uncaught") >= 0 || l.indexOf("exception in") >= 0)).toBe(false);
    expect(r.lines.some((l) => classifyLine(l) === "ready")).toBe(true);
    expect(r.lines.filter((l) => classifyLine(l) === "confirmed").length).toBeGreaterThanOrEqual(2);
    expect(r.summary).toBeDefined();
    expect(r.summary.violations).toEqual([]);
    expect(r.summary.sends.length).toBeGreaterThanOrEqual(2);
    const mem = r.lines.filter((l) => classifyLine(l) === "memory");
    console.log("real interpreter: " + (r.wallMs / 1000).toFixed(1) + " s; " + mem.join(" | "));
  }, 100_000);

  it.skipIf(!BIN)("every built-in the sandbox removes is missing there too" + (BIN ? "" : " (SKIPPED: ESPRUINO_BIN is not set)"), async () => {
    const names = MISSING_GLOBALS.concat(MISSING_MEMBERS);
    const probes = names.map((n) => [n, probeExpr(n)]);
    const code =
      "var P=" + JSON.stringify(probes) + ",present=[];" +
      "for(var i=0;i<P.length;i++){var t;try{t=eval('typeof '+P[i][1]);}catch(e){t='undefined';}if(t!=='undefined')present.push(P[i][0]);}" +
      "console.log('PRESENT '+JSON.stringify(present));" +
      // A few it has, so a broken probe cannot pass by seeing nothing.
      "console.log('HAS '+[typeof [].indexOf, typeof Object.assign, typeof ''.padStart, typeof Promise.all, typeof new DataView(new ArrayBuffer(4)).getUint16].join());\n";
    const lines = await runScript(code, 3);
    const present = lines.find((l) => l.startsWith("PRESENT "));
    expect(present, lines.join("\n")).toBeDefined();
    expect(JSON.parse((present as string).substring(8))).toEqual([]);
    expect(lines.find((l) => l.startsWith("HAS "))).toBe("HAS function,function,function,function,function");
  }, 30_000);
});
