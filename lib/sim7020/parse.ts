// Parsers for SIM7020 answers, reading fields by index (fields.ts). Each returns a number or a small
// value, with -1 / undefined for "not in this line", never throwing on garbage.

import { afterPrefix, intField, textField } from "../at/fields";

export const CPIN_READY = 1;
export const CPIN_NOT_READY = 0;
export const CPIN_OTHER = 2; // SIM PIN, SIM PUK...: needs a human

/** +CPIN: READY -> 1, NOT READY -> 0, anything else (SIM PIN...) -> 2, not a CPIN line -> -1. */
export function parseCpin(line: string): number {
  const i = afterPrefix(line, "+CPIN:");
  if (i < 0) return -1;
  const v = line.substring(i);
  if (v === "READY") return CPIN_READY;
  if (v === "NOT READY") return CPIN_NOT_READY;
  return CPIN_OTHER;
}

/** rssi from +CSQ: <rssi>,<ber> (0..31, 99 unknown), -1 when unreadable. */
export function parseCsq(line: string): number {
  const v = intField(line, afterPrefix(line, "+CSQ:"), 0);
  return v >= 0 && (v <= 31 || v === 99) ? v : -1;
}

/** rssi 0..31 -> dBm (-113 + 2 rssi); 99 and garbage -> 0 (unknown). */
export function rssiToDbm(rssi: number): number {
  return rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : 0;
}

/**
 * Registration stat from +CGREG: <n>,<stat>[,...] or +CEREG: the same, -1 when unreadable.
 * (Read form answers n first; an unsolicited form would start with stat: we never enable it.)
 */
export function parseRegStat(line: string, prefix: string): number {
  const v = intField(line, afterPrefix(line, prefix), 1);
  return v >= 0 && v <= 10 ? v : -1;
}

export function isRegistered(stat: number): boolean {
  return stat === 1 || stat === 5;
}

/** +CGACT: <cid>,<state>: state of the first context line, -1 when unreadable. */
export function parseCgact(line: string): number {
  const v = intField(line, afterPrefix(line, "+CGACT:"), 1);
  return v === 0 || v === 1 ? v : -1;
}

/** Operator name from +COPS: <mode>,<format>,"<oper>",<AcT>; "" when not registered. */
export function parseCopsOperator(line: string): string {
  const i = afterPrefix(line, "+COPS:");
  if (i < 0) return "";
  return textField(line, i, 2) || "";
}

/** Access technology from +COPS (9 = NB-IoT), -1 when absent. */
export function parseCopsAct(line: string): number {
  return intField(line, afterPrefix(line, "+COPS:"), 3);
}

/**
 * The context line of AT+CGCONTRDP: `+CGCONTRDP: 1,5,"ctnb","10.250.0.213.255.255.255.0"` or, as the
 * note prints it, `+CGCONTRDP:` followed by a bare `1,5,...` line. Returns the text after the prefix.
 */
export function cgcontrdpBody(lines: string[]): string {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const p = afterPrefix(l, "+CGCONTRDP:");
    if (p >= 0) {
      if (p < l.length) return l.substring(p);
      if (i + 1 < lines.length) return lines[i + 1];
    }
  }
  return "";
}

/** APN from a CGCONTRDP body, "" when absent. */
export function contrdpApn(body: string): string {
  return body.length ? textField(body, 0, 2) || "" : "";
}

/** IP address from a CGCONTRDP body: the first four numbers of "a.b.c.d.m1.m2.m3.m4". */
export function contrdpIp(body: string): string {
  const s = body.length ? textField(body, 0, 3) || "" : "";
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 46 && ++dots === 4) return s.substring(0, i);
  }
  return s;
}

/** APN from `*MCGDEFCONT: "IP","ctnb"` (or the + spelling), undefined when unreadable. */
export function parseApnRead(line: string): string | undefined {
  let i = afterPrefix(line, "*MCGDEFCONT:");
  if (i < 0) i = afterPrefix(line, "+MCGDEFCONT:");
  if (i < 0) return undefined;
  return textField(line, i, 1);
}

/** The network's APN may carry an operator suffix ("ctnb.mnc011.mcc460.gprs"): compare the head. */
export function apnMatches(configured: string, reported: string): boolean {
  const a = configured.toLowerCase();
  const b = reported.toLowerCase();
  return b === a || (b.indexOf(a) === 0 && b.charCodeAt(a.length) === 46);
}

/** A bare line of 6..17 digits (IMEI / IMSI), also after a "+CGSN:"/"+CIMI:" prefix; "" if none. */
export function digitsLine(lines: string[], prefix: string): string {
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    const p = afterPrefix(l, prefix);
    if (p >= 0) l = l.substring(p);
    if (l.length < 6 || l.length > 17) continue;
    let ok = true;
    for (let k = 0; k < l.length; k++) {
      const c = l.charCodeAt(k);
      if (c < 48 || c > 57) ok = false;
    }
    if (ok) return l;
  }
  return "";
}

/** +CPSMS: <mode>,[...],"<T3412>","<T3324>" -> mode, T3412 and T3324 strings ("" when absent). */
export function parseCpsms(line: string): { mode: number; tau: string; active: string } | undefined {
  const i = afterPrefix(line, "+CPSMS:");
  if (i < 0) return undefined;
  return { mode: intField(line, i, 0), tau: textField(line, i, 3) || "", active: textField(line, i, 4) || "" };
}

/** +IPR: <rate> -> rate (0 = auto-baud), -1 when unreadable. */
export function parseIpr(line: string): number {
  return intField(line, afterPrefix(line, "+IPR:"), 0);
}
