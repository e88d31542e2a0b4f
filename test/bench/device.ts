// The device's own figures, measured on the real ESP32-format interpreter with the bundle booted from
// .bootcde (test/sandbox/real-espruino.ts): what `npm run bench` prints and test/espruino/memory.test.ts
// holds to a budget. Everything is read black-box: the firmware's console lines ("main: memory ..."),
// the simulator's summary, and probes appended or prepended to the bundle that only call
// process.memory(), console.log and the modem Serial's "data" event.
//   - reports: JsVars at start, at Ready and every 100 confirmed uplinks while the simulator asks for a
//     report after every confirmed one (--fast --report-now), up to N reports;
//   - peak: process.memory().usage sampled at every modem chunk and every console line while the
//     simulator sends commands of the maximum size (1,024 hex characters);
//   - attribution: the bundle rebuilt with the same minifier settings but line breaks kept, a marker at
//     each module's start, so one boot prints the JsVars each module's top level costs (static: module
//     scope; what start() builds at run time is a row of its own);
//   - counts: functions and top-level constants of the minified bundle (acorn);
//   - lines: line-handling seconds for a fixed 2,000-line stream, ours against an AT-module-style peer.

import * as acorn from "acorn";
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { espruinoEsbuildOptions, firmwareBuildOptions } from "../../build/build";
import { hoistIife } from "../../build/hoist";
import { mangleOptions } from "../../build/mangle";
import { appProfile } from "../../firmware/profile";
import type { FirmwareConfig } from "../../lib/config";
import { ROOT } from "../../build/paths";
import { decodeFrame, type DecodedFrame } from "../../lib/aep/codec";
import { APP_PROFILE } from "../../firmware/profile";
import { scenario as findScenario } from "../sim/scenarios";
import {
  bootAgainstSim, ESPRUINO_SERIAL, prepareBundle, runOnEspruino, startInterpreter, waitFor, writeToStorage, type RealRunResult,
} from "../sandbox/real-espruino";
import { makeStream, STREAM_LINES } from "./lines-harness";

// ---- what the simulated platform received ------------------------------------------------------------

/** The frames the simulated platform confirmed, decoded with the sample profile (undecodable: omitted). */
export function platformFrames(summary: any): DecodedFrame[] {
  const out: DecodedFrame[] = [];
  for (const s of summary.sends as { hex: string }[]) {
    const d = decodeFrame(APP_PROFILE, s.hex);
    if (d.err === undefined) out.push(d);
  }
  return out;
}

/** Task ids of the responses (0x86) the platform received, in order. */
export function answeredTasks(summary: any): number[] {
  return platformFrames(summary)
    .filter((f) => f.taskId !== undefined)
    .map((f) => f.taskId as number);
}

export function telemetryCount(summary: any): number {
  return platformFrames(summary).filter((f) => f.service === "telemetry").length;
}

// ---- memory over many reports -------------------------------------------------------------------------

/** The firmware logs its memory every this many confirmed uplinks in the reports run. */
export const MEMORY_EVERY = 100;

export interface MemoryLine {
  why: string;
  usage: number;
  total: number;
}

/** "I 6.5 main: memory at Ready: 5013/16383 JsVars used, 11370 free" -> { why: "at Ready", ... }. */
export function parseMemoryLine(line: string): MemoryLine | undefined {
  const at = line.indexOf("main: memory ");
  if (at < 0) return undefined;
  const body = line.substring(at + 13);
  const colon = body.indexOf(": ");
  const fig = body.substring(colon + 2);
  const slash = fig.indexOf("/");
  const usage = parseInt(fig.substring(0, slash), 10);
  const total = parseInt(fig.substring(slash + 1), 10);
  if (colon < 0 || slash < 0 || !(usage >= 0) || !(total > 0)) return undefined;
  return { why: body.substring(0, colon), usage, total };
}

export interface ReportsFigures {
  startJsVars: number;
  readyJsVars: number;
  total: number;
  /** [confirmed uplinks, JsVars] from each "memory after N reports" line. */
  after: [number, number][];
  /** Telemetry reports the platform confirmed (decoded from the simulator's sends). */
  reports: number;
  /** Uplinks the platform confirmed (reports, the answers to reportNow, the boot event). */
  uplinks: number;
  run: RealRunResult;
}

/**
 * Boots the firmware with a long report interval while the simulator (--fast: its latencies 1/100)
 * asks for a report each time one is confirmed, until the firmware's memory line for the first multiple
 * of MEMORY_EVERY at or past 2 x reports + 1 confirmed uplinks (each round is an answer and a report,
 * plus the boot event), i.e. at least `reports` telemetry reports confirmed.
 */
