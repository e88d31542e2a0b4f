// The sandbox's list of missing built-ins (test/sandbox/missing-builtins.ts), re-measured on the real
// interpreter: every name the sandbox removes must be missing there too, and a few it has must be
// found (so a broken probe cannot pass by seeing nothing).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MISSING_GLOBALS, MISSING_MEMBERS } from "../sandbox/missing-builtins";
import { startInterpreter, waitFor } from "../sandbox/real-espruino";
import { BIN, named, SKIP } from "./judge";

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

describe.skipIf(SKIP !== "")("the sandbox's missing built-ins, on the real interpreter", () => {
  it(named("every built-in the sandbox removes is missing there too"), async () => {
    const names = MISSING_GLOBALS.concat(MISSING_MEMBERS);
    const probes = names.map((n) => [n, probeExpr(n)]);
    const code =
      "var P=" + JSON.stringify(probes) + ",present=[];" +
      "for(var i=0;i<P.length;i++){var t;try{t=eval('typeof '+P[i][1]);}catch(e){t='undefined';}if(t!=='undefined')present.push(P[i][0]);}" +
      "console.log('PRESENT '+JSON.stringify(present));" +
      "console.log('HAS '+[typeof [].indexOf, typeof Object.assign, typeof ''.padStart, typeof Promise.all, typeof new DataView(new ArrayBuffer(4)).getUint16].join());\n";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-probe-"));
    try {
      fs.writeFileSync(path.join(dir, "probe.js"), code);
      const p = startInterpreter({ bin: BIN, dir, args: ["probe.js"], holdS: 20 });
      try {
        await waitFor(() => p.lines.some((l) => l.startsWith("HAS ")) || p.proc.exitCode !== null, 20_000, () => "the probe (" + p.lines.join(" | ") + ")");
      } finally {
        await p.kill();
      }
      const present = p.lines.find((l) => l.startsWith("PRESENT "));
      expect(present, p.lines.join("\n")).toBeDefined();
      expect(JSON.parse((present as string).substring(8))).toEqual([]);
      expect(p.lines.find((l) => l.startsWith("HAS "))).toBe("HAS function,function,function,function,function");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
