// State numbers and names. Each state is a wait, named for what the machine waits for. From S_SYNC on
// the order is the bring-up order: a higher number is further along, which the liveness supervisor uses
// to tell progress from going round in circles.

export const S_OFF = 0;
/** Deregister, then AT+CPOWD=1 or the PWRKEY off pulse, on request (stop, or a module reboot). */
export const S_SHUTDOWN = 1;
/** No PWRKEY wired: AT+CRESET, then the module's boot time. */
export const S_RESETTING = 2;
/** PWRKEY held for the off pulse (1 s). */
export const S_POWER_OFF = 3;
/** The 5 s the hardware guide wants between power-off and the next power-on. */
export const S_OFF_WAIT = 4;
/** PWRKEY held for the on pulse (800 ms). */
export const S_POWER_ON = 5;
/** The 2 s until the UART is ready after power-on. */
export const S_BOOT_WAIT = 6;
/** After an MCU reset: quiet before the first AT, in case the module still answers the old instance. */
export const S_QUIET = 7;
/** A jittered delay before retrying a failed step (or before a recovery from Ready). */
export const S_RETRY_WAIT = 8;
/** The platform disabled the device (plat notice / error 7): wait for its end notice or the timeout. */
export const S_PAUSED = 9;
/** AT until OK (auto-baud locks on it). */
export const S_SYNC = 10;
/** ATE0, CMEE, identity, PSM, the saved APN (a script). */
export const S_CONFIGURE = 11;
/** CFUN=0, APN, CFUN=1 (a script), then +CPIN: READY. */
export const S_APN_FIX = 12;
/** AT+CPIN? until READY (and the IMSI once). */
export const S_AWAIT_SIM = 13;
/** CSQ + CGREG/CEREG until registered on the network. */
export const S_AWAIT_ATTACH = 14;
/** CGACT until the PDN is up, then operator, APN and IP. */
export const S_AWAIT_PDN = 15;
/** AT+CTM2MINIT? and a write only when it differs. */
export const S_AEP_INIT = 16;
/** AT+CTM2MDEREG and its dereg notice (after lwstatus, before INIT, before a fresh registration). */
export const S_DEREGISTERING = 17;
/** AT+CTM2MREG?: is there a session already? */
export const S_REG_CHECK = 18;
/** AT+CTM2MREG and its reg result. */
export const S_REGISTERING = 19;
/** Registered: the platform's observe (obsrv,0, or AT+CTM2MREG? saying 3). */
export const S_AWAIT_OBSERVE = 20;
/** Registered and observed: the data path sends. */
export const S_READY = 21;

export function stateName(s: number): string {
  switch (s) {
    case S_OFF:
      return "Off";
    case S_SHUTDOWN:
      return "Shutdown";
    case S_RESETTING:
      return "Resetting";
    case S_POWER_OFF:
      return "PowerOff";
    case S_OFF_WAIT:
      return "OffWait";
    case S_POWER_ON:
      return "PowerOn";
    case S_BOOT_WAIT:
      return "BootWait";
    case S_QUIET:
      return "Quiet";
    case S_RETRY_WAIT:
      return "RetryWait";
    case S_PAUSED:
      return "Paused";
    case S_SYNC:
      return "Sync";
    case S_CONFIGURE:
      return "Configure";
    case S_APN_FIX:
      return "ApnFix";
    case S_AWAIT_SIM:
      return "AwaitSim";
    case S_AWAIT_ATTACH:
      return "AwaitAttach";
    case S_AWAIT_PDN:
      return "AwaitPdn";
    case S_AEP_INIT:
      return "AepInit";
    case S_DEREGISTERING:
      return "Deregistering";
    case S_REG_CHECK:
      return "RegCheck";
    case S_REGISTERING:
      return "Registering";
    case S_AWAIT_OBSERVE:
      return "AwaitObserve";
  }
  return "Ready";
}

/** How far along bring-up a state is (for the supervisor); waits and side paths rank 0. */
export function stageOf(state: number): number {
  return state >= S_SYNC && state !== S_DEREGISTERING ? state : 0;
}
