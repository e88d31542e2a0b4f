// AEP session states: init, register, deregister, ready (the data path runs here), paused by the
// platform, and shutdown. Reactions to every reg result and CTM2MREG error follow the note's tables.

import * as A from "../aep/ctm2m";
import { AT_CTM2M_ERROR, AT_OK, atResultText } from "../at/result";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import * as C from "../sim7020/commands";
import { parseCsq } from "../sim7020/parse";
import { isTimer, noop, OFF_BEFORE_ON_MS, PWRKEY_OFF_MS } from "./bringup";
import { handleCommon } from "./common";
import { EV_AT, EV_CTM2M, EV_PSM, EV_TIMER, EV_UPLINK } from "./events";
import { T_DATA, T_STATE, type Link, type StateDef } from "./machine";
import { S_AEP_INIT, S_AWAIT_SIM, S_CONFIGURE, S_DEREGISTERING, S_OFF, S_PAUSED, S_POWER_ON, S_READY, S_REGISTERING, S_SYNC } from "./states";
import { countCode } from "./stats";
import { DP_CHECK_SESSION, DP_NONE, DP_PAUSE, DP_REREGISTER, DP_RESTART_SESSION } from "./types";

const CMD_DEREG = 20;
const CMD_INIT_READ = 21;
const CMD_INIT = 22;
const CMD_REG_READ = 23;
const CMD_REG = 24;
const CMD_UPDATE = 25;
const CMD_CPOWD = 26;
const CMD_CRESET = 27;
const CMD_CSQ = 28;

const DEREG_WAIT_MS = 15000;
const REG_RESULT_MS = 90000;
/** Some firmware prints no obsrv,0 (the note's section 5 shows none): ask AT+CTM2MREG? meanwhile. */
const OBSRV_POLL_MS = 5000;
const OBSRV_WAIT_MS = 60000;
const REG_STATE_POLL_MS = 5000;
/** Ready re-reads AT+CTM2MREG? this often (a local query: no radio traffic) unless PSM is on. */
export const READY_CHECK_MS = 15 * 60 * 1000;
const PAUSE_DEFAULT_S = 600;
const PAUSE_MIN_S = 60;
const PAUSE_MAX_S = 86400;

// ---- AepInit: read the saved parameters; write only what differs (the module saves them in flash) ----

function initRead(m: Link): void {
  m.step = 2;
  m.send(A.CMD_INIT_READ, A.CTM2MINIT_READ, CMD_INIT_READ);
}

