// Property-name mangling for the device bundle. On Espruino every property name of 5+ characters costs a
// JsVar of its own in each object that holds it, and every `.name` in the code costs flash: the build
// renames our own properties to one or two letters (esbuild's mangleProps). What must keep its name is
// everything that meets code outside the bundle: the JavaScript and Espruino built-ins (names taken
// from node's built-in objects and from the Espruino type declarations, a superset of what the device
// has), the profile's service and field names (values objects are keyed by them, and app.json keeps
// one), the configuration's keys (the build's defines match `CFG.a.b` by name), and the few globals and
// options the firmware exchanges by name.

import fs from "node:fs";
import path from "node:path";
import type { Profile } from "../lib/aep/profile";
import { CONFIG_KEYS } from "../lib/config";
import { ROOT } from "./paths";

/** Names the firmware exchanges with the outside by name that no rule below would find. */
const EXTRA = [
  "__sim7020Started", "__device",
  // Serial.setup() options (modem.serialOptions), process.memory() and process.env fields.
  "rx", "tx", "path", "bytesize", "parity", "stopbits", "flow", "cts", "ck", "errors",
  "usage", "total", "free", "VERSION", "BOARD",
];

/** Names a .d.ts file declares at the start of a line: members (`name(`, `name:`), functions, variables. */
function declaredNames(file: string, out: Set<string>): void {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, "utf8");
  const re = /^\s*(?:static\s+|readonly\s+|declare\s+|export\s+)*(?:function\s+|var\s+|const\s+|let\s+|get\s+|set\s+)?([A-Za-z_$][\w$]*)\s*\??\s*[(:<]/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.add(m[1]);
}

function ownNames(o: unknown, out: Set<string>): void {
  let p = o;
  while (p !== null && p !== undefined) {
    for (const k of Object.getOwnPropertyNames(p)) out.add(k);
    p = Object.getPrototypeOf(p);
  }
}

/** Every property name the bundle must not rename. */
export function reservedProps(profiles: Profile[]): Set<string> {
  const out = new Set<string>(EXTRA);
  const builtins: unknown[] = [
    globalThis, Object, Array, [], String, "", Number, 0, Math, JSON, Date, new Date(0), Promise, Promise.resolve(),
    new Error("x"), Function, function () {}, new DataView(new ArrayBuffer(1)), new Uint8Array(1), new Int32Array(1),
    new Float64Array(1), new ArrayBuffer(1), Uint8Array, RegExp, /x/, Boolean, true,
  ];
  for (const b of builtins) ownNames(b, out);
  declaredNames(path.join(ROOT, "types", "espruino-lib.d.ts"), out);
  declaredNames(path.join(ROOT, "types", "espruino-extra.d.ts"), out);
  declaredNames(path.join(ROOT, "node_modules", "@types", "espruino", "index.d.ts"), out);
  // The configuration's paths: `CFG.a.b` must still match its define when the build replaces it.
  for (const k of CONFIG_KEYS) for (const part of k.key.split(".")) out.add(part);
  for (const p of profiles) {
    for (const s of p.services) {
      out.add(s.name);
      for (const f of s.fields) out.add(f.name);
    }
  }
  return out;
}

/** esbuild options: mangle every property name not reserved (quoted keys are never mangled). */
export function mangleOptions(profiles: Profile[]): { mangleProps: RegExp; reserveProps: RegExp } {
  const names = Array.from(reservedProps(profiles)).sort();
  const esc = names.map((n) => n.replace(/\$/g, "\\$"));
  // All-caps names are const enum members: esbuild inlines them, and keeps the enum object alive when
  // asked to mangle their names, so they are left alone.
  return { mangleProps: /^[A-Za-z_$][\w$]*$/, reserveProps: new RegExp("^(?:[A-Z][A-Z0-9_]*|" + esc.join("|") + ")$") };
}
