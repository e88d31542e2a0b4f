// `npm run build [-- --config PATH] [--out FILE] [--entry FILE]`: validate the configuration, bundle
// firmware/main.ts with the Espruino profile into one minified file, run the bundle gate, print the size.
// The last line is always the size (or the error), so scripts can read it.

import { build, type Metafile } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { configDefines, validateConfig, type FirmwareConfig } from "../lib/config";
import { commonJsInputs, excerpt, gateBundle } from "./gate";
import { argValue } from "./args";
import { isMain, ROOT } from "./paths";
import { espruinoSupported } from "./profile";
import { mangleOptions } from "./mangle";
import { hoistIife } from "./hoist";
import { appProfile } from "../firmware/profile";

export { ROOT };
export const DEFAULT_CONFIG = path.join(ROOT, "espruino.config.js");
export const DEFAULT_OUT = path.join(ROOT, "dist", "firmware.js");

export interface BuildOptions {
  configPath?: string;
  entry?: string;
  outFile?: string;
  /** Configuration object to use instead of a file (tests). */
  config?: unknown;
  env?: { [k: string]: string | undefined };
}

export interface BuildResult {
  ok: boolean;
  errors: string[];
  outFile?: string;
  bytes?: number;
  gzipBytes?: number;
  config?: FirmwareConfig;
  /** Configuration trade-offs worth knowing (the build goes on). */
  warnings?: string[];
  /**
   * The property names the build shortened: source name -> name in the bundle (also written beside the
   * bundle as <out>.names.json, for inspecting a board from its console at log level 3).
   */
  names?: Record<string, string>;
}

export async function loadConfigFile(file: string): Promise<unknown> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new Error("configuration file not found: " + abs);
  if (abs.endsWith(".json")) {
    try {
      return JSON.parse(readFileSync(abs, "utf8"));
    } catch (e) {
      throw new Error("configuration file " + abs + " is not valid JSON: " + (e as Error).message);
    }
  }
  const mod = await import(pathToFileURL(abs).href + "?t=" + Date.now());
  if (mod.default === undefined) throw new Error("configuration module " + abs + " has no default export");
  return mod.default;
}

/** esbuild options shared by the device build and the tests that gate fixture bundles. */
export function espruinoEsbuildOptions(entry: string, define: Record<string, string>, minify: boolean) {
  return {
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "iife" as const,
    target: "es2020",
    supported: espruinoSupported(),
    minify,
    charset: "ascii" as const,
    legalComments: "none" as const,
    metafile: true,
    logLevel: "silent" as const,
    define,
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
  };
}

/** Nearest `// path/to/file.ts` comment above an offset in an unminified bundle. */
function sourceOf(code: string, offset: number): string {
  const before = code.substring(0, offset);
  const i = before.lastIndexOf("\n  // ");
  if (i < 0) return "";
  const line = before.substring(i + 6, before.indexOf("\n", i + 1));
  return line.trim();
}

/**
 * The firmware's own esbuild options for a validated configuration: the entry, the configuration baked
 * in as defines (`CFG.x.y`), property mangling. `minify` false keeps it readable (line breaks, module
 * comments) for the bench's markers and the gate's locations; the mangled names stay.
 */
export function firmwareBuildOptions(config: FirmwareConfig, minify: boolean, entry?: string): BuildOptions_ {
  return { ...espruinoEsbuildOptions(path.resolve(entry ?? path.join(ROOT, "firmware", "main.ts")), configDefines(config), minify), ...mangleOptions([appProfile()]) };
}
type BuildOptions_ = ReturnType<typeof espruinoEsbuildOptions> & ReturnType<typeof mangleOptions>;

export async function buildFirmware(opts: BuildOptions = {}): Promise<BuildResult> {
  const env = opts.env ?? process.env;
  let raw: unknown;
  try {
    raw = opts.config !== undefined ? opts.config : await loadConfigFile(opts.configPath ?? DEFAULT_CONFIG);
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
  const checked = validateConfig(raw, env);
  if (!checked.config) return { ok: false, errors: checked.errors.map((e) => "config " + e) };
  const config = checked.config;
  const entry = path.resolve(opts.entry ?? path.join(ROOT, "firmware", "main.ts"));
  const define = configDefines(config);

  let code: string;
  let metafile: Metafile;
  const names: Record<string, string> = {};
  try {
    const r = await build({ ...firmwareBuildOptions(config, true, entry), mangleCache: {} });
    code = r.outputFiles![0].text;
    metafile = r.metafile!;
    for (const [k, v] of Object.entries(r.mangleCache ?? {})) if (typeof v === "string") names[k] = v;
  } catch (e) {
    const errs = (e as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
    if (errs && errs.length)
      return { ok: false, errors: errs.map((x) => "esbuild: " + (x.location ? x.location.file + ":" + x.location.line + ":" + x.location.column + ": " : "") + x.text) };
    return { ok: false, errors: ["esbuild: " + (e as Error).message] };
  }

  try {
    // Out of the IIFE: ~100 JsVars less on the device (build/hoist.ts says why and what it costs).
    code = hoistIife(code).code;
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
  const errors: string[] = [];
  for (const f of commonJsInputs(metafile))
    errors.push("gate commonjs: " + f + " was wrapped as CommonJS (a package.json with \"type\": \"commonjs\", or require/module.exports); the wrapper's helpers rely on per-iteration let and break on the device. Write ES modules");
  const violations = gateBundle(code);
  if (violations.length) {
    // Gate the readable bundle too, to say which source file each violation comes from.
    const plain = (await build(espruinoEsbuildOptions(entry, define, false))).outputFiles![0].text;
    const located = gateBundle(plain);
    violations.forEach((v, i) => {
      const l = located.find((x) => x.rule === v.rule && located.indexOf(x) >= i) ?? located.find((x) => x.rule === v.rule);
      const where = l ? sourceOf(plain, l.offset) : "";
      errors.push("gate " + v.rule + ": " + v.message + (where ? " [" + where + "]" : "") + " near `" + excerpt(code, v.offset) + "`");
    });
  }
  if (errors.length) return { ok: false, errors };

  const outFile = path.resolve(opts.outFile ?? DEFAULT_OUT);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, code);
  writeFileSync(outFile.replace(/\.js$/, "") + ".names.json", JSON.stringify(names, null, 1) + "\n");
  const bytes = Buffer.byteLength(code);
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  return { ok: true, errors: [], outFile, bytes, gzipBytes, config, warnings: checked.warnings, names };
}

export function sizeLine(r: BuildResult): string {
  return "bundle " + path.relative(process.cwd(), r.outFile as string) + ": " + r.bytes + " bytes raw, " + r.gzipBytes + " bytes gzip";
}


async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let r: BuildResult;
  try {
    r = await buildFirmware({ configPath: argValue(args, "--config"), outFile: argValue(args, "--out"), entry: argValue(args, "--entry") });
  } catch (e) {
    r = { ok: false, errors: [(e as Error).message] };
  }
  if (!r.ok) {
    for (const e of r.errors) console.error(e);
    console.error("build failed: " + r.errors.length + " error(s)");
    process.exit(1);
  }
  for (const w of r.warnings ?? []) console.log("config warning: " + w);
  console.log(sizeLine(r));
}

if (isMain("build")) await main();
