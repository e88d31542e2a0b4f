// AEP session states: init, deregistration, registration (check, register, observe), the platform's
// pause, the retry wait, and shutdown. Reactions to every reg result and CTM2M error follow the note's
// tables (../shared/protocol.md, "AEP commands").

import { REG_GUARD_BURST, REG_GUARD_EVERY_MS } from "./retry";
import { afterPrefix, field, Field } from "../at/fields";
import { AT_ERROR, AT_OK } from "../at/result";
import {
  AT_CTM2M_ERROR, CE_ALREADY_CONNECTED, CE_DISABLED, CE_NO_IMSI, CE_OTHER, CE_PARAM_COUNT, CE_PARAM_VALUE, CE_SESSION_ACTIVE,
  OP_CONN, OP_DEREG, OP_LWSTATUS, OP_OBSRV, OP_PLAT, OP_REG, REG_AUTH_REJECTED, REG_BAD_ENDPOINT, REG_OK,
  REG_STATE_CONNECTED, REG_STATE_CONNECTING, REG_STATE_DISCONNECTING, REG_STATE_NONE, REG_STATE_OBSERVED,
} from "../aep/codes";
import { Aep, initMatches, initRow, redact, resultText, ResultOf } from "../aep/ctm2m";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import { digitsLine } from "../sim7020/parse";
import { Net } from "../sim7020/rows";
import { FAIL_STEP, FORGET_MODULE, EV_AT, EV_ENTER, EV_NOTICE, EV_TIMER, OPT_AFTER_DEREG, OPT_FORCE_INIT, OPT_FORCE_PULSE, OPT_REBOOT, T_CLEAR, T_STATE } from "./events";
import type { Link } from "./machine";
import { Stat } from "./stats";
import { Power } from "./power";
import { S_AEP_INIT, S_AWAIT_OBSERVE, S_AWAIT_SIM, S_DEREGISTERING, S_OFF, S_PAUSED, S_POWER_ON, S_READY, S_REG_CHECK, S_REGISTERING, S_SYNC } from "./states";

export const enum Session {
  DEREG_WAIT_MS = 15000,
  REG_RESULT_MS = 90000,
  /** The note's section 5 shows no obsrv,0 after reg,0: ask AT+CTM2MREG? this soon, then every poll. */
  OBSRV_FIRST_POLL_MS = 2000,
  OBSRV_POLL_MS = 5000,
  OBSRV_WAIT_MS = 60000,
  REG_STATE_POLL_MS = 5000,
  PAUSE_DEFAULT_S = 600,
  PAUSE_MIN_S = 60,
  PAUSE_MAX_S = 86400,
  /** A RetryWait at least this long probes the module with AT before retrying its step. */
  PROBE_AFTER_WAIT_MS = 60000,
}

// ---- AepInit, Deregistering, Paused, RetryWait -------------------------------------------------------
// AepInit: read the saved parameters; write only what differs (the module saves them in flash).
// Deregistering: AT+CTM2MDEREG and its notice; `opt` is the state to go to next.
// Paused: the platform disabled the device (plat notice / error 7); `opt` is the seconds.
// RetryWait: the jittered delay before retrying a failed step.

