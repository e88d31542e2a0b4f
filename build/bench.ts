// `npm run bench`: figures for the current bundle, as counts and ratios: its bytes (raw = unminified
// build of the same entry and configuration, minified = dist/firmware.js, gzip), its function and
// top-level constant counts, the JsVars it needs (estimated on the desktop by test/bench/jsvars.ts's cost
// model, and MEASURED on the ESP32-format interpreter from .bootcde when it is there: $ESPRUINO_BIN or
// ../shared/tools/espruino, see test/bench/device.ts), AT commands per phase and per scenario, the
// outbox's flash bytes per report, and line handling against an Espruino-AT-module-style peer (host CPU
// as an estimate; the interpreter's own seconds as the measurement).

import { build } from "esbuild";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildFirmware, firmwareBuildOptions } from "./build";
import { isMain } from "./paths";
import { measureCpu } from "../test/bench/cpu";
import { countModuleScope, firmwarePortShapes, loadTimeObjects, MAIN_SCOPE_JSVARS, TIMER_JSVARS, unknownInputs, walkRuntime, CHARS_PER_JSVAR } from "../test/bench/jsvars";
import { coldBoot, firmwareOnSim, psmModels, psmWake, scenarioFigures, steadyState, stormFigures, STORMS } from "../test/bench/protocol";
import { findEspruino, hasSocat } from "../test/sandbox/real-espruino";
import { countBundle, measureAttribution, measureDownlinkPeak, measureLines, measureReports, PARTS } from "../test/bench/device";
import { CHUNK_CHARS } from "../test/bench/lines-harness";

const out = (s = "") => console.log(s);
const min = (ms: number) => (ms / 60000).toFixed(1) + " min";
const pad = (s: string | number, n: number) => String(s).padStart(n);

async function bytesSection(): Promise<string> {
  const r = await buildFirmware();
  if (!r.ok || !r.outFile) throw new Error("build failed:\n" + r.errors.join("\n"));
  const plain = await build(firmwareBuildOptions(r.config!, false));
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
    const priv = f.dev.link as unknown as { ports: { pins: unknown; random: unknown } };
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
  out("== JsVars (ESTIMATE on the desktop; method in test/bench/jsvars.ts: 1 per object, array, property pair and element,");
  out("   ceil(chars/" + CHARS_PER_JSVAR + ") per string, functions 2 + 1 per parameter with code in flash, closures +2, timers " + TIMER_JSVARS + " each)");
  const label = (t: string) => ("  " + t).padEnd(46);
  out(label("module scope (minified bundle's top level):") + pad(m.jsvars, 5) + "  (" + m.bindings + " names, " + m.functions + " functions, " + m.classes + " classes, " + m.literals + " literals)");
  out(label("main.ts start() scope and closures:") + pad(MAIN_SCOPE_JSVARS, 5));
  out(label("run time after Ready:") + pad(r0.rt.jsvars, 5) + "  (" + r0.rt.objects + " objects, " + r0.rt.arrays + " arrays, " + r0.rt.functions + " closures, " + r0.rt.properties + " properties, " + r0.rt.strings + " strings) + timers " + r0.timers);
  out(label("run time after " + s.reports + " more reports:") + pad(after.rt.jsvars, 5) + "  (" + after.rt.objects + " objects, " + after.rt.arrays + " arrays, " + after.rt.functions + " closures, " + after.rt.properties + " properties, " + after.rt.strings + " strings) + timers " + after.timers);
  out("  total with code in flash (.bootcde):  after Ready " + total(r0) + ", after " + s.reports + " reports " + total(after) + " (growth " + (total(after) - total(r0)) + ")");
  out("  total with code in RAM (+ " + Buffer.byteLength(code) + " bytes / " + CHARS_PER_JSVAR + "): about " + (total(r0) + Math.ceil(Buffer.byteLength(code) / CHARS_PER_JSVAR)) + "; the ESP32 allows at most 16383 (espruino.md)");
  out("  not counted: the interpreter's own base use and Serial buffers; the measured figures follow below");
  out();
  out("== outbox flash traffic, steady state (" + s.reports + " reports, MemoryStore counters)");
  out("  " + s.flashBytesPerReport.toFixed(1) + " bytes written per report, " + s.writesPerReport.toFixed(3) + " writes and " + s.erasesPerReport.toFixed(3) + " erases per report");
}

function countsSection(code: string): void {
  const c = countBundle(code);
  out();
  out("== the minified bundle's shape (acorn over dist/firmware.js): what costs RAM on the device");
  out("  functions: " + c.functions + " (" + c.loadFunctions + " created when the bundle loads, the rest at run time), classes " + c.classes);
  out("  top-level bindings: " + c.topLevelBindings + ", of which constants (a plain number/string/boolean kept as a variable): " + c.topLevelConstants);
}

