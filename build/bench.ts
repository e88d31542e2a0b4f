// `npm run bench`: figures for the current bundle, as counts and ratios: its bytes (raw = unminified
// build of the same entry and configuration, minified = dist/firmware.js, gzip), the JsVars it needs
// (estimated on the desktop by test/bench/jsvars.ts's cost model; measured on the real interpreter when
// ESPRUINO_BIN is set), AT commands per phase and per scenario, the outbox's flash bytes per report, and
// host CPU per 1,000 lines for our line reader + engine beside an Espruino-AT-module-style peer.

import { build } from "esbuild";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildFirmware, espruinoEsbuildOptions } from "./build";
import { isMain, ROOT } from "./paths";
import { measureCpu } from "../test/bench/cpu";
import { countModuleScope, firmwarePortShapes, loadTimeObjects, MAIN_SCOPE_JSVARS, TIMER_JSVARS, unknownInputs, walkRuntime, CHARS_PER_JSVAR } from "../test/bench/jsvars";
import { coldBoot, firmwareOnSim, psmWake, scenarioFigures, steadyState } from "../test/bench/protocol";
import { runOnEspruino } from "../test/sandbox/real-espruino";

const out = (s = "") => console.log(s);
const min = (ms: number) => (ms / 60000).toFixed(1) + " min";
const pad = (s: string | number, n: number) => String(s).padStart(n);

async function bytesSection(): Promise<string> {
  const r = await buildFirmware();
  if (!r.ok || !r.outFile) throw new Error("build failed:\n" + r.errors.join("\n"));
  const define = { __FIRMWARE_CONFIG__: JSON.stringify(r.config) };
  const plain = await build(espruinoEsbuildOptions(path.join(ROOT, "firmware", "main.ts"), define, false));
  const raw = plain.outputFiles![0].text;
  const inputs = Object.keys(plain.metafile!.inputs);
  const code = (await import("node:fs")).readFileSync(r.outFile, "utf8");
  out("== bundle (" + path.relative(process.cwd(), r.outFile) + ", configuration espruino.config.js)");
  out("  raw (unminified, same entry and configuration): " + pad(Buffer.byteLength(raw), 7) + " bytes, gzip " + pad(gzipSync(raw, { level: 9 }).length, 6));
  out("  minified (what is flashed):                     " + pad(r.bytes as number, 7) + " bytes, gzip " + pad(r.gzipBytes as number, 6));
  out("  modules: " + inputs.length + (unknownInputs(inputs).length ? " (not known to the JsVar estimate: " + unknownInputs(inputs).join(", ") + ")" : ""));
  return code;
}

function jsvarSection(code: string): void {
  const m = countModuleScope(code);
  const walk = (f: ReturnType<typeof firmwareOnSim>) => {
    const priv = f.dev as unknown as { ports: { pins: unknown; random: unknown } };
    const env = (f.app as unknown as { env: { temperatureC: unknown } }).env;
    const stop = loadTimeObjects([(f.dev.link as unknown as { table: object }).table]);
    for (const x of [...f.ports, priv.ports.pins, priv.ports.random, env.temperatureC]) stop.add(x);
    const rt = walkRuntime([f.dev, f.app, ...firmwarePortShapes(f.cfg.log.level)], stop);
    return { rt, timers: f.clock.pending() * TIMER_JSVARS };
  };
  let atReady: ReturnType<typeof walk> | undefined;
  const s = steadyState({}, 1000, 7, (f) => (atReady = walk(f)));
  const after = walk(s.f);
  const r0 = atReady!;
  const total = (w: ReturnType<typeof walk>) => m.jsvars + w.rt.jsvars + w.timers + MAIN_SCOPE_JSVARS;
  out();
  out("== JsVars (desktop estimate; method in test/bench/jsvars.ts: 1 per object, array, property pair and element,");
  out("   ceil(chars/" + CHARS_PER_JSVAR + ") per string, functions 2 + 1 per parameter with code in flash, closures +2, timers " + TIMER_JSVARS + " each)");
  const label = (t: string) => ("  " + t).padEnd(46);
  out(label("module scope (minified bundle's top level):") + pad(m.jsvars, 5) + "  (" + m.bindings + " names, " + m.functions + " functions, " + m.classes + " classes, " + m.literals + " literals)");
  out(label("main.ts start() scope and closures:") + pad(MAIN_SCOPE_JSVARS, 5));
  out(label("run time after Ready:") + pad(r0.rt.jsvars, 5) + "  (" + r0.rt.objects + " objects, " + r0.rt.arrays + " arrays, " + r0.rt.functions + " closures, " + r0.rt.properties + " properties, " + r0.rt.strings + " strings) + timers " + r0.timers);
  out(label("run time after " + s.reports + " more reports:") + pad(after.rt.jsvars, 5) + "  (" + after.rt.objects + " objects, " + after.rt.arrays + " arrays, " + after.rt.functions + " closures, " + after.rt.properties + " properties, " + after.rt.strings + " strings) + timers " + after.timers);
  out("  total with code in flash (.bootcde):  after Ready " + total(r0) + ", after " + s.reports + " reports " + total(after) + " (growth " + (total(after) - total(r0)) + ")");
  out("  total with code in RAM (+ " + Buffer.byteLength(code) + " bytes / " + CHARS_PER_JSVAR + "): about " + (total(r0) + Math.ceil(Buffer.byteLength(code) / CHARS_PER_JSVAR)) + "; the ESP32 allows at most 16383 (espruino.md)");
  out("  not counted: the interpreter's own base use and Serial buffers; calibrate with ESPRUINO_BIN below");
  out();
  out("== outbox flash traffic, steady state (" + s.reports + " reports, MemoryStore counters)");
  out("  " + s.flashBytesPerReport.toFixed(1) + " bytes written per report, " + s.writesPerReport.toFixed(3) + " writes and " + s.erasesPerReport.toFixed(3) + " erases per report");
}