export function session(m: Link): void {
  const ev = m.ev;
  const t = ev.type;
  switch (m.state) {
    case S_AEP_INIT:
      if (t === EV_ENTER) m.send(Aep.INIT_READ, 1);
      if (t !== EV_AT) return;
      if (ev.id === 1) {
        if (ev.code === AT_OK && initMatches(ev.text) && (m.opt & OPT_FORCE_INIT) === 0) m.go(S_REGISTERING, "AEP parameters already saved", 0);
        else {
          m.log(LOG_INFO, 'writing AEP parameters (module has "' + (ev.code === AT_OK ? redact(ev.text) : resultText(ev.code, ev.err)) + '")');
          m.send(initRow(), 2);
        }
      } else if (ev.code === AT_OK) m.go(S_REGISTERING, "AEP parameters written", 0);
      else if (ev.code === AT_CTM2M_ERROR && ev.err === CE_SESSION_ACTIVE && (m.opt & OPT_AFTER_DEREG) === 0) {
        m.go(S_DEREGISTERING, "INIT refused while a session is up", S_AEP_INIT); // then init again
      } else if (ev.code === AT_CTM2M_ERROR && (ev.err === CE_PARAM_COUNT || ev.err === CE_PARAM_VALUE)) {
        m.cause("ctm2m" + ev.err);
        m.log(LOG_ERROR, "the module refused the AEP parameters (" + resultText(AT_CTM2M_ERROR, ev.err) + "): check aep.* in the configuration");
        m.fail("AEP init refused", true, -1, 0, FAIL_STEP);
      } else {
        m.cause(ev.code === AT_CTM2M_ERROR ? "ctm2m" + ev.err : "init");
        m.fail("AEP init: " + resultText(ev.code, ev.err), false, -1, 0, FAIL_STEP);
      }
      return;

    case S_DEREGISTERING: {
      const next = m.opt > 0 ? m.opt : S_REGISTERING;
      if (t === EV_ENTER) m.send(Aep.DEREG, 1);
      else if (t === EV_AT) {
        if (ev.code === AT_OK) m.setTimer(T_STATE, Session.DEREG_WAIT_MS);
        else if (ev.code === AT_CTM2M_ERROR && ev.err === CE_DISABLED) m.go(S_PAUSED, "platform has disabled the device (error 7)", Session.PAUSE_DEFAULT_S);
        else m.go(next, "nothing to deregister (" + resultText(ev.code, ev.err) + ")", OPT_AFTER_DEREG);
      } else if (t === EV_NOTICE && ev.id === OP_DEREG) m.go(next, "deregistered (dereg," + ev.code + ")", OPT_AFTER_DEREG);
      else if (t === EV_TIMER && ev.id === T_STATE) m.go(next, "no dereg notice", OPT_AFTER_DEREG);
      return;
    }

    case S_PAUSED:
      if (t === EV_ENTER) {
        // Entered with the platform's disable timeout in seconds (`opt`), bounded here.
        m.cause("paused");
        m.opt = Math.max(Session.PAUSE_MIN_S, Math.min(Session.PAUSE_MAX_S, m.opt));
        m.log(LOG_WARN, "platform paused the device: waiting up to " + m.opt + " s");
        m.setTimer(T_STATE, m.opt * 1000);
      } else if (t === EV_NOTICE && ev.id === OP_PLAT && ev.d2 === 1) m.go(S_REG_CHECK, "platform re-enabled the device", 0);
      else if (t === EV_TIMER && ev.id === T_STATE) m.go(S_REG_CHECK, "pause over", 0);
      return;
  }
  // RetryWait.
  if (t === EV_ENTER) {
    m.log(m.retryLong === 1 ? LOG_ERROR : LOG_WARN, "retry in " + Math.round(m.retryDelayMs / 1000) + " s" + (m.retryLong === 2 ? " (registration guard)" : " (failure " + (m.retryLong ? m.longFailures : m.failures) + ", " + m.stepFailures + " in a row at this step)"));
    m.setTimer(T_STATE, m.retryDelayMs);
    // The platform refuses this device (reg,10/13...): the IMEI is what the user must check there.
    if (m.retryLong && m.info.imei === "" && m.retryTarget >= S_AEP_INIT) m.send(Net.CGSN, 1);
  } else if (t === EV_TIMER && ev.id === T_STATE) {
    // After a long wait the module may have slept (auto-sleep eats the first command) or rebooted unheard
    // (auto-baud prints nothing and eats the first AT): probe it, so the step's own command is not the one
    // lost and counted against the step (a lost REG after a 30-min wait costs another 30 min).
    if (m.retryTarget > S_SYNC && m.retryDelayMs >= Session.PROBE_AFTER_WAIT_MS) m.send(Net.AT, 2);
    else m.go(m.retryTarget, "retry", m.retryOpt);
  } else if (t === EV_AT && ev.id === 2) {
    // The probe row resends once on silence itself; one more round covers sleep and auto-baud together.
    if (ev.code === AT_OK) m.go(m.retryTarget, "retry (module answered)", m.retryOpt);
    else if (++m.n < 2) m.send(Net.AT, 2);
    else m.go(S_SYNC, "retry: module silent after the wait", 0);
  } else if (t === EV_AT && ev.code === AT_OK) {
    m.info.imei = digitsLine(m.at.resp, "+CGSN:");
    if (m.info.imei !== "") m.log(LOG_INFO, "IMEI " + m.info.imei + " (the endpoint name on AEP is built from it)");
  }
}

// ---- Registration: RegCheck (AT+CTM2MREG?), Registering (AT+CTM2MREG, rate-guarded, and its reg
// result), AwaitObserve (obsrv,0, or AT+CTM2MREG? saying 3). The notices count wherever they come:
// reg,0 may even precede the REG's OK. ---------------------------------------------------------------

