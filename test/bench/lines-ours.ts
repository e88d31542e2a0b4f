// "Ours" in the on-device line-handling bench: the firmware's AT engine (lib/at/engine.ts, which splits
// lines too) behind the small interface the bench harness drives (lines-harness.ts). This is the only
// bench file that knows the AT engine's API: when that API changes, this adapter is what changes.

import { At } from "../../lib/at/engine";
import { AT_ECHO, AT_F_BARE } from "../../lib/at/result";
import type { Clock } from "../../lib/ports";
import type { BenchCounts, BenchHandler } from "./lines-harness";

export function makeOurs(clock: Clock, urcPrefixes: string[], counts: BenchCounts): BenchHandler {
  // The URC parser the link gives the engine: a line no command claimed, recognised by its prefix.
  const urc = function (_owner: unknown, line: string): boolean {
    for (let i = 0; i < urcPrefixes.length; i++)
      if (line.indexOf(urcPrefixes[i]) === 0) {
        counts.notices++;
        return true;
      }
    return false;
  };
  const owner = {
    atDone: function (_tag: number, code: number) {
      if (code === AT_ECHO) return;
      counts.results++;
      for (let i = 0; i < e.lines; i++) if (e.resp[i].length > 0) counts.lines++;
    },
  };
  const e = new At({ write: function () {} }, clock, owner, urc, "+CTM2M ERROR:", 300);
  let tag = 0;
  return {
    send: function (cmd, prefix, bare) {
      e.send(prefix + "|5000|" + (bare ? AT_F_BARE : 0) + "|" + cmd, ++tag);
    },
    feed: function (chunk) {
      e.feed(chunk);
    },
  };
}
