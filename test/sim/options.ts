// The simulator's options (module firmware variants, world facts, seeds) and the shape of its state
// snapshot: the contract the link tests, the desktop run and the soak test program against.

import type { Clock } from "../../lib/ports";
import type { InitParams, PersistentFaults } from "./aep";
import type { PlatformModel } from "./platform";
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

  // ---- the module as it really behaves (issue 12); every one is off by default ----
  /**
   * Line noise: the chance (0..1) that a line the module prints carries glitch bytes (NUL, 0xFF, other
   * control or >= 0x80 bytes) glued to it, inside its frame: "\r\n\x00OK\r\n". Default 0.
   * `sim.faults.noise()` aims at chosen lines instead.
   */
  lineNoise?: number;
  /**
   * Where a SEND's confirmation comes: "after" the OK (default); "beforeOk": +CTM2MSEND: N,
   * +CTM2M: send,<s>,N, OK; "beforeId": NON sends even print the confirmation before +CTM2MSEND: N
   * (CON sends then come "beforeOk"). Timeouts (send,1) always come late. `sim.faults.earlyConfirm()`
   * does it for chosen sends.
   */
  sendConfirm?: "after" | "beforeOk" | "beforeId";
  /** The registration result (reg,0 and the quick failures; never reg,1) is printed before the REG's OK (note section 5). */
  regBeforeOk?: boolean;
  /** A firmware whose bare AT+CTM2MREG answers ERROR: only AT+CTM2MREG=<lifetime> registers. */
  regNeedsLifetime?: boolean;
  /** AT+CTM2MINIT? also prints ,<PSKID>,<PSK> when security is on (the note's read format allows it). */
  initReadShowsPsk?: boolean;
  /**
   * AT+CGCONTRDP: "one" line (default); "note": "+CGCONTRDP:" alone, the context on the next line (as
   * the note prints it); "split": as "note" with a URC (`contrdpUrc`, default "+CSCON: 1") between them.
   */
  contrdpForm?: "one" | "note" | "split";
  contrdpUrc?: string;
  /**
   * "autosleep" (default): the AT+CSCLK reading, the first characters after ENTER PSM only wake the UART.
   * "true": in PSM the UART is dead (input ignored, nothing printed) until a PWRKEY pulse (then
   * +CPIN: READY, EXIT PSM) or the TAU timer; back to PSM after ~5 s idle.
   */
  psmModel?: "autosleep" | "true";
  /** Persistent faults on from the start (`sim.faults.persistent()` turns them on and off later). */
  persistent?: Partial<PersistentFaults>;
  /** The platform this module talks to, shared by a fleet of simulators (platform.ts); default: always up. */
  platform?: PlatformModel;
  /** This module's name on the shared platform (default: its IMEI). */
  platformId?: string;
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
  psmModel: "autosleep" | "true";
  /** The persistent faults now on (issue 12). */
  persistent: PersistentFaults;
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
