// State numbers and names. The order is the bring-up order: a higher number is further along, which
// the liveness supervisor uses to tell progress from going round in circles.

export const S_OFF = 0;
export const S_POWER_CYCLE = 1; // module off for the mandatory 5 s, then PWRKEY on
export const S_POWER_ON = 2; // PWRKEY pulse when STATUS says off; UART ready ~2 s later
export const S_SYNC = 3; // AT until OK (auto-baud)
export const S_CONFIGURE = 4; // ATE0, CMEE, identity, PSM, saved APN
export const S_APN_FIX = 5; // CFUN=0, APN, CFUN=1, wait +CPIN: READY
export const S_AWAIT_SIM = 6; // AT+CPIN? until READY
export const S_AWAIT_ATTACH = 7; // CSQ + CGREG/CEREG until registered, CGACT until the PDN is up
export const S_AEP_INIT = 8; // AT+CTM2MINIT? and a write only when it differs
export const S_REGISTERING = 9; // AT+CTM2MREG?, AT+CTM2MREG, wait reg,0 and obsrv,0
export const S_DEREGISTERING = 10; // AT+CTM2MDEREG, wait dereg (after lwstatus, before re-INIT)
export const S_READY = 11; // registered and observed: the data path sends
export const S_RETRY_WAIT = 12; // a jittered delay before retrying a failed step
export const S_PAUSED = 13; // the platform disabled the device (plat notice / error 7)
export const S_SHUTDOWN = 14; // deregister and power off on request

export const STATE_NAMES = [
  "Off",
  "PowerCycle",
  "PowerOn",
  "Sync",
  "Configure",
  "ApnFix",
  "AwaitSim",
  "AwaitAttach",
  "AepInit",
  "Registering",
  "Deregistering",
  "Ready",
  "RetryWait",
  "Paused",
  "Shutdown",
];

/** How far along bring-up a state is (for the supervisor); waits and side paths rank 0. */
export function stageOf(state: number): number {
  return state >= S_SYNC && state <= S_READY && state !== S_DEREGISTERING ? state : 0;
}
