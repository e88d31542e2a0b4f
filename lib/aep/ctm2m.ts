// The AEP (CTWing) commands of the SIM7020 application note as rows, the module's +CTM2M ERROR table
// (the driver's final result for the AT engine), the notice codes the link reacts to, and the INIT
// parameters. Route on the full prefix "+CTM2M:" (a prefix of nothing else the module prints:
// "+CTM2MSEND:" and "+CTM2M ERROR:" differ at the 7th character).

import { AT_CME_ERROR, AT_ERROR, AT_EXTRA_ERROR, AT_OK, AT_TIMEOUT } from "../at/result";
import { afterPrefix, field, Field } from "../at/fields";
import { CE_ALREADY_CONNECTED, CE_DISABLED, CE_FOTA, CE_HEX_DECODE, CE_NOT_CONNECTED, CE_NOT_READY, CE_NO_IMSI, CE_ODD_LENGTH, CE_OTHER, CE_PARAM_COUNT, CE_PARAM_VALUE, CE_SESSION_ACTIVE, CE_SESSION_FAILED, CE_TOO_LONG, REG_AUTH_REJECTED, REG_BAD_ENDPOINT, REG_NOT_SENT, REG_TIMEOUT, REG_UNSUPPORTED } from "./codes";

// Rows (at/engine.ts). Commands that change something are never resent blind: a slow module would run
// them twice (two uplinks, and an answer paired with the wrong command). When the module may be asleep,
// the sender wakes it with a bare AT first (safe to repeat).
export const enum Aep {
  /** The module's own final result: a numbered error, then (the note's tables show it) a stray OK. */
  FINAL = "+CTM2M ERROR:",
  INIT_READ = "+CTM2MINIT:|3000|0|AT+CTM2MINIT?",
  /** + the parameters (initRow). */
  INIT = "|5000|0|AT+CTM2MINIT=",
  REG_READ = "+CTM2MREG:|3000|2|AT+CTM2MREG?",
  REG = "|10000|0|AT+CTM2MREG",
  /** The note's form, + the lifetime: for firmware whose bare AT+CTM2MREG answers ERROR. */
  REG_LIFETIME = "|10000|0|AT+CTM2MREG=",
  DEREG = "|10000|0|AT+CTM2MDEREG",
  /** + the binding mode. */
  UPDATE = "+CTM2MUPDATE:|10000|0|AT+CTM2MUPDATE=",
  /** + hex + "," + mode. */
  SEND = "+CTM2MSEND:|10000|0|AT+CTM2MSEND=",
}

/** AT+CTM2MINIT="<ip>",<port>,<lifetime>,<autoTau>,<security>[,"<pskid>","<psk>"] from the configuration (the build folds it into one constant). Carries the PSK: the link masks it in logs. */
export function initRow(): string {
  // The note's example quotes the address: AT+CTM2MINIT="221.229.214.202",5683,300,0,0
  return Aep.INIT + '"' + CFG.aep.server + '",' + CFG.aep.port + "," + CFG.aep.lifetimeS + "," + CFG.aep.autoTau + "," + CFG.aep.security + (CFG.aep.security !== 0 ? ',"' + CFG.aep.pskId + '","' + CFG.aep.psk + '"' : "");
}

/**
 * Does `+CTM2MINIT: 221.229.214.202,5683,300,0,0[,<pskid>,<psk>]` hold exactly the configured parameters?
 * The module may print the pskid (and even the PSK: the note's read format allows it); when it does, the
 * pskid must match too. The PSK itself is never compared or kept (a changed PSK shows as reg,13).
 */
export function initMatches(line: string): boolean {
  const i = afterPrefix(line, "+CTM2MINIT:");
  if (i < 0 || (field(line, i, 0, Field.TEXT) || "") !== CFG.aep.server) return false;
  if (field(line, i, 1, Field.INT) !== CFG.aep.port || field(line, i, 2, Field.INT) !== CFG.aep.lifetimeS || field(line, i, 3, Field.INT) !== CFG.aep.autoTau || field(line, i, 4, Field.INT) !== CFG.aep.security) return false;
  const pskId = field(line, i, 5, Field.TEXT);
  return pskId === undefined || CFG.aep.security === 0 || pskId === CFG.aep.pskId;
}

/** The INIT command, or an INIT? answer, with whatever follows the 5th comma masked: never log a PSK. */
export function redact(text: string): string {
  if (text.indexOf("AT+CTM2MINIT=") !== 0 && text.indexOf("+CTM2MINIT:") !== 0) return text;
  let commas = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 44 && ++commas === 5) return text.substring(0, i) + ",***";
  }
  return text;
}

/** resultText()'s `code` for a +CTM2M: reg,<n> (or conn/obsrv) status rather than an AT result (a const enum: inlined). */
export const enum ResultOf {
  REG = 16,
}

/**
 * For log lines: an AT result (AT_*, with the module's error number `n`: "ok", "cme 10", "timeout",
 * and for +CTM2M ERROR the note's meaning), or with ResultOf.REG a reg notice's status. One function for
 * every code table: RAM on the device.
 */
export function resultText(code: number, n: number): string {
  if (code === ResultOf.REG) {
    if (n === REG_TIMEOUT) return "timeout";
    if (n === REG_NOT_SENT) return "not sent";
    if (n === REG_BAD_ENDPOINT) return "bad parameter or endpoint name unknown to the platform (is the IMEI registered on AEP?)";
    if (n === REG_AUTH_REJECTED) return "authentication rejected by the platform (check the product, IMEI and PSK on AEP)";
    if (n === REG_UNSUPPORTED) return "protocol not supported";
    return "code " + n;
  }
  if (code !== AT_EXTRA_ERROR) return code === AT_OK ? "ok" : code === AT_ERROR ? "error" : code === AT_CME_ERROR ? "cme " + n : code === AT_TIMEOUT ? "timeout" : "cancelled";
  switch (n) {
    case CE_OTHER:
      return "other error or not initialised";
    case CE_PARAM_COUNT:
      return "parameter count";
    case CE_PARAM_VALUE:
      return "parameter value";
    case CE_NOT_CONNECTED:
      return "not connected";
    case CE_DISABLED:
      return "platform has disabled the device";
    case CE_HEX_DECODE:
      return "hex decode failed";
    case CE_TOO_LONG:
      return "longer than 1024 hex characters";
    case CE_NOT_READY:
      return "platform not ready (not observed)";
    case CE_NO_IMSI:
      return "no IMSI (no SIM)";
    case CE_ODD_LENGTH:
      return "odd hex length";
    case CE_SESSION_ACTIVE:
      return "session active";
    case CE_ALREADY_CONNECTED:
      return "already connected";
    case CE_SESSION_FAILED:
      return "session creation failed";
    case CE_FOTA:
      return "firmware download in progress";
  }
  return "code " + n;
}
