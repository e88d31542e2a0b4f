// A walk of the firmware's live objects on the desktop, to prove its run-time state does not grow with
// reports (the same count after Ready and after hundreds of reports). It is a shape count, not a JsVar
// figure: JsVars are measured on the real interpreter (test/bench/device.ts, `npm run bench`).
// Counted once each: an object or array (1), a property or element (1 + its value), a string (1 per 12
// characters, at least 1), a number that is not a small integer (1), a function (2 + its parameters),
// a typed array (2 + its bytes / 12). Never entered: `stop` (the desktop's own ports: fake clock, UART
// stub, store, simulator).

export interface ShapeCount {
  objects: number;
  arrays: number;
  functions: number;
  properties: number;
  strings: number;
  units: number;
}

export function walkRuntime(roots: unknown[], stop: Set<unknown>): ShapeCount {
  const c: ShapeCount = { objects: 0, arrays: 0, functions: 0, properties: 0, strings: 0, units: 0 };
  const seen = new Set<unknown>();
  const value = (v: unknown): number => {
    if (typeof v === "string") {
      c.strings++;
      return Math.max(1, Math.ceil(v.length / 12));
    }
    if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 0 : 1;
    if (v === null || (typeof v !== "object" && typeof v !== "function")) return 0;
    if (stop.has(v) || seen.has(v)) return 0;
    seen.add(v);
    if (typeof v === "function") {
      c.functions++;
      return 2 + (v as () => void).length;
    }
    if (Array.isArray(v)) {
      c.arrays++;
      let n = 1;
      for (let i = 0; i < v.length; i++) n += 1 + value(v[i]);
      return n;
    }
    if (ArrayBuffer.isView(v)) return 2 + Math.ceil((v as Uint8Array).byteLength / 12);
    c.objects++;
    let n = 1;
    for (const k of Object.keys(v as object)) {
      c.properties++;
      n += 1 + value((v as Record<string, unknown>)[k]);
    }
    return n;
  };
  for (const r of roots) c.units += value(r);
  return c;
}
