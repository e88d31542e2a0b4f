// `npm run flash [-- --port /dev/ttyUSB0] [--baud 115200] [--dry-run]`: writes dist/firmware.js into the
// board's Storage as its boot code (.bootcde, so it runs at every boot and after every deep-sleep wake)
// with the espruino CLI, then load()s it so it starts now. The bundle is stored byte for byte
// (`--storage .bootcde:FILE` sends it base64-encoded in chunks; the CLI's own code transforms never see
// it). Port and baud from the flags or $ESPRUINO_PORT / $ESPRUINO_BAUD. The CLI exits 0 even when it
// could not connect, so its output decides: on failure this prints what to check and exits 1.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_OUT } from "./build";
import { flagValue } from "./args";
import { isMain, ROOT } from "./paths";

export const DEFAULT_BAUD = 115200;
export const CLI = path.join(ROOT, "node_modules", ".bin", "espruino");
/** The firmware's first console line at boot (firmware/main.ts): proof the boot code runs. */
export const STARTED_MARK = "firmware started";

export interface FlashArgs {
  port: string;
  baud: number;
  file: string;
  dryRun: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run flash -- --port PORT [--baud N] [--file dist/firmware.js] [--dry-run]
  --port PORT   the board's serial port (/dev/ttyUSB0, /dev/ttyACM0, COM3, tcp://host:port); or $ESPRUINO_PORT
  --baud N      the board's console baud rate (default ${DEFAULT_BAUD}, the ESP32 build's); or $ESPRUINO_BAUD
  --file FILE   the bundle to write (default dist/firmware.js, which npm run flash has just built)
  --dry-run     print the espruino command line and exit without touching the board`;

export function parseFlashArgs(argv: string[], env: { [k: string]: string | undefined }): FlashArgs {
  const a: FlashArgs = { port: env.ESPRUINO_PORT || "", baud: Number(env.ESPRUINO_BAUD || DEFAULT_BAUD), file: DEFAULT_OUT, dryRun: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = (): string => flagValue(argv, ++i, k);
    if (k === "--port" || k === "-p") a.port = val();
    else if (k === "--baud" || k === "-b") a.baud = Number(val());
    else if (k === "--file") a.file = path.resolve(val());
    else if (k === "--dry-run") a.dryRun = true;
    else if (k === "--help" || k === "-h") a.help = true;
    else throw new Error("unknown option " + k);
  }
  if (!(a.baud > 0 && Math.floor(a.baud) === a.baud)) throw new Error("--baud must be a whole number, got " + a.baud);
  return a;
}

/**
 * The espruino CLI arguments. A file to upload (a one-line `load()`) rather than `-e load()`: with a file
 * the CLI first sends reset(), stopping the old firmware so it cannot deep-sleep or fill the console in
 * the middle of the upload; then it writes .bootcde, then load() restarts into the new boot code.
 */
export function cliArgs(a: FlashArgs, loadFile: string): string[] {
  return ["--no-ble", "--port", a.port, "-b", String(a.baud), "--storage", ".bootcde:" + a.file, loadFile];
}

/** What to check when no board answered: printed on any failure to connect or upload. */
export const CHECKLIST = [
  "- the USB cable carries data (many charge-only cables do not): the port appears when the board is plugged in",
  "- the right port: ls /dev/ttyUSB* /dev/ttyACM* (Linux), ls /dev/cu.* (macOS), Device Manager (Windows); `npx espruino --list`",
  "- permission to open it: on Linux add yourself to the dialout group (sudo usermod -aG dialout $USER, then log in again)",
  "- the board's console baud rate: the ESP32 build talks at 115200 (--baud)",
  "- no other program holds the port (a serial monitor, the Web IDE, another npm run flash, ModemManager)",
  "- the board runs Espruino and is not stuck in deep sleep or a boot loop: press its reset (EN) button and flash again at once",
];

function out(line: string): void {
  process.stdout.write(line + "\n");
}

/**
 * Did the CLI connect, did a board answer, did the upload finish, did the firmware start? Judged from its
 * output: its exit code is 0 regardless, and it says "Upload Complete" even when the port opened but
 * nothing answered (wrong baud, a board asleep). The board's own lines are the ones it prefixes "--] ".
 */
export function judge(output: string): { ok: boolean; connected: boolean; answered: boolean; uploaded: boolean; started: boolean } {
  const connected = output.indexOf("Connected") >= 0 && output.indexOf("Unable to connect") < 0;
  const answered = connected && /^--\] .*[^\s>]/m.test(output);
  const uploaded = connected && output.indexOf("Upload Complete") >= 0;
  const started = output.indexOf(STARTED_MARK) >= 0;
  return { ok: answered && uploaded, connected, answered, uploaded, started };
}

/** Write the bundle to the board; returns the process exit code (0 flashed, 1 failed, 2 bad usage). */
export async function flash(a: FlashArgs): Promise<number> {
  if (!a.port) {
    console.error("no port: give --port /dev/ttyUSB0 (or set ESPRUINO_PORT)\n" + USAGE + "\nfinding the port:\n" + CHECKLIST.join("\n"));
    return 2;
  }
  if (!fs.existsSync(a.file)) {
    console.error(a.file + " does not exist: run npm run build first");
    return 1;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flash-"));
  const loadFile = path.join(dir, "load.js");
  fs.writeFileSync(loadFile, "load();\n");
  const args = cliArgs(a, loadFile);
  out("$ " + path.relative(process.cwd(), CLI) + " " + args.map((x) => (/[\s"']/.test(x) ? JSON.stringify(x) : x)).join(" "));
  if (a.dryRun) {
    fs.rmSync(dir, { recursive: true, force: true });
    return 0;
  }
  out("writing " + path.relative(process.cwd(), a.file) + " (" + fs.statSync(a.file).size + " bytes) to the board's Storage as .bootcde over " + a.port + " at " + a.baud + " baud");
  let output = "";
  const child = spawn(CLI, args, { stdio: ["ignore", "pipe", "pipe"] });
  const onData = (d: Buffer) => {
    output += d.toString();
    process.stdout.write(d);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const code: number = await new Promise((resolve) => {
    child.on("error", (e) => {
      output += "\n" + e.message;
      resolve(127);
    });
    child.on("exit", (c) => resolve(c ?? 1));
  });
  fs.rmSync(dir, { recursive: true, force: true });
  const v = judge(output);
  if (code !== 0 || !v.ok) {
    const what = !v.connected ? "could not open " + a.port : !v.answered ? "the port opened but no board answered on " + a.port : "connected, but the upload did not complete";
    console.error("\nflash failed: " + what + ". Check:\n" + CHECKLIST.join("\n"));
    return 1;
  }
  if (v.started) out("\nflashed: the board saved .bootcde and the firmware started (it runs at every boot from now on)");
  else out("\nflashed .bootcde, but the firmware's start line (\"" + STARTED_MARK + "\") was not seen: watch the console (npx espruino --port " + a.port + " -b " + a.baud + ") for an error at boot");
  return 0;
}

async function main(): Promise<void> {
  let a: FlashArgs;
  try {
    a = parseFlashArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error((e as Error).message + "\n" + USAGE);
    process.exit(2);
  }
  if (a.help) return void out(USAGE);
  const code = await flash(a);
  if (code !== 0) process.exit(code);
}

if (isMain("flash")) await main();
