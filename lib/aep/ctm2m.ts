// The AEP (CTWing) commands of the SIM7020 application note as data, the +CTM2M notice parser, and the
// code tables the link reacts to. Route on the full prefix "+CTM2M:" (it is a prefix of nothing else
// the module prints; "+CTM2MSEND:" and "+CTM2M ERROR:" differ at the 7th character).

import { AT_F_WAKE, type AtSpec } from "../at/engine";
import { afterPrefix, intField } from "../at/fields";
import type { FirmwareConfig } from "../config";

export const CTM2MINIT_READ = { prefix: "+CTM2MINIT:", timeoutMs: 3000, flags: 0 } as AtSpec;
export const CTM2MINIT_WRITE = { prefix: "", timeoutMs: 5000, flags: 0 } as AtSpec;
export const CTM2MREG_READ = { prefix: "+CTM2MREG:", timeoutMs: 3000, flags: AT_F_WAKE } as AtSpec;
export const CTM2MREG = { prefix: "", timeoutMs: 10000, flags: 0 } as AtSpec;
// Commands that change something are never resent blind: a slow module would then run them twice
// (two uplinks, and an answer paired with the wrong command). When the module may be asleep, the
// sender wakes it with a bare AT first (AT_SYNC, which is safe to repeat).
export const CTM2MDEREG = { prefix: "", timeoutMs: 10000, flags: 0 } as AtSpec;
export const CTM2MUPDATE = { prefix: "+CTM2MUPDATE:", timeoutMs: 10000, flags: 0 } as AtSpec;
export const CTM2MSEND = { prefix: "+CTM2MSEND:", timeoutMs: 10000, flags: 0 } as AtSpec;

export const CMD_INIT_READ = "AT+CTM2MINIT?";
export const CMD_REG_READ = "AT+CTM2MREG?";
export const CMD_REG = "AT+CTM2MREG";
export const CMD_DEREG = "AT+CTM2MDEREG";

/** The AT+CTM2MINIT parameters: the configuration's aep section (bindingMode aside). */
export type InitParams = Omit<FirmwareConfig["aep"], "bindingMode">;

/** AT+CTM2MINIT=<ip>,<port>,<lifetime>,<autoTau>,<security>[,<pskid>,<psk>] — carries the PSK: never log it raw. */
export function cmdInit(p: InitParams): string {
  // The note's example quotes the address: AT+CTM2MINIT="221.229.214.202",5683,300,0,0
  let s = 'AT+CTM2MINIT="' + p.server + '",' + p.port + "," + p.lifetimeS + "," + p.autoTau + "," + p.security;
  if (p.security !== 0) s += ',"' + p.pskId + '","' + p.psk + '"';
  return s;
}

/** What the module prints back for AT+CTM2MINIT? (it never prints the PSK): "<ip>,<port>,<lifetime>,<autoTau>,<security>". */
export function initSignature(p: InitParams): string {
  return p.server + "," + p.port + "," + p.lifetimeS + "," + p.autoTau + "," + p.security;
}

/** The same signature read from `+CTM2MINIT: 221.229.214.202,5683,300,0,0` (quotes dropped), "" if unreadable. */
export function parseInitRead(line: string): string {
  const i = afterPrefix(line, "+CTM2MINIT:");
  if (i < 0) return "";
  let out = "";
  let fields = 0;
  for (let k = i; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c === 34 || c === 32) continue;
    if (c === 44 && ++fields === 5) break; // the pskid, if printed, is not part of the signature
    out += line.charAt(k);
  }
  return out;
}

export function cmdSend(hex: string, mode: number): string {
  return "AT+CTM2MSEND=" + hex + "," + mode;
}

export function cmdUpdate(bindingMode: number): string {
  return "AT+CTM2MUPDATE=" + bindingMode;
}

/** +CTM2MREG: <state> -> 0..4, -1 unreadable. */
export function parseRegState(line: string): number {
  const v = intField(line, afterPrefix(line, "+CTM2MREG:"), 0);
  return v >= 0 && v <= 4 ? v : -1;
}

/** +CTM2MSEND: <msgid> / +CTM2MUPDATE: <msgid> -> msgid, -1 unreadable. */
export function parseMsgId(line: string, prefix: string): number {
  return intField(line, afterPrefix(line, prefix), 0);
}

export const REG_STATE_NONE = 0;
export const REG_STATE_CONNECTING = 1;
export const REG_STATE_CONNECTED = 2;
export const REG_STATE_OBSERVED = 3;
export const REG_STATE_DISCONNECTING = 4;

