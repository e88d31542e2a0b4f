// `npm start [-- options]`: the embedded default with no hardware and no network. Builds dist/firmware.js
// and runs that same bundle in the Espruino sandbox (test/sandbox) against the in-process SIM7020
// simulator on a simulated clock, printing the device's console as it happens (state changes, reports
// confirmed, commands answered) and a summary at the end. The sandbox cannot count JsVars, so it prints
// none; `--espruino` runs the bundle on the real ESP32-format interpreter instead ($ESPRUINO_BIN, else
// ../shared/tools/espruino), booted from .bootcde against the simulator on a pseudo-terminal, and prints
// the JsVars it really uses.

import fs from "node:fs";
import path from "node:path";
import { encodeCommand } from "../lib/aep/codec";
import { APP_PROFILE, CMD_REPORT_NOW } from "../firmware/profile";
import { NOTE_DOWNLINKS, SCENARIOS, whenRegistered } from "../test/sim/scenarios";
import type { SandboxEvent } from "../test/sandbox/espruino-sandbox";
import { classifyLine, startDesktopRun, unmeasuredMemory, type DesktopRun, type LogLine } from "../test/sandbox/desktop-run";
import { FileStore } from "../test/sandbox/storage";
import { findEspruino, runOnEspruino } from "../test/sandbox/real-espruino";
import { buildFirmware, sizeLine } from "./build";
import { flash, parseFlashArgs } from "./flash";
import { flagValue } from "./args";
import { isMain, ROOT } from "./paths";

export interface StartArgs {
  scenario: string;
  seed: number;
  /** Simulated seconds (sandbox) or real seconds (--espruino); 0 = until Ctrl-C. */
  forS: number;
  /** Simulated seconds per real second; 0 = as fast as possible. */
  speed: number;
  configPath?: string;
  verbose: boolean;
  list: boolean;
  esp32: boolean;
  downlinks: boolean;
  fresh: boolean;
  /** The JSON file behind the sandbox's Storage. */
  storage: string;
  espruino: boolean;
  /** Flash the board on this serial port instead of running on the desktop ($ESPRUINO_PORT too). */
  port: string;
  help: boolean;
}

export const DEFAULT_SPEED = 60;
/** The desktop board's flash: Storage survives between runs, like a device's (`--fresh` wipes it). */
export const FLASH_FILE = path.join(ROOT, "dist", "sandbox-flash.json");

export const USAGE = `usage: npm start -- [options]
  --scenario NAME   simulator scenario (default happy); --list shows them all
  --seed N          seed for the simulator and the firmware's jitter (default 1)
  --for SECONDS     stop after this many simulated seconds and print a summary (default: until Ctrl-C)
  --speed X         simulated seconds per real second (default ${DEFAULT_SPEED}; 0 = as fast as possible)
  --config PATH     build with this configuration file instead of espruino.config.js
  --verbose         also print every AT command and answer (the simulator's transcript)
  --downlinks       once registered, a command every 90 s: this profile's reportNow (answered, result 0)
                    and the note's first example (answered with an error: its payload is not this
                    profile's); the "downlink" scenario sends the note's two examples every 45 s
  --esp32           give the sandbox an ESP32 object, so power saving deep-sleeps between reports
  --fresh           erase the desktop board's Storage first
  --storage PATH    the JSON file holding that Storage (default ${path.relative(ROOT, FLASH_FILE)})
  --espruino        run on the real interpreter ($ESPRUINO_BIN, else ../shared/tools/espruino), booted from
                    .bootcde, on a pty; prints real JsVar figures (--for is real seconds, default 120;
                    ESPRUINO_JSVARS=N makes it a board with N JsVars)
  --port PORT       a board is attached: flash it (npm run flash) instead of the desktop run; $ESPRUINO_PORT too`;

