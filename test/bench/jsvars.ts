// A desktop estimate of the JsVars the firmware needs on Espruino, by a stated cost model:
//   one JsVar per object, per array, per property (name + value pair), per array element; a string
//   value costs ceil(length / 12) (at least 1); a non-integer number 1 more; a function costs 2 (the
//   function and a reference to its code, which stays in flash when the bundle is loaded from Storage)
//   plus 1 per parameter, and a closure created at run time 2 more for the scope it keeps; a class
//   instance 1 more for its __proto__ link; each pending timer 4 (Espruino's timer entry).
// Three parts, each counted once:
//   module scope  - from the minified bundle's AST: one name per top-level binding, plus what each
//                   initializer creates at load (functions, classes and their methods, literals);
//   run time      - a walk of the live objects the firmware creates (Device, SampleApp, the ports of
//                   firmware/ports.ts, main.ts's closures), stopping at anything created at load
//                   (every module's exports, the state table), which the module scope already counts;
//   timers        - pending at the moment of measuring.
// Not counted: the interpreter's own base use, Serial buffers, and closure scopes beyond the model's 2.
// Code evaluated from a RAM string instead of Storage adds about bundle bytes / 12 (espruino.md: the AT
// module takes 195 JsVars from flash and 827 from RAM).

import * as acorn from "acorn";
import * as aepCodec from "../../lib/aep/codec";
import * as aepCodes from "../../lib/aep/codes";
import * as aepCtm2m from "../../lib/aep/ctm2m";
import * as aepErrors from "../../lib/aep/errors";
import * as aepProfile from "../../lib/aep/profile";
import * as atEngine from "../../lib/at/engine";
import * as atFields from "../../lib/at/fields";
import * as atResult from "../../lib/at/result";
import * as device from "../../lib/device";
import * as linkBringup from "../../lib/link/bringup";
import * as linkEvents from "../../lib/link/events";
import * as linkMachine from "../../lib/link/machine";
import * as linkPower from "../../lib/link/power";
import * as linkReady from "../../lib/link/ready";
import * as linkRetry from "../../lib/link/retry";
import * as linkSession from "../../lib/link/session";
import * as linkStates from "../../lib/link/states";
import * as linkStats from "../../lib/link/stats";
import * as linkTable from "../../lib/link/table";
import * as linkUplink from "../../lib/link/uplink";
import * as linkUrc from "../../lib/link/urc";
import * as outboxOutbox from "../../lib/outbox/outbox";
import * as outboxRecord from "../../lib/outbox/record";
import * as ports from "../../lib/ports";
import * as simParse from "../../lib/sim7020/parse";
import * as simPsm from "../../lib/sim7020/psm";
import * as simRows from "../../lib/sim7020/rows";
import * as fwApp from "../../firmware/app";
import * as fwIds from "../../firmware/ids";
import * as fwProfile from "../../firmware/profile";

export const CHARS_PER_JSVAR = 12;
export const TIMER_JSVARS = 4;

