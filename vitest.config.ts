// Vitest: every test under test/, with a JSON report beside the console one so .ci/run can count
// real tests (its last line is "N passed, N failed").
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "dist/test-results.json" },
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