export function parseStartArgs(argv: string[]): StartArgs {
  const a: StartArgs = { scenario: "happy", seed: 1, forS: 0, speed: DEFAULT_SPEED, verbose: false, list: false, esp32: false, downlinks: false, fresh: false, storage: FLASH_FILE, espruino: false, port: "", help: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = (): string => flagValue(argv, ++i, k);
    const num = (min: number): number => {
      const v = Number(val());
      if (!Number.isFinite(v) || v < min) throw new Error(k + " must be a number >= " + min);
      return v;
    };
    if (k === "--scenario") a.scenario = val();
    else if (k === "--seed") a.seed = num(0);
    else if (k === "--for") a.forS = num(1);
    else if (k === "--speed") a.speed = num(0);
    else if (k === "--config") a.configPath = val();
    else if (k === "--verbose") a.verbose = true;
    else if (k === "--list") a.list = true;
    else if (k === "--esp32") a.esp32 = true;
    else if (k === "--downlinks") a.downlinks = true;
    else if (k === "--fresh") a.fresh = true;
    else if (k === "--storage") a.storage = path.resolve(val());
    else if (k === "--espruino") a.espruino = true;
    else if (k === "--port") a.port = val();
    else if (k === "--help" || k === "-h") a.help = true;
    else throw new Error("unknown option " + k);
  }
  if (!a.list && !a.help && !SCENARIOS.some((s) => s.name === a.scenario)) throw new Error("unknown scenario " + a.scenario + "; known: " + SCENARIOS.map((s) => s.name).join(", "));
  return a;
}

function clockText(ms: number): string {
  return (ms / 1000).toFixed(1).padStart(8) + "s";
}

const MARK: Partial<Record<ReturnType<typeof classifyLine>, string>> = { state: "*", ready: "*", confirmed: "+", command: "!", warn: "~", error: "x", uncaught: "x" };

/** One console line of the device, prefixed by the simulated time and a mark saying what it is. */
export function formatLog(l: LogLine): string {
  return clockText(l.tMs) + " " + (MARK[classifyLine(l.line)] ?? " ") + " " + l.line;
}

function formatEvent(e: SandboxEvent): string {
  const what: Record<SandboxEvent["kind"], string> = {
    boot: "MCU boot #" + e.boot + " (" + e.detail + ")",
    end: "MCU stops: " + e.detail,
    "deep-sleep": "MCU deep sleep " + e.detail,
    "watchdog-bite": "WATCHDOG BITE: " + e.detail,
    uncaught: "exception escaped the firmware: " + e.detail,
  };
  return clockText(e.atMs) + " = [sandbox] " + what[e.kind];
}

/** What happened, in a few lines: the end of every run. */
export function summarize(run: DesktopRun, wallMs: number): string[] {
  const count = (k: ReturnType<typeof classifyLine>) => run.logs.filter((l) => classifyLine(l.line) === k).length;
  const firstReady = run.logs.find((l) => classifyLine(l.line) === "state" && l.line.indexOf("-> Ready") > 0);
  const s = run.sim.summary();
  const sb = run.sandbox;
  const faults = Object.keys(s.faults).map((k) => k + " x" + s.faults[k]).join(", ");
  return [
    "---- summary: scenario " + run.scenario.name + ", " + (run.clock.now() / 1000).toFixed(0) + " simulated s in " + (wallMs / 1000).toFixed(1) + " s ----",
    "first Ready at " + (firstReady ? (firstReady.tMs / 1000).toFixed(1) + " s" : "never") + "; state changes " + count("state") + ", Ready reached " + run.logs.filter((l) => classifyLine(l.line) === "state" && l.line.indexOf("-> Ready") > 0).length + " time(s)",
    "uplinks confirmed " + count("confirmed") + " (platform acknowledged " + s.sends.length + "), commands answered " + count("command") + " (downlinks delivered " + s.downlinks + ", lost " + s.downlinksLost + ")",
    "module: registrations " + s.registrations + ", reboots " + s.reboots + ", faults " + (faults || "none") + ", protocol violations " + s.violations.length,
    "MCU: boots " + sb.boots + ", watchdog kicks " + sb.watchdog.kicks + ", bites " + sb.watchdog.bites.length + ", uncaught exceptions " + sb.uncaught.length + ", warnings " + count("warn") + ", errors " + count("error"),
    "JsVars: not measured in the sandbox (its process.memory() is a fixed stand-in); npm start -- --espruino measures them on the real interpreter",
  ];
}