export async function measureReports(bin: string, reports: number, forS?: number): Promise<ReportsFigures> {
  const target = Math.ceil((2 * reports + 1) / MEMORY_EVERY) * MEMORY_EVERY;
  const mark = "memory after " + target + " reports";
  const run = await runOnEspruino({
    bin,
    scenario: "happy",
    seed: 1,
    forS: forS ?? 120 + reports * 1.2,
    override: { app: { reportIntervalS: 86400 }, log: { memoryEveryReports: MEMORY_EVERY } },
    simArgs: ["--fast", "--report-now", String(reports + 50)],
    until: (lines) => lines[lines.length - 1].indexOf(mark) >= 0,
  });
  const mem = run.lines.map(parseMemoryLine).filter((m): m is MemoryLine => m !== undefined);
  const pick = (why: string) => mem.find((m) => m.why === why);
  const after: [number, number][] = mem.filter((m) => m.why.startsWith("after ")).map((m) => [parseInt(m.why.substring(6), 10), m.usage]);
  return {
    startJsVars: pick("at start")?.usage ?? NaN,
    readyJsVars: pick("at Ready")?.usage ?? NaN,
    total: mem.length ? mem[0].total : NaN,
    after,
    reports: run.summary ? telemetryCount(run.summary) : 0,
    uplinks: run.summary ? run.summary.sends.length : 0,
    run,
  };
}

// ---- peak during the largest downlink -----------------------------------------------------------------

/**
 * Appended to the bundle: samples process.memory().usage at every chunk from the modem (after the
 * firmware's own listener) and inside every console.log call (the firmware logs from deep inside its
 * handlers), prints the peak and the idle figure once a second, and first its own cost.
 */
export function memoryProbe(serial: string): string {
  return (
    "(function(){var u0=process.memory().usage,pk=0,L=console.log;" +
    "function s(){var u=process.memory().usage;if(u>pk)pk=u;}" +
    serial + ".on('data',s);console.log=function(){s();L.apply(console,arguments);};" +
    "setInterval(function(){s();L('MEMPROBE idle '+process.memory().usage+' peak '+pk);pk=0;},1000);" +
    "L('MEMPROBE cost '+(process.memory().usage-u0));})();"
  );
}

export interface ProbeSample {
  /** Index of the line in the run's output. */
  at: number;
  idle: number;
  peak: number;
}

export function parseProbe(lines: string[]): { cost: number; samples: ProbeSample[] } {
  let cost = NaN;
  const samples: ProbeSample[] = [];
  lines.forEach((l, at) => {
    const i = l.indexOf("MEMPROBE ");
    if (i < 0) return;
    const w = l.substring(i + 9).split(" ");
    if (w[0] === "cost") cost = parseInt(w[1], 10);
    else if (w[0] === "idle" && w[2] === "peak") samples.push({ at, idle: parseInt(w[1], 10), peak: parseInt(w[3], 10) });
  });
  return { cost, samples };
}

export const PEAK_SCENARIO = "downlink-max";
/** The downlink-max scenario's task ids (test/sim/scenarios.ts). */
export const MAX_DOWNLINK_TASKS = [701, 702, 703];

export interface PeakFigures {
  /** Highest usage sampled in the second each largest downlink arrived, less the probe's own cost. */
  peakJsVars: number;
  /** Idle usage (probe's once-a-second figure, less its cost) just before the first downlink. */
  idleBeforeJsVars: number;
  probeCost: number;
  run: RealRunResult;
}

