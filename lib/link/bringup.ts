// Bring-up states: Sync (AT until OK) and Configure (a script of rows); the network: AwaitAttach (signal
// and PS registration, with the saved APN read when the network denies us), AwaitSim (only when attach
// does not come), AwaitPdn (APN and IP); and ApnFix, the note's section 4.2 (a script). Queries that
// only feed the log (IMEI, IMSI, operator) are not here: Ready asks them once, after the first delivery.

import { resultText } from "../aep/ctm2m";
import { afterPrefix, field, Field } from "../at/fields";
import { AT_CME_ERROR, AT_ERROR, AT_OK } from "../at/result";
import { LOG_ERROR, LOG_INFO, LOG_WARN } from "../ports";
import { Cpin, parseContrdp, parseValue } from "../sim7020/parse";
import { psmBits } from "../sim7020/psm";
import { Net } from "../sim7020/rows";
import { FAIL_STEP, EV_AT, EV_CPIN, EV_ENTER, EV_TIMER, OPT_FORCE_PULSE, T_AUX, T_STATE } from "./events";
import type { Link } from "./machine";
import { Stat } from "./stats";
import { S_AEP_INIT, S_APN_FIX, S_AWAIT_ATTACH, S_AWAIT_PDN, S_AWAIT_SIM, S_CONFIGURE, S_POWER_ON, S_SYNC } from "./states";

const enum Up {
  SYNC_TRIES = 10,
  SYNC_GAP_MS = 500,
  SIM_POLL_MS = 2000,
  SIM_WAIT_MS = 30000,
  ATTACH_POLL_FAST_MS = 2000,
  ATTACH_POLL_SLOW_MS = 5000,
  /** Polls are fast (and without AT+CSQ) for this long after entering AwaitAttach. */
  ATTACH_FAST_FOR_MS = 30000,
  /** Attach not there after this long (or the module not searching): check the SIM. */
  SIM_CHECK_AFTER_MS = 20000,
  PDN_POLLS = 10,
  CPIN_AFTER_CFUN_MS = 30000,
}

// Scratch bits (m.n). Configure: the rate is fixed, the PSM setting differs. ApnFix: the manual's APN
// spelling was refused, +CPIN: READY came early.
const enum Bit {
  IPR_FIXED = 1,
  PSM_WRITE = 2,
  PLUS_RETRY = 1,
  CPIN_SEEN = 2,
}

/**
 * The scripts, one row per step: Configure (echo off, the PSM notices and rate, PSM on or off as
 * configured) and ApnFix (CFUN=0, the APN in the manual's spelling or the note's, CFUN=1). Sends the row
 * at step m.step, skipping steps whose condition does not hold (""); false once the script has ended.
 * The rows and the stepping are one function: RAM on the device.
 */
function scriptNext(m: Link): boolean {
  for (;; m.step++) {
    let row = "";
    if (m.state === S_APN_FIX) {
      switch (m.step) {
        case 0:
          row = Net.CFUN_OFF;
          break;
        case 1:
          row = (m.apnPlus ? Net.APN_WRITE_PLUS : Net.APN_WRITE) + CFG.network.apn + '"';
          break;
        case 2:
          if ((m.n & Bit.PLUS_RETRY) !== 0) row = Net.APN_WRITE_PLUS + CFG.network.apn + '"';
          break;
        case 3:
          row = Net.CFUN_ON;
          break;
        default:
          return false;
      }
    } else {
      switch (m.step) {
        case 0:
          row = Net.ECHO_OFF;
          break;
        case 1:
          if (CFG.network.psm.enabled) row = Net.PSM_NOTICES_ON;
          break;
        case 2:
          // A fixed rate makes the module print RDY at boot (reboot evidence) and is advised before PSM.
          if (CFG.network.psm.enabled) row = Net.IPR_READ;
          break;
        case 3:
          if (CFG.network.psm.enabled && (m.n & Bit.IPR_FIXED) === 0) row = Net.IPR_WRITE + CFG.modem.baud;
          break;
        case 4:
          row = Net.CPSMS_READ;
          break;
        case 5:
          if ((m.n & Bit.PSM_WRITE) !== 0) row = CFG.network.psm.enabled ? Net.CPSMS_ON + psmBits(CFG.network.psm.tauS, true) + '","' + psmBits(CFG.network.psm.activeS, false) + '"' : Net.CPSMS_OFF;
          break;
        default:
          return false;
      }
    }
    if (row !== "") return m.send(row, 0);
  }
}

