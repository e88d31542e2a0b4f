// Bring-up states: power, AT sync, configuration, SIM, attach, APN fix, and the retry wait.
// Each enter() starts what the state waits for; go() stops it on exit (timers, commands).

import { AT_CME_ERROR, AT_OK, atResultText } from "../at/result";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import * as C from "../sim7020/commands";
import { apnMatches, cgcontrdpBody, contrdpApn, contrdpIp, CPIN_NOT_READY, CPIN_READY, digitsLine, isRegistered, parseApnRead, parseCgact, parseCopsOperator, parseCpin, parseCpsms, parseCsq, parseIpr, parseRegStat, rssiToDbm } from "../sim7020/parse";
import { cmdPsmOn, CMD_PSM_OFF, encodeActive, encodeTau } from "../sim7020/psm";
import { handleCommon } from "./common";
import { EV_AT, EV_CPIN, EV_START, EV_TIMER } from "./events";
import { T_AUX, T_STATE, type Link, type StateDef } from "./machine";
import { SCRIPT_DONE, SCRIPT_FAILED, scriptResult, scriptStart, stepName, STEP_FAIL, STEP_NEXT, type Step } from "./script";
import { S_AEP_INIT, S_APN_FIX, S_AWAIT_ATTACH, S_AWAIT_SIM, S_CONFIGURE, S_POWER_ON, S_REGISTERING, S_SYNC } from "./states";
import { countCode } from "./stats";

/** PWRKEY pulse lengths and waits from the hardware design guide. */
export const PWRKEY_ON_MS = 800;
export const PWRKEY_OFF_MS = 1000;
export const UART_READY_MS = 2000;
export const OFF_BEFORE_ON_MS = 5500;
const SYNC_TRIES = 10;
/**
 * After an MCU reset the module may still be answering the previous instance's command (we cannot
 * know): keep quiet this long before the first AT, so the two never overlap. Not after our own deep
 * sleep (we only sleep when nothing is in flight).
 */
export const BOOT_QUIET_MS = 2500;
const SYNC_GAP_MS = 500;
const SIM_POLL_MS = 2000;
const SIM_WAIT_MS = 30000;
const ATTACH_POLL_FAST_MS = 2000;
const ATTACH_POLL_SLOW_MS = 5000;
const PDN_POLLS = 10;
const CPIN_AFTER_CFUN_MS = 30000;
const RESET_WAIT_MS = 10000;

const CMD_SYNC = 1;
const CMD_CPIN = 2;
const CMD_CIMI = 3;
const CMD_CSQ = 4;
const CMD_CGREG = 5;
const CMD_CEREG = 6;
const CMD_CGACT = 7;
const CMD_COPS = 8;
const CMD_CGCONTRDP = 9;
const CMD_RESET = 10;

function isTimer(m: Link, ev: number, a: number, b: number, slot: number): boolean {
  return ev === EV_TIMER && a === slot && m.timerIsLive(slot, b);
}

function noop(): void {}

// ---- Off ---------------------------------------------------------------------------------------------

export const Off: StateDef = {
  enter: function (m) {
    m.ports.pins.pwrkey(false);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_START) {
      m.stopRequested = false;
      m.go(S_POWER_ON, "start");
    } else handleCommon(m, ev, a, s);
  },
};

// ---- PowerCycle: off pulse (or AT+CRESET without PWRKEY), the mandatory wait, then on ----------------