/** The downlink-max scenario with the probe: three 1,024-hex commands; the peak of the seconds they came in. */
export async function measureDownlinkPeak(bin: string, forS = 240): Promise<PeakFigures> {
  if (!findScenario(PEAK_SCENARIO)) throw new Error("the simulator has no " + PEAK_SCENARIO + " scenario");
  const isCommand = (l: string) => MAX_DOWNLINK_TASKS.some((t) => l.indexOf("task " + t + " ") >= 0);
  const run = await runOnEspruino({
    bin,
    scenario: PEAK_SCENARIO,
    seed: 1,
    forS,
    override: { app: { reportIntervalS: 86400 } },
    probe: memoryProbe(ESPRUINO_SERIAL),
    // every command seen, and the boot event and the three answers confirmed
    until: (lines) => lines.filter(isCommand).length >= MAX_DOWNLINK_TASKS.length && lines.filter((l) => l.indexOf(" confirmed (msgid ") >= 0).length >= 1 + MAX_DOWNLINK_TASKS.length,
  });
  const p = parseProbe(run.lines);
  const cmdAt = run.lines.map((l, i) => (isCommand(l) ? i : -1)).filter((i) => i >= 0);
  // The probe's first line after each command line covers the second the command came in.
  let peak = 0;
  for (const i of cmdAt) {
    const s = p.samples.find((x) => x.at > i);
    if (s && s.peak > peak) peak = s.peak;
  }
  const before = p.samples.filter((x) => cmdAt.length > 0 && x.at < cmdAt[0]).pop();
  return { peakJsVars: peak - p.cost, idleBeforeJsVars: before ? before.idle - p.cost : NaN, probeCost: p.cost, run };
}

// ---- per-part attribution -----------------------------------------------------------------------------

/**
 * The parts the bench attributes JsVars to, by module path (the first entry whose prefix matches). The
 * one table to re-map when modules move; a module no entry matches is reported as "other".
 */
export const PARTS: { part: string; modules: string[] }[] = [
  { part: "AT engine (lib/at)", modules: ["lib/at/"] },
  { part: "link (lib/link with Ready's uplink sender, lib/sim7020, CTM2M rows)", modules: ["lib/link/", "lib/sim7020/", "lib/aep/ctm2m.ts"] },
  { part: "outbox", modules: ["lib/outbox/"] },
  { part: "codec + profile", modules: ["lib/aep/codec.ts", "lib/aep/errors.ts", "lib/aep/profile.ts", "lib/aep/codes.ts", "firmware/profile.ts", "firmware/ids.ts"] },
  { part: "application (device, app, ports, sleep, main)", modules: ["lib/device.ts", "lib/ports.ts", "firmware/app.ts", "firmware/ports.ts", "firmware/sleep.ts", "firmware/main.ts"] },
  { part: "configuration", modules: ["<define:", "lib/config.ts"] },
];

export function partOf(module: string): string {
  for (const p of PARTS) if (p.modules.some((m) => module === m || ((m.endsWith("/") || m.endsWith(":")) && module.startsWith(m)))) return p.part;
  return "other";
}

export interface Attribution {
  /** Interpreter and Storage before the bundle's first module runs. */
  baseJsVars: number;
  /** Module scope (functions, classes, constants the top level creates) by module, in bundle order. */
  modules: { module: string; part: string; jsvars: number }[];
  /** The same, summed by PARTS (in PARTS order; "other" last when present). */
  parts: { part: string; jsvars: number }[];
  /** From the call of start() to the firmware's "memory at start" line: the objects start() builds. */
  startJsVars: number;
  /** From "memory at start" to "memory at Ready". */
  toReadyJsVars: number;
  atStart: number;
  atReady: number;
}

const MARK = "__jsvarMark";

/**
 * The firmware bundle as `npm run build` makes it (same configuration, minified identifiers and syntax)
 * but with line breaks kept, so each module still starts with esbuild's "// path" comment; a marker
 * call goes before each module and before the last top-level statement (firmware/main.ts's start()).
 */
export async function markedBundle(config: unknown): Promise<{ code: string; labels: string[] }> {
  const opts = { ...firmwareBuildOptions(config as FirmwareConfig, false), minifyIdentifiers: true, minifySyntax: true };
  const text = (await build(opts)).outputFiles![0].text;
  const labels: string[] = [];
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = line.startsWith("  // ") ? line.substring(5).trim() : "";
    if (m && (m.startsWith("<define:") || m.endsWith(".ts") || m.endsWith(".js"))) {
      out.push("  " + MARK + "(" + labels.length + ");");
      labels.push(m);
    }
    out.push(line);
  }
  // Hoisted as the device bundle is (build/hoist.ts): the markers are global calls, left as they are.
  let code = hoistIife(out.join("\n")).code;
  const body = (acorn.parse(code, { ecmaVersion: 2022 }) as any).body as any[];
  if (body && body.length > 1) {
    const last = body[body.length - 1];
    code = code.substring(0, last.start) + MARK + "(" + labels.length + ");" + code.substring(last.start);
    labels.push("start()");
  }
  const prelude = "function " + MARK + "(i){console.log('JSVARMARK '+i+' '+process.memory().usage);}\n";
  return { code: prelude + code, labels };
}