/**
 * Every 90 s once registered: this profile's reportNow (answered with result 0 and a report), then the
 * application note's first example (its payload does not fit this profile: answered with an error code).
 * Not setInterval: its answer saves the interval in Storage, which outlives the run and the configuration.
 */
function scheduleDownlinks(run: DesktopRun): void {
  let task = 1;
  whenRegistered(run.sim, run.clock, () => {
    const tick = () => {
      const i = task++;
      const cmd = encodeCommand(APP_PROFILE, CMD_REPORT_NOW, i, { reserved: 0 });
      run.sim.faults.downlink(i % 2 === 1 && cmd.err === undefined ? cmd.hex : NOTE_DOWNLINKS[0]);
      run.clock.setTimeout(tick, 90_000);
    };
    run.clock.setTimeout(tick, 30_000);
  });
}

function out(line: string): void {
  process.stdout.write(line + "\n");
}

async function runSandbox(a: StartArgs): Promise<void> {
  const built = await buildFirmware({ configPath: a.configPath });
  if (!built.ok) {
    for (const e of built.errors) console.error(e);
    process.exit(1);
  }
  // `npm run build` has just printed the size of the default build; a --config build differs.
  out((a.configPath ? sizeLine(built) + ": " : "") + "running " + path.relative(process.cwd(), built.outFile!) + " in the Espruino sandbox");
  if (a.fresh && fs.existsSync(a.storage)) fs.unlinkSync(a.storage);
  const config = built.config!;
  out("scenario " + a.scenario + " (" + (SCENARIOS.find((s) => s.name === a.scenario)?.describe ?? "") + "), seed " + a.seed + ", speed " + (a.speed === 0 ? "max" : a.speed + "x") + (a.forS ? ", for " + a.forS + " s" : ", Ctrl-C to stop"));
  out("Storage: " + path.relative(process.cwd(), a.storage) + " (kept between runs; --fresh erases it). Marks: * state, + confirmed, ! command, ~ warning, x error");
  const t0 = Date.now();
  const run = startDesktopRun({
    code: fs.readFileSync(built.outFile!, "utf8"),
    config,
    scenario: a.scenario,
    seed: a.seed,
    store: new FileStore(a.storage),
    esp32: a.esp32,
    onLog: (l) => out(formatLog({ tMs: l.tMs, boot: l.boot, line: unmeasuredMemory(l.line) })),
    onEvent: (e) => {
      if (e.kind !== "end" || e.detail === "watchdog") out(formatEvent(e));
    },
    trace: a.verbose ? (e) => out(clockText(e.tMs) + "     " + (e.dir === "host" ? "> " : "< ") + e.line + (e.note ? "   (" + e.note + ")" : "")) : undefined,
  });
  if (a.downlinks) scheduleDownlinks(run);
  const endMs = a.forS > 0 ? a.forS * 1000 : Infinity;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    run.sandbox.stop();
    for (const l of summarize(run, Date.now() - t0)) out(l);
    process.exit(0);
  };
  process.on("SIGINT", finish);
  process.on("SIGTERM", finish);
  const step = () => {
    if (done) return;
    if (a.speed === 0) {
      // As fast as possible, in slices, yielding so output flushes and Ctrl-C is heard.
      run.clock.advance(Math.min(60_000, endMs - run.clock.now()));
    } else {
      const target = Math.min(endMs, (Date.now() - t0) * a.speed);
      if (target > run.clock.now()) run.clock.advance(target - run.clock.now());
    }
    if (run.clock.now() >= endMs) finish();
    else if (a.speed === 0) setImmediate(step);
    else setTimeout(step, 20);
  };
  step();
}

