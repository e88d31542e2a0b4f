// The Espruino feature profile for esbuild, as measured in ../shared/espruino.md: target es2020 with every
// feature the interpreter lacks switched off, so esbuild lowers what it can and fails on what it cannot.

export const ESPRUINO_UNSUPPORTED = [
  "default-argument",
  "destructuring",
  "rest-argument",
  "array-spread",
  "generator",
  "async-await",
  "async-generator",
  "for-await",
  "new-target",
  "bigint",
  "dynamic-import",
  "import-meta",
  "top-level-await",
  "class-field",
  "class-static-field",
  "class-private-field",
  "class-private-method",
  "class-private-accessor",
  "class-private-static-field",
  "class-private-static-method",
  "class-private-static-accessor",
  "class-private-brand-check",
  "class-static-blocks",
  "optional-chain",
  "logical-assignment",
  "exponent-operator",
  "object-rest-spread",
  "template-literal",
  "unicode-escapes",
  "nested-rest-binding",
] as const;

export function espruinoSupported(): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const f of ESPRUINO_UNSUPPORTED) out[f] = false;
  return out;
}
