// The README's promises that code can check: its configuration table is the one lib/config.ts makes,
// and the commands it names exist as npm scripts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configTable } from "../../build/config-doc";
import { ROOT } from "../../build/paths";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

describe("README", () => {
  it("holds exactly the configuration table generated from lib/config.ts (npm run config-doc)", () => {
    const m = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme);
    expect(m, "config-table markers").not.toBeNull();
    expect(m![1]).toBe(configTable());
  });

  it("starts with the two commands, and every npm script it names exists", () => {
    const first = readme.split("```")[1];
    expect(first).toContain("npm ci && npm start");
    expect(first).toContain("npm ci && npm test");
    const named = new Set([...readme.matchAll(/npm run ([a-z-]+)/g)].map((x) => x[1]));
    for (const n of named) expect(pkg.scripts[n], "npm run " + n).toBeDefined();
    expect(named.size).toBeGreaterThan(5);
  });
});