/** One boot of the marked bundle against the happy scenario, until Ready. */
export async function measureAttribution(bin: string, forS = 120): Promise<Attribution> {
  const p = await prepareBundle({});
  try {
    const { code, labels } = await markedBundle(p.config);
    fs.writeFileSync(p.file, code);
    p.bytes = Buffer.byteLength(code);
    await writeToStorage(bin, p.dir, p.file);
    const run = await bootAgainstSim(p, { bin, scenario: "happy", seed: 1, forS, until: (lines) => lines[lines.length - 1].indexOf("main: memory at Ready") >= 0 });
    const marks: number[] = [];
    for (const l of run.lines) {
      const i = l.indexOf("JSVARMARK ");
      if (i >= 0) {
        const w = l.substring(i + 10).split(" ");
        marks[parseInt(w[0], 10)] = parseInt(w[1], 10);
      }
    }
    const mem = run.lines.map(parseMemoryLine).filter((m): m is MemoryLine => m !== undefined);
    const atStart = mem.find((m) => m.why === "at start")?.usage ?? NaN;
    const atReady = mem.find((m) => m.why === "at Ready")?.usage ?? NaN;
    if (marks.length !== labels.length || marks.some((m) => m === undefined)) throw new Error("the marked bundle printed " + marks.length + " of " + labels.length + " marks:\n" + run.lines.slice(-20).join("\n"));
    const startIdx = labels.indexOf("start()");
    const modules: Attribution["modules"] = [];
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === "start()") continue;
      const next = i + 1 < labels.length ? marks[i + 1] : atStart;
      modules.push({ module: labels[i], part: partOf(labels[i]), jsvars: next - marks[i] });
    }
    const parts = PARTS.map((x) => ({ part: x.part, jsvars: 0 }));
    for (const m of modules) {
      let row = parts.find((x) => x.part === m.part);
      if (!row) parts.push((row = { part: m.part, jsvars: 0 }));
      row.jsvars += m.jsvars;
    }
    return {
      baseJsVars: marks[0],
      modules,
      parts,
      startJsVars: startIdx >= 0 ? atStart - marks[startIdx] : NaN,
      toReadyJsVars: atReady - atStart,
      atStart,
      atReady,
    };
  } finally {
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
}

// ---- counts of the minified bundle --------------------------------------------------------------------

export interface BundleCounts {
  /** Every function in the bundle (declarations, expressions, arrows, methods, accessors). */
  functions: number;
  /** Those the top level creates when the bundle is evaluated (module-scope functions and class methods). */
  loadFunctions: number;
  classes: number;
  /** Names the top level binds (var/let/const declarators, functions, classes). */
  topLevelBindings: number;
  /** Top-level bindings initialised with a plain number, string, boolean or null: constants kept as variables. */
  topLevelConstants: number;
}

const FUNCTION_TYPES = ["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"];

function isConstantInit(n: any): boolean {
  if (!n) return false;
  if (n.type === "Literal") return n.regex === undefined;
  if (n.type === "UnaryExpression" && (n.operator === "-" || n.operator === "!")) return isConstantInit(n.argument);
  return n.type === "TemplateLiteral" && n.expressions.length === 0;
}

/** The statements of a bundle still in esbuild's IIFE, `(() => { ... })();`, or undefined for another shape. */
function iifeBody(ast: any): any[] | undefined {
  if (ast.body.length !== 1) return undefined;
  const st = ast.body[0];
  const callee = st.type === "ExpressionStatement" && st.expression.type === "CallExpression" ? st.expression.callee : undefined;
  const fn = callee && (callee.type === "ArrowFunctionExpression" || callee.type === "FunctionExpression") ? callee : undefined;
  return fn && fn.body.type === "BlockStatement" ? fn.body.body : undefined;
}

export function countBundle(code: string): BundleCounts {
  const ast = acorn.parse(code, { ecmaVersion: 2022 }) as any;
  const c: BundleCounts = { functions: 0, loadFunctions: 0, classes: 0, topLevelBindings: 0, topLevelConstants: 0 };
  const top = iifeBody(ast) ?? ast.body;
  // Walk everything; `depth` counts the functions around a node (depth 0: the bundle's top level).
  const walk = (n: any, depth: number): void => {
    if (!n || typeof n.type !== "string") return;
    let d = depth;
    if (FUNCTION_TYPES.indexOf(n.type) >= 0) {
      c.functions++;
      if (depth === 0) c.loadFunctions++;
      d = depth + 1;
    }
    if (n.type === "ClassDeclaration" || n.type === "ClassExpression") c.classes++;
    for (const k of Object.keys(n)) {
      const v = n[k];
      if (Array.isArray(v)) for (const x of v) walk(x, d);
      else if (v && typeof v.type === "string") walk(v, d);
    }
  };
  for (const st of top) {
    if (st.type === "VariableDeclaration") {
      for (const d of st.declarations) {
        c.topLevelBindings++;
        if (isConstantInit(d.init)) c.topLevelConstants++;
      }
    } else if (st.type === "FunctionDeclaration" || st.type === "ClassDeclaration") c.topLevelBindings++;
    walk(st, 0);
  }
  return c;
}

