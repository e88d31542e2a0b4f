// Field readers for module lines such as `+CGREG: 0,1` or `+CTM2M: send,0,46205`: they walk the line
// with indexOf/charCodeAt and copy only the field asked for (no split, no RegExp: see espruino.md).

/** Index of the first character after `prefix` and any spaces, or -1 when the line lacks the prefix. */
export function afterPrefix(line: string, prefix: string): number {
  if (line.indexOf(prefix) !== 0) return -1;
  let i = prefix.length;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

/** Start index of comma-separated field `n` (0-based) counting from `from`, or -1. Quotes are respected. */
export function fieldStart(line: string, from: number, n: number): number {
  if (from < 0) return -1;
  let i = from;
  let quoted = false;
  while (n > 0) {
    if (i >= line.length) return -1;
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 44 && !quoted) n--;
    i++;
  }
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

function fieldEnd(line: string, start: number): number {
  let i = start;
  let quoted = false;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 44 && !quoted) break;
    i++;
  }
  return i;
}

/**
 * Field `n` after `from` as a non-negative decimal integer, or -1 when it is missing, empty, not all
 * digits, or longer than 9 digits (nothing the module sends is bigger; it also keeps the value exact).
 */
export function intField(line: string, from: number, n: number): number {
  const s = fieldStart(line, from, n);
  if (s < 0) return -1;
  const e = fieldEnd(line, s);
  let end = e;
  while (end > s && line.charCodeAt(end - 1) === 32) end--;
  if (end === s || end - s > 9) return -1;
  let v = 0;
  for (let i = s; i < end; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Field `n` after `from` as text with surrounding quotes removed, or undefined when missing. */
export function textField(line: string, from: number, n: number): string | undefined {
  const s = fieldStart(line, from, n);
  if (s < 0 || s > line.length) return undefined;
  let e = fieldEnd(line, s);
  while (e > s && line.charCodeAt(e - 1) === 32) e--;
  let b = s;
  if (e - b >= 2 && line.charCodeAt(b) === 34 && line.charCodeAt(e - 1) === 34) {
    b++;
    e--;
  }
  return line.substring(b, e);
}

/** Decimal integer from a whole string ("33"), or -1. Used for error numbers after a fixed prefix. */
export function intFrom(line: string, from: number): number {
  return intField(line, from, 0);
}