export const PowerCycle: StateDef = {
  enter: function (m) {
    m.stats.powerCycles++;
    if (!m.cfg.hasPwrkey) {
      // Nothing to pull: ask the module to reset itself. It may still owe an answer to the command in
      // flight: the engine holds AT+CRESET until then (resetting it now would put two in flight).
      m.log(LOG_WARN, "no PWRKEY wired: resetting with AT+CRESET");
      m.echoOff = false;
      m.send(C.CMD_CRESET, C.AT_PLAIN, CMD_RESET);
      m.setTimer(T_STATE, RESET_WAIT_MS);
      m.step = 2;
      return;
    }
    m.forgetModule(); // PWRKEY will switch it off: nothing in flight will be answered
    if (m.cfg.hasStatus && m.ports.pins.status() === 0) {
      m.step = 1; // already off: just respect the off time
      m.noteOff();
      m.setTimer(T_STATE, OFF_BEFORE_ON_MS);
      return;
    }
    m.ports.pins.pwrkey(true);
    m.setTimer(T_STATE, PWRKEY_OFF_MS);
  },
  leave: function (m) {
    m.ports.pins.pwrkey(false);
  },
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT) return; // AT+CRESET: answered or not, the wait decides
    if (isTimer(m, ev, a, b, T_STATE)) {
      if (m.step === 0) {
        m.ports.pins.pwrkey(false);
        m.noteOff();
        m.step = 1;
        m.setTimer(T_STATE, OFF_BEFORE_ON_MS);
      } else if (m.step === 1) {
        // Without STATUS we cannot tell on from off; Sync finds out and pulses once if nobody answers.
        if (m.cfg.hasStatus) m.go(S_POWER_ON, "power-cycle: on again");
        else {
          m.blindPulseTried = false;
          m.go(S_SYNC, "power-cycle: probing");
        }
      } else {
        m.forgetModule(); // whatever it was saying before the reset is gone
        m.go(S_SYNC, "after AT+CRESET");
      }
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- PowerOn: PWRKEY pulse when the module is off, then give the UART its 2 s ----------------------

export const PowerOn: StateDef = {
  enter: function (m) {
    const pins = m.ports.pins;
    const force = m.forcePulse;
    m.forcePulse = false;
    if (!m.cfg.hasPwrkey) {
      m.go(S_SYNC, "no PWRKEY wired");
      return;
    }
    const status = pins.status();
    if (!force && (status === 1 || status < 0)) {
      // Running, or unknown (no STATUS wire): a blind pulse could switch a running module off.
      m.go(S_SYNC, status === 1 ? "STATUS high" : "no STATUS wired");
      return;
    }
    // The guide wants 5 s between power-off and the next power-on. When we did not see it go off (MCU
    // reset, power-down notice just now) we cannot know how long ago it was: wait the whole time.
    const waitMs = m.offAtMs < 0 ? OFF_BEFORE_ON_MS : m.offAtMs + OFF_BEFORE_ON_MS - m.now();
    if (waitMs > 0) {
      m.step = 0;
      m.setTimer(T_STATE, waitMs);
      return;
    }
    pulseOn(m);
  },
  leave: function (m) {
    m.ports.pins.pwrkey(false);
  },
  handle: function (m, ev, a, b, c, d, s) {
    if (isTimer(m, ev, a, b, T_STATE)) {
      if (m.step === 0) pulseOn(m);
      else if (m.step === 1) {
        m.ports.pins.pwrkey(false);
        m.step = 2;
        m.setTimer(T_STATE, UART_READY_MS);
      } else m.go(S_SYNC, "powered on");
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

function pulseOn(m: Link): void {
  m.step = 1;
  m.ports.pins.pwrkey(true);
  m.setTimer(T_STATE, PWRKEY_ON_MS);
}

// ---- Sync: AT until OK (auto-baud locks on it; the first may also just wake the UART) --------------

export const Sync: StateDef = {
  enter: function (m) {
    m.echoOff = false;
    if (!m.bootQuietDone) {
      m.bootQuietDone = true;
      if (!m.warm) {
        m.setTimer(T_STATE, BOOT_QUIET_MS);
        return;
      }
    }
    m.send(C.CMD_AT, C.AT_SYNC, CMD_SYNC);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && a === CMD_SYNC) {
      if (b === AT_OK) {
        m.go(S_CONFIGURE, "AT answered");
        return;
      }
      if (++m.polls < SYNC_TRIES) {
        m.setTimer(T_STATE, SYNC_GAP_MS);
        return;
      }
      if (m.cfg.hasPwrkey && !m.cfg.hasStatus && !m.blindPulseTried) {
        // No STATUS wire: silence most likely means the module is off. One on-pulse, then try again.
        m.blindPulseTried = true;
        m.forcePulse = true;
        m.go(S_POWER_ON, "no answer to AT: pulsing PWRKEY");
        return;
      }
      countCode(m.stats, "sync");
      m.fail("module does not answer AT", false);
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      m.send(C.CMD_AT, C.AT_SYNC, CMD_SYNC);
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- Configure: echo off, numeric errors, identity, PSM, the saved APN ------------------------------

// Declared before the tables that use them: the device does not hoist function declarations.
function optional(m: Link, code: number, errNo: number): number {
  if (code !== AT_OK) m.log(LOG_WARN, "step refused: " + atResultText(code, errNo));
  return STEP_NEXT;
}

function lineList(m: Link): string[] {
  const out: string[] = [];
  for (let i = 0; i < m.lineCount(); i++) out.push(m.line(i));
  return out;
}

function psmWanted(m: Link): boolean {
  return m.cfg.psm.enabled;
}

const CONFIGURE: Step[] = [
  {
    cmd: C.CMD_ECHO_OFF,
    spec: C.AT_PLAIN,
    done: function (m, code) {
      if (code !== AT_OK) return STEP_FAIL;
      m.echoOff = true;
      return STEP_NEXT;
    },
  },
  { cmd: C.CMD_CMEE_NUMERIC, spec: C.AT_PLAIN },
  {
    cmd: C.CMD_CGSN,
    spec: C.CGSN,
    when: function (m) {
      return m.imei === "";
    },
    done: function (m, code) {
      if (code === AT_OK) {
        m.imei = digitsLine(lineList(m), "+CGSN:");
        m.log(LOG_INFO, "IMEI " + (m.imei || "unreadable") + " (the endpoint name on AEP is built from it)");
      }
      return STEP_NEXT;
    },
  },
  { cmd: C.CMD_PSM_NOTICES_ON, spec: C.AT_PLAIN, when: psmWanted, done: optional },
  {
    // A fixed rate makes the module print RDY at boot (reboot evidence) and is advised before PSM.
    cmd: C.CMD_IPR_READ,
    spec: C.IPR_READ,
    when: psmWanted,
    done: function (m, code, errNo, line) {
      m.iprFixed = code === AT_OK && parseIpr(line) > 0;
      return STEP_NEXT;
    },
  },
  {
    cmd: function (m) {
      return C.cmdIprWrite(m.cfg.baud);
    },
    spec: C.AT_PLAIN,
    when: function (m) {
      return psmWanted(m) && !m.iprFixed && m.cfg.baud > 0;
    },
    done: optional,
  },
  {
    cmd: C.CMD_CPSMS_READ,
    spec: C.CPSMS_READ,
    done: function (m, code, errNo, line) {
      const cur = code === AT_OK ? parseCpsms(line) : undefined;
      const psm = m.cfg.psm;
      if (!cur) m.psmWrite = psm.enabled;
      else if (!psm.enabled) m.psmWrite = cur.mode !== 0;
      else m.psmWrite = cur.mode !== 1 || cur.tau !== encodeTau(psm.tauS) || cur.active !== encodeActive(psm.activeS);
      return STEP_NEXT;
    },
  },
  {
    cmd: function (m) {
      return m.cfg.psm.enabled ? cmdPsmOn(m.cfg.psm.tauS, m.cfg.psm.activeS) : CMD_PSM_OFF;
    },
    spec: C.AT_PLAIN,
    when: function (m) {
      return m.psmWrite;
    },
    done: function (m, code, errNo) {
      if (code !== AT_OK) m.log(LOG_WARN, "AT+CPSMS refused: " + atResultText(code, errNo));
      return STEP_NEXT;
    },
  },
  {
    cmd: C.CMD_APN_READ,
    spec: C.APN_READ,
    done: function (m, code, errNo, line) {
      m.apnSaved = code === AT_OK ? parseApnRead(line) : undefined;
      if (code !== AT_OK) m.apnPlus = true;
      return STEP_NEXT;
    },
  },
  {
    cmd: C.CMD_APN_READ_PLUS,
    spec: C.APN_READ_PLUS,
    when: function (m) {
      return m.apnSaved === undefined && m.apnPlus;
    },
    done: function (m, code, errNo, line) {
      if (code === AT_OK) m.apnSaved = parseApnRead(line);
      return STEP_NEXT;
    },
  },
];

/**
 * After our own deep sleep the module kept everything: echo and error format, the signal for the
 * report, then straight to the session.
 */
const CONFIGURE_WARM: Step[] = [
  CONFIGURE[0],
  CONFIGURE[1],
  {
    cmd: C.CMD_CSQ,
    spec: C.CSQ,
    done: function (m, code, errNo, line) {
      if (code === AT_OK && parseCsq(line) >= 0) m.rssi = parseCsq(line);
      return STEP_NEXT;
    },
  },
];

export const Configure: StateDef = {
  enter: function (m) {
    m.apnSaved = undefined;
    m.apnPlus = false;
    m.psmWrite = false;
    scriptStart(m, m.warm ? CONFIGURE_WARM : CONFIGURE);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && m.warm) {
      const r = scriptResult(m, CONFIGURE_WARM, b, c, s);
      if (r === SCRIPT_FAILED) {
        m.warm = false;
        m.go(S_CONFIGURE, "warm start failed; full bring-up");
      } else if (r === SCRIPT_DONE) m.go(S_REGISTERING, "warm start: checking the session");
      return;
    }
    if (ev === EV_AT) {
      const r = scriptResult(m, CONFIGURE, b, c, s);
      if (r === SCRIPT_FAILED) {
        countCode(m.stats, "configure");
        m.fail("configure: " + stepName(m, CONFIGURE) + " " + atResultText(b, c), false);
      } else if (r === SCRIPT_DONE) {
        const saved = m.apnSaved;
        if (saved !== undefined && saved.toLowerCase() !== m.cfg.apn.toLowerCase() && m.apnFixes === 0) {
          m.go(S_APN_FIX, "saved APN \"" + saved + "\" is not \"" + m.cfg.apn + "\"");
        } else m.go(S_AWAIT_SIM, "configured");
      }
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- ApnFix: the application note's section 4.2 -----------------------------------------------------

const APN_FIX: Step[] = [
  { cmd: C.CMD_CFUN_OFF, spec: C.CFUN },
  {
    cmd: function (m) {
      return C.cmdApnWrite(m.cfg.apn, false);
    },
    spec: C.AT_PLAIN,
    done: function (m, code) {
      // The manual's spelling first; firmware that only knows the note's spelling answers ERROR.
      m.apnWritten = code === AT_OK;
      if (!m.apnWritten) m.apnPlus = true;
      return STEP_NEXT;
    },
  },
  {
    cmd: function (m) {
      return C.cmdApnWrite(m.cfg.apn, true);
    },
    spec: C.AT_PLAIN,
    when: function (m) {
      return !m.apnWritten;
    },
    done: function (m, code, errNo) {
      m.apnWritten = code === AT_OK;
      if (!m.apnWritten) m.log(LOG_ERROR, "the module refused both APN commands: " + atResultText(code, errNo));
      return STEP_NEXT; // the radio must come back on either way
    },
  },
  { cmd: C.CMD_CFUN_ON, spec: C.CFUN },
];

export const ApnFix: StateDef = {
  enter: function (m) {
    m.apnFixes++;
    m.stats.apnFixes++;
    m.cpinReady = false;
    m.apnWritten = false;
    m.log(LOG_WARN, "setting APN \"" + m.cfg.apn + "\" (CFUN=0, APN, CFUN=1)");
    scriptStart(m, APN_FIX);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT) {
      const r = scriptResult(m, APN_FIX, b, c, s);
      if (r === SCRIPT_FAILED) m.fail("APN fix: " + stepName(m, APN_FIX) + " " + atResultText(b, c), false);
      else if (r === SCRIPT_DONE) {
        if (m.cpinReady) m.go(S_AWAIT_SIM, "radio back on");
        else m.setTimer(T_STATE, CPIN_AFTER_CFUN_MS);
      }
      return;
    }
    if (ev === EV_CPIN) {
      if (a === CPIN_READY) {
        m.cpinReady = true;
        if (!m.at.busy() && m.timerRunning(T_STATE)) m.go(S_AWAIT_SIM, "radio back on");
      }
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      m.go(S_AWAIT_SIM, "no +CPIN: READY after CFUN=1; asking");
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- AwaitSim: AT+CPIN? until READY; no SIM is reported and retried slowly ---------------------------

export const AwaitSim: StateDef = {
  enter: function (m) {
    m.send(C.CMD_CPIN, C.CPIN, CMD_CPIN);
    m.setTimer(T_AUX, SIM_WAIT_MS);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && a === CMD_CPIN) {
      const v = b === AT_OK ? parseCpin(s) : -1;
      if (v === CPIN_READY) {
        if (m.imsi === "") m.send(C.CMD_CIMI, C.CIMI, CMD_CIMI);
        else m.go(S_AWAIT_ATTACH, "SIM ready");
        return;
      }
      if (b === AT_CME_ERROR && c === 10) {
        countCode(m.stats, "cme10");
        m.log(LOG_ERROR, "no SIM card (+CME ERROR: 10): insert one; retrying slowly");
        m.fail("no SIM", true);
        return;
      }
      if (v >= 0 && v !== CPIN_NOT_READY) {
        countCode(m.stats, "simlocked");
        m.log(LOG_ERROR, "SIM needs a PIN/PUK (" + s + "): this firmware cannot unlock it");
        m.fail("SIM locked", true);
        return;
      }
      m.setTimer(T_STATE, SIM_POLL_MS);
      return;
    }
    if (ev === EV_AT && a === CMD_CIMI) {
      m.imsi = b === AT_OK ? digitsLine(lineList(m), "+CIMI:") : "";
      m.log(LOG_INFO, "IMSI " + (m.imsi || "unreadable"));
      m.go(S_AWAIT_ATTACH, "SIM ready");
      return;
    }
    if (ev === EV_CPIN) {
      if (a === CPIN_READY && !m.at.busy()) m.send(C.CMD_CPIN, C.CPIN, CMD_CPIN);
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      m.send(C.CMD_CPIN, C.CPIN, CMD_CPIN);
      return;
    }
    if (isTimer(m, ev, a, b, T_AUX)) {
      countCode(m.stats, "simtimeout");
      m.fail("SIM not ready in " + SIM_WAIT_MS / 1000 + " s", false);
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- AwaitAttach: signal and PS attach, then the PDN; operator, APN and IP are logged ---------------

function pollAttach(m: Link): void {
  m.step = 0;
  m.send(C.CMD_CSQ, C.CSQ, CMD_CSQ);
  m.send(C.CMD_CGREG, C.CGREG, CMD_CGREG);
}

function nextPoll(m: Link): void {
  m.polls++;
  m.setTimer(T_STATE, m.now() - m.attachStartMs < 30000 ? ATTACH_POLL_FAST_MS : ATTACH_POLL_SLOW_MS);
}

function attached(m: Link): void {
  m.step = 1;
  m.polls = 0;
  m.send(C.CMD_CGACT, C.CGACT, CMD_CGACT);
}

export const AwaitAttach: StateDef = {
  enter: function (m) {
    m.attachStartMs = m.now();
    m.deniedLogged = false;
    m.setTimer(T_AUX, m.cfg.attachTimeoutS * 1000);
    pollAttach(m);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT) {
      if (a === CMD_CSQ) {
        if (b === AT_OK) m.rssi = parseCsq(s);
        return;
      }
      if (a === CMD_CGREG || a === CMD_CEREG) {
        const stat = b === AT_OK ? parseRegStat(s, a === CMD_CGREG ? "+CGREG:" : "+CEREG:") : -1;
        if (isRegistered(stat)) {
          m.log(LOG_INFO, "attached (" + (stat === 5 ? "roaming" : "home") + "), rssi " + m.rssi + " (" + rssiToDbm(m.rssi) + " dBm)");
          attached(m);
        } else if (a === CMD_CGREG) {
          m.send(C.CMD_CEREG, C.CEREG, CMD_CEREG); // NB-IoT is EPS: CEREG may know better
        } else {
          if (stat === 3 && !m.deniedLogged) {
            m.deniedLogged = true;
            m.log(LOG_WARN, "network denied registration (stat 3): wrong APN or SIM not provisioned for NB-IoT?");
          }
          nextPoll(m);
        }
        return;
      }
      if (a === CMD_CGACT) {
        if (b === AT_OK && parseCgact(s) === 1) {
          m.send(C.CMD_COPS, C.COPS, CMD_COPS);
        } else if (++m.polls < PDN_POLLS) m.setTimer(T_STATE, ATTACH_POLL_FAST_MS);
        else {
          countCode(m.stats, "pdn");
          m.fail("PDN not active", false);
        }
        return;
      }
      if (a === CMD_COPS) {
        if (b === AT_OK) m.operator = parseCopsOperator(s);
        m.send(C.CMD_CGCONTRDP, C.CGCONTRDP, CMD_CGCONTRDP);
        return;
      }
      if (a === CMD_CGCONTRDP) {
        const body = b === AT_OK ? cgcontrdpBody(lineList(m)) : "";
        m.networkApn = contrdpApn(body);
        m.ip = contrdpIp(body);
        m.log(LOG_INFO, "network: operator " + (m.operator || "?") + ", APN " + (m.networkApn || "?") + ", IP " + (m.ip || "?"));
        if (m.networkApn !== "" && !apnMatches(m.cfg.apn, m.networkApn) && m.apnFixes === 0) {
          m.go(S_APN_FIX, "network APN \"" + m.networkApn + "\" is not \"" + m.cfg.apn + "\"");
          return;
        }
        if (m.networkApn !== "" && !apnMatches(m.cfg.apn, m.networkApn)) m.log(LOG_WARN, "network APN still differs after the APN fix; going on");
        m.go(S_AEP_INIT, "PDN active");
        return;
      }
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      if (m.step === 0) pollAttach(m);
      else m.send(C.CMD_CGACT, C.CGACT, CMD_CGACT);
      return;
    }
    if (isTimer(m, ev, a, b, T_AUX)) {
      countCode(m.stats, "attach");
      if (m.apnFixes === 0) m.go(S_APN_FIX, "no attach in " + m.cfg.attachTimeoutS + " s");
      else m.fail("no attach in " + m.cfg.attachTimeoutS + " s", false);
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- RetryWait: the jittered delay before retrying a failed step -------------------------------------

export const RetryWait: StateDef = {
  enter: function (m) {
    m.log(m.retryLong ? LOG_ERROR : LOG_WARN, "retry in " + Math.round(m.retryDelayMs / 1000) + " s (failure " + m.failures + ", " + m.stepFailures + " in a row at this step)");
    m.setTimer(T_STATE, m.retryDelayMs);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (isTimer(m, ev, a, b, T_STATE)) {
      m.go(m.retryTarget, "retry");
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

export { isTimer, noop, lineList };