// ---- line handling on the interpreter -----------------------------------------------------------------

export const LINES_FILE = "benchlines";

export interface LinePass {
  round: number;
  name: string;
  seconds: number;
  results: number;
  notices: number;
  lines: number;
}

export interface LineFigures {
  passes: LinePass[];
  expected: { results: number; notices: number; lines: number };
  streamLines: number;
  streamChars: number;
  /** Medians over the rounds, in seconds per pass. */
  base: number;
  ours: number;
  peer: number;
  /** Median of the rounds' (ours - base) / (peer - base). */
  ratio: number;
  /** Median of the rounds' ours / peer, the loop and chunking included. */
  rawRatio: number;
}

const median = (x: number[]) => {
  const s = x.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Builds test/bench/lines-device.ts, stores it as .bootcde and the stream beside it, boots, reads the passes. */
export async function measureLines(bin: string, rounds = 5, forS = 240, entry = path.join(ROOT, "test", "bench", "lines-device.ts")): Promise<LineFigures> {
  const stream = makeStream(7);
  if (stream.lines !== STREAM_LINES) throw new Error("stream has " + stream.lines + " lines");
  const dir = fs.mkdtempSync(path.join(ROOT, "dist", "lines-bench-"));
  try {
    const r = await build(
      // Mangled like the firmware: the engine runs as it is flashed.
      { ...espruinoEsbuildOptions(entry, { __BENCH_FILE__: JSON.stringify(LINES_FILE), __BENCH_ROUNDS__: String(rounds) }, true), ...mangleOptions([appProfile()]) },
    );
    const bundle = path.join(dir, "lines.js");
    fs.writeFileSync(bundle, hoistIife(r.outputFiles![0].text).code);
    const streamFile = path.join(dir, "stream.txt");
    fs.writeFileSync(streamFile, Buffer.from(stream.text, "latin1"));
    await writeToStorage(bin, dir, bundle);
    await writeToStorage(bin, dir, streamFile, LINES_FILE);
    const p = startInterpreter({ bin, dir, holdS: forS });
    try {
      await waitFor(() => p.lines.some((l) => l.indexOf("LINES done") >= 0) || p.lines.some((l) => l.indexOf("Uncaught") >= 0) || p.proc.exitCode !== null, forS * 1000, () => "the line bench (" + p.lines.slice(-5).join(" | ") + ")");
    } finally {
      await p.kill();
    }
    const bad = p.lines.filter((l) => l.indexOf("Uncaught") >= 0 || l.indexOf("OUT OF MEMORY") >= 0);
    if (bad.length) throw new Error("the line bench failed on the interpreter:\n" + p.lines.slice(-20).join("\n"));
    const passes: LinePass[] = [];
    for (const l of p.lines) {
      const i = l.indexOf("LINES ");
      const w = i >= 0 ? l.substring(i + 6).split(" ") : [];
      if (w.length === 6) passes.push({ round: +w[0], name: w[1], seconds: +w[2], results: +w[3], notices: +w[4], lines: +w[5] });
    }
    const of = (name: string) => passes.filter((x) => x.name === name);
    const byRound = (name: string, round: number) => passes.find((x) => x.name === name && x.round === round)!.seconds;
    const roundsSeen = of("ours").map((x) => x.round);
    return {
      passes,
      expected: stream.expected,
      streamLines: stream.lines,
      streamChars: stream.text.length,
      base: median(of("base").map((x) => x.seconds)),
      ours: median(of("ours").map((x) => x.seconds)),
      peer: median(of("peer").map((x) => x.seconds)),
      ratio: median(roundsSeen.map((k) => (byRound("ours", k) - byRound("base", k)) / (byRound("peer", k) - byRound("base", k)))),
      rawRatio: median(roundsSeen.map((k) => byRound("ours", k) / byRound("peer", k))),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

