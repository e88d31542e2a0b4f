// The firmware on the REAL Espruino interpreter (its Linux build, $ESPRUINO_BIN) against the simulator
// served on a pseudo-terminal: what `npm start -- --espruino` and the bundle test run. The bundle is built
// with the user's configuration but modem.serial = "Serial2" bound to the pty ({path}: every SerialN of
// the Linux build accepts one, measured on 2v29) and no PWRKEY/STATUS pins. Interpreter facts this relies
// on (../shared/espruino.md): it needs stdin held open (`sleep N | espruino`), prints lines ending \r\n
// with ">\r\x1b[J" before console.log output, and keeps Storage in ./espruino.flash, so it runs in a
// fresh temp directory each time (a fresh simulator also means fresh ptys: unread bytes linger in one).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildFirmware, DEFAULT_CONFIG, loadConfigFile } from "../../build/build";
import { ROOT } from "../../build/paths";

export const ESPRUINO_SERIAL = "Serial2";

export interface RealRunOptions {
  bin: string;
  scenario: string;
  seed: number;
  /** Real seconds to run at most. */
  forS: number;
  /** User configuration file (default espruino.config.js); its modem settings are replaced. */
  configPath?: string;
  /** Extra configuration merged over the user's (tests: a short report interval). */
  override?: { [k: string]: unknown };
  /** Every cleaned interpreter output line (banner included). */
  onLine?: (line: string) => void;
  /** Simulator stderr lines (its --verbose transcript). */
  onSimLine?: (line: string) => void;
  simVerbose?: boolean;
  /** Stop early when this returns true (checked after each interpreter line). */
  until?: (lines: string[]) => boolean;
  /** Where the bundle goes (default dist/firmware-espruino.js). */
  outFile?: string;
}

export interface RealRunResult {
  lines: string[];
  /** The simulator's summary (its JSON line on SIGTERM), or undefined when it printed none. */
  summary: any;
  bundle: string;
  bytes: number;
  wallMs: number;
  /** Why the run ended: "time", "until", "exit" (the interpreter quit by itself). */
  ended: string;
}

export function hasSocat(): boolean {
  return spawnSync("socat", ["-V"], { stdio: "ignore" }).status === 0;
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

function waitFor(pred: () => boolean, ms: number, what: () => string): Promise<void> {
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

function killGroup(p: ChildProcess, sig: NodeJS.Signals): void {
  if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
  try {
    process.kill(-p.pid, sig); // the whole group: sh, sleep, timeout and the interpreter
  } catch {
    // already gone
  }
}

export async function runOnEspruino(o: RealRunOptions): Promise<RealRunResult> {
  if (!fs.existsSync(o.bin)) throw new Error("ESPRUINO_BIN " + o.bin + " does not exist");
  if (!hasSocat()) throw new Error("socat is needed for the pseudo-terminal: apt-get install socat");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "espruino-run-"));
  const pty = path.join(dir, "modem");
  const user = await loadConfigFile(o.configPath ?? DEFAULT_CONFIG);
  const cfg = deepMerge(deepMerge(user, o.override ?? {}), {
    modem: { serial: ESPRUINO_SERIAL, serialOptions: { path: pty }, pwrkeyPin: null, statusPin: null },
  });
  const cfgFile = path.join(dir, "config.json");
  fs.writeFileSync(cfgFile, JSON.stringify(cfg, null, 2));
  const outFile = o.outFile ?? path.join(ROOT, "dist", "firmware-espruino.js");
  const built = await buildFirmware({ configPath: cfgFile, outFile });
  if (!built.ok) throw new Error("build for the interpreter failed:\n" + built.errors.join("\n"));

  const t0 = Date.now();
  const simArgs = [path.join(ROOT, "build", "tsrun.mjs"), path.join(ROOT, "test", "sim", "cli.ts"), "--pty", pty, "--scenario", o.scenario, "--seed", String(o.seed)];
  if (o.simVerbose) simArgs.push("--verbose");
  const sim = spawn(process.execPath, simArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let simOut = "";
  let simErrTail = "";
  sim.stdout!.on("data", (d: Buffer) => (simOut += d.toString()));
  let simErrBuf = "";
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
  let esp: ChildProcess | undefined;
  const cleanup = () => {
    if (esp) killGroup(esp, "SIGKILL");
    if (sim.exitCode === null) sim.kill("SIGKILL");
  };
  process.once("exit", cleanup);
  try {
    await waitFor(() => simOut.includes("serving " + pty), 20000, () => "the simulator to serve " + pty + " (stderr: " + simErrTail + ")");
    // stdin held open by `sleep` (at EOF the interpreter's input thread spins and serial reads stop);
    // `timeout` ends the interpreter even if this process is killed before it can.
    const holdS = Math.ceil(o.forS) + 5;
    esp = spawn("sh", ["-c", 'sleep "$HOLD_S" | exec timeout --foreground -s KILL "$KILL_S" "$ESPRUINO" "$BUNDLE"'], {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HOLD_S: String(holdS), KILL_S: String(holdS + 5), ESPRUINO: o.bin, BUNDLE: outFile },
    });
    const lines: string[] = [];
    let buf = "";
    let ended = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = cleanLine(buf.substring(0, i));
        buf = buf.substring(i + 1);
        if (line === "") continue;
        lines.push(line);
        if (o.onLine) o.onLine(line);
        if (!ended && o.until && o.until(lines)) ended = "until";
      }
    };
    esp.stdout!.on("data", onData);
    esp.stderr!.on("data", onData);
    const espExited = new Promise<void>((resolve) => esp!.on("exit", () => resolve()));
    let quit = false;
    void espExited.then(() => (quit = true));
    await waitFor(() => ended !== "" || quit || Date.now() - t0 > o.forS * 1000, o.forS * 1000 + 10000, () => "the run to end");
    if (!ended) ended = quit ? "exit" : "time";
    killGroup(esp, "SIGTERM");
    await Promise.race([espExited, new Promise((r) => setTimeout(r, 2000))]);
    killGroup(esp, "SIGKILL");
    sim.kill("SIGTERM");
    await Promise.race([simExited, new Promise((r) => setTimeout(r, 5000))]);
    const last = simOut.trim().split("\n").pop() ?? "";
    let summary: any;
    try {
      summary = last.startsWith("{") ? JSON.parse(last) : undefined;
    } catch {
      summary = undefined;
    }
    return { lines, summary, bundle: outFile, bytes: built.bytes as number, wallMs: Date.now() - t0, ended };
  } finally {
    cleanup();
    process.removeListener("exit", cleanup);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
