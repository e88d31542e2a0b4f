// A bare engine on the UART stub and fake clock, recording results and URCs, for the engine's tests.

import { AtEngine, AT_ENGINE_DEFAULTS, type AtEngineOptions, type AtSpec, type UrcEntry } from "../support/at-compat";
import { FakeClock } from "../support/fake-clock";
import { UartStub } from "../support/uart-stub";

export interface Done {
  tag: number;
  code: number;
  errNo: number;
  lines: string[];
}

export function makeEngine(urcPrefixes: string[] = ["+CTM2M:", "+CTM2MRECV:", "+CPIN:"], opts: Partial<AtEngineOptions> = {}) {
  const clock = new FakeClock();
  const uart = new UartStub(clock);
  const done: Done[] = [];
  const urcs: string[] = [];
  const echoes: number[] = [];
  const table: UrcEntry[] = urcPrefixes.map((prefix) => ({ prefix, handler: (l: string) => urcs.push(l) }));
  const engine: AtEngine = new AtEngine(
    uart,
    clock,
    table,
    {
      atDone(tag, code, errNo) {
        const lines: string[] = [];
        for (let i = 0; i < engine.lineCount(); i++) lines.push(engine.line(i));
        done.push({ tag, code, errNo, lines });
      },
      atEcho(tag) {
        echoes.push(tag);
      },
    },
    { ...AT_ENGINE_DEFAULTS, ...opts },
  );
  uart.attach((c) => engine.feed(c));
  return { clock, uart, engine, done, urcs, echoes };
}

export const spec = (prefix: string, timeoutMs = 1000, flags = 0): AtSpec => ({ prefix, timeoutMs, flags });
