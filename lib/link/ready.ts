// Ready: registered and observed. The data path (uplink.ts) sends; session notices decide when to
// recover, and every recovery after the first since the last delivery goes through the retry table,
// so a fault that survives registration backs off instead of looping. Queries that only feed the log
// (IMEI, IMSI, operator) are asked here once per boot, after the first delivery.

import { afterPrefix, field, Field } from "../at/fields";
import { AT_OK } from "../at/result";
import { OP_DEREG, OP_LWSTATUS, OP_PING, OP_PLAT, OP_PSM, OP_SEND, OP_UPDATE, REG_STATE_OBSERVED, SEND_OK } from "../aep/codes";
import { Aep, resultText } from "../aep/ctm2m";
import { LOG_INFO, LOG_WARN } from "../ports";
import { digitsLine, parseValue } from "../sim7020/parse";
import { Net } from "../sim7020/rows";
import { FAIL_RECOVERY, FAIL_STEP, EV_AT, EV_CPIN, EV_ENTER, EV_LEAVE, EV_NOTICE, EV_PSM, EV_TIMER, EV_UPLINK, T_DATA, T_STATE } from "./events";
import type { Link } from "./machine";
import { Stat } from "./stats";
import { Session } from "./session";
import { S_DEREGISTERING, S_PAUSED, S_READY, S_REG_CHECK, S_REGISTERING, S_SYNC } from "./states";
import { Dp, UpCmd } from "./uplink";

export const enum Ready {
  /** Ready re-reads the signal and AT+CTM2MREG? this often (local queries: no radio traffic) unless PSM is on. */
  CHECK_MS = 900000,
}

// Ready's own command ids (the data path's are CMD_SEND and CMD_WAKE).
const enum C {
  UPDATE = 1,
  CSQ = 2,
  REG_READ = 3,
  CGSN = 4,
  CIMI = 5,
  COPS = 6,
}

