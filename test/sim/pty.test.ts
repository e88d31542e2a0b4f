// The simulator on a real pseudo-terminal (npm run sim -- --pty PATH), talked to through the pty like
// the Espruino interpreter or a bench would. Needs socat; without it the test says so and skips.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import tty from "node:tty";
import { describe, expect, it } from "vitest";

const hasSocat = spawnSync("socat", ["-V"], { stdio: "ignore" }).status === 0;
const NAME = "serves AT over a socat pty and prints the summary as JSON on SIGTERM";

function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (pred()) resolve();
      else if (Date.now() - t0 > ms) reject(new Error("timed out waiting for " + what));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe("sim on a pseudo-terminal", () => {
  it.skipIf(!hasSocat)(hasSocat ? NAME : NAME + " (SKIPPED: socat is not installed; apt-get install socat)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-pty-"));
    const link = path.join(dir, "modem");
    const child = spawn(process.execPath, ["build/tsrun.mjs", "test/sim/cli.ts", "--pty", link, "--seed", "3"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let rs: tty.ReadStream | undefined;
    try {
      await waitFor(() => out.includes("serving " + link), 15000, "serving (stderr: " + err + ")");
      const fd = fs.openSync(link, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
      rs = new tty.ReadStream(fd);
      // When the simulator stops, socat closes the pty's other end and a pending read ends in EIO:
      // how a pty ends, not a failure (unhandled, it was reported as an error of the whole run).
      rs.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EIO") err += "pty read: " + e.message;
      });
      rs.setEncoding("latin1");
      let got = "";
      rs.on("data", (d: string) => (got += d));
      // Auto-baud: the first AT only sets the rate; send AT until OK, as the firmware does.
      let sent = 0;
      while (!got.includes("\r\nOK\r\n") && sent < 20) {
        fs.writeSync(fd, "AT\r");
        sent++;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(got).toContain("AT\r\r\nOK\r\n");
      expect(sent).toBeGreaterThanOrEqual(2);
      got = "";
      fs.writeSync(fd, "AT+CGSN\r");
      await waitFor(() => got.includes("OK\r\n"), 3000, "CGSN answer");
      expect(got).toMatch(/^AT\+CGSN\r\r\n\d{15}\r\n\r\nOK\r\n$/);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const summary = JSON.parse(out.trim().split("\n").pop() as string);
      expect(summary).toMatchObject({ scenario: "happy", seed: 3, swallowed: { autobaud: 1 }, violations: [] });
      expect(summary.commands.AT).toBe(sent - 1);
      expect(summary.commands["AT+CGSN"]).toBe(1);
    } finally {
      if (rs) rs.destroy();
      if (child.exitCode === null) child.kill("SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
