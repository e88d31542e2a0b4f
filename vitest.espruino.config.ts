// Vitest for test/espruino: the firmware booted from .bootcde on the real ESP32-format interpreter
// against the simulator on a pty, in real time (`npm run test:espruino`). One file and one test at a
// time, never beside the unit suite: these runs judge timeouts and backoffs in real seconds, so they
// must not fight other tests for the machine's two cores. Its JSON report is summed by .ci/run.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/espruino/**/*.test.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    reporters: ["default", "json"],
    outputFile: { json: "dist/espruino-results.json" },
    testTimeout: 600000,
    hookTimeout: 120000,
  },
});
