// The simulator's options (module firmware variants, world facts, seeds) and the shape of its state
// snapshot: the contract the link tests, the desktop run and the soak test program against.

import type { Clock } from "../../lib/ports";
import type { InitParams } from "./aep";
import type { TranscriptEntry } from "./record";
import type { Rng } from "./rng";

export interface SimOptions {
  clock: Clock;
  /** Module -> host characters; the simulator frames lines as "\r\n<line>\r\n". */
  output: (text: string) => void;
  seed?: number;
  transcriptLimit?: number;
  apnSpelling?: "star" | "plus" | "both";
  okAfterCtm2mError?: boolean;
  /** "+CTM2M:reg,0" (and every other +CTM2M notice) without the space, as the MT2625 code prints them. */
  regNoSpace?: boolean;
  printConn?: boolean;
  /** Print "+CTM2M: obsrv,0" (default true; the note's section 5 transcript shows none). */
  printObsrv?: boolean;
  initialApn?: string;
  networkApn?: string;
  autoBaud?: boolean;
  poweredOn?: boolean;
  /** +COPS operator name (default "CHN-CT"). */
  operator?: string;
  /** Fixed IP address given at attach (default: seeded 10.x.y.z). */
  ip?: string;
  /** Fixed +CSQ rssi (default: seeded, around a seeded base). */
  rssi?: number;
  /** CGREG stat while the saved APN is refused: 3 denied (default) or 2 searching. */
  wrongApnStat?: 2 | 3;
  /** A SIM is in the holder at start (default true). */
  simPresent?: boolean;
  imei?: string;
  imsi?: string;
  /** INIT parameters already saved in the module's flash (default: none, as from the factory). */
  savedInit?: InitParams;
  /** Every transcript entry as it is recorded (live logging). */
  trace?: (e: TranscriptEntry) => void;
}

export interface SimState {
  powered: boolean;
  uartReady: boolean;
  status: number;
  baudSynced: boolean;
  ipr: number;
  cfun: number;
  echo: boolean;
  cmee: number;
  simPresent: boolean;
  covered: boolean;
  attached: boolean;
  /** +CGREG/+CEREG stat 0..5. */
  netStat: number;
  ip: string;
  savedApn: string;
  /** AT+CTM2MREG? state 0..4. */
  regState: number;
  sessionUsable: boolean;
  init: InitParams | undefined;
  platDisabled: boolean;
  fota: boolean;
  pendingCon: number;
  psm: boolean;
  psmMode: number;
  psmStatusUrc: boolean;
  t3412: string;
  t3324: string;
  /** The command being executed (its final result not sent yet). */
  busy: string | undefined;
  silent: boolean;
  slowMs: number;
}

/** A seeded 15-digit IMEI with a SIMCom-like TAC and a valid Luhn check digit. */
export function luhnImei(rng: Rng): string {
  let s = "86440304"; // a SIMCom-like TAC
  for (let i = 0; i < 6; i++) s += rng.int(0, 9);
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = s.charCodeAt(i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return s + ((10 - (sum % 10)) % 10);
}
