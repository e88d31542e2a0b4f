// PSM timers for AT+CPSMS: seconds -> the 8-bit strings of 3GPP 24.008 (top 3 bits the unit, low 5 the
// multiplier). The network decides what it grants; we ask for the smallest value not below the request
// so the device never sleeps longer than the TAU it asked for... unless the request is beyond the range.

/** T3412 units by bit pattern 000..110, T3324 units 000, 001, 010: built on use (no RAM held between uses). */
function unitsS(tau: boolean): number[] {
  return tau ? [600, 3600, 36000, 2, 30, 60, 1152000] : [2, 60, 360];
}

/**
 * `seconds` as the 8-bit string: T3412 (`tau` true, e.g. 3600 s -> "00100001") or T3324 (60 s ->
 * "00100001": 1 x 1 min, the larger unit wins a tie; 0 -> "00000000"). Exact if possible, else the
 * smallest value above; beyond the range the largest value the table can say.
 */
export function psmBits(seconds: number, tau: boolean): string {
  const units = unitsS(tau);
  let bestUnit = -1;
  let bestMult = 0;
  let bestValue = Infinity;
  let maxU = 0;
  for (let u = 0; u < units.length; u++) {
    if (units[u] > units[maxU]) maxU = u;
    const mult = Math.ceil(seconds / units[u]);
    if (mult > 31) continue;
    const value = mult * units[u];
    if (value < bestValue || (value === bestValue && mult < bestMult)) {
      bestValue = value;
      bestUnit = u;
      bestMult = mult;
    }
  }
  if (!tau && seconds <= 0) return "00000000";
  const v = bestUnit < 0 ? (maxU << 5) | 31 : (bestUnit << 5) | bestMult;
  let s = "";
  for (let b = 7; b >= 0; b--) s += (v >> b) & 1 ? "1" : "0";
  return s;
}

/** Seconds of an 8-bit timer string (desktop: tests and tools), -1 when malformed or deactivated (111). */
export function psmSeconds(bits: string, tau: boolean): number {
  const units = unitsS(tau);
  if (bits.length !== 8) return -1;
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const c = bits.charCodeAt(i);
    if (c !== 48 && c !== 49) return -1;
    v = v * 2 + (c - 48);
  }
  return v >> 5 >= units.length ? -1 : (v & 31) * units[v >> 5];
}
