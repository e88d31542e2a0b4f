// The URC parser: a line no command claimed is matched by its prefix, parsed, and posted as one event.
// It only parses and posts; it never sends a command (Nordic's rule), so a URC arriving mid-command can
// never tangle the command flow. Unrecognised lines return false (the engine counts them unexpected).

import { afterPrefix, field, Field } from "../at/fields";
import { OP_CONN, OP_DEREG, OP_LWSTATUS, OP_OBSRV, OP_PING, OP_PLAT, OP_PSM, OP_REG, OP_SEND, OP_UPDATE } from "../aep/codes";
import { parseValue } from "../sim7020/parse";
import { EV_CPIN, EV_DOWNLINK, EV_NOTICE, EV_POWER_DOWN, EV_PSM, EV_REBOOT, EV_UNDERVOLTAGE } from "./events";
import type { Link } from "./machine";

export function urcLine(m: Link, line: string): boolean {
  const c0 = line.charCodeAt(0);
  if (c0 === 43 /* + */) {
    if (line.indexOf("+CTM2M:") === 0) {
      // +CTM2M: <op>,<status>[,<d1>,<d2>] and the MT2625's +CTM2M:reg,0 (no space).
      const i = afterPrefix(line, "+CTM2M:");
      let e = line.indexOf(",", i);
      if (e < 0) e = line.length;
      const name = line.substring(i, e);
      const op = name === "send" ? OP_SEND : name === "reg" ? OP_REG : name === "obsrv" ? OP_OBSRV : name === "conn" ? OP_CONN : name === "update" ? OP_UPDATE : name === "dereg" ? OP_DEREG : name === "ping" ? OP_PING : name === "plat" ? OP_PLAT : name === "psm" ? OP_PSM : name === "lwstatus" ? OP_LWSTATUS : 0;
      if (op === 0) return false; // an operation this firmware does not know: not ours to guess
      m.post(EV_NOTICE, op, field(line, i, 1, Field.INT), 0, field(line, i, 2, Field.INT), field(line, i, 3, Field.INT), "");
      return true;
    }
    if (line.indexOf("+CTM2MRECV:") === 0) {
      m.post(EV_DOWNLINK, 0, 0, 0, -1, -1, line.substring(afterPrefix(line, "+CTM2MRECV:")));
      return true;
    }
    if (line.indexOf("+CPIN:") === 0) {
      m.post(EV_CPIN, 0, parseValue(line), 0, -1, -1, "");
      return true;
    }
    if (line.indexOf("+CPSMSTATUS:") === 0) {
      m.post(EV_PSM, 0, line.indexOf("ENTER") > 0 ? 1 : 0, 0, -1, -1, "");
      return true;
    }
    if (line.indexOf("+CFUN:") === 0) {
      // +CFUN: 1 is printed at boot only (AT+CFUN=1 answers OK and +CPIN: READY).
      if (field(line, afterPrefix(line, "+CFUN:"), 0, Field.INT) === 1) m.post(EV_REBOOT, 0, 0, 0, -1, -1, line);
      return true;
    }
    return false;
  }
  if (line.indexOf("RDY") === 0 || line.indexOf("*MATREADY:") === 0) m.post(EV_REBOOT, 0, 0, 0, -1, -1, line);
  else if (line.indexOf("NORMAL POWER DOWN") === 0) m.post(EV_POWER_DOWN, 0, 0, 0, -1, -1, line);
  else if (line.indexOf("UNDER-VOLTAGE") === 0) {
    // "UNDER-VOLTAGE WARNNING" (sic) and "UNDER-VOLTAGE POWER DOWN".
    m.post(line.indexOf("POWER DOWN") > 0 ? EV_POWER_DOWN : EV_UNDERVOLTAGE, 0, 0, 0, -1, -1, line);
  } else if (line !== "SMS Ready") return false; // boot chatter after RDY: the reboot is already counted
  return true;
}
