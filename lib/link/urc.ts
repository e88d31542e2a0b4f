// The URC table: a static list of {prefix, handler}. Handlers only parse and post an event; they never
// send a command (Nordic's rule), so a URC arriving mid-command can never tangle the command flow.

import type { UrcEntry } from "../at/engine";
import { afterPrefix, intFrom } from "../at/fields";
import { parseNotice } from "../aep/ctm2m";
import { parseCpin } from "../sim7020/parse";
import { EV_CPIN, EV_CTM2M, EV_DOWNLINK, EV_POWER_DOWN, EV_PSM, EV_REBOOT_SEEN, EV_UNDERVOLTAGE } from "./events";

export interface Poster {
  post(ev: number, a: number, b: number, c: number, d: number, s: string): void;
}

export function makeUrcTable(m: Poster): UrcEntry[] {
  return [
    {
      prefix: "+CTM2M:",
      handler: function (line) {
        const n = parseNotice(line);
        m.post(EV_CTM2M, n.op, n.status, n.d1, n.d2, "");
      },
    },
    {
      prefix: "+CTM2MRECV:",
      handler: function (line) {
        const i = afterPrefix(line, "+CTM2MRECV:");
        m.post(EV_DOWNLINK, 0, 0, 0, 0, line.substring(i));
      },
    },
    {
      prefix: "+CPIN:",
      handler: function (line) {
        m.post(EV_CPIN, parseCpin(line), 0, 0, 0, "");
      },
    },
    {
      prefix: "+CPSMSTATUS:",
      handler: function (line) {
        m.post(EV_PSM, line.indexOf("ENTER") > 0 ? 1 : 0, 0, 0, 0, "");
      },
    },
    {
      prefix: "RDY",
      handler: function (line) {
        m.post(EV_REBOOT_SEEN, 0, 0, 0, 0, line);
      },
    },
    {
      // +CFUN: 1 is printed at boot only; AT+CFUN=1 answers OK and +CPIN: READY.
      prefix: "+CFUN:",
      handler: function (line) {
        if (intFrom(line, afterPrefix(line, "+CFUN:")) === 1) m.post(EV_REBOOT_SEEN, 0, 0, 0, 0, line);
      },
    },
    {
      prefix: "*MATREADY:",
      handler: function (line) {
        m.post(EV_REBOOT_SEEN, 0, 0, 0, 0, line);
      },
    },
    {
      prefix: "NORMAL POWER DOWN",
      handler: function (line) {
        m.post(EV_POWER_DOWN, 0, 0, 0, 0, line);
      },
    },
    {
      // "UNDER-VOLTAGE WARNNING" (sic) and "UNDER-VOLTAGE POWER DOWN".
      prefix: "UNDER-VOLTAGE",
      handler: function (line) {
        if (line.indexOf("POWER DOWN") > 0) m.post(EV_POWER_DOWN, 0, 0, 0, 0, line);
        else m.post(EV_UNDERVOLTAGE, 0, 0, 0, 0, line);
      },
    },
    {
      prefix: "SMS Ready",
      handler: function () {
        // Boot chatter after RDY; the reboot is already counted.
      },
    },
  ];
}