// ---- Sync and Configure ------------------------------------------------------------------------------

export function moduleUp(m: Link): void {
  const ev = m.ev;
  if (m.state === S_SYNC) {
    // AT until OK: auto-baud locks on it; the first may also just wake the UART.
    if (ev.type === EV_ENTER || (ev.type === EV_TIMER && ev.id === T_STATE)) {
      if (ev.type === EV_ENTER) m.echoOff = 0;
      m.send(Net.AT, 0);
    } else if (ev.type === EV_AT) {
      if (ev.code === AT_OK) m.go(S_CONFIGURE, "AT answered", 0);
      else if (++m.n < Up.SYNC_TRIES) m.setTimer(T_STATE, Up.SYNC_GAP_MS);
      else if (CFG.modem.pwrkeyPin !== null && CFG.modem.statusPin === null && !m.blindPulseTried) {
        // No STATUS wire: silence most likely means the module is off. One on-pulse, then try again.
        m.blindPulseTried = 1;
        m.go(S_POWER_ON, "no answer to AT: pulsing PWRKEY", OPT_FORCE_PULSE);
      } else {
        m.cause("sync");
        m.fail("module does not answer AT", false, -1, 0, FAIL_STEP);
      }
    }
    return;
  }
  if (ev.type === EV_ENTER) {
    m.simChecked = 0;
    scriptNext(m);
    return;
  }
  if (ev.type !== EV_AT) return;
  const ok = ev.code === AT_OK;
  if (m.step === 0) {
    if (!ok) {
      m.cause("configure");
      m.fail("configure: ATE0 " + resultText(ev.code, ev.err), false, -1, 0, FAIL_STEP);
      return;
    }
    m.echoOff = 1;
  } else if (m.step === 2) {
    if (ok && field(ev.text, afterPrefix(ev.text, "+IPR:"), 0, Field.INT) > 0) m.n |= Bit.IPR_FIXED;
  } else if (m.step === 4) {
    // +CPSMS: <mode>,[...],"<T3412>","<T3324>": write only what differs (the module keeps it in flash).
    const i = afterPrefix(ev.text, "+CPSMS:");
    const mode = ok && i >= 0 ? field(ev.text, i, 0, Field.INT) : -1;
    if (mode < 0) {
      if (CFG.network.psm.enabled) m.n |= Bit.PSM_WRITE;
    } else if (!CFG.network.psm.enabled ? mode !== 0 : mode !== 1 || field(ev.text, i, 3, Field.TEXT) !== psmBits(CFG.network.psm.tauS, true) || field(ev.text, i, 4, Field.TEXT) !== psmBits(CFG.network.psm.activeS, false)) m.n |= Bit.PSM_WRITE;
  } else if (!ok) m.log(LOG_WARN, "configure step refused: " + resultText(ev.code, ev.err));
  m.step++;
  if (!scriptNext(m)) m.go(S_AWAIT_ATTACH, "configured", 0);
}

// ---- The network: AwaitAttach, AwaitSim, AwaitPdn ----------------------------------------------------

// Command ids.
const enum C {
  CSQ = 1,
  CGREG = 2,
  CEREG = 3,
  APN_READ = 4,
  APN_READ_PLUS = 5,
  CMEE = 6,
  CPIN = 7,
  CGCONTRDP = 8,
}

