// The Espruino sandbox itself, on small hand-written programs: timers as the interpreter behaves, Storage
// semantics measured on 2v29, the watchdog bite, deep sleep as a reboot, resets, Serial and pins, and the
// built-ins it removes. The bundle's own runs are in test/bundle.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../support/fake-clock";
import { MemoryStore } from "../support/memory-store";
import { UartStub } from "../support/uart-stub";
import { EspruinoSandbox, WAKE_TIMER, type SandboxOptions } from "./espruino-sandbox";
import { FileStore } from "./storage";

function make(code: string, over: Partial<SandboxOptions> = {}) {
  const clock = new FakeClock(0);
  const store = new MemoryStore();
  const lines: string[] = [];
  const sb = new EspruinoSandbox({ code, clock, store, onLog: (l, boot) => lines.push(boot + ": " + l), ...over });
  sb.boot();
  return { sb, clock, store, lines };
}

describe("timers", () => {
  it("ids from 1 shared by timeouts and intervals, arguments passed, intervals repeat, Date.now on the clock", () => {
    const { clock, lines } = make(
      "var a = setTimeout(function (x) { console.log('t', x, Date.now()); }, 100, 7);" +
        "var n = 0; var b = setInterval(function () { n++; if (n === 3) { clearInterval(b); console.log('i', n, Date.now()); } }, 50);" +
        "console.log('ids', a, b);",
      { epochMs: 1000 },
    );
    clock.advance(1000);
    expect(lines).toEqual(["1: ids 1 2", "1: t 7 1100", "1: i 3 1150"]);
  });

  it("clearTimeout(undefined) throws as on the device; clearTimeout() clears all; an unknown id is ignored", () => {
    const { sb, clock, lines } = make("setTimeout(function () { console.log('never'); }, 10); clearTimeout(99);");
    expect(() => sb.evaluate("clearTimeout(undefined)")).toThrow("clearTimeout(undefined) not allowed. Use clearTimeout() instead");
    sb.evaluate("clearTimeout()");
    clock.advance(100);
    expect(lines).toEqual([]);
  });

  it("an exception in a callback is reported as Uncaught and the other timers keep running", () => {
    const { sb, clock, lines } = make("setTimeout(function () { throw new Error('boom'); }, 10); setTimeout(function () { console.log('after'); }, 20);");
    clock.advance(100);
    expect(sb.uncaught).toEqual(["Uncaught Error: boom"]);
    expect(lines).toEqual(["1: Uncaught Error: boom", "1: after"]);
  });
});

describe("Storage", () => {
  it("behaves as measured on 2v29: 28-character names, zero-length refused, pre-sized files, readJSON", () => {
    const { sb } = make("var S = require('Storage');");
    expect(sb.evaluate("S.write('abcdefghijabcdefghijabcdefghij', 'x'); S.list()")).toEqual(["abcdefghijabcdefghijabcdefgh"]);
    expect(() => sb.evaluate("S.write('e', '')")).toThrow("Can't create zero length file");
    expect(sb.evaluate("S.read('nope')")).toBeUndefined();
    expect(sb.evaluate("S.write('p', 'ab', 0, 5); S.read('p')")).toBe("ab\xff\xff\xff");
    expect(sb.evaluate("S.write('p', 'cde', 2); S.read('p') + S.read('p', 1, 2)")).toBe("abcdebc");
    expect(sb.evaluate("S.writeJSON('j', {a: 1}); S.readJSON('j').a")).toBe(1);
    // The sandbox realm's own SyntaxError, so the firmware's `instanceof` checks see what the device gives.
    expect(sb.evaluate("S.write('bad', '{bad'); try { S.readJSON('bad'); 'no error' } catch (e) { e instanceof SyntaxError }")).toBe(true);
    expect(sb.evaluate("S.readJSON('bad', true)")).toBeUndefined();
    expect(sb.evaluate("S.list(/^b/).concat(S.list('p'))")).toEqual(["bad", "p"]);
    expect(sb.evaluate("var f = S.getFree(); S.write('big', 'x'.repeat(1000)); f - S.getFree()")).toBe(1032);
  });

  it("a FileStore keeps files across sandboxes (the desktop board's flash between runs)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sb-flash-")), "flash.json");
    const clock = new FakeClock(0);
    new EspruinoSandbox({ code: "require('Storage').write('n', 'v1')", clock, store: new FileStore(file) }).boot();
    const lines: string[] = [];
    new EspruinoSandbox({ code: "console.log(require('Storage').read('n'))", clock, store: new FileStore(file), onLog: (l) => lines.push(l) }).boot();
    expect(lines).toEqual(["v1"]);
  });
});

