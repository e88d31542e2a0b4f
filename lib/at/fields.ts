// Field readers for module lines such as `+CGREG: 0,1` or `+CTM2M: send,0,46205`: they walk the line
// with indexOf/charCodeAt and copy only the field asked for (no split, no RegExp: see espruino.md).

/** Index of the first character after `prefix` and any spaces, or -1 when the line lacks the prefix. */
export function afterPrefix(line: string, prefix: string): number {
  if (line.indexOf(prefix) !== 0) return -1;
  let i = prefix.length;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

/** What field() returns: the field as a number, or as text. */
export const enum Field {
  /** A non-negative integer of up to 9 digits, or -1 (absent, empty, not digits). */
  INT = 0,
  /** The text without spaces around it and without its quotes, or undefined when absent. */
  TEXT = 1,
}

/**
 * Comma-separated field `n` (0-based) counting from `from` (commas inside quotes do not count), as
 * `as` says. One function for both kinds: on the device each function costs RAM, its body none.
 */
export function field(line: string, from: number, n: number, as: Field.INT): number;
export function field(line: string, from: number, n: number, as: Field.TEXT): string | undefined;
export function field(line: string, from: number, n: number, as: Field): number | string | undefined {
  const absent = as === Field.INT ? -1 : undefined;
  if (from < 0) return absent;
  let i = from;
  let quoted = false;
  let start = n === 0 ? from : -1;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 44 && !quoted) {
      if (start >= 0) break;
      if (--n === 0) start = i + 1;
    }
  }
  if (start < 0) return absent;
  while (start < i && line.charCodeAt(start) === 32) start++;
  while (i > start && line.charCodeAt(i - 1) === 32) i--;
  if (as === Field.TEXT) {
    if (i - start >= 2 && line.charCodeAt(start) === 34 && line.charCodeAt(i - 1) === 34) return line.substring(start + 1, i - 1);
    return line.substring(start, i);
  }
  if (i === start || i - start > 9) return -1;
  let v = 0;
  for (let k = start; k < i; k++) {
    const d = line.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
