// Events the link machine handles, its timer slots and the options a state is entered with. An event is
// one reused object with named fields (LinkEvent), filled by the one place that posts it; which fields an
// event uses is listed by its number. Posting allocates nothing. A leaf module: the numbers are inlined.

/** The state was just entered (go()): start what it waits for. No fields. */
export const EV_ENTER = 1;
/** The state is being left (go()): stop what enter started beyond timers and commands (go() stops those). */
export const EV_LEAVE = 2;
/** A timer of the state fired: `id` = slot (T_*). */
export const EV_TIMER = 3;
/** An AT command of the state finished: `id` = the state's command id, `code` = AT_*, `err` = the module's error number, `text` = first intermediate line. */
export const EV_AT = 4;
/** +CTM2M: <op>,<status>[,<d1>,<d2>]: `id` = OP_*, `code` = status, `d1`, `d2` (-1 when absent). */
export const EV_NOTICE = 5;
/** +CTM2MRECV: `text` = the hex. */
export const EV_DOWNLINK = 6;
/** +CPIN: <value> not asked for: `code` = CPIN_*. */
export const EV_CPIN = 7;
/** +CPSMSTATUS: `code` = 1 entered PSM, 0 left it. */
export const EV_PSM = 8;
/** Evidence of a module reboot (RDY, +CFUN: 1, *MATREADY, an echo after ATE0): `text` = the evidence. */
export const EV_REBOOT = 9;
/** NORMAL POWER DOWN / UNDER-VOLTAGE POWER DOWN not asked for: `text` = the line. */
export const EV_POWER_DOWN = 10;
/** UNDER-VOLTAGE WARNNING (sic): the supply sags under NB-IoT transmit peaks. `text` = the line. */
export const EV_UNDERVOLTAGE = 11;
/** The data path has something new to send. */
export const EV_UPLINK = 12;
/** Start bring-up: `code` = START_* options. */
export const EV_START = 13;
/** Deregister and power the module off (`code` 0), or power-cycle it and bring it up again (`code` 1). */
export const EV_STOP = 14;

/** Start option: woken from our own deep sleep; the module kept its session through PSM. */
export const START_WARM = 1;

// Timer slots. The first three belong to the current state and are stopped by go(); the supervisor's
// outlives states.
export const T_STATE = 0;
export const T_AUX = 1;
export const T_DATA = 2;
export const T_SUPERVISOR = 3;
/** Link.fail()'s `waitMs`: the current step failed. */
export const FAIL_STEP = -1;
/** Link.fail()'s `waitMs`: a recovery from Ready, not a step's failure: the retry table's next delay. */
export const FAIL_RECOVERY = -2;
/** Link.forget(): the module is gone (rebooted, powered down, switched off): what it knew, its command. */
export const FORGET_MODULE = 0;
/** Link.forget(): the MCU is going away (reset, deep sleep): also every timer, and the machine stops. */
export const FORGET_ALL = 1;
/** setTimer(slot, T_CLEAR) stops the slot's timer. */
export const T_CLEAR = -1;

// go() options: how the next state is entered (a state's start options, never shared scratch).
/** PowerOn: pulse even without STATUS evidence that the module is off. */
export const OPT_FORCE_PULSE = 1;
/** AepInit: write AT+CTM2MINIT even if the saved values look right (after reg,13 or error 1). */
export const OPT_FORCE_INIT = 2;
/** Shutdown: bring the module up again afterwards (a requested module reboot). */
export const OPT_REBOOT = 8;
/** Deregistering passes this on to its next state: INIT was refused once already for a live session. */
export const OPT_AFTER_DEREG = 16;

// What the link tells its owner (LinkOwner.linkEvent): a kind, two numbers and a text. One method for
// all four, not four: on the device every function costs RAM, its body none.
/** A state change: `a` = from, `b` = to, `text` = the reason. */
export const LE_STATE = 0;
/** The platform confirmed uplink `a` (CON: ACK; NON: sent). */
export const LE_DELIVERED = 1;
/** Uplink `a` was dropped: the module refused it, or the platform rejected it three times (set aside); `text` = why. */
export const LE_DROPPED = 2;
/**
 * Uplink `a` is being moved behind the queue as `b` (RST three times, or a strike; set aside in Uplink.confirmed). Said
 * before the copy is queued; when it cannot be, LE_DROPPED for `a` follows.
 */
export const LE_REQUEUED = 3;

export interface LinkEvent {
  type: number;
  id: number;
  code: number;
  err: number;
  d1: number;
  d2: number;
  text: string;
}