/** Modules whose exports this file marks as created at load (firmware/main.ts runs start() when imported). */
export const MODULES: Record<string, object> = {
  "lib/aep/codec.ts": aepCodec,
  "lib/aep/codes.ts": aepCodes,
  "lib/aep/ctm2m.ts": aepCtm2m,
  "lib/aep/errors.ts": aepErrors,
  "lib/aep/profile.ts": aepProfile,
  "lib/at/engine.ts": atEngine,
  "lib/at/fields.ts": atFields,
  "lib/at/result.ts": atResult,
  "lib/device.ts": device,
  "lib/link/bringup.ts": linkBringup,
  "lib/link/events.ts": linkEvents,
  "lib/link/machine.ts": linkMachine,
  "lib/link/power.ts": linkPower,
  "lib/link/ready.ts": linkReady,
  "lib/link/retry.ts": linkRetry,
  "lib/link/session.ts": linkSession,
  "lib/link/states.ts": linkStates,
  "lib/link/stats.ts": linkStats,
  "lib/link/table.ts": linkTable,
  "lib/link/uplink.ts": linkUplink,
  "lib/link/urc.ts": linkUrc,
  "lib/outbox/outbox.ts": outboxOutbox,
  "lib/outbox/record.ts": outboxRecord,
  "lib/ports.ts": ports,
  "lib/sim7020/parse.ts": simParse,
  "lib/sim7020/psm.ts": simPsm,
  "lib/sim7020/rows.ts": simRows,
  "firmware/app.ts": fwApp,
  "firmware/ids.ts": fwIds,
  "firmware/profile.ts": fwProfile,
};
/**
 * main.ts runs start() when imported; ports.ts and sleep.ts use Espruino globals the desktop typecheck does
 * not have. What ports.ts makes at run time is modelled by firmwarePortShapes(); its functions are in the
 * module scope count.
 */
const NOT_IMPORTABLE = ["firmware/main.ts", "firmware/ports.ts", "firmware/sleep.ts"];

/** Bundle inputs this estimate does not know (a new module: add it to MODULES). */
export function unknownInputs(inputs: string[]): string[] {
  return inputs.filter((f) => !MODULES[f] && NOT_IMPORTABLE.indexOf(f) < 0 && f.indexOf("<define:") !== 0);
}

const strCost = (s: string) => Math.max(1, Math.ceil(s.length / CHARS_PER_JSVAR));
const numCost = (n: number) => (Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? 0 : 1);

// ---- module scope: the minified bundle's top level -----------------------------------------------------

export interface StaticCount {
  bindings: number;
  functions: number;
  classes: number;
  literals: number;
  jsvars: number;
}

type Node = acorn.Node & Record<string, any>;

/** What evaluating this expression at load creates, by the model (calls and identifiers: nothing new). */
function exprCost(n: Node | null, c: StaticCount): number {
  if (!n) return 0;
  switch (n.type) {
    case "Literal":
      return typeof n.value === "string" ? strCost(n.value) : typeof n.value === "number" ? numCost(n.value) : 0;
    case "TemplateLiteral":
      return strCost(n.quasis.map((q: Node) => q.value.cooked).join("x"));
    case "ArrayExpression":
      c.literals++;
      return 1 + n.elements.reduce((a: number, e: Node | null) => a + 1 + exprCost(e, c), 0);
    case "ObjectExpression":
      c.literals++;
      return 1 + n.properties.reduce((a: number, p: Node) => a + 1 + (p.type === "Property" ? exprCost(p.value, c) : 0), 0);
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "FunctionDeclaration":
      c.functions++;
      return 2 + n.params.length;
    case "ClassExpression":
    case "ClassDeclaration": {
      c.classes++;
      // The constructor function and its prototype object, then one property + function per method.
      let v = 2 + 1;
      for (const m of n.body.body as Node[]) {
        if (m.type === "MethodDefinition") v += 1 + exprCost(m.value, c);
        else if (m.type === "PropertyDefinition" && m.static) v += 1 + exprCost(m.value, c);
      }
      return v;
    }
    case "UnaryExpression":
      return n.argument.type === "Literal" && typeof n.argument.value === "number" ? numCost(-n.argument.value) : 0;
    case "SequenceExpression":
      return n.expressions.reduce((a: number, e: Node) => a + exprCost(e, c), 0);
    default:
      return 0;
  }
}

