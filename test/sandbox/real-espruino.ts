// The firmware on the REAL Espruino interpreter (the ESP32-format Linux build: $ESPRUINO_BIN, else
// ../shared/tools/espruino) booted the way a board boots it: the bundle is first written into the
// interpreter's Storage as .bootcde by a tiny writer script, then the interpreter is started with NO file
// so it evaluates .bootcde (function bodies stay in "flash", as on the ESP32), against the simulator
// served on a pseudo-terminal (test/sim/cli.ts). What `npm start -- --espruino`, `npm run bench` and the
// test/espruino suite run. The bundle is built with the user's configuration but modem.serial = "Serial2"
// bound to the pty ({path}: every SerialN of the Linux build accepts one) and no PWRKEY/STATUS pins.
// Interpreter facts this relies on (../shared/tools/README.md): stdin must stay an open pipe
// (`sleep N | espruino`; at EOF it spins and ignores SIGTERM, so it is always stopped with SIGKILL), it
// prints lines ending \r\n with ">\r\x1b[J" before console.log output, its Storage is ./espruino.flash
// (256 KB) in the working directory, so each run gets a fresh temp directory (and a fresh simulator, so
// fresh ptys: unread bytes linger in one).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildFirmware, DEFAULT_CONFIG, loadConfigFile } from "../../build/build";
import { ROOT } from "../../build/paths";

export const ESPRUINO_SERIAL = "Serial2";
/** Where the team keeps the interpreter, relative to the repository root (never committed). */
export const SHARED_ESPRUINO = path.join(ROOT, "..", "shared", "tools", "espruino");
/** The Linux build's Storage (espruino.flash): bundles and files written there must fit. */
export const LINUX_STORAGE_BYTES = 256 * 1024;

export type Found = { bin: string; why: "" } | { bin: ""; why: string };

/**
 * The interpreter to run: $ESPRUINO_BIN when set (and then it must exist: a typo must not silently fall
 * back), else ../shared/tools/espruino beside the repository. `why` says what is missing otherwise.
 */
export function findEspruino(env: { [k: string]: string | undefined } = process.env): Found {
  const set = env.ESPRUINO_BIN;
  if (set) {
    if (isExecutable(set)) return { bin: path.resolve(set), why: "" };
    return { bin: "", why: "ESPRUINO_BIN=" + set + " is not an executable file" };
  }
  if (isExecutable(SHARED_ESPRUINO)) return { bin: SHARED_ESPRUINO, why: "" };
  return { bin: "", why: "no Espruino interpreter: ESPRUINO_BIN is not set and " + path.relative(process.cwd(), SHARED_ESPRUINO) + " does not exist" };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function hasSocat(): boolean {
  return spawnSync("socat", ["-V"], { stdio: "ignore" }).status === 0;
}

/** "" when the real-interpreter runs can happen here, else why not (tests put it in their skip name). */
export function realSkipReason(env: { [k: string]: string | undefined } = process.env): string {
  const f = findEspruino(env);
  if (f.why) return f.why;
  if (!hasSocat()) return "socat is not installed (the simulator serves the module on a pty): apt-get install socat";
  return "";
}

/** One interpreter output line without its prompt noise: "\r", ">\r\x1b[J" and a lone ">" prompt. */
export function cleanLine(raw: string): string {
  let s = raw.split("\r").join("");
  for (;;) {
    const t = s.startsWith(">\x1b[J") ? s.substring(4) : s.startsWith("\x1b[J") ? s.substring(3) : s;
    if (t === s) break;
    s = t;
  }
  return s === ">" ? "" : s;
}

function deepMerge(base: any, over: any): any {
  if (over === null || typeof over !== "object" || Array.isArray(over)) return over;
  const out: any = base && typeof base === "object" && !Array.isArray(base) ? { ...base } : {};
  for (const k of Object.keys(over)) out[k] = deepMerge(out[k], over[k]);
  return out;
}

export function waitFor(pred: () => boolean, ms: number, what: () => string): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (pred()) resolve();
      else if (Date.now() - t0 > ms) reject(new Error("timed out waiting for " + what()));
      else setTimeout(poll, 25);
    };
    poll();
  });
}

export function killGroup(p: ChildProcess, sig: NodeJS.Signals): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, sig); // the whole group: sh, sleep, timeout and the interpreter
  } catch {
    // already gone
  }
}

export interface InterpreterProcess {
  proc: ChildProcess;
  /** Cleaned output lines so far (stdout and stderr, banner included). */
  lines: string[];
  exited: Promise<void>;
  /** SIGKILL to the whole process group (the only signal it obeys once stdin is at EOF). */
  kill(): Promise<void>;
}

/**
 * Starts the interpreter in `dir` (its Storage is dir/espruino.flash) with stdin held open for `holdS`
 * and a SIGKILL after that, whatever happens to this process. `args` empty: it boots .bootcde. Its JsVar
 * total is `jsvars` when given, else the build's 16,383: an ESPRUINO_JSVARS in this process's
 * environment is not passed on, so tests and the bench measure the same board every time.
 */
