// Power states: the quiet wait after an MCU reset, the PWRKEY off and on pulses with the waits the
// hardware guide demands (5 s off before on, 2 s until the UART is ready), and AT+CRESET when PWRKEY
// is not wired. Each is a timed wait: enter starts it, its timer ends it. go() releases PWRKEY.

import { Net } from "../sim7020/rows";
import { LOG_WARN } from "../ports";
import { FORGET_MODULE, EV_ENTER, EV_TIMER, OPT_FORCE_PULSE, T_STATE } from "./events";
import type { Link } from "./machine";
import { Stat } from "./stats";
import { S_BOOT_WAIT, S_OFF_WAIT, S_POWER_OFF, S_POWER_ON, S_QUIET, S_RESETTING, S_SYNC } from "./states";

/** PWRKEY pulse lengths and waits from the hardware design guide. */
export const enum Power {
  PWRKEY_ON_MS = 800,
  PWRKEY_OFF_MS = 1000,
  UART_READY_MS = 2000,
  OFF_BEFORE_ON_MS = 5500,
  /**
   * After an MCU reset the module may still be answering the previous instance's command (we cannot
   * know): keep quiet this long before the first AT, so the two never overlap. Not after our own deep
   * sleep (we only sleep when nothing is in flight).
   */
  BOOT_QUIET_MS = 2500,
  RESET_WAIT_MS = 10000,
}

export function power(m: Link): void {
  const ev = m.ev;
  const enter = ev.type === EV_ENTER;
  if (!enter && !(ev.type === EV_TIMER && ev.id === T_STATE)) return;
  const pins = m.ports.pins;
  switch (m.state) {
    case S_QUIET:
      if (enter) m.setTimer(T_STATE, Power.BOOT_QUIET_MS);
      else m.go(S_POWER_ON, "quiet time over", 0);
      return;

    case S_RESETTING:
      // Nothing to pull: ask the module to reset itself. It may still owe an answer to the command in
      // flight: the engine holds AT+CRESET until then. Answered or not, the wait decides.
      if (enter) {
        m.stats[Stat.POWER_CYCLES]++;
        m.log(LOG_WARN, "no PWRKEY wired: resetting with AT+CRESET");
        m.echoOff = 0;
        m.send(Net.CRESET, 1);
        m.setTimer(T_STATE, Power.RESET_WAIT_MS);
      } else {
        m.forget(FORGET_MODULE); // whatever it was saying before the reset is gone
        m.go(S_SYNC, "after AT+CRESET", 0);
      }
      return;

    case S_POWER_OFF:
      if (enter) {
        m.stats[Stat.POWER_CYCLES]++;
        m.forget(FORGET_MODULE); // PWRKEY will switch it off: nothing in flight will be answered
        if (CFG.modem.statusPin !== null && pins.status() === 0) {
          m.offAtMs = m.ports.clock.now();
          m.go(S_OFF_WAIT, "already off (STATUS low)", 0);
          return;
        }
        pins.pwrkey(true);
        m.setTimer(T_STATE, Power.PWRKEY_OFF_MS);
      } else {
        pins.pwrkey(false);
        m.offAtMs = m.ports.clock.now();
        m.go(S_OFF_WAIT, "off pulse done", 0);
      }
      return;

    case S_OFF_WAIT:
      // The guide wants 5 s between power-off and the next power-on. When we did not see it go off (MCU
      // reset, power-down notice just now) we cannot know how long ago it was: wait the whole time.
      if (enter) m.setTimer(T_STATE, m.offAtMs < 0 ? Power.OFF_BEFORE_ON_MS : Math.max(1, m.offAtMs + Power.OFF_BEFORE_ON_MS - m.ports.clock.now()));
      else {
        m.offAtMs = m.ports.clock.now() - Power.OFF_BEFORE_ON_MS; // it has now been off at least that long
        // Without STATUS we cannot tell on from off (PWRKEY toggles): Sync finds out and pulses once if
        // nobody answers. Entered from PowerOn (opt set), the pulse is due now.
        if (m.opt !== 0 || CFG.modem.statusPin !== null) m.go(S_POWER_ON, "off time over", OPT_FORCE_PULSE);
        else {
          m.blindPulseTried = 0;
          m.go(S_SYNC, "power-cycle: probing", 0);
        }
      }
      return;

    case S_POWER_ON:
      if (!enter) {
        pins.pwrkey(false);
        m.go(S_BOOT_WAIT, "on pulse done", 0);
        return;
      }
      if (CFG.modem.pwrkeyPin === null) {
        m.go(S_SYNC, "no PWRKEY wired", 0);
        return;
      }
      if ((m.opt & OPT_FORCE_PULSE) === 0) {
        // Running, or unknown (no STATUS wire): a blind pulse could switch a running module off.
        const status = pins.status();
        if (status !== 0) {
          m.go(S_SYNC, status === 1 ? "STATUS high" : "no STATUS wired", 0);
          return;
        }
      }
      if (m.offAtMs < 0 || m.ports.clock.now() - m.offAtMs < Power.OFF_BEFORE_ON_MS) {
        m.go(S_OFF_WAIT, "the off time comes first", OPT_FORCE_PULSE);
        return;
      }
      pins.pwrkey(true);
      m.setTimer(T_STATE, Power.PWRKEY_ON_MS);
      return;

    case S_BOOT_WAIT:
      if (enter) m.setTimer(T_STATE, Power.UART_READY_MS);
      else m.go(S_SYNC, "powered on", 0);
      return;
  }
}
