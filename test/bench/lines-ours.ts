// "Ours" in the on-device line-handling bench: the firmware's line reader + AT engine (lib/at), behind
// the small interface the bench harness drives (lines-harness.ts). This is the only bench file that
// knows the AT engine's API: when that API changes, this adapter is what changes.

import { AtEngine, AT_ENGINE_DEFAULTS, AT_F_BARE } from "../../lib/at/engine";
import type { Clock } from "../../lib/ports";
import type { BenchCounts, BenchHandler } from "./lines-harness";

export function makeOurs(clock: Clock, urcPrefixes: string[], counts: BenchCounts): BenchHandler {
  const urcs = [];
  for (let i = 0; i < urcPrefixes.length; i++)
    urcs.push({
      prefix: urcPrefixes[i],
      handler: function () {
        counts.notices++;
      },
    });
  const e = new AtEngine(
    { write: function () {} },
    clock,
    urcs,
    {
      atDone: function () {
        counts.results++;
        for (let i = 0; i < e.lineCount(); i++) if (e.line(i).length > 0) counts.lines++;
      },
      atEcho: function () {},
    },
    AT_ENGINE_DEFAULTS,
  );
  let tag = 0;
  return {
    send: function (cmd, prefix, bare) {
      e.send(cmd, { prefix: prefix, timeoutMs: 5000, flags: bare ? AT_F_BARE : 0 }, ++tag);
    },
    feed: function (chunk) {
      e.feed(chunk);
    },
  };
}