export function startInterpreter(o: { bin: string; dir: string; args?: string[]; holdS: number; jsvars?: number; onLine?: (line: string) => void }): InterpreterProcess {
  const env: { [k: string]: string | undefined } = { ...process.env, HOLD_S: String(Math.ceil(o.holdS)), KILL_S: String(Math.ceil(o.holdS) + 5), ESPRUINO: o.bin };
  delete env.ESPRUINO_JSVARS;
  if (o.jsvars !== undefined) env.ESPRUINO_JSVARS = String(o.jsvars);
  const quoted = (o.args ?? []).map((a) => "'" + a.split("'").join("'\\''") + "'").join(" ");
  const proc = spawn("sh", ["-c", 'sleep "$HOLD_S" | exec timeout --foreground -s KILL "$KILL_S" "$ESPRUINO" ' + quoted], {
    cwd: o.dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  const lines: string[] = [];
  let buf = "";
  const onData = (d: Buffer) => {
    buf += d.toString("latin1");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = cleanLine(buf.substring(0, i));
      buf = buf.substring(i + 1);
      if (line === "") continue;
      lines.push(line);
      if (o.onLine) o.onLine(line);
    }
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
  return {
    proc,
    lines,
    exited,
    kill: async () => {
      killGroup(proc, "SIGKILL");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    },
  };
}

/**
 * Writes `file` into the Storage of an interpreter run in `dir` as `name` (default .bootcde), in 4 KB
 * pieces so the bundle never sits in RAM whole, and checks the stored length. What `npm run flash` does
 * to a board, without the CLI (test/espruino/flash.test.ts proves the CLI way too).
 */
export async function writeToStorage(bin: string, dir: string, file: string, name = ".bootcde"): Promise<void> {
  const size = fs.statSync(file).size;
  if (size > LINUX_STORAGE_BYTES - 16 * 1024) throw new Error(file + " is " + size + " bytes: too big for the Linux build's 256 KB Storage");
  const writer = path.join(dir, "write-storage.js");
  fs.writeFileSync(
    writer,
    "var f=E.openFile(" + JSON.stringify(path.resolve(file)) + ",'r'),S=require('Storage'),o=0,d;" +
      "while((d=f.read(4096))!==undefined&&d.length){S.write(" + JSON.stringify(name) + ",d,o," + size + ");o+=d.length;}f.close();" +
      "console.log('STORED '+o+' '+S.read(" + JSON.stringify(name) + ").length);\n",
  );
  const p = startInterpreter({ bin, dir, args: [writer], holdS: 20 });
  try {
    await waitFor(() => p.lines.some((l) => l.startsWith("STORED ")) || p.proc.exitCode !== null, 20000, () => "the writer script (" + p.lines.join(" | ") + ")");
  } finally {
    await p.kill();
    fs.unlinkSync(writer);
  }
  const stored = p.lines.find((l) => l.startsWith("STORED "));
  if (stored !== "STORED " + size + " " + size) throw new Error("writing " + name + " into Storage failed: " + (stored ?? p.lines.join(" | ")));
}

export interface Prepared {
  /** Fresh temp directory: the interpreter's Storage lives here. */
  dir: string;
  /** The pty path the bundle opens (the simulator creates it). */
  pty: string;
  /** The bundle as built (plus the probe, when one was given). */
  file: string;
  bytes: number;
  /** The validated configuration the bundle was built with. */
  config: unknown;
}

export interface PrepareOptions {
  /** User configuration file (default espruino.config.js); its modem settings are replaced. */
  configPath?: string;
  /** Extra configuration merged over the user's (tests: a short report interval). */
  override?: { [k: string]: unknown };
  /** JavaScript appended to the bundle (a memory probe); runs after the firmware's start(). */
  probe?: string;
  /** Build this entry instead of firmware/main.ts (bench bundles). */
  entry?: string;
}

/** Build the bundle for the interpreter (pty serial, no pins) into a fresh temp directory. */
export async function prepareBundle(o: PrepareOptions = {}): Promise<Prepared> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-run-"));
  const pty = path.join(dir, "modem");
  try {
    const user = await loadConfigFile(o.configPath ?? DEFAULT_CONFIG);
    const cfg = deepMerge(deepMerge(user, o.override ?? {}), {
      modem: { serial: ESPRUINO_SERIAL, serialOptions: { path: pty }, pwrkeyPin: null, statusPin: null },
    });
    const file = path.join(dir, "firmware.js");
    const built = await buildFirmware({ config: cfg, outFile: file, entry: o.entry });
    if (!built.ok) throw new Error("build for the interpreter failed:\n" + built.errors.join("\n"));
    if (o.probe) fs.appendFileSync(file, "\n;" + o.probe + "\n");
    return { dir, pty, file, bytes: fs.statSync(file).size, config: built.config };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export interface BootOptions {
  bin: string;
  scenario: string;
  seed: number;
  /** Real seconds to run at most. */
  forS: number;
  /** More simulator flags (--fast, --report-now N, ...: test/sim/README.md). */
  simArgs?: string[];
  /** ESPRUINO_JSVARS for the boot: a board with this many JsVars. */
  jsvars?: number;
  /** Every cleaned interpreter output line. */
  onLine?: (line: string) => void;
  /** Simulator stderr lines (its --verbose transcript). */
  onSimLine?: (line: string) => void;
  simVerbose?: boolean;
  /** Stop early when this returns true (checked after each interpreter line). */
  until?: (lines: string[]) => boolean;
}

export interface RealRunResult {
  /** Interpreter output lines from the boot (banner included). */
  lines: string[];
  /** The simulator's summary (its JSON line on SIGTERM), or undefined when it printed none. */
  summary: any;
  bytes: number;
  wallMs: number;
  /** Why the run ended: "time", "until", "exit" (the interpreter quit by itself). */
  ended: string;
}

/**
 * Serves the scenario on prepared.pty and boots the interpreter in prepared.dir with no file, so it runs
 * whatever .bootcde its Storage holds. Ends at forS, when `until` holds, or when the interpreter quits.
 */
export async function bootAgainstSim(p: Prepared, o: BootOptions): Promise<RealRunResult> {
  if (!hasSocat()) throw new Error("socat is needed for the pseudo-terminal: apt-get install socat");
  const t0 = Date.now();
  const simArgs = [path.join(ROOT, "build", "tsrun.mjs"), path.join(ROOT, "test", "sim", "cli.ts"), "--pty", p.pty, "--scenario", o.scenario, "--seed", String(o.seed)];
  if (o.simVerbose) simArgs.push("--verbose");
  if (o.simArgs) simArgs.push(...o.simArgs);
  // `timeout` sends SIGTERM (summary, socat stopped) even if this process dies first.
  const sim = spawn("timeout", ["-k", "5", "-s", "TERM", String(Math.ceil(o.forS) + 60), process.execPath, ...simArgs], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let simOut = "";
  let simErrTail = "";
  let simErrBuf = "";
  sim.stdout!.on("data", (d: Buffer) => (simOut += d.toString()));
  sim.stderr!.on("data", (d: Buffer) => {
    simErrBuf += d.toString();
    simErrTail = (simErrTail + d.toString()).slice(-2000);
    let i: number;
    while ((i = simErrBuf.indexOf("\n")) >= 0) {
      if (o.onSimLine) o.onSimLine(simErrBuf.substring(0, i));
      simErrBuf = simErrBuf.substring(i + 1);
    }
  });
  const simExited = new Promise<void>((resolve) => sim.on("exit", () => resolve()));
  let esp: InterpreterProcess | undefined;
  const cleanup = () => {
    if (esp) killGroup(esp.proc, "SIGKILL");
    if (sim.exitCode === null) sim.kill("SIGTERM");
  };
  process.once("exit", cleanup);
  try {
    await waitFor(() => simOut.includes("serving " + p.pty) || sim.exitCode !== null, 30000, () => "the simulator to serve " + p.pty + " (stderr: " + simErrTail + ")");
    if (!simOut.includes("serving " + p.pty)) throw new Error("the simulator did not start: " + simErrTail);
    let ended = "";
    esp = startInterpreter({
      bin: o.bin,
      dir: p.dir,
      holdS: o.forS + 5,
      jsvars: o.jsvars,
      onLine: (line) => {
        if (o.onLine) o.onLine(line);
        if (!ended && o.until && o.until(esp ? esp.lines : [line])) ended = "until";
      },
    });
    let quit = false;
    void esp.exited.then(() => (quit = true));
    await waitFor(() => ended !== "" || quit || Date.now() - t0 > o.forS * 1000, o.forS * 1000 + 10000, () => "the run to end");
    if (!ended) ended = quit ? "exit" : "time";
    await esp.kill();
    sim.kill("SIGTERM");
    await Promise.race([simExited, new Promise((r) => setTimeout(r, 8000))]);
    const last = simOut.trim().split("\n").pop() ?? "";
    let summary: any;
    try {
      summary = last.startsWith("{") ? JSON.parse(last) : undefined;
    } catch {
      summary = undefined;
    }
    return { lines: esp.lines, summary, bytes: p.bytes, wallMs: Date.now() - t0, ended };
  } finally {
    cleanup();
    process.removeListener("exit", cleanup);
  }
}

export type RealRunOptions = PrepareOptions & BootOptions;

/** Build, write .bootcde, boot from Storage against the scenario: the whole way a board runs it. */
export async function runOnEspruino(o: RealRunOptions): Promise<RealRunResult> {
  const p = await prepareBundle(o);
  try {
    await writeToStorage(o.bin, p.dir, p.file);
    return await bootAgainstSim(p, o);
  } finally {
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
}
