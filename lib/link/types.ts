// Interfaces between the link machine, its states, the data path and the application.

import type { InitParams } from "../aep/ctm2m";
import type { PsmConfig } from "../config";

/** The part of the firmware configuration the link uses. */
export interface LinkConfig {
  apn: string;
  attachTimeoutS: number;
  readyTimeoutS: number;
  psm: PsmConfig;
  init: InitParams;
  /** -1: leave alone; 0/1: AT+CTM2MUPDATE after registering. */
  bindingMode: number;
  hasPwrkey: boolean;
  hasStatus: boolean;
  /** UART rate, written with AT+IPR when PSM is used (0: leave auto-baud). */
  baud: number;
}

/** What the link tells the application. */
export interface LinkListener {
  onStateChange(from: number, to: number, reason: string): void;
  onDownlink(hex: string): void;
}

// Data path answers to the Ready state.
export const DP_NONE = 0;
/** The session is gone (send,9, error 4): register again. */
export const DP_REREGISTER = 1;
/** The platform has disabled the device (error 7): pause. */
export const DP_PAUSE = 2;
/** Not sure the session is usable (error 15): ask AT+CTM2MREG?. */
export const DP_CHECK_SESSION = 3;
/** Sends keep failing though the module says the session is up (a lost lwstatus): DEREG, then REG. */
export const DP_RESTART_SESSION = 4;

/** The Ready state's uplink sender (lib/aep/uplink.ts), driven only from the Ready state. */
export interface DataPath {
  /** Ready entered (or the module woke up): send the next queued uplink if any. */
  resume(m: LinkApi): void;
  /** Ready is being left: whatever was in flight stays queued and is sent again later. */
  suspend(): void;
  /** A command the data path sent finished. */
  onAt(m: LinkApi, cmdId: number, code: number, errNo: number, line: string): number;
  /** +CTM2M: send,<status>,<msgid>. */
  onSendNotice(m: LinkApi, status: number, msgid: number): number;
  /** Its timer (slot T_DATA) fired. */
  onTimer(m: LinkApi): number;
  /** Something waits to be sent or confirmed. */
  busy(): boolean;
}

/** What the Ready state lends the data path: commands and one timer, both owned by Ready. */
export interface LinkApi {
  send(text: string, spec: import("../at/engine").AtSpec, cmdId: number): boolean;
  setDataTimer(ms: number): void;
  clearDataTimer(): void;
  now(): number;
  log(level: number, text: string): void;
  /** Commands need the wake flag: the module may be asleep (PSM). */
  moduleMayBeAsleep(): boolean;
}
