// Serves the simulated SIM7020 on a pseudo-terminal, so the real Espruino interpreter or a USB-serial
// bench can talk to it: `npm run sim -- --pty PATH [--scenario NAME] [--seed N] [--options JSON] [--verbose]
// [--fast] [--report-now N]`. --fast and --report-now drive the sample application as fast as the host
// can go (the real-interpreter memory test: 1,000 reports in minutes, not hours).
// socat makes a fresh pty pair (PATH for the host, PATH.sim for us) each run, because unread data
// lingers in a pty; on SIGTERM/SIGINT the summary is printed as one JSON line and socat is stopped.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import tty from "node:tty";
import { decodeFrame, encodeCommand } from "../../lib/aep/codec";
import type { Clock } from "../../lib/ports";
import { APP_PROFILE, CMD_REPORT_NOW, SVC_TELEMETRY } from "../../firmware/profile";
import { RealClock } from "./real-clock";
import { ALL_SCENARIOS, MODULE_SCENARIOS, scenario, scenarioChunker, startScenario, whenRegistered } from "./scenarios";
import type { Sim7020, SimOptions } from "./sim7020";

/** --fast: the simulator's time runs this many times faster than real time. */
const FAST_FACTOR = 100;

interface Args {
  pty: string;
  scenario: string;
  seed: number;
  options: Partial<SimOptions>;
  verbose: boolean;
  fast: boolean;
  reportNow: number;
}

function usage(msg: string): never {
  process.stderr.write(msg + "\nusage: npm run sim -- --pty PATH [--scenario NAME] [--seed N] [--options JSON] [--verbose] [--fast] [--report-now N] | --list\n");
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { pty: "", scenario: "happy", seed: 1, options: {}, verbose: false, fast: false, reportNow: 0 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => (i + 1 < argv.length ? argv[++i] : usage(k + " needs a value"));
    if (k === "--pty") a.pty = v();
    else if (k === "--scenario") a.scenario = v();
    else if (k === "--seed") a.seed = Number(v());
    else if (k === "--options") a.options = JSON.parse(v()) as Partial<SimOptions>;
    else if (k === "--verbose") a.verbose = true;
    else if (k === "--fast") a.fast = true;
    else if (k === "--report-now") a.reportNow = Number(v());
    else if (k === "--list") {
      // Issue-12 scenarios (the module as it really behaves) are marked: the firmware tests do not run them yet.
      for (const s of ALL_SCENARIOS) process.stdout.write(s.name.padEnd(20) + (MODULE_SCENARIOS.indexOf(s) >= 0 ? "[module] " : "") + s.describe + "\n");
      process.exit(0);
    } else usage("unknown argument " + k);
  }
  if (!a.pty) usage("--pty PATH is required");
  if (!Number.isFinite(a.seed)) usage("--seed must be a number");
  if (!(a.reportNow >= 0 && a.reportNow <= 65535 && Math.floor(a.reportNow) === a.reportNow)) usage("--report-now must be a whole number 0..65535");
  return a;
}

/** Wait for socat's two links; give up (and say why) after a few seconds. */
function waitForLinks(paths: string[], socat: ChildProcess, stderr: () => string, then: () => void): void {
  const t0 = Date.now();
  const poll = () => {
    if (paths.every((p) => fs.existsSync(p))) return then();
    if (socat.exitCode !== null || Date.now() - t0 > 5000) {
      process.stderr.write("socat did not create the pty pair: " + stderr() + "\n");
      socat.kill();
      process.exit(1);
    }
    setTimeout(poll, 20);
  };
  poll();
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const sc = scenario(args.scenario);
  if (!sc) usage("unknown scenario " + args.scenario + "; known: " + ALL_SCENARIOS.map((s) => s.name).join(", "));
  const simEnd = args.pty + ".sim";
  for (const p of [args.pty, simEnd]) {
    // A link left by a killed run would make socat fail; a fresh pair also drops stale bytes.
    if (fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) fs.unlinkSync(p);
  }
  let socatErr = "";
  const socat = spawn("socat", ["-d", "-d", "pty,raw,echo=0,link=" + args.pty, "pty,raw,echo=0,link=" + simEnd], { stdio: ["ignore", "ignore", "pipe"] });
  socat.on("error", (e) => {
    process.stderr.write("cannot run socat (" + e.message + "); install it: apt-get install socat\n");
    process.exit(1);
  });
  socat.stderr?.on("data", (d: Buffer) => {
    if (socatErr.length < 4000) socatErr += d.toString();
  });
  waitForLinks([args.pty, simEnd], socat, () => socatErr, () => serve(args, sc!, simEnd, socat));
}

