// Runs a TypeScript tool (build, simulator, desktop run, codec CLI, soak, bench) on plain node:
// esbuild bundles the entry for node into dist/tools/ and we import it. Usage: node build/tsrun.mjs FILE.ts [args]
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { unlinkSync } from "node:fs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = process.argv[2];
if (!entry) {
  console.error("usage: node build/tsrun.mjs FILE.ts [args...]");
  process.exit(2);
}
// One file per run: two tools with the same name, or two runs of one tool, must not overwrite each other.
const outfile = path.join(root, "dist", "tools", path.basename(entry).replace(/\.ts$/, "") + "-" + process.pid + ".mjs");
await build({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "error",
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
});
process.on("exit", () => {
  try {
    unlinkSync(outfile);
  } catch {
    // already gone
  }
});
process.argv.splice(1, 2, outfile);
await import(pathToFileURL(outfile).href);
