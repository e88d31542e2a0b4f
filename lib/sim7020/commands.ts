// SIM7020 network-side AT commands as data: what each expects back and how long the module may take
// (AT manual response times, with margin for a busy NB-IoT modem). Parsers are in parse.ts.

import { AT_F_BARE, AT_F_PREFIX_FINAL, AT_F_WAKE, type AtSpec } from "../at/engine";

function spec(prefix: string, timeoutMs: number, flags: number): AtSpec {
  return { prefix: prefix, timeoutMs: timeoutMs, flags: flags };
}

/**
 * Sync and wake probe: resent once on silence (the first characters may only wake the UART, or be eaten
 * by auto-baud). 2 s leaves room for a busy module before the resend.
 */
export const AT_SYNC = spec("", 2000, AT_F_WAKE);
export const AT_PLAIN = spec("", 3000, 0);
export const AT_PLAIN_WAKE = spec("", 3000, AT_F_WAKE);
export const CGSN = spec("+CGSN:", 3000, AT_F_BARE);
export const CIMI = spec("+CIMI:", 3000, AT_F_BARE);
export const CPIN = spec("+CPIN:", 5000, 0);
export const CSQ = spec("+CSQ:", 3000, 0);
export const CGREG = spec("+CGREG:", 3000, 0);
export const CEREG = spec("+CEREG:", 3000, 0);
export const CGACT = spec("+CGACT:", 5000, 0);
export const COPS = spec("+COPS:", 10000, 0);
/** Some firmware prints the context on the line after "+CGCONTRDP:" (as the note shows it). */
export const CGCONTRDP = spec("+CGCONTRDP:", 5000, AT_F_BARE);
/** CFUN switches the radio: the manual allows up to 10 s. */
export const CFUN = spec("+CFUN:", 15000, 0);
export const APN_READ = spec("*MCGDEFCONT:", 3000, 0);
export const APN_READ_PLUS = spec("+MCGDEFCONT:", 3000, 0);
export const CPSMS_READ = spec("+CPSMS:", 3000, 0);
export const IPR_READ = spec("+IPR:", 3000, 0);
export const CPOWD = spec("NORMAL POWER DOWN", 10000, AT_F_PREFIX_FINAL);

export const CMD_AT = "AT";
export const CMD_ECHO_OFF = "ATE0";
export const CMD_CMEE_NUMERIC = "AT+CMEE=1";
export const CMD_CGSN = "AT+CGSN";
export const CMD_CIMI = "AT+CIMI";
export const CMD_CPIN = "AT+CPIN?";
export const CMD_CSQ = "AT+CSQ";
export const CMD_CGREG = "AT+CGREG?";
export const CMD_CEREG = "AT+CEREG?";
export const CMD_CGACT = "AT+CGACT?";
export const CMD_COPS = "AT+COPS?";
export const CMD_CGCONTRDP = "AT+CGCONTRDP";
export const CMD_CFUN_OFF = "AT+CFUN=0";
export const CMD_CFUN_ON = "AT+CFUN=1";
export const CMD_APN_READ = "AT*MCGDEFCONT?";
export const CMD_APN_READ_PLUS = "AT+MCGDEFCONT?";
export const CMD_PSM_NOTICES_ON = "AT+CPSMSTATUS=1";
export const CMD_CPSMS_READ = "AT+CPSMS?";
export const CMD_IPR_READ = "AT+IPR?";
export const CMD_CPOWD = "AT+CPOWD=1";
export const CMD_CRESET = "AT+CRESET";

/** AT*MCGDEFCONT="IP","<apn>" (the manual's spelling; the note's AT+MCGDEFCONT is the fallback). */
export function cmdApnWrite(apn: string, plusSpelling: boolean): string {
  return (plusSpelling ? "AT+MCGDEFCONT" : "AT*MCGDEFCONT") + '="IP","' + apn + '"';
}

export function cmdIprWrite(baud: number): string {
  return "AT+IPR=" + baud;
}
