// The project root, found from this file whether it runs from source (vitest) or bundled in dist/tools.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "espruino.config.js"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export const ROOT = findRoot();

/** True when this process runs the tool `name` (from source, or bundled by tsrun as name-<pid>.mjs). */
export function isMain(name: string): boolean {
  const base = process.argv[1] ? path.basename(process.argv[1]) : "";
  return base === name + ".ts" || base === name + ".mjs" || (base.startsWith(name + "-") && base.endsWith(".mjs"));
}
