// Field readers for module lines such as `+CGREG: 0,1` or `+CTM2M: send,0,46205`: they walk the line
// with indexOf/charCodeAt and copy only the field asked for (no split, no RegExp: see espruino.md).

/** Index of the first character after `prefix` and any spaces, or -1 when the line lacks the prefix. */
export function afterPrefix(line: string, prefix: string): number {
  if (line.indexOf(prefix) !== 0) return -1;
  let i = prefix.length;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  return i;
}

/** Where the field found by the last fieldAt() ends (exclusive, trailing spaces dropped). */
let fieldEnd = 0;

/**
 * Start of comma-separated field `n` (0-based) counting from `from`, or -1 when absent; its end is left in
 * `fieldEnd`. Commas inside quotes do not count.
 */
function fieldAt(line: string, from: number, n: number): number {
  if (from < 0) return -1;
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
  if (start < 0) return -1;
  while (start < i && line.charCodeAt(start) === 32) start++;
  while (i > start && line.charCodeAt(i - 1) === 32) i--;
  fieldEnd = i;
  return start;
}

/**
 * Field `n` after `from` as a non-negative decimal integer, or -1 when it is missing, empty, not all
 * digits, or longer than 9 digits (nothing the module sends is bigger; it also keeps the value exact).
 */
export function intField(line: string, from: number, n: number): number {
  const s = fieldAt(line, from, n);
  const e = fieldEnd;
  if (s < 0 || e === s || e - s > 9) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Field `n` after `from` as text with surrounding quotes removed, or undefined when missing. */
export function textField(line: string, from: number, n: number): string | undefined {
  let b = fieldAt(line, from, n);
  let e = fieldEnd;
  if (b < 0) return undefined;
  if (e - b >= 2 && line.charCodeAt(b) === 34 && line.charCodeAt(e - 1) === 34) {
    b++;
    e--;
  }
  return line.substring(b, e);
}