export const AepInit: StateDef = {
  enter: function (m) {
    if (m.needDereg) {
      m.step = 0;
      m.send(A.CMD_DEREG, A.CTM2MDEREG, CMD_DEREG);
    } else initRead(m);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && a === CMD_DEREG) {
      m.needDereg = false;
      if (b === AT_OK) {
        m.step = 1;
        m.setTimer(T_STATE, DEREG_WAIT_MS);
      } else initRead(m); // 4: not connected — nothing to tear down
      return;
    }
    if (ev === EV_CTM2M && a === A.OP_DEREG && m.step === 1) {
      m.clearTimer(T_STATE);
      initRead(m);
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      initRead(m);
      return;
    }
    if (ev === EV_AT && a === CMD_INIT_READ) {
      const want = A.initSignature(m.cfg.init);
      const have = b === AT_OK ? A.parseInitRead(s) : "";
      if (have === want && !m.forceInit) {
        m.go(S_REGISTERING, "AEP parameters already saved");
        return;
      }
      m.log(LOG_INFO, "writing AEP parameters (module has \"" + have + "\")");
      m.step = 3;
      m.send(A.cmdInit(m.cfg.init), A.CTM2MINIT_WRITE, CMD_INIT);
      return;
    }
    if (ev === EV_AT && a === CMD_INIT) {
      if (b === AT_OK) {
        m.forceInit = false;
        m.go(S_REGISTERING, "AEP parameters written");
      } else if (b === AT_CTM2M_ERROR && c === A.E_SESSION_ACTIVE && m.polls++ === 0) {
        m.needDereg = true; // INIT is refused while a session is up: deregister first
        AepInit.enter(m);
      } else if (b === AT_CTM2M_ERROR && (c === A.E_PARAM_COUNT || c === A.E_PARAM_VALUE)) {
        countCode(m.stats, "ctm2m" + c);
        m.log(LOG_ERROR, "the module refused the AEP parameters (" + A.ctm2mErrorText(c) + "): check aep.* in the configuration");
        m.fail("AEP init refused", true);
      } else {
        countCode(m.stats, b === AT_CTM2M_ERROR ? "ctm2m" + c : "init");
        m.fail("AEP init: " + atResultText(b, c), false);
      }
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- Registering: AT+CTM2MREG?, then AT+CTM2MREG, then reg,0 and obsrv,0 ----------------------------

function regRead(m: Link): void {
  m.step = 0;
  m.send(A.CMD_REG_READ, A.CTM2MREG_READ, CMD_REG_READ);
}

function regSend(m: Link): void {
  m.step = 1;
  m.send(A.CMD_REG, A.CTM2MREG, CMD_REG);
}

function awaitObserve(m: Link): void {
  m.step = 3;
  m.sinceMs = m.now();
  m.setTimer(T_STATE, OBSRV_POLL_MS);
}

function deregFirst(m: Link): void {
  m.step = 4;
  m.send(A.CMD_DEREG, A.CTM2MDEREG, CMD_DEREG);
}

function regFailed(m: Link, n: number): void {
  m.stats.regFailures++;
  countCode(m.stats, "reg" + n);
  const why = "registration failed: reg," + n + " " + A.regResultText(n);
  if (n === A.REG_AUTH_REJECTED || n === A.REG_BAD_ENDPOINT) {
    m.log(LOG_ERROR, why);
    m.forceInit = n === A.REG_AUTH_REJECTED; // a changed PSK is only seen by writing INIT again
    m.fail(why, true);
  } else m.fail(why, false);
}

export const Registering: StateDef = {
  enter: function (m) {
    regRead(m);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && a === CMD_REG_READ) {
      const st = b === AT_OK ? A.parseRegState(s) : -1;
      if (m.warm && st !== A.REG_STATE_OBSERVED) {
        m.warm = false;
        m.go(S_CONFIGURE, "warm start: no session (state " + st + "); full bring-up");
        return;
      }
      if (st === A.REG_STATE_OBSERVED) m.go(S_READY, m.step === 3 ? "registered and observed" : "session already up");
      else if (st === A.REG_STATE_CONNECTED) {
        if (m.step !== 3) awaitObserve(m);
        else if (m.now() - m.sinceMs >= OBSRV_WAIT_MS) deregFirst(m); // connected but never observed: start clean
        else m.setTimer(T_STATE, OBSRV_POLL_MS);
      } else if (st === A.REG_STATE_CONNECTING) {
        m.step = 2;
        m.setTimer(T_STATE, REG_RESULT_MS);
      } else if (st === A.REG_STATE_DISCONNECTING) {
        m.step = 5;
        m.setTimer(T_STATE, REG_STATE_POLL_MS);
      } else regSend(m);
      return;
    }
    if (ev === EV_AT && a === CMD_REG) {
      if (b === AT_OK) {
        m.step = 2;
        m.setTimer(T_STATE, REG_RESULT_MS);
        return;
      }
      if (b !== AT_CTM2M_ERROR) {
        countCode(m.stats, "regcmd");
        m.fail("AT+CTM2MREG: " + atResultText(b, c), false);
        return;
      }
      countCode(m.stats, "ctm2m" + c);
      if (c === A.E_ALREADY_CONNECTED) {
        // Use the session if it is observed; if its state stays unclear, tear it down and register anew.
        if (m.polls++ < 2) regRead(m);
        else deregFirst(m);
      } else if (c === A.E_NO_IMSI) m.go(S_AWAIT_SIM, "no IMSI (error 16)");
      else if (c === A.E_DISABLED) pause(m, PAUSE_DEFAULT_S, "platform has disabled the device (error 7)");
      else if (c === A.E_OTHER) {
        m.forceInit = true; // "other error, or not initialised"
        m.fail("AT+CTM2MREG: error 1 (not initialised?)", false, S_AEP_INIT);
      } else if (c === A.E_PARAM_COUNT || c === A.E_PARAM_VALUE) {
        m.log(LOG_ERROR, "AT+CTM2MREG refused its parameters (" + A.ctm2mErrorText(c) + ")");
        m.fail("AT+CTM2MREG: " + A.ctm2mErrorText(c), true);
      } else m.fail("AT+CTM2MREG: " + A.ctm2mErrorText(c), false);
      return;
    }
    if (ev === EV_AT && a === CMD_DEREG) {
      if (b === AT_OK) {
        m.step = 6;
        m.setTimer(T_STATE, DEREG_WAIT_MS);
      } else regSend(m);
      return;
    }
    if (ev === EV_CTM2M) {
      if (a === A.OP_CONN && b !== 0) regFailed(m, b);
      else if (a === A.OP_REG) {
        if (b === A.REG_OK) {
          m.stats.registrations++;
          m.updateDone = false;
          m.log(LOG_INFO, "registered with the platform; waiting for its observe");
          awaitObserve(m);
        } else regFailed(m, b);
      } else if (a === A.OP_OBSRV) {
        if (b === 0) m.go(S_READY, "registered and observed");
        else regFailed(m, b);
      } else if (a === A.OP_DEREG && m.step === 6) regSend(m);
      else if (a === A.OP_LWSTATUS) deregFirst(m);
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      if (m.step === 5) regRead(m);
      else if (m.step === 6) regSend(m);
      else if (m.step === 3) m.send(A.CMD_REG_READ, A.CTM2MREG_READ, CMD_REG_READ);
      else {
        countCode(m.stats, "regtimeout");
        m.fail("no registration result in " + REG_RESULT_MS / 1000 + " s", false);
      }
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- Deregistering: after lwstatus,0 the note says DEREG, then register again -----------------------

export const Deregistering: StateDef = {
  enter: function (m) {
    m.send(A.CMD_DEREG, A.CTM2MDEREG, CMD_DEREG);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && a === CMD_DEREG) {
      if (b === AT_OK) m.setTimer(T_STATE, DEREG_WAIT_MS);
      else if (b === AT_CTM2M_ERROR && c === A.E_DISABLED) pause(m, PAUSE_DEFAULT_S, "platform has disabled the device (error 7)");
      else m.go(S_REGISTERING, "nothing to deregister (" + atResultText(b, c) + ")");
      return;
    }
    if (ev === EV_CTM2M && a === A.OP_DEREG) {
      m.go(S_REGISTERING, "deregistered (dereg," + b + ")");
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      m.go(S_REGISTERING, "no dereg notice");
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- Ready: the data path sends; session notices decide when to recover -----------------------------

function recover(m: Link, next: number, why: string): void {
  m.stats.recoveries++;
  countCode(m.stats, why.substring(0, why.indexOf(" ") > 0 ? why.indexOf(" ") : why.length));
  m.go(next, why);
}

function dataAction(m: Link, act: number, why: string): void {
  if (act === DP_NONE) return;
  if (act === DP_PAUSE) pause(m, PAUSE_DEFAULT_S, "platform has disabled the device (error 7)");
  else if (act === DP_REREGISTER) recover(m, S_REGISTERING, why);
  else if (act === DP_CHECK_SESSION) recover(m, S_REGISTERING, why);
  else if (act === DP_RESTART_SESSION) recover(m, S_DEREGISTERING, why);
}

export const Ready: StateDef = {
  enter: function (m) {
    m.noteReady();
    m.log(LOG_INFO, "READY in " + Math.round(m.stats.lastTimeToReadyMs / 1000) + " s" + (m.imei ? ": IMEI " + m.imei : "") + ", rssi " + m.rssi + (m.operator ? ", operator " + m.operator : ""));
    if (m.cfg.bindingMode >= 0 && !m.updateDone) {
      m.send(A.cmdUpdate(m.cfg.bindingMode), A.CTM2MUPDATE, CMD_UPDATE);
    }
    // Always armed, so the watchdog sees a live timer; with power saving it only re-arms (a query
    // would wake the module for nothing).
    m.setTimer(T_STATE, READY_CHECK_MS);
    if (m.dataPath) m.dataPath.resume(m);
  },
  leave: function (m) {
    if (m.dataPath) m.dataPath.suspend();
  },
  handle: function (m, ev, a, b, c, d, s) {
    const dp = m.dataPath;
    if (ev === EV_UPLINK) {
      if (dp) dp.resume(m);
      return;
    }
    if (ev === EV_AT) {
      if (a === CMD_UPDATE) {
        if (b === AT_OK) m.updateDone = true;
        else m.log(LOG_WARN, "binding mode update refused: " + atResultText(b, c));
      } else if (a === CMD_CSQ) {
        if (b === AT_OK && parseCsq(s) >= 0) m.rssi = parseCsq(s);
      } else if (a === CMD_REG_READ) {
        const st = b === AT_OK ? A.parseRegState(s) : -1;
        if (st >= 0 && st !== A.REG_STATE_OBSERVED) recover(m, S_REGISTERING, "session check: state " + st);
      } else if (dp) dataAction(m, dp.onAt(m, a, b, c, s), "send refused: " + atResultText(b, c));
      return;
    }
    if (ev === EV_CTM2M) {
      if (a === A.OP_SEND) {
        if (dp) dataAction(m, dp.onSendNotice(m, b, c), "send," + b + ": session gone or unusable");
      } else if (a === A.OP_LWSTATUS) recover(m, S_DEREGISTERING, "lwstatus," + b + ": session unusable");
      else if (a === A.OP_PING && b !== 0) recover(m, S_REGISTERING, "ping," + b + ": lifetime update failed");
      else if (a === A.OP_UPDATE && (b === 13 || b === 14)) recover(m, S_REGISTERING, "update," + b + ": not registered");
      else if (a === A.OP_DEREG) recover(m, S_REGISTERING, "dereg," + b + ": session ended");
      else if (a === A.OP_PLAT) {
        if (b === 0) recover(m, S_REGISTERING, "plat,0: platform disconnected");
        else if (b === 1 && d !== 1) pause(m, c > 0 ? c : PAUSE_DEFAULT_S, "plat,1: platform disables the device for " + (c > 0 ? c : "?") + " s");
      } else if (a === A.OP_PSM) {
        m.asleep = false;
        m.stats.wakeups++;
        if (dp) dp.resume(m);
      }
      return;
    }
    if (ev === EV_PSM) {
      if (a === 0 && dp) dp.resume(m);
      return;
    }
    if (ev === EV_TIMER) {
      if (isTimer(m, ev, a, b, T_DATA)) {
        if (dp) dataAction(m, dp.onTimer(m), "uplinks keep failing: session unusable");
      } else if (isTimer(m, ev, a, b, T_STATE)) {
        // Local queries only (no radio traffic): fresh rssi for the reports, and a session check.
        m.setTimer(T_STATE, READY_CHECK_MS);
        if (!m.cfg.psm.enabled) {
          m.send(C.CMD_CSQ, C.CSQ, CMD_CSQ);
          m.send(A.CMD_REG_READ, A.CTM2MREG_READ, CMD_REG_READ);
        }
      }
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- Paused: the platform disabled the device (plat,1 begin, or error 7) ----------------------------

function pause(m: Link, seconds: number, why: string): void {
  m.pauseMs = Math.max(PAUSE_MIN_S, Math.min(PAUSE_MAX_S, seconds)) * 1000;
  countCode(m.stats, "paused");
  m.go(S_PAUSED, why);
}

export const Paused: StateDef = {
  enter: function (m) {
    m.log(LOG_WARN, "platform paused the device: waiting up to " + Math.round(m.pauseMs / 1000) + " s");
    m.setTimer(T_STATE, m.pauseMs);
  },
  leave: noop,
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_CTM2M && a === A.OP_PLAT && b === 1 && d === 1) {
      m.go(S_REGISTERING, "platform re-enabled the device");
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      m.go(S_REGISTERING, "pause over");
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

// ---- Shutdown: deregister, then AT+CPOWD=1 or the PWRKEY off pulse; a reboot request powers on again ----

function powerOff(m: Link): void {
  if (m.rebootRequested && !m.cfg.hasPwrkey) {
    // Without PWRKEY a powered-down module could never be switched on again: reset it instead.
    m.step = 4;
    m.send(C.CMD_CRESET, C.AT_PLAIN, CMD_CRESET);
    return;
  }
  m.step = 2;
  m.send(C.CMD_CPOWD, C.CPOWD, CMD_CPOWD);
}

function offDone(m: Link): void {
  m.forgetModule();
  m.noteOff();
  if (m.rebootRequested) {
    m.step = 5;
    m.setTimer(T_STATE, OFF_BEFORE_ON_MS);
  } else m.go(S_OFF, "module powered off");
}

export const Shutdown: StateDef = {
  enter: function (m) {
    m.send(A.CMD_DEREG, A.CTM2MDEREG, CMD_DEREG);
  },
  leave: function (m) {
    m.ports.pins.pwrkey(false);
  },
  handle: function (m, ev, a, b, c, d, s) {
    if (ev === EV_AT && a === CMD_DEREG) {
      if (b === AT_OK) {
        m.step = 1;
        m.setTimer(T_STATE, DEREG_WAIT_MS);
      } else powerOff(m);
      return;
    }
    if (ev === EV_CTM2M && a === A.OP_DEREG && m.step === 1) {
      m.clearTimer(T_STATE);
      powerOff(m);
      return;
    }
    if (ev === EV_AT && a === CMD_CPOWD) {
      if (b === AT_OK) offDone(m);
      else if (m.cfg.hasPwrkey) {
        m.step = 3;
        m.ports.pins.pwrkey(true);
        m.setTimer(T_STATE, PWRKEY_OFF_MS);
      } else offDone(m);
      return;
    }
    if (ev === EV_AT && a === CMD_CRESET) {
      m.step = 5;
      m.forgetModule();
      m.setTimer(T_STATE, OFF_BEFORE_ON_MS);
      return;
    }
    if (isTimer(m, ev, a, b, T_STATE)) {
      if (m.step === 1) powerOff(m);
      else if (m.step === 3) {
        m.ports.pins.pwrkey(false);
        offDone(m);
      } else if (m.step === 5) {
        m.rebootRequested = false;
        m.forcePulse = m.cfg.hasPwrkey;
        m.go(m.cfg.hasPwrkey ? S_POWER_ON : S_SYNC, "module reboot: bringing it up again");
      }
      return;
    }
    handleCommon(m, ev, a, s);
  },
};

