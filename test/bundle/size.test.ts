// The size budget of the bundle built from espruino.config.js: the build fails here when it grows past it.
//
// Why a budget, and why these numbers. Flash is not the limit (896 KB of Storage); RAM and upload time
// are. Measured on the 2v29 Linux interpreter with this firmware (November 2026, ~60 KB raw):
// - run from a file (the source in RAM while it is evaluated): 11.7k JsVars at start, 6.4k at Ready;
// - run from Storage (.bootcde, how `npm run flash` installs it: function bodies stay in flash): 4.1k at
//   start, 4.4k at Ready, 4.5k steady — the peak is far lower, and most of it is the code's own structure.
// An ESP32 has at most 16383 JsVars, about 12.5k with WiFi on. Whoever sends the bundle to RAM (the Web
// IDE's default) is already near that ceiling at 60 KB, and the flash upload takes ~20 s at 115200 baud.
// So growth must be a decision, not a drift: the budgets are today's size (59.9 KB raw, 20.5 KB gzip)
// plus about 15% headroom for the features still planned; past them, look at what grew (esbuild's
// metafile, `npm run build`) before raising them.
import { describe, expect, it } from "vitest";
import { buildTestBundle } from "./bundle";
import { DEFAULT_CONFIG, loadConfigFile } from "../../build/build";

export const RAW_BUDGET_BYTES = 69_000;
export const GZIP_BUDGET_BYTES = 23_600;

describe("bundle size budget", () => {
  it("dist/firmware.js from espruino.config.js stays under " + RAW_BUDGET_BYTES + " bytes raw and " + GZIP_BUDGET_BYTES + " gzip", async () => {
    const b = await buildTestBundle(await loadConfigFile(DEFAULT_CONFIG));
    console.log("bundle size: " + b.bytes + " bytes raw (budget " + RAW_BUDGET_BYTES + "), " + b.gzipBytes + " gzip (budget " + GZIP_BUDGET_BYTES + ")");
    expect(b.bytes).toBeLessThan(RAW_BUDGET_BYTES);
    expect(b.gzipBytes).toBeLessThan(GZIP_BUDGET_BYTES);
  });
});
