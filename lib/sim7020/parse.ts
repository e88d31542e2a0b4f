// Parsers for SIM7020 answers that more than one state needs, reading fields by index (at/fields.ts).
// Each returns a number or a small value, with -1 / "" for "not in this line", never throwing on garbage.
// One-field answers (+CGREG stat, +CGACT, +IPR ...) are read in place with field() where they are used.

import { afterPrefix, field, Field } from "../at/fields";

/** parseValue() of a +CPIN line. A const enum: inlined (plain exported consts stayed variables in the bundle). */
export const enum Cpin {
  NOT_READY = 0,
  READY = 1,
  /** SIM PIN, SIM PUK...: needs a human. */
  OTHER = 2,
}
/** The same values for desktop code (unused on the device, so left out of the bundle). */
export const CPIN_NOT_READY: number = Cpin.NOT_READY;
export const CPIN_READY: number = Cpin.READY;
export const CPIN_OTHER: number = Cpin.OTHER;

/**
 * The value of a one-value answer, -1 when unreadable or another kind of line (one function for both
 * kinds: RAM on the device):
 * - `+CPIN: READY` -> CPIN_READY, `NOT READY` -> CPIN_NOT_READY, anything else (SIM PIN...) -> CPIN_OTHER;
 * - `+CSQ: <rssi>,<ber>` -> rssi (0..31, 99 unknown).
 */
export function parseValue(line: string): number {
  let i = afterPrefix(line, "+CPIN:");
  if (i >= 0) {
    const v = line.substring(i);
    return v === "READY" ? Cpin.READY : v === "NOT READY" ? Cpin.NOT_READY : Cpin.OTHER;
  }
  i = field(line, afterPrefix(line, "+CSQ:"), 0, Field.INT);
  return i >= 0 && (i <= 31 || i === 99) ? i : -1;
}

/**
 * APN and IP from the AT+CGCONTRDP answer lines: `+CGCONTRDP: 1,5,"ctnb","10.250.0.213.255.255.255.0"`
 * or, as the note prints it, `+CGCONTRDP:` and the context on a line of its own (which is the first bare
 * line starting with a digit: a stray line between the two must not be taken for it). Returns
 * [apn, ip], "" where absent; the address is the first four numbers of "a.b.c.d.m1.m2.m3.m4".
 */
export function parseContrdp(lines: string[]): string[] {
  let body = "";
  for (let i = 0; i < lines.length && body === ""; i++) {
    const l = lines[i];
    const p = afterPrefix(l, "+CGCONTRDP:");
    if (p >= 0 && p < l.length) body = l.substring(p);
    else if (p < 0 && l.charCodeAt(0) >= 48 && l.charCodeAt(0) <= 57) body = l;
  }
  if (body === "") return ["", ""];
  const addr = field(body, 0, 3, Field.TEXT) || "";
  let ip = addr;
  let dots = 0;
  for (let i = 0; i < addr.length; i++) {
    if (addr.charCodeAt(i) === 46 && ++dots === 4) {
      ip = addr.substring(0, i);
      break;
    }
  }
  return [field(body, 0, 2, Field.TEXT) || "", ip];
}

/** A line of 6..17 digits (IMEI / IMSI), also after a "+CGSN:"/"+CIMI:" prefix; "" if none. */
export function digitsLine(lines: string[], prefix: string): string {
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    const p = afterPrefix(l, prefix);
    if (p >= 0) l = l.substring(p);
    let ok = l.length >= 6 && l.length <= 17;
    for (let k = 0; ok && k < l.length; k++) ok = l.charCodeAt(k) >= 48 && l.charCodeAt(k) <= 57;
    if (ok) return l;
  }
  return "";
}