async function deviceSection(): Promise<void> {
  out();
  const found = findEspruino();
  if (!found.bin || !hasSocat()) {
    out("== the device's figures: skipped (" + (found.why || "socat is not installed") + ")");
    return;
  }
  const bin = found.bin;
  const reports = Number(process.env.BENCH_REAL_REPORTS ?? 1000);
  out("== the device's figures: MEASURED on " + path.relative(process.cwd(), bin) + " (ESP32 memory format, 14-byte JsVars), bundle booted from .bootcde");
  try {
    const a = await measureAttribution(bin);
    out("  per part, static (each module's top level: its functions, classes and constants, measured at boot):");
    for (const p of a.parts) out("    " + p.part.padEnd(50) + pad(p.jsvars, 6));
    out("    " + "interpreter + Storage before the first module".padEnd(50) + pad(a.baseJsVars, 6));
    out("    " + "start(): objects it builds at run time".padEnd(50) + pad(a.startJsVars, 6) + "  (not split by part)");
    out("    " + "= at start (with the markers)".padEnd(50) + pad(a.atStart, 6) + "  then +" + a.toReadyJsVars + " to Ready");
    out("    (parts are PARTS in test/bench/device.ts: " + PARTS.length + " rows mapping module paths)");
  } catch (e) {
    out("  attribution failed: " + (e as Error).message);
  }
  try {
    const f = await measureReports(bin, reports);
    const last = f.after[f.after.length - 1];
    out("  JsVars at start " + f.startJsVars + ", at Ready " + f.readyJsVars + ", after " + f.reports + " reports (" + f.uplinks + " uplinks confirmed, the simulator asking for each) " + (last ? last[1] : "?") + ", of " + f.total + "; real " + (f.run.wallMs / 1000).toFixed(0) + " s");
    out("      every 100 uplinks: " + f.after.map((x) => x[1]).join(" ") + " (BENCH_REAL_REPORTS=" + reports + ")");
  } catch (e) {
    out("  reports run failed: " + (e as Error).message);
  }
  try {
    const pk = await measureDownlinkPeak(bin);
    out("  peak while 1,024-hex commands arrive: " + pk.peakJsVars + " (idle before " + pk.idleBeforeJsVars + "; sampled at each modem chunk and console line, the probe's own " + pk.probeCost + " taken off)");
  } catch (e) {
    out("  peak run failed: " + (e as Error).message);
  }
  try {
    const l = await measureLines(bin, 5);
    const same = ["ours", "peer"].every((n) => l.passes.filter((x) => x.name === n).every((x) => x.results === l.expected.results && x.notices === l.expected.notices && x.lines === l.expected.lines));
    out("  line handling on the interpreter: " + l.streamLines + " lines (" + l.streamChars + " characters: answers, notices, one 1,024-hex downlink) in " + CHUNK_CHARS + "-character chunks, median of 5 rounds");
    out("      ours (LineReader + AtEngine):   " + pad(l.ours.toFixed(3), 7) + " s    peer (AT-module style): " + pad(l.peer.toFixed(3), 7) + " s    loop alone: " + l.base.toFixed(3) + " s");
    out("      ratio ours/peer: " + l.ratio.toFixed(2) + " (loop and chunking taken off both; " + l.rawRatio.toFixed(2) + " with them); same results, notices and lines: " + (same ? "yes (" + l.expected.results + ", " + l.expected.notices + ", " + l.expected.lines + ")" : "NO"));
  } catch (e) {
    out("  line bench failed: " + (e as Error).message);
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
  out("  per confirmed report with power saving, by how the module sleeps (3 h, reports every 300 s):");
  for (const p of psmModels(1)) out("      " + p.model.padEnd(24) + pad(p.atPerReport.toFixed(2), 6) + "  (" + p.reports + " reports, " + p.wakePulses + " PWRKEY wake pulses)");
  out("  registrations per hour under a fault that persists through every registration (hours 1-4, seed 1; the guard: 3 quick, then 8 an hour):");
  for (const [name, fault] of STORMS) {
    const f = stormFigures(fault, 4, 1);
    out("      " + name.padEnd(36) + f.perHour.map((n) => pad(n, 3)).join(" ") + "   AT commands a minute after hour 1: " + f.atPerMinAfterHour1.toFixed(2));
  }
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
  out("== host CPU per 1,000 module lines (an estimate on node; the interpreter's own seconds are above) (" + f.lines + " lines, " + f.chars + " characters in 1-64 character chunks; median of " + f.rounds + " interleaved rounds)");
  out("  ours (LineReader + AtEngine):            " + pad(f.oursUsPer1000.toFixed(0), 6) + " us   (results " + f.ours.results + ", notices " + f.ours.notices + ")");
  out("  peer (AT-module style, test/bench/peer):  " + pad(f.peerUsPer1000.toFixed(0), 6) + " us   (results " + f.peer.results + ", notices " + f.peer.notices + ")");
  out("  ratio ours/peer: " + f.ratio.toFixed(2) + " (median of the rounds' ratios; quartiles " + f.ratioQ1.toFixed(2) + " - " + f.ratioQ3.toFixed(2) + ")");
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const code = await bytesSection();
  countsSection(code);
  jsvarSection(code);
  await deviceSection();
  protocolSection();
  scenarioSection();
  cpuSection();
  out();
  out("bench wall time: " + ((performance.now() - t0) / 1000).toFixed(1) + " s");
}

if (isMain("bench")) await main();
