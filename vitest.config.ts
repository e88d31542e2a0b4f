// Vitest: every unit test under test/, with a JSON report beside the console one so .ci/run can count
// real tests (its last line is "N passed, N failed"). test/espruino (the real interpreter, real time)
// is its own project, vitest.espruino.config.ts, run one file at a time in a step of its own.
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/espruino/**"],
    reporters: ["default", "json"],
    outputFile: { json: "dist/test-results.json" },
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