export function network(m: Link): void {
  const ev = m.ev;
  const st = m.state;
  const t = ev.type;
  if (t === EV_TIMER && ev.id === T_AUX) {
    if (st === S_AWAIT_SIM) {
      m.cause("simtimeout");
      m.fail("SIM not ready in " + Up.SIM_WAIT_MS / 1000 + " s", false, -1, 0, FAIL_STEP);
    } else {
      m.cause("attach");
      if (m.apnFixes === 0) m.go(S_APN_FIX, "no attach in " + CFG.network.attachTimeoutS + " s", 0);
      else m.fail("no attach in " + CFG.network.attachTimeoutS + " s", false, -1, 0, FAIL_STEP);
    }
    return;
  }
  if (t === EV_ENTER || t === EV_TIMER) {
    if (st === S_AWAIT_PDN) m.send(Net.CGCONTRDP, C.CGCONTRDP);
    else if (st === S_AWAIT_SIM) {
      if (t === EV_ENTER) {
        // Numeric errors only matter here: +CME ERROR: 10 is "no SIM" (the module forgets CMEE at boot).
        m.simChecked = 1;
        m.setTimer(T_AUX, Up.SIM_WAIT_MS);
        m.send(Net.CMEE_NUMERIC, C.CMEE);
      }
      m.send(Net.CPIN, C.CPIN);
    } else {
      if (t === EV_ENTER) m.setTimer(T_AUX, CFG.network.attachTimeoutS * 1000);
      // Signal once on entry (it goes in the attach log line and the first report); again only once the
      // search is slow, where it tells "no coverage" (99) from "waiting for the network".
      if (t === EV_ENTER || m.ports.clock.now() - m.t0 >= Up.ATTACH_FAST_FOR_MS) m.send(Net.CSQ, C.CSQ);
      m.send(Net.CGREG, C.CGREG);
    }
    return;
  }
  if (t === EV_CPIN) {
    if (st === S_AWAIT_SIM && ev.code === Cpin.READY) m.go(S_AWAIT_ATTACH, "SIM ready", 0);
    return;
  }
  if (t !== EV_AT) return;
  const ok = ev.code === AT_OK;
  switch (ev.id) {
    case C.CSQ: {
      const rssi = ok ? parseValue(ev.text) : -1;
      if (rssi >= 0) m.info.rssi = rssi;
      return;
    }
    case C.CGREG:
    case C.CEREG: {
      const stat = ok ? field(ev.text, afterPrefix(ev.text, ev.id === C.CGREG ? "+CGREG:" : "+CEREG:"), 1, Field.INT) : -1;
      if (stat === 1 || stat === 5) {
        m.log(LOG_INFO, "attached (" + (stat === 5 ? "roaming" : "home") + "), rssi " + m.info.rssi + " (" + (m.info.rssi <= 31 ? -113 + 2 * m.info.rssi : 0) + " dBm)");
        m.go(S_AWAIT_PDN, "attached", 0);
      } else if (ev.id === C.CGREG && stat !== 2) m.send(Net.CEREG, C.CEREG); // NB-IoT is EPS: CEREG may know better (not while searching)
      else if (stat === 3 && m.apnFixes === 0 && m.n === 0) {
        // Denied: a wrong saved APN is the usual cause. Read it (the manual's spelling first).
        m.log(LOG_WARN, "network denied registration (stat 3): checking the saved APN");
        m.n = 1;
        m.send(m.apnPlus ? Net.APN_READ_PLUS : Net.APN_READ, m.apnPlus ? C.APN_READ_PLUS : C.APN_READ);
      } else if (!m.simChecked && (stat <= 0 || m.ports.clock.now() - m.t0 >= Up.SIM_CHECK_AFTER_MS)) {
        // Not searching (stat 0), or no attach for a while: is there a SIM at all?
        m.go(S_AWAIT_SIM, "not attached (stat " + stat + "): checking the SIM", 0);
      } else m.setTimer(T_STATE, m.ports.clock.now() - m.t0 < Up.ATTACH_FAST_FOR_MS ? Up.ATTACH_POLL_FAST_MS : Up.ATTACH_POLL_SLOW_MS);
      return;
    }
    case C.APN_READ:
    case C.APN_READ_PLUS: {
      if (!ok && ev.id === C.APN_READ) {
        // Firmware that knows only the note's spelling answers ERROR: ask that way, and fix that way.
        m.apnPlus = 1;
        m.send(Net.APN_READ_PLUS, C.APN_READ_PLUS);
        return;
      }
      const i = afterPrefix(ev.text, ev.id === C.APN_READ ? "*MCGDEFCONT:" : "+MCGDEFCONT:");
      const saved = ok && i >= 0 ? field(ev.text, i, 1, Field.TEXT) || "" : "";
      if (saved !== "" && saved.toLowerCase() !== CFG.network.apn.toLowerCase()) m.go(S_APN_FIX, 'saved APN "' + saved + '" is not "' + CFG.network.apn + '"', 0);
      else m.setTimer(T_STATE, Up.ATTACH_POLL_SLOW_MS);
      return;
    }
    case C.CPIN: {
      // AwaitSim: AT+CPIN? until READY; no SIM is reported and retried slowly.
      const v = ok ? parseValue(ev.text) : -1;
      if (v === Cpin.READY) m.go(S_AWAIT_ATTACH, "SIM ready", 0);
      else if (ev.code === AT_CME_ERROR && ev.err === 10) {
        m.cause("cme10");
        m.log(LOG_ERROR, "no SIM card (+CME ERROR: 10): insert one; retrying slowly");
        m.fail("no SIM", true, -1, 0, FAIL_STEP);
      } else if (v >= 0 && v !== Cpin.NOT_READY) {
        m.cause("simlocked");
        m.log(LOG_ERROR, "SIM needs a PIN/PUK (" + ev.text + "): this firmware cannot unlock it");
        m.fail("SIM locked", true, -1, 0, FAIL_STEP);
      } else m.setTimer(T_STATE, Up.SIM_POLL_MS);
      return;
    }
    case C.CGCONTRDP: {
      // AwaitPdn: the default PDN comes up by itself at attach; AT+CGCONTRDP shows its APN and IP.
      const got = ok ? parseContrdp(m.at.resp) : ["", ""];
      if (got[1] === "") {
        // Bare OK: no context yet.
        if (++m.n < Up.PDN_POLLS) m.setTimer(T_STATE, Up.ATTACH_POLL_FAST_MS);
        else {
          m.cause("pdn");
          m.fail("PDN not active", false, -1, 0, FAIL_STEP);
        }
        return;
      }
      m.info.apn = got[0];
      m.info.ip = got[1];
      m.log(LOG_INFO, "network: APN " + (got[0] || "?") + ", IP " + got[1]);
      // The network's APN may carry an operator suffix ("ctnb.mnc011.mcc460.gprs"): compare the head,
      // whatever the case. (Here, not in a helper: its only use, and a function costs RAM on the device.)
      const want = CFG.network.apn.toLowerCase();
      const have = got[0].toLowerCase();
      if (got[0] !== "" && have !== want && !(have.indexOf(want) === 0 && have.charCodeAt(want.length) === 46)) {
        if (m.apnFixes === 0) {
          m.go(S_APN_FIX, 'network APN "' + got[0] + '" is not "' + CFG.network.apn + '"', 0);
          return;
        }
        m.log(LOG_WARN, "network APN still differs after the APN fix; going on");
      }
      m.go(S_AEP_INIT, "PDN active", 0);
    }
  }
}