function serve(args: Args, sc: NonNullable<ReturnType<typeof scenario>>, simEnd: string, socat: ChildProcess): void {
  const fd = fs.openSync(simEnd, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
  const input = new tty.ReadStream(fd);
  const output = new tty.WriteStream(fd);
  const real = new RealClock();
  const clock = args.fast ? faster(real, FAST_FACTOR) : real;
  // latin1 keeps every byte a byte both ways (junk lines carry 0x00/0xFF).
  const write = (text: string) => output.write(Buffer.from(text, "latin1"));
  let send = write;
  if (sc.chunkMax) {
    // The chunked scenario: module output in small pieces a few ms apart, as a slow UART delivers it.
    const chunker = scenarioChunker(sc, args.seed);
    const queue: string[] = [];
    let pumping = false;
    const pump = () => {
      const piece = queue.shift();
      if (piece === undefined) return void (pumping = false);
      write(piece);
      setTimeout(pump, 2);
    };
    send = (text) => {
      for (const piece of chunker(text)) queue.push(piece);
      if (!pumping) {
        pumping = true;
        pump();
      }
      return true;
    };
  }
  const opts: SimOptions = { clock, output: (t) => void send(t), seed: args.seed, ...args.options };
  if (args.verbose) opts.trace = (e) => process.stderr.write(e.tMs + " " + (e.dir === "host" ? "> " : "< ") + e.line + (e.note ? "  (" + e.note + ")" : "") + "\n");
  const { sim } = startScenario(sc, opts);
  if (args.reportNow > 0) driveReports(sim, clock, real, args.reportNow);
  input.setEncoding("latin1");
  input.on("data", (d: string) => sim.receive(d));

  let stopping = false;
  let exitCode = 0;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    real.clearAll();
    process.stdout.write(JSON.stringify({ scenario: sc.name, seed: args.seed, ...sim.summary() }) + "\n");
    input.destroy();
    output.destroy();
    // Reap socat before leaving, so no zombie outlives us; do not wait for it forever.
    if (socat.exitCode !== null || socat.signalCode !== null) process.exit(exitCode);
    socat.once("exit", () => process.exit(exitCode));
    socat.kill("SIGTERM");
    setTimeout(() => process.exit(exitCode), 1000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  socat.on("exit", () => {
    if (stopping) return;
    process.stderr.write("socat exited unexpectedly; stopping\n");
    exitCode = 1;
    stop();
  });
  process.stdout.write("serving " + args.pty + "\n");
}

/**
 * --fast: the simulator lives on a clock that runs `factor` times faster (its now() too, so every
 * duration it measures stays consistent): answers, confirmations and scheduled faults come that much
 * sooner. The host keeps real time, so its own timeouts are as generous as ever.
 */
function faster(real: RealClock, factor: number): Clock {
  return {
    now: () => real.now() * factor,
    setTimeout: (fn, delayMs) => real.setTimeout(fn, delayMs / factor),
    clearTimeout: (id) => real.clearTimeout(id),
  };
}

/**
 * --report-now N: the platform asks the sample application for a report (its reportNow command, task ids
 * 1..N) once registered, then again each time a telemetry report is confirmed, N times in all; when a
 * round gets lost (a fault), it asks again after 60 real seconds of silence. Every telemetry confirmed
 * asks again, so the firmware's own periodic reports would start more rounds: give it a long interval.
 */
function driveReports(sim: Sim7020, clock: Clock, real: RealClock, count: number): void {
  let task = 0;
  let watchdog = 0;
  const ask = () => {
    real.clearTimeout(watchdog);
    if (task >= count) return;
    const cmd = encodeCommand(APP_PROFILE, CMD_REPORT_NOW, ++task, { reserved: 0 });
    if (cmd.err !== undefined) throw new Error("reportNow does not encode: " + cmd.msg);
    sim.faults.downlink(cmd.hex);
    watchdog = real.setTimeout(ask, 60_000);
  };
  const prevTrace = sim.rec.trace;
  sim.rec.trace = (e) => {
    if (prevTrace) prevTrace(e);
    if (e.dir !== "module" || e.line.indexOf("+CTM2M: send,0,") !== 0) return;
    const sends = sim.rec.s.sends;
    const last = sends.length ? decodeFrame(APP_PROFILE, sends[sends.length - 1].hex) : undefined;
    if (last && last.err === undefined && last.serviceId === SVC_TELEMETRY) clock.setTimeout(ask, 0);
  };
  whenRegistered(sim, clock, ask, 1000);
}

main();
