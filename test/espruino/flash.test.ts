// Flashing proven end to end without a board: the interpreter runs as `espruino --telnet` (its console
// on TCP port 2323, as an ESP32 on WiFi serves it), the project's own flash command
// (build/flash.ts: what `npm run flash -- --port tcp://127.0.0.1:2323` runs after building) writes
// .bootcde through the espruino CLI, then the interpreter is started again with no file in the same
// directory: the firmware must boot from Storage and reach Ready against the simulator. The Linux build
// always serves port 2323, so runs on this machine take a lock and wait for the port to be free.

import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../build/paths";
import { bootAgainstSim, prepareBundle, startInterpreter, waitFor } from "../sandbox/real-espruino";
import { BIN, countFrom, expectHealthy, indexOfKind, named, SKIP, tail } from "./judge";

export const TELNET_PORT = 2323;
const LOCK = path.join(os.tmpdir(), "espruino-telnet-" + TELNET_PORT + ".lock");

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A lock directory holding the owner's pid (a dead owner's lock is taken over), then a free port. */
async function lockTelnetPort(waitMs: number): Promise<() => void> {
  const t0 = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, "pid"), String(process.pid));
      break;
    } catch {
      const owner = parseInt(fs.readFileSync(path.join(LOCK, "pid"), { encoding: "utf8", flag: "a+" }) || "0", 10);
      if (owner > 0 && !alive(owner)) fs.rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() - t0 > waitMs) throw new Error("port " + TELNET_PORT + " is locked by process " + owner + " (" + LOCK + ")");
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  const release = () => fs.rmSync(LOCK, { recursive: true, force: true });
  while (await portAnswers(TELNET_PORT)) {
    if (Date.now() - t0 > waitMs) {
      release();
      throw new Error("something else serves port " + TELNET_PORT);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return release;
}

function runFlash(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(ROOT, "build", "tsrun.mjs"), path.join(ROOT, "build", "flash.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const kill = setTimeout(() => p.kill("SIGKILL"), 180_000);
    p.on("exit", (code) => {
      clearTimeout(kill);
      resolve({ code, out });
    });
  });
}

describe.skipIf(SKIP !== "")("npm run flash over tcp:// to the interpreter's telnet console", () => {
  it(named("writes .bootcde with the project's flash command; a restart with no file boots it and reaches Ready"), async () => {
    const p = await prepareBundle({ override: { app: { reportIntervalS: 10 } } });
    try {
      const release = await lockTelnetPort(240_000);
      let flashed: { code: number | null; out: string };
      const telnet = startInterpreter({ bin: BIN, dir: p.dir, args: ["--telnet"], holdS: 240 });
      try {
        await waitFor(() => telnet.lines.some((l) => l.indexOf("Espruino is Open Source") >= 0) || telnet.proc.exitCode !== null, 20_000, () => "the telnet interpreter to start");
        let up = false;
        for (let i = 0; i < 40 && !up; i++) {
          up = await portAnswers(TELNET_PORT);
          if (!up) await new Promise((r) => setTimeout(r, 250));
        }
        expect(up, "the interpreter serves port " + TELNET_PORT + "\n" + telnet.lines.join("\n")).toBe(true);
        flashed = await runFlash(["--port", "tcp://127.0.0.1:" + TELNET_PORT, "--file", p.file]);
      } finally {
        await telnet.kill();
        release();
      }
      expect(flashed.code, flashed.out).toBe(0);
      expect(flashed.out).toContain("Connected");
      expect(flashed.out).toContain("Upload Complete");
      // The flash command's own verdict: .bootcde saved and the firmware's start line seen after load().
      expect(flashed.out).toContain("flashed: the board saved .bootcde and the firmware started");
      expect(fs.existsSync(path.join(p.dir, "espruino.flash"))).toBe(true);

      // No writer script this time: only what the flash command stored can boot.
      const r = await bootAgainstSim(p, {
        bin: BIN,
        scenario: "happy",
        seed: 1,
        forS: 150,
        until: (lines) => {
          const ready = indexOfKind(lines, "ready");
          return ready >= 0 && countFrom(lines, "confirmed", ready) >= 2;
        },
      });
      expectHealthy(r);
      expect(r.ended, tail(r)).toBe("until");
      expect(r.lines.some((l) => l.indexOf("main: firmware started") >= 0)).toBe(true);
    } finally {
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  }, 600_000);
});