describe("MCU life cycle", () => {
  it("the watchdog bites when not kicked in time and resets the MCU; kicks keep it quiet", () => {
    const code = "console.log('boot'); E.enableWatchdog(2, false); var k = setInterval(function () { if (Date.now() < 5000) E.kickWatchdog(); }, 500);";
    const { sb, clock, lines } = make(code);
    clock.advance(6000);
    expect(sb.watchdog.kicks).toBe(9);
    expect(sb.watchdog.bites).toEqual([]);
    clock.advance(1000);
    expect(sb.watchdog.bites.length).toBe(1);
    expect(sb.watchdog.bites[0]).toEqual({ atMs: 6500, boot: 1, lastKickMs: 4500 });
    expect(sb.boots).toBe(2);
    expect(lines.filter((l) => l.endsWith("boot"))).toEqual(["1: boot", "2: boot"]);
  });

  it("E.enableWatchdog(t) with automatic kicking never bites", () => {
    const { sb, clock } = make("E.enableWatchdog(1);");
    clock.advance(10_000);
    expect(sb.watchdog.bites).toEqual([]);
  });

  it("deep sleep ends the instance at once and boots a new one after the sleep, on the same Storage", () => {
    const code =
      "var S = require('Storage'); var n = (S.readJSON('n', true) || 0) + 1; S.writeJSON('n', n);" +
      "console.log('boot', n, ESP32.getWakeupCause());" +
      "setTimeout(function () { if (n < 3) { ESP32.deepSleep(60e6); S.writeJSON('lost', 1); console.log('lost'); } }, 1000);";
    const { sb, clock, store, lines } = make(code, { esp32: true });
    clock.advance(200_000);
    expect(lines).toEqual(["1: boot 1 0", "2: boot 2 " + WAKE_TIMER, "3: boot 3 " + WAKE_TIMER]);
    expect(store.read("lost")).toBeUndefined();
    expect(sb.events.filter((e) => e.kind === "deep-sleep").map((e) => e.atMs)).toEqual([1000, 62000]);
  });

  it("ESP32 is absent unless asked for; reset() boots a new instance and the old one's timers die", () => {
    const { sb, clock, lines } = make("console.log(typeof ESP32); setInterval(function () { console.log('tick'); }, 1000);");
    clock.advance(1500);
    sb.reset("test");
    clock.advance(500);
    expect(lines).toEqual(["1: undefined", "1: tick", "2: undefined"]);
    expect(sb.pendingTimers()).toBe(1);
  });
});

describe("board", () => {
  it("Serial writes reach the port, its data reaches the listener, and not after the instance ends", () => {
    const clock = new FakeClock(0);
    const uart = new UartStub(clock);
    const lines: string[] = [];
    const sb = new EspruinoSandbox({
      code: "Serial2.setup(115200, {rx: D16, tx: D17}); Serial2.on('data', function (d) { console.log('got', d); }); Serial2.write('AT\\r');",
      clock,
      store: new MemoryStore(),
      serials: { Serial2: uart },
      onLog: (l) => lines.push(l),
    });
    sb.boot();
    expect(uart.writes).toEqual(["AT\r"]);
    uart.deliver("OK");
    clock.advance(10);
    sb.stop();
    uart.deliver("late");
    clock.advance(10);
    expect(lines).toEqual(["got OK"]);
    expect(sb.setups[0].name).toBe("Serial2");
    expect(String((sb.setups[0].options as { rx: unknown }).rx)).toBe("D16");
  });

  it("pins are objects named D0..D40; wired pins reach their wire", () => {
    const writes: number[] = [];
    const { sb } = make("digitalWrite(D4, 1); digitalWrite(D4, 0);", { pins: { D4: { write: (v) => writes.push(v) }, D5: { read: () => 1 } } });
    expect(writes).toEqual([1, 0]);
    expect(sb.evaluate("digitalRead(D5) + ' ' + D40 + ' ' + typeof D41")).toBe("1 D40 undefined");
    expect(sb.evaluate("process.memory().usage > 0 && E.getTemperature() === 25")).toBe(true);
    expect(() => sb.evaluate("digitalWrite(undefined, 1)")).toThrow(/Invalid pin/);
  });

  it("built-ins the device lacks are gone, what it has is there, require knows only Storage", () => {
    const { sb } = make("");
    expect(sb.evaluate("[typeof Map, typeof Symbol, typeof Array.from, typeof Number.isInteger, typeof [].at, typeof ''.trimStart].join()")).toBe(
      "undefined,undefined,undefined,undefined,undefined,undefined",
    );
    expect(sb.evaluate("[typeof [].includes, typeof Object.entries, typeof ''.replaceAll, typeof btoa, typeof global, global === globalThis].join()")).toBe(
      "function,function,function,function,object,true",
    );
    expect(() => sb.evaluate("require('http')")).toThrow('Module "http" not found');
    // What the board objects hand back belongs to the sandbox's realm, not node's richer one.
    expect(sb.evaluate("typeof require('Storage').list().lastIndexOf + typeof E.toUint8Array('ab').at")).toBe("undefinedundefined");
  });
});
