// PSM timers for AT+CPSMS: seconds -> the 8-bit strings of 3GPP 24.008 (top 3 bits the unit, low 5 the
// multiplier). The network decides what it grants; we ask for the smallest value not below the request
// so the device never sleeps longer than the TAU it asked for... unless the request is beyond the range.

const TAU_UNITS_S = [600, 3600, 36000, 2, 30, 60, 1152000]; // T3412 units by bit pattern 000..110
const ACTIVE_UNITS_S = [2, 60, 360]; // T3324 units 000, 001, 010

function bits8(unit: number, mult: number): string {
  let s = "";
  const v = (unit << 5) | mult;
  for (let b = 7; b >= 0; b--) s += (v >> b) & 1 ? "1" : "0";
  return s;
}

/** Best encoding of `seconds` with the given unit table: exact if possible, else the smallest above. */
function encode(seconds: number, units: number[]): string {
  let bestUnit = -1;
  let bestMult = 0;
  let bestValue = Infinity;
  for (let u = 0; u < units.length; u++) {
    const mult = Math.ceil(seconds / units[u]);
    if (mult > 31) continue;
    const value = mult * units[u];
    if (value < bestValue || (value === bestValue && mult < bestMult)) {
      bestValue = value;
      bestUnit = u;
      bestMult = mult;
    }
  }
  if (bestUnit < 0) {
    // Beyond the range: the largest value the table can say.
    let maxU = 0;
    for (let u = 1; u < units.length; u++) if (units[u] > units[maxU]) maxU = u;
    return bits8(maxU, 31);
  }
  return bits8(bestUnit, bestMult);
}

/** Requested periodic TAU (T3412) as the 8-bit string, e.g. 3600 s -> "00100001". */
export function encodeTau(seconds: number): string {
  return encode(seconds, TAU_UNITS_S);
}

/** Requested active time (T3324), e.g. 60 s -> "00100001" (1 x 1 min; the larger unit wins a tie). */
export function encodeActive(seconds: number): string {
  if (seconds <= 0) return "00000000";
  return encode(seconds, ACTIVE_UNITS_S);
}

function decode(bits: string, units: number[]): number {
  if (bits.length !== 8) return -1;
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const c = bits.charCodeAt(i);
    if (c !== 48 && c !== 49) return -1;
    v = v * 2 + (c - 48);
  }
  const unit = v >> 5;
  if (unit >= units.length) return -1; // 111 = deactivated
  return (v & 31) * units[unit];
}

export function decodeTau(bits: string): number {
  return decode(bits, TAU_UNITS_S);
}

export function decodeActive(bits: string): number {
  return decode(bits, ACTIVE_UNITS_S);
}

/** AT+CPSMS=1,,,"<T3412>","<T3324>" */
export function cmdPsmOn(tauS: number, activeS: number): string {
  return 'AT+CPSMS=1,,,"' + encodeTau(tauS) + '","' + encodeActive(activeS) + '"';
}

export const CMD_PSM_OFF = "AT+CPSMS=0";