async function runReal(a: StartArgs): Promise<void> {
  const found = findEspruino();
  if (!found.bin) {
    console.error("--espruino needs the Espruino interpreter's Linux build (ESP32 memory format): " + found.why + ". Set ESPRUINO_BIN=/path/to/espruino, or put it at ../shared/tools/espruino");
    process.exit(1);
  }
  const bin = found.bin;
  const forS = a.forS || 120;
  // ESPRUINO_JSVARS=N: a board with N JsVars (the interpreter's default is the ESP32's 16,383).
  const jsvars = process.env.ESPRUINO_JSVARS ? Number(process.env.ESPRUINO_JSVARS) : undefined;
  if (jsvars !== undefined && !(jsvars > 0)) {
    console.error("ESPRUINO_JSVARS must be a number of JsVars, got " + process.env.ESPRUINO_JSVARS);
    process.exit(2);
  }
  out("writing the bundle into the Storage of " + bin + " as .bootcde, then booting it against the simulator on a pty: scenario " + a.scenario + ", seed " + a.seed + ", " + forS + " real seconds");
  let ready = 0;
  let confirmed = 0;
  const t0 = Date.now();
  const r = await runOnEspruino({
    bin,
    scenario: a.scenario,
    seed: a.seed,
    forS,
    configPath: a.configPath,
    simVerbose: a.verbose,
    jsvars,
    onLine: (line) => {
      const k = classifyLine(line);
      if (k === "ready") ready++;
      if (k === "confirmed") confirmed++;
      out(clockText(Date.now() - t0) + " " + (MARK[k] ?? " ") + " " + line);
    },
    onSimLine: (line) => out("            " + line),
  });
  out("---- summary: " + (r.wallMs / 1000).toFixed(1) + " s on the real interpreter (" + r.ended + "), bundle " + r.bytes + " bytes, booted from .bootcde ----");
  out("READY " + ready + " time(s), uplinks confirmed " + confirmed);
  const mem = r.lines.filter((l) => classifyLine(l) === "memory").map((l) => l.substring(l.indexOf("memory ") + 7));
  out("JsVars measured by the interpreter (process.memory(), 14-byte JsVars as on an ESP32): " + (mem.length ? mem.join("; ") : "no memory line was printed"));
  const oom = r.lines.filter((l) => l.indexOf("OUT OF MEMORY") >= 0 || l.indexOf("Uncaught") >= 0);
  if (oom.length) out("FAILED on the interpreter: " + oom.slice(0, 3).join(" | "));
  out("simulator: " + (r.summary ? JSON.stringify(r.summary) : "(no summary)"));
  process.exit(oom.length ? 1 : 0);
}

async function main(): Promise<void> {
  // `npm start | head`: a closed pipe ends the run quietly instead of with an EPIPE stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  let a: StartArgs;
  try {
    a = parseStartArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message + "\n" + USAGE);
    process.exit(2);
  }
  if (a.help) return void out(USAGE);
  if (a.list) {
    for (const s of SCENARIOS) out(s.name.padEnd(16) + s.describe);
    return;
  }
  // With a serial port configured, the main job is the real board: flash the bundle just built.
  const port = a.port || process.env.ESPRUINO_PORT || "";
  if (port && !a.espruino) {
    out("serial port " + port + " configured: flashing the board instead of the desktop run (unset ESPRUINO_PORT for the simulator)");
    const code = await flash(parseFlashArgs(["--port", port], process.env));
    if (code !== 0) process.exit(code);
    return;
  }
  if (a.espruino) await runReal(a);
  else await runSandbox(a);
}

if (isMain("start")) await main();
