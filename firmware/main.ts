// Firmware entry: wires the AT engine to the module's UART and syncs with AT until OK.
// (Foundation stage: the link state machine replaces the sync loop.)
import { AtEngine, type AtSpec } from "../lib/at/engine";
import { AT_OK, atResultText } from "../lib/at/result";
import type { Clock } from "../lib/ports";
import { CONFIG } from "./config";

const clock: Clock = {
  now: function () {
    return Date.now();
  },
  setTimeout: function (fn, ms) {
    return setTimeout(fn, ms);
  },
  clearTimeout: function (id) {
    if (id) clearTimeout(id);
  },
};

const AT_SYNC: AtSpec = { prefix: "", timeoutMs: 1000, flags: 0 };
const serial = (global as any)[CONFIG.modem.serial] as Serial;

function start(): void {
  const engine = new AtEngine({ write: function (d) { serial.write(d); } }, clock, [], {
    atDone: function (tag, code, errNo) {
      console.log("AT sync: " + atResultText(code, errNo));
      if (code !== AT_OK) setTimeout(function () { engine.send("AT", AT_SYNC, 0); }, 1000);
    },
    atEcho: function () {},
  });
  serial.setup(CONFIG.modem.baud, CONFIG.modem.serialOptions);
  serial.on("data", function (d: string) {
    engine.feed(d);
  });
  engine.send("AT", AT_SYNC, 0);
}

start();
