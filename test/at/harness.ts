// A bare At engine on the UART stub and fake clock, with the driver's real numbered final and stray-OK
// hold, recording results (with the lines readable inside atDone), echoes and the URCs a prefix table claims.

import { Aep } from "../../lib/aep/ctm2m";
import { CTM2M_STRAY_OK_MS } from "../../lib/aep/codes";
import { At } from "../../lib/at/engine";
import { AT_ECHO } from "../../lib/at/result";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";

export interface Done {
  tag: number;
  code: number;
  errNo: number;
  lines: string[];
}

export const DEFAULT_URCS = ["+CTM2M:", "+CTM2MRECV:", "+CPIN:"];

/** An engine whose URC parser claims the lines starting with one of `urcPrefixes`. */
export function makeAt(urcPrefixes: string[] = DEFAULT_URCS, extraFinal: string = Aep.FINAL, guardMs: number = CTM2M_STRAY_OK_MS) {
  const clock = new FakeClock();
  const uart = new UartStub(clock);
  const done: Done[] = [];
  const urcs: string[] = [];
  const echoes: number[] = [];
  /** The owner the URC parser was given, each time (must be the engine's owner). */
  const urcOwners: unknown[] = [];
  const owner = {
    atDone(tag: number, code: number, errNo: number) {
      if (code === AT_ECHO) return void echoes.push(tag);
      const lines: string[] = [];
      for (let i = 0; i < at.lines; i++) lines.push(at.resp[i]);
      done.push({ tag, code, errNo, lines });
    },
  };
  const at: At = new At(
    uart,
    clock,
    owner,
    (o, line) => {
      for (const p of urcPrefixes) {
        if (line.indexOf(p) === 0) {
          urcOwners.push(o);
          urcs.push(line);
          return true;
        }
      }
      return false;
    },
    extraFinal,
    guardMs,
  );
  uart.attach((c) => at.feed(c));
  return { clock, uart, at, owner, done, urcs, urcOwners, echoes };
}

/** A row (lib/at/engine.ts AtRow): `"<prefix>|<timeoutMs>|<flags>|<text>"`. */
export const row = (prefix: string, text: string, timeoutMs = 1000, flags = 0): string => prefix + "|" + timeoutMs + "|" + flags + "|" + text;