async function realSection(): Promise<void> {
  out();
  const bin = process.env.ESPRUINO_BIN;
  if (!bin) {
    out("== real interpreter: ESPRUINO_BIN not set: skipped");
    return;
  }
  // Real time: at the smallest interval (10 s) 1,000 reports take 2.8 h, so the default is fewer.
  const reports = Number(process.env.BENCH_REAL_REPORTS ?? 100);
  const every = Math.max(1, Math.floor(reports / 5));
  out("== real interpreter (" + bin + "): process.memory().usage at Ready and every " + every + " reports up to " + reports + " (BENCH_REAL_REPORTS; 10 s apart, real time)");
  try {
    const r = await runOnEspruino({
      bin,
      scenario: "happy",
      seed: 1,
      forS: 120 + reports * 10 * 1.2,
      override: { app: { reportIntervalS: 10 }, log: { level: 2, memoryEveryReports: every } },
      until: (lines) => lines.some((l) => l.indexOf("memory after " + reports + " reports") >= 0),
    });
    const mem = r.lines.filter((l) => l.indexOf(" memory ") >= 0);
    for (const l of mem) out("  " + l.substring(l.indexOf("memory")));
    if (mem.length === 0) out("  no memory lines (run ended: " + r.ended + "); last lines:\n    " + r.lines.slice(-10).join("\n    "));
  } catch (e) {
    out("  failed: " + (e as Error).message);
  }
}

function protocolSection(): void {
  const c = coldBoot(1);
  const plain = steadyState({}, 200, 3);
  const psm = steadyState({ network: { psm: { enabled: true, tauS: 3600, activeS: 20 } }, aep: { autoTau: 2 } }, 200, 3);
  const w = psmWake(1);
  out();
  out("== AT commands (host command lines written; the simulator, fake clock)");
  out("  cold boot to Ready:                        " + pad(c.toReady, 4) + "  (" + (c.readyMs / 1000).toFixed(1) + " s simulated; network search polls included)");
  out("  cold boot to the first confirmed uplink:   " + pad(c.toFirstUplink, 4) + "  (the boot event, sent on entering Ready)");
  out("  cold boot to the first confirmed report:   " + pad(c.toFirstReport, 4) + "  (telemetry, reports every 60 s)");
  out("  per confirmed report, steady state:        " + pad(plain.atPerReport.toFixed(2), 6) + "  (" + plain.reports + " reports every 300 s; includes Ready's AT+CTM2MREG? every 15 min)");
  out("      by command: " + plain.byCommand);
  out("  per confirmed report, steady state, PSM:   " + pad(psm.atPerReport.toFixed(2), 6) + "  (" + psm.reports + " reports; a wake-up AT before each send)");
  out("      by command: " + psm.byCommand);
  out("  PSM wake (warm start after deep sleep) to Ready: " + w.toReady + ", to the report confirmed: " + w.toReport + " (" + ((w.readyMs + w.reportMs) / 1000).toFixed(1) + " s)");
  out("      " + w.commands.join(" | "));
}

function scenarioSection(): void {
  const rows = scenarioFigures(1);
  out();
  out("== scenarios (test/sim/scenarios.ts, seed 1): 2 h of the scenario, then until Ready with the outbox empty");
  out("  " + "scenario".padEnd(16) + pad("AT cmds", 8) + pad("uplinks", 8) + pad("AT/upl", 7) + pad("Ready", 6) + pad("recov", 6) + "  worst time to Ready");
  for (const r of rows) {
    out("  " + r.name.padEnd(16) + pad(r.atCommands, 8) + pad(r.confirmed, 8) + pad((r.atCommands / Math.max(1, r.confirmed)).toFixed(1), 7) + pad(r.readyCount, 6) + pad(r.recoveries, 6) + "  " + min(r.worstTimeToReadyMs) + (r.drainedMs < 0 ? "  (NOT drained in 2 h)" : ""));
  }
}

function cpuSection(): void {
  const f = measureCpu(20000, 31, 11);
  out();
  out("== host CPU per 1,000 module lines (" + f.lines + " lines, " + f.chars + " characters in 1-64 character chunks; median of " + f.rounds + " interleaved rounds)");
  out("  ours (LineReader + AtEngine):            " + pad(f.oursUsPer1000.toFixed(0), 6) + " us   (results " + f.ours.results + ", notices " + f.ours.notices + ")");
  out("  peer (AT-module style, test/bench/peer):  " + pad(f.peerUsPer1000.toFixed(0), 6) + " us   (results " + f.peer.results + ", notices " + f.peer.notices + ")");
  out("  ratio ours/peer: " + f.ratio.toFixed(2) + " (median of the rounds' ratios; quartiles " + f.ratioQ1.toFixed(2) + " - " + f.ratioQ3.toFixed(2) + ")");
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const code = await bytesSection();
  jsvarSection(code);
  await realSection();
  protocolSection();
  scenarioSection();
  cpuSection();
  out();
  out("bench wall time: " + ((performance.now() - t0) / 1000).toFixed(1) + " s");
}

if (isMain("bench")) await main();