// ---- ApnFix: the application note's section 4.2 ----------------------------------------------------

export function apnFix(m: Link): void {
  const ev = m.ev;
  if (ev.type === EV_ENTER) {
    m.apnFixes++;
    m.stats[Stat.APN_FIXES]++;
    m.log(LOG_WARN, 'setting APN "' + CFG.network.apn + '" (CFUN=0, APN, CFUN=1)');
    scriptNext(m);
    return;
  }
  if (ev.type === EV_CPIN) {
    // +CPIN: READY after CFUN=1: the radio is back. Before the script has ended it is only noted.
    if (ev.code === Cpin.READY) {
      if (m.step > 3) m.go(S_AWAIT_ATTACH, "radio back on", 0);
      else m.n |= Bit.CPIN_SEEN;
    }
    return;
  }
  if (ev.type === EV_TIMER && ev.id === T_STATE) {
    m.go(S_AWAIT_ATTACH, "no +CPIN: READY after CFUN=1; asking", 0);
    return;
  }
  if (ev.type !== EV_AT) return;
  if (m.step === 1 || m.step === 2) {
    if (ev.code === AT_ERROR && m.step === 1 && !m.apnPlus) {
      m.apnPlus = 1;
      m.n |= Bit.PLUS_RETRY;
    } else if (ev.code !== AT_OK) m.log(LOG_ERROR, "the module refused the APN command: " + resultText(ev.code, ev.err)); // the radio must come back on either way
  } else if (ev.code !== AT_OK) {
    m.fail("APN fix: " + (m.step === 0 ? "AT+CFUN=0 " : "AT+CFUN=1 ") + resultText(ev.code, ev.err), false, -1, 0, FAIL_STEP);
    return;
  }
  m.step++;
  if (scriptNext(m)) return;
  if ((m.n & Bit.CPIN_SEEN) !== 0) m.go(S_AWAIT_ATTACH, "radio back on", 0);
  else m.setTimer(T_STATE, Up.CPIN_AFTER_CFUN_MS);
}