/** The module scope of a minified bundle (hoisted, or still an IIFE): top-level names and what their initializers create. */
export function countModuleScope(code: string): StaticCount {
  const ast = acorn.parse(code, { ecmaVersion: 2020 }) as Node;
  const c: StaticCount = { bindings: 0, functions: 0, classes: 0, literals: 0, jsvars: 0 };
  // The device bundle is hoisted out of its IIFE (build/hoist.ts); a fixture may still be an IIFE.
  const iife = ast.body.length === 1 && ast.body[0].expression && ast.body[0].expression.callee;
  const statements = iife && iife.body && iife.body.type === "BlockStatement" ? iife.body.body : ast.body;
  for (const st of statements as Node[]) {
    if (st.type === "VariableDeclaration") {
      for (const d of st.declarations as Node[]) {
        c.bindings++;
        c.jsvars += 1 + exprCost(d.init, c);
      }
    } else if (st.type === "FunctionDeclaration" || st.type === "ClassDeclaration") {
      c.bindings++;
      c.jsvars += 1 + exprCost(st, c);
    }
  }
  return c;
}

// ---- run time: a walk of the live objects --------------------------------------------------------------

export interface RuntimeCount {
  objects: number;
  arrays: number;
  functions: number;
  properties: number;
  strings: number;
  jsvars: number;
}

/** Everything created at load: every module's exported objects and functions (and what they hold). */
export function loadTimeObjects(extra: object[]): Set<unknown> {
  const seen = new Set<unknown>();
  const add = (v: unknown, depth: number) => {
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v) || depth > 6) return;
    seen.add(v);
    if (typeof v === "function") {
      const p = (v as { prototype?: object }).prototype;
      if (p) seen.add(p);
      return;
    }
    for (const k of Object.keys(v as object)) add((v as Record<string, unknown>)[k], depth + 1);
  };
  for (const m of Object.values(MODULES)) for (const k of Object.keys(m)) add((m as Record<string, unknown>)[k], 0);
  for (const e of extra) add(e, 0);
  return seen;
}

/**
 * Walk `roots` by the cost model, never into `stop` (load-time objects, and the desktop's own ports:
 * fake clock, UART stub, memory store, simulator), counting each object once.
 */
export function walkRuntime(roots: unknown[], stop: Set<unknown>): RuntimeCount {
  const c: RuntimeCount = { objects: 0, arrays: 0, functions: 0, properties: 0, strings: 0, jsvars: 0 };
  const seen = new Set<unknown>();
  const value = (v: unknown): number => {
    if (typeof v === "string") {
      c.strings++;
      return strCost(v);
    }
    if (typeof v === "number") return numCost(v);
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return 0;
    if (stop.has(v) || seen.has(v)) return 0;
    seen.add(v);
    if (typeof v === "function") {
      c.functions++;
      return 2 + (v as () => void).length + 2;
    }
    if (Array.isArray(v)) {
      c.arrays++;
      let n = 1;
      for (let i = 0; i < v.length; i++) n += 1 + value(v[i]);
      return n;
    }
    if (ArrayBuffer.isView(v)) return 2 + Math.ceil((v as Uint8Array).byteLength / CHARS_PER_JSVAR);
    c.objects++;
    const proto = Object.getPrototypeOf(v);
    let n = proto !== Object.prototype && proto !== null ? 2 : 1; // a class instance has a __proto__ link
    for (const k of Object.keys(v as object)) {
      c.properties++;
      n += 1 + value((v as Record<string, unknown>)[k]);
    }
    return n;
  };
  for (const r of roots) c.jsvars += value(r);
  return c;
}

/**
 * The objects firmware/ports.ts builds in start(): the log ({ level, write } with a top-level function),
 * the pins when wired (not in the default configuration); the UART is the Serial object and the Store is
 * Storage itself (built-ins: not counted).
 */
export function firmwarePortShapes(level: number): unknown[] {
  return [{ level, write: 0 }];
}

/**
 * firmware/main.ts's start(): its scope (one name per local: log, store, dev, uart, temperature, app, pins,
 * d, v, rssi, wake, m) and the Serial data closure (1 parameter), by the same model; the watchdog's
 * interval calls a top-level function (no closure).
 */
export const MAIN_SCOPE_JSVARS = 1 + 12 + (2 + 1 + 2);
