// Runs a TypeScript tool (build, simulator, desktop run, codec CLI, soak, bench) on plain node:
// esbuild bundles the entry for node into dist/tools/ and we import it. Usage: node build/tsrun.mjs FILE.ts [args]
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = process.argv[2];
if (!entry) {
  console.error("usage: node build/tsrun.mjs FILE.ts [args...]");
  process.exit(2);
}
const outfile = path.join(root, "dist", "tools", path.basename(entry).replace(/\.ts$/, "") + ".mjs");
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
process.argv.splice(1, 2, outfile);
await import(pathToFileURL(outfile).href);