export function registration(m: Link): void {
  const ev = m.ev;
  const st = m.state;
  if (ev.type === EV_NOTICE) {
    const s = ev.code;
    let failed = false;
    if (ev.id === OP_REG && st !== S_AWAIT_OBSERVE) {
      if (s !== REG_OK) failed = true;
      else {
        m.stats[Stat.REGISTRATIONS]++;
        m.updateDone = 0;
        m.go(S_AWAIT_OBSERVE, "registered (reg,0)", 0);
      }
    } else if (ev.id === OP_CONN && s !== 0) failed = true;
    else if (ev.id === OP_OBSRV) {
      if (s === 0) m.go(S_READY, "registered and observed", 0);
      else failed = true;
    } else if (ev.id === OP_LWSTATUS) m.go(S_DEREGISTERING, "lwstatus," + s + " while registering", S_REGISTERING);
    if (!failed) return;
    // reg, conn or obsrv with a failure status `s`.
    m.stats[Stat.REG_FAILURES]++;
    m.cause("reg" + s);
    const why = "registration failed: reg," + s + " " + resultText(ResultOf.REG, s);
    if (s === REG_AUTH_REJECTED || s === REG_BAD_ENDPOINT) {
      m.log(LOG_ERROR, why);
      // A changed PSK is only seen as reg,13: write INIT again, once in a row.
      if (s === REG_AUTH_REJECTED && m.longFailures === 0) m.fail(why, true, S_AEP_INIT, OPT_FORCE_INIT, FAIL_STEP);
      else m.fail(why, true, S_REGISTERING, 0, FAIL_STEP);
    } else m.fail(why, false, -1, 0, FAIL_STEP);
    return;
  }
  if (ev.type === EV_ENTER || ev.type === EV_TIMER) {
    if (ev.id !== T_STATE && ev.type === EV_TIMER) return;
    if (st === S_REGISTERING && ev.type === EV_TIMER) {
      m.cause("regtimeout");
      m.fail("no registration result in " + Session.REG_RESULT_MS / 1000 + " s", false, -1, 0, FAIL_STEP);
    } else if (st === S_REGISTERING) {
      // The registration rate guard, before each AT+CTM2MREG: a token bucket of REG_GUARD_BURST quick
      // tries, then one more every REG_GUARD_EVERY_MS (12 an hour) whatever keeps failing.
      const now = m.ports.clock.now();
      const earned = Math.floor((now - m.regRefillMs) / REG_GUARD_EVERY_MS);
      if (earned > 0) {
        m.regTokens = Math.min(REG_GUARD_BURST, m.regTokens + earned);
        m.regRefillMs += earned * REG_GUARD_EVERY_MS;
      }
      let waitMs = m.regTokens < 1 ? m.regRefillMs + REG_GUARD_EVERY_MS - now : 0;
      if (waitMs === 0) {
        if (m.regTokens === REG_GUARD_BURST) m.regRefillMs = now; // a full bucket earns from now on
        m.regTokens--;
        m.stats[Stat.REG_ATTEMPTS]++;
      }
      if (waitMs > 0) {
        // Every registration is signalling on a shared cell: never more than the guard allows an hour.
        // Jittered by up to half a refill: a fleet that lost the platform together must not come back
        // together on the same refill tick.
        waitMs += Math.floor(m.ports.random() * (REG_GUARD_EVERY_MS / 2));
        m.stats[Stat.REG_GUARD_HELD]++;
        m.fail("registration guard: the hour's registrations are used; next in " + Math.ceil(waitMs / 1000) + " s", true, S_REGISTERING, 0, waitMs);
      } else m.send(m.regWithLifetime ? Aep.REG_LIFETIME + CFG.aep.lifetimeS : Aep.REG, 1);
    } else if (st === S_AWAIT_OBSERVE && ev.type === EV_ENTER) m.setTimer(T_STATE, Session.OBSRV_FIRST_POLL_MS);
    else m.send(Aep.REG_READ, 2);
    return;
  }
  if (ev.type !== EV_AT) return;
  if (ev.id === 2) {
    // AT+CTM2MREG?: 0 none, 1 connecting, 2 connected, 3 connected and observed, 4 disconnecting.
    const rs = ev.code === AT_OK ? field(ev.text, afterPrefix(ev.text, "+CTM2MREG:"), 0, Field.INT) : -1;
    if (rs === REG_STATE_OBSERVED) m.go(S_READY, st === S_AWAIT_OBSERVE ? "registered and observed" : "session already up", 0);
    else if (st === S_AWAIT_OBSERVE) {
      if (rs === REG_STATE_NONE) m.go(S_REGISTERING, "session gone before the observe", 0);
      else if (m.ports.clock.now() - m.t0 >= Session.OBSRV_WAIT_MS) m.go(S_DEREGISTERING, "connected but never observed: starting clean", S_REGISTERING);
      else m.setTimer(T_STATE, Session.OBSRV_POLL_MS);
    } else if (rs === REG_STATE_CONNECTED) m.go(S_AWAIT_OBSERVE, "connected, not yet observed", 0);
    else if ((rs === REG_STATE_CONNECTING || rs === REG_STATE_DISCONNECTING) && ++m.n < 6) m.setTimer(T_STATE, Session.REG_STATE_POLL_MS);
    else if (rs === REG_STATE_CONNECTING || rs === REG_STATE_DISCONNECTING) m.go(S_DEREGISTERING, "session state " + rs + " for too long", S_REGISTERING);
    else m.go(S_REGISTERING, "no session", 0);
    return;
  }
  // The AT+CTM2MREG answer.
  if (ev.code === AT_OK) m.setTimer(T_STATE, Session.REG_RESULT_MS);
  else if (ev.code === AT_ERROR && !m.regWithLifetime) {
    // Firmware that knows only the note's form answers the bare command with ERROR.
    m.regWithLifetime = 1;
    m.log(LOG_WARN, "AT+CTM2MREG answered ERROR: using AT+CTM2MREG=" + CFG.aep.lifetimeS);
    m.go(S_REGISTERING, "with the lifetime", 0);
  } else if (ev.code !== AT_CTM2M_ERROR) {
    m.cause("regcmd");
    m.fail("AT+CTM2MREG: " + resultText(ev.code, ev.err), false, -1, 0, FAIL_STEP);
  } else {
    const e = ev.err;
    m.cause("ctm2m" + e);
    if (e === CE_ALREADY_CONNECTED) m.go(S_REG_CHECK, "already connected (error 33)", 0);
    else if (e === CE_NO_IMSI) m.go(S_AWAIT_SIM, "no IMSI (error 16)", 0);
    else if (e === CE_DISABLED) m.go(S_PAUSED, "platform has disabled the device (error 7)", Session.PAUSE_DEFAULT_S);
    else if (e === CE_OTHER) m.fail("AT+CTM2MREG: error 1 (not initialised?)", false, S_AEP_INIT, OPT_FORCE_INIT, FAIL_STEP);
    else if (e === CE_PARAM_COUNT || e === CE_PARAM_VALUE) {
      m.log(LOG_ERROR, "AT+CTM2MREG refused its parameters (" + resultText(AT_CTM2M_ERROR, e) + ")");
      m.fail("AT+CTM2MREG: " + resultText(AT_CTM2M_ERROR, e), true, -1, 0, FAIL_STEP);
    } else m.fail("AT+CTM2MREG: " + resultText(AT_CTM2M_ERROR, e), false, -1, 0, FAIL_STEP);
  }
}