// +CTM2M: <op>,<status>[,<d1>,<d2>,<d3>] operations.
export const OP_UNKNOWN = 0;
export const OP_CONN = 1;
export const OP_REG = 2;
export const OP_OBSRV = 3;
export const OP_SEND = 4;
export const OP_UPDATE = 5;
export const OP_DEREG = 6;
export const OP_PING = 7;
export const OP_PLAT = 8;
export const OP_PSM = 9;
export const OP_LWSTATUS = 10;

const OP_NAMES = ["?", "conn", "reg", "obsrv", "send", "update", "dereg", "ping", "plat", "psm", "lwstatus"];

export function opName(op: number): string {
  return OP_NAMES[op] || "?";
}

/** A parsed +CTM2M notice; `status` -1 when unreadable, data fields -1 when absent. */
export interface Ctm2mNotice {
  op: number;
  status: number;
  d1: number;
  d2: number;
}

/** Parse `+CTM2M: send,0,46205` and `+CTM2M:reg,0` (the MT2625 form has no space). */
export function parseNotice(line: string): Ctm2mNotice {
  const i = afterPrefix(line, "+CTM2M:");
  let op = OP_UNKNOWN;
  if (i >= 0) {
    let e = line.indexOf(",", i);
    if (e < 0) e = line.length;
    op = OP_NAMES.indexOf(line.substring(i, e));
    if (op < 0) op = OP_UNKNOWN;
  }
  return { op: op, status: intField(line, i, 1), d1: intField(line, i, 2), d2: intField(line, i, 3) };
}

// +CTM2M ERROR: <n> numbers (note section 3).
export const E_OTHER = 1;
export const E_PARAM_COUNT = 2;
export const E_PARAM_VALUE = 3;
export const E_NOT_CONNECTED = 4;
export const E_DISABLED = 7;
export const E_HEX_DECODE = 13;
export const E_TOO_LONG = 14;
export const E_NOT_READY = 15;
export const E_NO_IMSI = 16;
export const E_ODD_LENGTH = 17;
export const E_SESSION_ACTIVE = 32;
export const E_ALREADY_CONNECTED = 33;
export const E_SESSION_FAILED = 34;
export const E_FOTA = 35;

// reg,<N> results.
export const REG_OK = 0;
export const REG_TIMEOUT = 1;
export const REG_NOT_SENT = 2;
export const REG_BAD_ENDPOINT = 10;
export const REG_AUTH_REJECTED = 13;
export const REG_UNSUPPORTED = 22;

// send,<s> results.
export const SEND_OK = 0;
export const SEND_TIMEOUT = 1;
export const SEND_NOT_SENT = 2;
export const SEND_RST = 9;

/** Short reason texts for the log, by reg result code. */
export function regResultText(n: number): string {
  switch (n) {
    case REG_TIMEOUT:
      return "timeout";
    case REG_NOT_SENT:
      return "not sent";
    case REG_BAD_ENDPOINT:
      return "bad parameter or endpoint name unknown to the platform (is the IMEI registered on AEP?)";
    case REG_AUTH_REJECTED:
      return "authentication rejected by the platform (check the product, IMEI and PSK on AEP)";
    case REG_UNSUPPORTED:
      return "protocol not supported";
  }
  return "code " + n;
}

/** Short texts for +CTM2M ERROR numbers. */
export function ctm2mErrorText(n: number): string {
  switch (n) {
    case E_OTHER:
      return "other error or not initialised";
    case E_PARAM_COUNT:
      return "parameter count";
    case E_PARAM_VALUE:
      return "parameter value";
    case E_NOT_CONNECTED:
      return "not connected";
    case E_DISABLED:
      return "platform has disabled the device";
    case E_HEX_DECODE:
      return "hex decode failed";
    case E_TOO_LONG:
      return "longer than 1024 hex characters";
    case E_NOT_READY:
      return "platform not ready (not observed)";
    case E_NO_IMSI:
      return "no IMSI (no SIM)";
    case E_ODD_LENGTH:
      return "odd hex length";
    case E_SESSION_ACTIVE:
      return "session active";
    case E_ALREADY_CONNECTED:
      return "already connected";
    case E_SESSION_FAILED:
      return "session creation failed";
    case E_FOTA:
      return "firmware download in progress";
  }
  return "code " + n;
}
