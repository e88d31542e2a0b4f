// SIM7020 network-side AT commands as rows (engine.ts: "<prefix>|<timeoutMs>|<flags>|<text>"): what each
// expects back and how long the module may take (AT manual response times, with margin for a busy
// NB-IoT modem). Flags: 1 collect bare lines, 2 resend once on silence (wake), 4 the prefix line is final.
// A row ending in "=" or an open quote takes its parameter appended. Parsers are in parse.ts.

export const enum Net {
  /** Sync and wake probe: resent once on silence (the first characters may only wake the UART, or be eaten by auto-baud). */
  AT = "|2000|2|AT",
  ECHO_OFF = "|3000|0|ATE0",
  CMEE_NUMERIC = "|3000|0|AT+CMEE=1",
  CGSN = "+CGSN:|3000|1|AT+CGSN",
  CIMI = "+CIMI:|3000|1|AT+CIMI",
  CPIN = "+CPIN:|5000|0|AT+CPIN?",
  CSQ = "+CSQ:|3000|0|AT+CSQ",
  CGREG = "+CGREG:|3000|0|AT+CGREG?",
  CEREG = "+CEREG:|3000|0|AT+CEREG?",
  CGACT = "+CGACT:|5000|0|AT+CGACT?",
  COPS = "+COPS:|10000|0|AT+COPS?",
  /** Some firmware prints the context on the line after "+CGCONTRDP:" (as the note shows it). */
  CGCONTRDP = "+CGCONTRDP:|5000|1|AT+CGCONTRDP",
  /** CFUN switches the radio: the manual allows up to 10 s. */
  CFUN_OFF = "+CFUN:|15000|0|AT+CFUN=0",
  CFUN_ON = "+CFUN:|15000|0|AT+CFUN=1",
  /** The AT manual's spelling of the APN commands; the note's AT+MCGDEFCONT is the fallback. */
  APN_READ = "*MCGDEFCONT:|3000|0|AT*MCGDEFCONT?",
  APN_READ_PLUS = "+MCGDEFCONT:|3000|0|AT+MCGDEFCONT?",
  /** + the APN and a closing quote. */
  APN_WRITE = '|3000|0|AT*MCGDEFCONT="IP","',
  APN_WRITE_PLUS = '|3000|0|AT+MCGDEFCONT="IP","',
  PSM_NOTICES_ON = "|3000|0|AT+CPSMSTATUS=1",
  CPSMS_READ = "+CPSMS:|3000|0|AT+CPSMS?",
  CPSMS_OFF = "|3000|0|AT+CPSMS=0",
  /** + "<T3412>","<T3324>" (psm.ts). */
  CPSMS_ON = '|3000|0|AT+CPSMS=1,,,"',
  IPR_READ = "+IPR:|3000|0|AT+IPR?",
  /** + the rate. */
  IPR_WRITE = "|3000|0|AT+IPR=",
  CPOWD = "NORMAL POWER DOWN|10000|4|AT+CPOWD=1",
  CRESET = "|3000|0|AT+CRESET",
}