// ---- Shutdown: deregister, then AT+CPOWD=1 or the PWRKEY off pulse; OPT_REBOOT powers on again --------
// Its script, by m.step: 0 DEREG, 1 the dereg notice, 2 AT+CPOWD=1, 3 the off pulse, 4 AT+CRESET, 5 the
// off time before the module is brought up again.

export function shutdown(m: Link): void {
  const ev = m.ev;
  const reboot = (m.opt & OPT_REBOOT) !== 0;
  // What comes next: 1 power off (CPOWD, or CRESET for a reboot without PWRKEY), 2 it is off.
  let next = 0;
  if (ev.type === EV_ENTER) m.send(Aep.DEREG, 1);
  else if (ev.type === EV_AT) {
    if (ev.id === 1) {
      if (ev.code !== AT_OK) next = 1;
      else {
        m.step = 1;
        m.setTimer(T_STATE, Session.DEREG_WAIT_MS);
      }
    } else if (ev.id === 2) {
      if (ev.code === AT_OK || CFG.modem.pwrkeyPin === null) next = 2;
      else {
        m.step = 3;
        m.ports.pins.pwrkey(true);
        m.setTimer(T_STATE, Power.PWRKEY_OFF_MS);
      }
    } else if (ev.id === 4) {
      m.step = 5;
      m.forget(FORGET_MODULE);
      m.setTimer(T_STATE, Power.OFF_BEFORE_ON_MS);
    }
  } else if (ev.type === EV_NOTICE && ev.id === OP_DEREG && m.step === 1) {
    m.setTimer(T_STATE, T_CLEAR);
    next = 1;
  } else if (ev.type === EV_TIMER && ev.id === T_STATE) {
    if (m.step === 1) next = 1;
    else if (m.step === 3) {
      m.ports.pins.pwrkey(false);
      next = 2;
    } else if (m.step === 5) m.go(CFG.modem.pwrkeyPin !== null ? S_POWER_ON : S_SYNC, "module reboot: bringing it up again", OPT_FORCE_PULSE);
  }
  if (next === 1) {
    // Without PWRKEY a powered-down module could never be switched on again: reset it instead.
    m.step = reboot && CFG.modem.pwrkeyPin === null ? 4 : 2;
    m.send(m.step === 4 ? Net.CRESET : Net.CPOWD, m.step);
  } else if (next === 2) {
    m.forget(FORGET_MODULE);
    m.offAtMs = m.ports.clock.now();
    if (!reboot) m.go(S_OFF, "module powered off", 0);
    else {
      m.step = 5;
      m.setTimer(T_STATE, Power.OFF_BEFORE_ON_MS);
    }
  }
}
