// The JavaScript built-ins the Espruino interpreter (2v29) lacks, as data, and the function that removes
// them from a node `vm` realm so a bundle using one fails in the sandbox as it would on the device.
//
// Measured, not read: every global of a fresh V8 realm, every static of its constructors and namespaces,
// and every prototype member (probed on an instance — on Espruino `Array.prototype.slice` is not reachable
// as a property while `[].slice` works) was checked with `typeof` on the real interpreter. This is the
// list of what came back "undefined". test/espruino/builtins.test.ts re-measures it on the real interpreter.
//
// Kept on purpose, although the device lacks them:
// - RegExp's flag getters and legacy statics ($1 ...): V8's own replace/split read them; removing them
//   breaks string methods the device does have. The bundle gate refuses regular expressions anyway.
// - Function.prototype.name/arguments/caller: every function has its own `name`; nothing to emulate.
// - Non-configurable properties V8 will not delete (Number.MAX_SAFE_INTEGER, EPSILON, BYTES_PER_ELEMENT).

/** Global names the device does not have. */
export const MISSING_GLOBALS = [
  "Symbol", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "Proxy", "Reflect", "BigInt",
  "BigInt64Array", "BigUint64Array", "Intl", "WebAssembly", "SharedArrayBuffer", "Atomics",
  "AggregateError", "EvalError", "RangeError", "URIError", "escape", "unescape", "encodeURI", "decodeURI",
  // Not in a node 20 vm realm, so not measured there, but missing on the device (espruino.md) or newer
  // than anything it runs: removed should a later node put them in every realm.
  "Iterator", "structuredClone", "queueMicrotask", "setImmediate", "TextEncoder", "TextDecoder",
];

/** Statics ("Ctor.name") and instance members ("Ctor.prototype.name") the device does not have. */
export const MISSING_MEMBERS = [
  "Object.getOwnPropertySymbols", "Object.hasOwn", "Object.is", "Object.preventExtensions", "Object.seal", "Object.freeze",
  "Object.isExtensible", "Object.isFrozen", "Object.isSealed",
  "Object.prototype.__defineGetter__", "Object.prototype.__defineSetter__", "Object.prototype.__lookupGetter__",
  "Object.prototype.__lookupSetter__", "Object.prototype.isPrototypeOf", "Object.prototype.propertyIsEnumerable",
  "Object.prototype.toLocaleString",
  "Array.from", "Array.of",
  "Array.prototype.at", "Array.prototype.copyWithin", "Array.prototype.findLast", "Array.prototype.findLastIndex",
  "Array.prototype.lastIndexOf", "Array.prototype.keys", "Array.prototype.entries", "Array.prototype.values",
  "Array.prototype.flat", "Array.prototype.flatMap", "Array.prototype.reduceRight", "Array.prototype.toLocaleString",
  "Array.prototype.toReversed", "Array.prototype.toSorted", "Array.prototype.toSpliced", "Array.prototype.with",
  "Number.isFinite", "Number.isInteger", "Number.isNaN", "Number.isSafeInteger", "Number.parseFloat", "Number.parseInt",
  "Number.prototype.toExponential", "Number.prototype.toPrecision", "Number.prototype.toLocaleString",
  "String.fromCodePoint", "String.raw",
  "String.prototype.anchor", "String.prototype.at", "String.prototype.big", "String.prototype.blink", "String.prototype.bold",
  "String.prototype.codePointAt", "String.prototype.fontcolor", "String.prototype.fontsize", "String.prototype.fixed",
  "String.prototype.isWellFormed", "String.prototype.italics", "String.prototype.link", "String.prototype.localeCompare",
  "String.prototype.matchAll", "String.prototype.normalize", "String.prototype.search", "String.prototype.small",
  "String.prototype.strike", "String.prototype.sub", "String.prototype.sup", "String.prototype.toWellFormed",
  "String.prototype.trimStart", "String.prototype.trimLeft", "String.prototype.trimEnd", "String.prototype.trimRight",
  "String.prototype.toLocaleLowerCase", "String.prototype.toLocaleUpperCase",
  "Date.UTC", "Date.prototype.toDateString", "Date.prototype.toTimeString", "Date.prototype.toGMTString",
  "Date.prototype.setUTCDate", "Date.prototype.setUTCFullYear", "Date.prototype.setUTCHours",
  "Date.prototype.setUTCMilliseconds", "Date.prototype.setUTCMinutes", "Date.prototype.setUTCMonth",
  "Date.prototype.setUTCSeconds", "Date.prototype.getYear", "Date.prototype.setYear", "Date.prototype.toLocaleString",
  "Date.prototype.toLocaleDateString", "Date.prototype.toLocaleTimeString",
  "Promise.allSettled", "Promise.any", "Promise.race", "Promise.prototype.finally",
  "Error.captureStackTrace", "Error.stackTraceLimit",
  // Error.name is undefined on the device (espruino.md); String(e) then falls back to "Error".
  "Error.prototype.name", "ReferenceError.prototype.name", "SyntaxError.prototype.name", "TypeError.prototype.name",
  "Math.acosh", "Math.asinh", "Math.atanh", "Math.cbrt", "Math.expm1", "Math.clz32", "Math.cosh", "Math.fround",
  "Math.hypot", "Math.imul", "Math.log1p", "Math.log2", "Math.log10", "Math.sinh", "Math.tanh", "Math.trunc",
  "ArrayBuffer.isView", "ArrayBuffer.prototype.slice", "ArrayBuffer.prototype.maxByteLength",
  "ArrayBuffer.prototype.resizable", "ArrayBuffer.prototype.resize",
  "DataView.prototype.getBigInt64", "DataView.prototype.setBigInt64", "DataView.prototype.getBigUint64",
  "DataView.prototype.setBigUint64",
  // The typed arrays share one hidden parent (%TypedArray%): "TypedArray." names its statics/prototype.
  "TypedArray.of", "TypedArray.from", "TypedArray.prototype.entries", "TypedArray.prototype.keys",
  "TypedArray.prototype.values", "TypedArray.prototype.at", "TypedArray.prototype.copyWithin",
  "TypedArray.prototype.findLast", "TypedArray.prototype.findLastIndex", "TypedArray.prototype.lastIndexOf",
  "TypedArray.prototype.reduceRight", "TypedArray.prototype.toLocaleString", "TypedArray.prototype.toReversed",
  "TypedArray.prototype.toSorted", "TypedArray.prototype.with",
];

/**
 * Delete the missing built-ins from a realm whose global object is `g` (a vm context's global, seen from
 * outside). Returns the names that could not be deleted (non-configurable), for the record.
 */
export function removeMissingBuiltins(g: any): string[] {
  const kept: string[] = [];
  const del = (obj: any, key: string, name: string) => {
    if (obj === undefined || obj === null || !Object.prototype.hasOwnProperty.call(obj, key)) return;
    if (!delete obj[key]) kept.push(name);
  };
  const typedArray = Object.getPrototypeOf(g.Uint8Array);
  for (const name of MISSING_MEMBERS) {
    const parts = name.split(".");
    const owner = parts[0] === "TypedArray" ? typedArray : g[parts[0]];
    if (owner === undefined) continue;
    if (parts.length === 2) del(owner, parts[1], name);
    else del(owner.prototype, parts[2], name);
  }
  // Members first: they are reached through the globals deleted here.
  for (const name of MISSING_GLOBALS) del(g, name, name);
  return kept;
}
