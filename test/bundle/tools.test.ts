// The two user-facing tools around the bundle: `npm start` (the desktop run) reaches confirmed reports
// and prints a summary; `npm run flash` builds the right espruino command line (checked with --dry-run)
// and, when no board answers, says so, lists what to check and exits 1 (the CLI itself exits 0).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../build/paths";
import { cliArgs, judge, parseFlashArgs } from "../../build/flash";
import { parseStartArgs } from "../../build/start";

function tool(file: string, args: string[], env: { [k: string]: string | undefined } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(ROOT, "build", "tsrun.mjs"), path.join(ROOT, "build", file), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => resolve({ code, out }));
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fw-tools-"));

describe("npm start", () => {
  it("runs dist/firmware.js in the sandbox to confirmed reports and prints a summary (--speed 0 --for 700)", async () => {
    const r = await tool("start.ts", ["--speed", "0", "--for", "700", "--fresh", "--storage", path.join(tmp, "flash.json")]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("link: AwaitObserve -> Ready (registered and observed)");
    expect(r.out).toMatch(/\+ I [\d.]+ link: uplink #\d+ confirmed/);
    expect(r.out).toContain("---- summary: scenario happy, 700 simulated s");
    expect(r.out).toMatch(/uplinks confirmed [3-9]/);
    expect(r.out).toContain("protocol violations 0");
    expect(r.out).toContain("bites 0, uncaught exceptions 0");
    // The sandbox cannot count JsVars: no figure it did not measure.
    expect(r.out).toContain("main: memory at Ready: JsVars not measured in the sandbox");
    expect(r.out).not.toMatch(/\d+\/\d+ JsVars/);
  }, 60_000);

  it("--espruino with ESPRUINO_BIN pointing nowhere says what to set and exits 1 (no silent fallback)", async () => {
    const r = await tool("start.ts", ["--espruino"], { ESPRUINO_BIN: "/nonexistent/espruino" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("ESPRUINO_BIN=/nonexistent/espruino is not an executable file");
    expect(r.out).toContain("Set ESPRUINO_BIN=");
  }, 30_000);

  it("refuses an unknown scenario or option with the usage", () => {
    expect(() => parseStartArgs(["--scenario", "nope"])).toThrow(/unknown scenario nope; known: happy, reg-fail/);
    expect(() => parseStartArgs(["--bogus"])).toThrow("unknown option --bogus");
    expect(parseStartArgs(["--speed", "0", "--for", "60", "--seed", "4"])).toMatchObject({ speed: 0, forS: 60, seed: 4, scenario: "happy" });
  });
});

describe("npm run flash", () => {
  it("writes the bundle as .bootcde byte for byte, then load()s it; port and baud from flags or the environment", () => {
    const a = parseFlashArgs(["--baud", "921600"], { ESPRUINO_PORT: "/dev/ttyUSB1" });
    expect(a).toMatchObject({ port: "/dev/ttyUSB1", baud: 921600, dryRun: false });
    expect(cliArgs(a, "/tmp/load.js")).toEqual(["--no-ble", "--port", "/dev/ttyUSB1", "-b", "921600", "--storage", ".bootcde:" + a.file, "/tmp/load.js"]);
    expect(parseFlashArgs(["--port", "COM3"], {}).baud).toBe(115200);
    expect(() => parseFlashArgs(["--baud", "fast"], {})).toThrow("--baud must be a whole number");
  });

  it("--dry-run prints the command line it would run and touches nothing", async () => {
    const r = await tool("flash.ts", ["--dry-run", "--port", "/dev/ttyUSB0", "--baud", "115200"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^\$ node_modules\/\.bin\/espruino --no-ble --port \/dev\/ttyUSB0 -b 115200 --storage \.bootcde:\S+dist\/firmware\.js \S+load\.js$/m);
  }, 30_000);

  it("judges the CLI's output: connection refused, upload done, firmware started", () => {
    expect(judge("Connecting to '/dev/ttyUSB0'\nserial: Port \"/dev/ttyUSB0\" not found\nUnable to connect!\n").ok).toBe(false);
    // The port opened, the CLI "uploaded", but nothing came back (wrong baud, a sleeping board).
    expect(judge("Connected\n--] >\nUpload Complete\n")).toMatchObject({ ok: false, connected: true, answered: false });
    expect(judge("Connected\n--]  2v29 (c) 2026 G.Williams\nUpload Complete\n")).toMatchObject({ ok: true, started: false });
    expect(judge("Connected\n--] I 0.02 main: firmware started: module on Serial2\nUpload Complete\n")).toEqual({ ok: true, connected: true, answered: true, uploaded: true, started: true });
  });

  it("with no board on the port: says so, lists what to check, exits 1 (the espruino CLI exits 0)", async () => {
    const r = await tool("flash.ts", ["--port", path.join(tmp, "ttyNOPE")]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain("could not open");
    expect(r.out).toContain("dialout");
    expect(r.out).toContain("charge-only");
  }, 30_000);
});
