// The build: configuration validation and baking, the Espruino syntax profile, the gate, one output file.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as acorn from "acorn";
import { buildFirmware, ROOT } from "../../build/build";
import { GLOBAL_PREFIX } from "../../build/hoist";

const tmp = mkdtempSync(path.join(tmpdir(), "fw-build-"));
const fixture = (p: string) => path.join(ROOT, "test", "fixtures", p);

describe("build", () => {
  it("builds the firmware from espruino.config.js into one minified file and reports its size", async () => {
    const out = path.join(tmp, "fw.js");
    const r = await buildFirmware({ outFile: out, env: {} });
    expect(r.errors).toEqual([]);
    const code = readFileSync(out, "utf8");
    expect(r.bytes).toBe(Buffer.byteLength(code));
    expect(r.gzipBytes).toBeGreaterThan(100);
    expect(r.gzipBytes).toBeLessThan(r.bytes as number);
    // Out of esbuild's IIFE (build/hoist.ts): every name the bundle declares at the top carries the prefix,
    // so none overwrites an Espruino global or is overwritten by a name typed at the console.
    expect(code.startsWith("(()=>{")).toBe(false);
    const top = (acorn.parse(code, { ecmaVersion: 2022 }) as any).body as any[];
    const declared = top.flatMap((s) => (s.type === "VariableDeclaration" ? s.declarations.map((d: any) => d.id.name) : s.id ? [s.id.name] : []));
    expect(declared.length).toBeGreaterThan(30);
    expect(declared.filter((n: string) => !n.startsWith(GLOBAL_PREFIX))).toEqual([]);
    expect(code.split("\n").length).toBeLessThan(4); // minified
    // The config is baked in as literals where it is used: the UART is looked up by its configured name.
    expect(code).toContain("global.Serial2");
  });

  it("builds with --config some.json and bakes its values in", async () => {
    const cfg = path.join(tmp, "device.json");
    writeFileSync(cfg, JSON.stringify({ network: { apn: "psmF.eDRX.ctnb" }, modem: { serial: "Serial3", serialOptions: { path: "/dev/pts/9" } } }));
    const out = path.join(tmp, "fw-json.js");
    const r = await buildFirmware({ configPath: cfg, outFile: out, env: {} });
    expect(r.errors).toEqual([]);
    const code = readFileSync(out, "utf8");
    expect(code).toContain('"psmF.eDRX.ctnb"');
    expect(code).toContain("global.Serial3");
    expect(code).toContain('"/dev/pts/9"');
    expect(code).not.toContain('"ctnb"'); // the default APN is gone, not merely shadowed
  });

  // Found by the config fuzzer: a free-form object's key that is no identifier ("7k") became a define
  // name (CFG.modem.serialOptions.7k) and esbuild refused the build of a valid configuration.
  it("builds serialOptions whose keys are not identifiers, and bakes them in whole", async () => {
    const out = path.join(tmp, "fw-keys.js");
    const r = await buildFirmware({ config: { modem: { serialOptions: { "7k": -3, "a-b": "x", rx: "D16" } } }, outFile: out, env: {} });
    expect(r.errors).toEqual([]);
    const code = readFileSync(out, "utf8");
    expect(code).toContain('"7k":-3');
    expect(code).toContain('"a-b":"x"');
  });

  it("takes the PSK from $AEP_PSK and never echoes it in an error", async () => {
    const r = await buildFirmware({ config: { aep: { security: 1, pskId: "dev1" } }, outFile: path.join(tmp, "psk.js"), env: { AEP_PSK: "s3cr3tkey" } });
    expect(r.errors).toEqual([]);
    expect(r.config?.aep.psk).toBe("s3cr3tkey");
    const bad = await buildFirmware({ config: { aep: { psk: 'bad"key', security: 1, pskId: "x" } }, env: {} });
    expect(bad.ok).toBe(false);
    expect(bad.errors.join("\n")).toContain("aep.psk");
    expect(bad.errors.join("\n")).not.toContain('bad"key');
  });

  it("refuses a bad configuration, naming the key and the allowed range", async () => {
    const r = await buildFirmware({ config: { aep: { lifetimeS: 120, autoTau: 5 }, outbox: { flashBytes: 0 }, modem: { baud: 1234 }, nonsense: 1 }, env: {} });
    expect(r.ok).toBe(false);
    const text = r.errors.join("\n");
    expect(text).toContain("config aep.lifetimeS: must be from 300 to 2592000, got 120");
    expect(text).toContain("config aep.autoTau: must be one of 0, 1, 2, got 5");
    expect(text).toContain("config outbox.flashBytes: must be from 4096 to 524288, got 0");
    expect(text).toContain("config modem.baud:");
    expect(text).toContain("config nonsense: unknown key");
  });

  it("fails on a missing or broken configuration file", async () => {
    expect((await buildFirmware({ configPath: path.join(tmp, "nope.json") })).errors[0]).toContain("not found");
    const broken = path.join(tmp, "broken.json");
    writeFileSync(broken, "{ apn: ");
    expect((await buildFirmware({ configPath: broken })).errors[0]).toContain("not valid JSON");
  });

  it("fails with esbuild's message on syntax the device cannot parse (default parameters)", async () => {
    const r = await buildFirmware({ entry: fixture("entries/default-param.ts"), outFile: path.join(tmp, "dp.js"), env: {} });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/^esbuild: .*default-param\.ts:2:\d+: .*not supported/);
  });

  it("the gate refuses class ... extends from source, naming the source file", async () => {
    const r = await buildFirmware({ entry: fixture("entries/extends.ts"), outFile: path.join(tmp, "ex.js"), env: {} });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toContain("gate class-extends");
    expect(r.errors[0]).toContain("extends.ts");
  });

  it("the gate refuses a module wrapped as CommonJS (package.json type: commonjs)", async () => {
    const r = await buildFirmware({ entry: fixture("cjs-pkg/main.ts"), outFile: path.join(tmp, "cjs.js"), env: {} });
    expect(r.ok).toBe(false);
    expect(r.errors.join("\n")).toContain("gate commonjs: test/fixtures/cjs-pkg/node_modules/legacy/index.js");
  });

  it("lowers class fields and template literals so a clean module builds", async () => {
    const out = path.join(tmp, "clean.js");
    const r = await buildFirmware({ entry: fixture("entries/clean.ts"), outFile: out, env: {} });
    expect(r.errors).toEqual([]);
    const code = readFileSync(out, "utf8");
    expect(code).not.toContain("`");
    expect(code).toMatch(/this\.\w+=0/); // the field became a constructor assignment (its name is mangled)
  });
});

describe("configuration validation", () => {
  it("reports rules across keys together with single-key errors, in one run", async () => {
    const { validateConfig } = await import("../../lib/config");
    const r = validateConfig({ aep: { security: 2 }, outbox: { flashBytes: 99 }, network: { psm: { enabled: true, tauS: 60, activeS: 120 } } }, {});
    expect(r.config).toBeUndefined();
    expect(r.errors).toEqual([
      "outbox.flashBytes: must be from 4096 to 524288, got 99",
      "aep.security: 2 needs aep.pskId and aep.psk (1 to 64 characters each; the PSK may come from $AEP_PSK)",
      "network.psm.activeS: must be shorter than network.psm.tauS (60), got 120",
    ]);
  });

  it("shows NaN and Infinity as they are, not as JSON's null", async () => {
    const { validateConfig } = await import("../../lib/config");
    expect(validateConfig({ app: { reportIntervalS: NaN } }, {}).errors[0]).toBe("app.reportIntervalS: must be a whole number from 10 to 604800, got NaN");
  });
});
