// Events posted to the link machine (numbers: posting one allocates nothing). Each says what happened.

/** Start bring-up. */
export const EV_START = 1;
/** Shut down on request: deregister, power the module off. */
export const EV_STOP = 2;
/** A state-owned timer fired: a = slot, b = generation. */
export const EV_TIMER = 3;
/** An AT command finished: a = command id, b = AT_* code, c = module error number, s = first line. */
export const EV_AT = 4;
/** The module echoed a command after ATE0: it rebooted. */
export const EV_ECHO = 5;
/** Boot lines (RDY, +CFUN: 1, ...) seen: s = the evidence. */
export const EV_REBOOT_SEEN = 6;
/** +CPIN: <value> not asked for: a = CPIN_* value. */
export const EV_CPIN = 7;
/** +CTM2M: <op>,<status>,<d1>,<d2>: a = OP_*, b = status, c = d1, d = d2. */
export const EV_CTM2M = 8;
/** +CTM2MRECV: s = hex. */
export const EV_DOWNLINK = 9;
/** +CPSMSTATUS: a = 1 entered PSM, 0 left it. */
export const EV_PSM = 10;
/** NORMAL POWER DOWN / UNDER-VOLTAGE POWER DOWN not asked for: the module is off. */
export const EV_POWER_DOWN = 11;
/** UNDER-VOLTAGE WARNNING: the supply sags (NB-IoT transmit peaks). */
export const EV_UNDERVOLTAGE = 12;
/** The data path has something new to send. */
export const EV_UPLINK = 13;
/** The application asks for a module reboot (deregister, power-cycle, bring up again). */
export const EV_REBOOT_MODULE = 14;
/** The liveness supervisor fired: no progress towards Ready within the bound. */
export const EV_SUPERVISOR = 15;

export const EVENT_NAMES = ["", "start", "stop", "timer", "at", "echo", "reboot-seen", "cpin", "ctm2m", "downlink", "psm", "power-down", "undervoltage", "uplink", "reboot-module", "supervisor"];