export function ready(m: Link): void {
  const ev = m.ev;
  // What the data path (or a session notice) asks for, acted on at the end (Dp).
  let dp: number = Dp.NONE;
  let why = "";
  switch (ev.type) {
    case EV_ENTER: {
      // Ready reached: measure the outage, reset the bring-up streaks and the supervisor (not the
      // backoff: only a delivery resets that).
      const st = m.stats;
      st[Stat.READY_COUNT]++;
      // Int32: an outage past 24.8 days reads as that (the counter must not wrap negative).
      st[Stat.LAST_TIME_TO_READY_MS] = Math.min(0x7fffffff, m.ports.clock.now() - m.downSinceMs);
      if (st[Stat.LAST_TIME_TO_READY_MS] > st[Stat.WORST_TIME_TO_READY_MS]) st[Stat.WORST_TIME_TO_READY_MS] = st[Stat.LAST_TIME_TO_READY_MS];
      m.failState = -1;
      m.stepFailures = 0;
      m.apnFixes = 0;
      m.blindPulseTried = 0;
      m.supervisorLevel = 0;
      m.log(LOG_INFO, "READY in " + Math.round(m.stats[Stat.LAST_TIME_TO_READY_MS] / 1000) + " s" + (m.info.imei ? ": IMEI " + m.info.imei : "") + ", rssi " + m.info.rssi + (m.info.operator ? ", operator " + m.info.operator : ""));
      if (CFG.aep.bindingMode >= 0 && !m.updateDone) m.send(Aep.UPDATE + CFG.aep.bindingMode, C.UPDATE);
      // Always armed, so the watchdog sees a live timer; with power saving it only re-arms (a query
      // would wake the module for nothing).
      m.setTimer(T_STATE, Ready.CHECK_MS);
      m.up.resume();
      return;
    }
    case EV_LEAVE:
      // Whatever was in flight stays queued and is sent again later.
      m.up.phase = 0;
      m.up.abandon = 0;
      return;
    case EV_UPLINK:
    case EV_PSM:
    case EV_CPIN:
      // Something to send, or the module woke (EXIT PSM; +CPIN: READY after a PWRKEY wake).
      m.up.resume();
      return;
    case EV_NOTICE: {
      const s = ev.code;
      switch (ev.id) {
        case OP_SEND:
          dp = m.up.event();
          if (dp !== Dp.NONE) why = "send," + s + ": session gone or unusable";
          // Once per MCU boot (not after a deep-sleep wake), out of the bring-up path (a minute into
          // Ready, after a delivery, when nothing else is going on): the queries that only feed the log.
          if (s === SEND_OK && !m.infoAsked && m.state === S_READY && m.ports.clock.now() - m.t0 >= 60000 && !m.up.busy() && !m.at.busy()) {
            m.infoAsked = 1;
            if (m.info.imei === "") m.send(Net.CGSN, C.CGSN);
            if (m.info.imsi === "") m.send(Net.CIMI, C.CIMI);
            m.send(Net.COPS, C.COPS);
          }
          break;
        case OP_LWSTATUS:
          dp = Dp.RESTART_SESSION;
          why = "lwstatus," + s + ": session unusable";
          break;
        case OP_PING:
          if (s === 0) return;
          dp = Dp.REREGISTER;
          why = "ping," + s + ": lifetime update failed";
          break;
        case OP_UPDATE:
          if (s !== 13 && s !== 14) return;
          dp = Dp.REREGISTER;
          why = "update," + s + ": not registered";
          break;
        case OP_DEREG:
          dp = Dp.REREGISTER;
          why = "dereg," + s + ": session ended";
          break;
        case OP_PLAT:
          // plat,<s>,<disableTimeoutS>,<0 begin|1 end>: a begin with a timeout pauses for that long (until
          // the end notice); plat,0 alone drops the session; plat,1 alone is a firmware push.
          if (ev.d2 === 1) return;
          if (ev.d1 > 0) m.go(S_PAUSED, "plat," + s + ": platform disables the device for " + ev.d1 + " s", ev.d1);
          else if (s === 0) {
            dp = Dp.REREGISTER;
            why = "plat,0: platform disconnected";
          } else m.go(S_PAUSED, "plat," + s + ": firmware download", Session.PAUSE_DEFAULT_S);
          break;
        case OP_PSM:
          m.up.resume(); // psm,0: the TAU timer woke the module (the dispatch cleared `asleep`)
          return;
      }
      break;
    }
    case EV_TIMER:
      if (ev.id === T_DATA) {
        dp = m.up.event();
        why = "uplinks keep failing: session unusable";
      } else if (ev.id === T_STATE) {
        // Local queries only (no radio traffic): fresh rssi for the reports, and a session check.
        m.setTimer(T_STATE, Ready.CHECK_MS);
        if (!CFG.network.psm.enabled) {
          m.send(Net.CSQ, C.CSQ);
          m.send(Aep.REG_READ, C.REG_READ);
        }
      }
      break;
    case EV_AT: {
      const ok = ev.code === AT_OK;
      switch (ev.id) {
        case UpCmd.SEND:
        case UpCmd.WAKE:
          dp = m.up.event();
          if (dp !== Dp.NONE) why = "send refused: " + resultText(ev.code, ev.err);
          break;
        case C.UPDATE:
          if (ok) m.updateDone = 1;
          else m.log(LOG_WARN, "binding mode update refused: " + resultText(ev.code, ev.err));
          return;
        case C.CSQ: {
          const rssi = ok ? parseValue(ev.text) : -1;
          if (rssi >= 0) m.info.rssi = rssi;
          return;
        }
        case C.REG_READ: {
          const st = ok ? field(ev.text, afterPrefix(ev.text, "+CTM2MREG:"), 0, Field.INT) : -1;
          if (st < 0 || st === REG_STATE_OBSERVED) return;
          dp = Dp.REREGISTER;
          why = "session check: state " + st;
          break;
        }
        case C.CGSN:
          if (ok) m.info.imei = digitsLine(m.at.resp, "+CGSN:");
          m.log(LOG_INFO, "IMEI " + (m.info.imei || "unreadable") + " (the endpoint name on AEP is built from it)");
          return;
        case C.CIMI:
          if (ok) m.info.imsi = digitsLine(m.at.resp, "+CIMI:");
          return;
        case C.COPS: {
          // +COPS: <mode>,<format>,"<oper>",<AcT>; AcT 9 is NB-IoT.
          const i = afterPrefix(ev.text, "+COPS:");
          if (ok && i >= 0) m.info.operator = field(ev.text, i, 2, Field.TEXT) || "";
          m.log(LOG_INFO, "network: operator " + (m.info.operator || "?") + ", IMSI " + (m.info.imsi || "?") + ", rssi " + m.info.rssi);
          return;
        }
      }
      break;
    }
    default:
      return;
  }
  if (dp === Dp.NONE) return;
  // Recovering leaves Ready: the first recovery since the last delivery goes at once; the next ones wait
  // the retry table's delay (which only a delivery resets), so a fault that survives a successful
  // registration cannot loop at full speed.
  if (dp === Dp.PAUSE) return m.go(S_PAUSED, "platform has disabled the device (error 7)", Session.PAUSE_DEFAULT_S);
  if (dp === Dp.MODULE_LOST) {
    m.cause("silent");
    return m.fail("module silent far longer than its TAU", false, S_SYNC, 0, FAIL_STEP);
  }
  // REREGISTER, CHECK_SESSION: ask the module (RegCheck); RESTART_SESSION: DEREG first, then REG.
  const next = dp === Dp.RESTART_SESSION ? S_DEREGISTERING : S_REG_CHECK;
  const opt = dp === Dp.RESTART_SESSION ? S_REGISTERING : 0;
  m.stats[Stat.RECOVERIES]++;
  const sp = why.indexOf(" ");
  m.cause(sp > 0 ? why.substring(0, sp) : why);
  if (m.failures === 0) {
    m.failures = 1;
    m.go(next, why, opt);
  } else m.fail(why, false, next, opt, FAIL_RECOVERY);
}
