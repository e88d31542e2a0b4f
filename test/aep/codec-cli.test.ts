// The payload CLI as people run it (child_process): encode then decode, generic decoding of services the
// profile does not know (the note's own downlinks), the profile as the CTWing console wants it, and clear
// failures with exit code 1.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../build/paths";
import { profileTable, profileView, runCodecCli } from "../../build/codec-cli";
import { encode, E_RANGE, E_TOO_LONG } from "../../lib/aep/codec";
import { SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE } from "../../lib/aep/profile";
import { APP_PROFILE, RSP_COMMAND_ERROR } from "../../firmware/profile";

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "build", "tsrun.mjs"), path.join(ROOT, "build", "codec-cli.ts"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TELEMETRY = { seq: 7, uptimeS: 3600, rssi: 23, temperatureC: 21.25, registrations: 2, recoveries: 1, moduleReboots: 0 };

describe("codec CLI (child process)", () => {
  it("encodes a report by name and decodes it back", () => {
    const e = cli("encode", "telemetry", JSON.stringify(TELEMETRY));
    expect(e).toMatchObject({ code: 0, err: "" });
    const hex = e.out.trim();
    expect(hex).toMatch(/^0200010013[0-9A-F]{38}$/);
    const d = cli("decode", hex);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toEqual({ type: "report", serviceId: 1, service: "telemetry", values: TELEMETRY });
  });

  it("encodes a command by id with a task id and decodes type, service and taskId", () => {
    const e = cli("encode", "8101", '{"intervalS":600}', "0x12");
    expect(e.out.trim()).toBe("061FA50012000400000258");
    const d = cli("decode", "+CTM2MRECV: " + e.out.trim());
    expect(JSON.parse(d.out)).toEqual({ type: "command", serviceId: 8101, service: "setInterval", taskId: 18, values: { intervalS: 600 } });
  });

  it("decodes the note's own downlinks generically, with no error: ids, lengths, payload, inner length", () => {
    const v = cli("decode", "061F42001200080006623132333031");
    expect(v).toEqual({
      code: 0,
      out: [
        "{",
        '  "type": "command",',
        '  "typeByte": "06",',
        '  "serviceId": 8002,',
        '  "serviceIdHex": "1F42",',
        '  "taskId": 18,',
        '  "taskIdHex": "0012",',
        '  "length": 8,',
        '  "payloadHex": "0006623132333031",',
        '  "innerLength": 6,',
        '  "innerHex": "623132333031",',
        '  "innerText": "b12301"',
        "}",
        "",
      ].join("\n"),
      err: "service 8002 is not in firmware/profile.ts: decoded generically\n",
    });
    // The fixed-length example: its first two bytes are no length that fits, so none is shown.
    const f = cli("decode", "+CTM2MRECV:061F41001A0006613132333032");
    expect(f.code).toBe(0);
    expect(JSON.parse(f.out)).toEqual({ type: "command", typeByte: "06", serviceId: 8001, serviceIdHex: "1F41", taskId: 26, taskIdHex: "001A", length: 6, payloadHex: "613132333032", payloadText: "a12302" });
  });

  it("decodes any other service the profile does not know generically: commands, reports (no task id), responses", () => {
    const d = cli("decode", "061388001200020102");
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toEqual({ type: "command", typeByte: "06", serviceId: 5000, serviceIdHex: "1388", taskId: 18, taskIdHex: "0012", length: 2, payloadHex: "0102" });
    expect(d.err).toContain("not in firmware/profile.ts");
    const r = runCodecCli(["decode", "02006300080006313233343536"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ type: "report", typeByte: "02", serviceId: 99, serviceIdHex: "0063", length: 8, payloadHex: "0006313233343536", innerLength: 6, innerHex: "313233343536", innerText: "123456" });
    expect(JSON.parse(runCodecCli(["decode", "86FFFF000100020000"]).out)).toEqual({ type: "response", typeByte: "86", serviceId: 65535, serviceIdHex: "FFFF", taskId: 1, taskIdHex: "0001", length: 2, payloadHex: "0000", innerLength: 0, innerHex: "" });
    // Empty payload, and a frame whose header lies about its length: the latter is an error, not a guess.
    expect(JSON.parse(runCodecCli(["decode", "0700630000"]).out)).toEqual({ type: "event", typeByte: "07", serviceId: 99, serviceIdHex: "0063", length: 0, payloadHex: "" });
    expect(runCodecCli(["decode", "061F42001200090006623132333031"])).toEqual({ code: 1, out: "", err: "decode failed: truncated (8): length field says 9 bytes, 8 present [service 8002, task 18]\n" });
  });

  it("bad hex exits 1 with a message on stderr", () => {
    expect(cli("decode", "06XYZ0")).toEqual({ code: 1, out: "", err: "decode failed: not-hex (11): not hex at character 2\n" });
    expect(cli("decode", "061")).toMatchObject({ code: 1, out: "", err: expect.stringContaining("odd-hex") });
  });

  it("encode errors exit 1: unknown service, bad JSON, value out of range; usage without arguments", () => {
    expect(cli("encode", "nosuch", "{}")).toMatchObject({ code: 1, err: expect.stringContaining("unknown service \"nosuch\"; known: 1 telemetry") });
    expect(cli("encode", "telemetry", "{seq:1}")).toMatchObject({ code: 1, err: expect.stringContaining("not valid JSON") });
    expect(cli("encode", "rebootModule", '{"delayS":4000}', "1")).toEqual({ code: 1, out: "", err: "encode failed: out-of-range (5): delayS: 4000 outside 0..3600\n" });
    expect(cli()).toMatchObject({ code: 1, err: expect.stringContaining("usage: npm run codec -- decode <hex>") });
  });

  it("runs as `npm run codec`", () => {
    const r = spawnSync("npm", ["run", "-s", "codec", "--", "decode", "0700020006010003414243"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ type: "event", serviceId: 2, service: "linkEvent", values: { code: 1, detail: "ABC" } });
    // Issue 13's own command line: the note's downlink, exit 0.
    const n = spawnSync("npm", ["run", "-s", "codec", "--", "decode", "061F42001200080006623132333031"], { cwd: ROOT, encoding: "utf8" });
    expect(n.status).toBe(0);
    expect(JSON.parse(n.stdout)).toMatchObject({ serviceId: 8002, taskId: 18, length: 8, innerLength: 6, innerText: "b12301" });
  });
});

describe("codec CLI (in process)", () => {
  it("strings travel as UTF-8 and come back readable", () => {
    const e = runCodecCli(["encode", "linkEvent", '{"code":-3,"detail":"温度 ok"}']);
    expect(e.out.trim()).toBe("070002000CFD0009E6B8A9E5BAA6206F6B");
    expect(JSON.parse(runCodecCli(["decode", e.out.trim()]).out).values).toEqual({ code: -3, detail: "温度 ok" });
  });

  it("shows the raw frame when a known service's payload does not fit the profile", () => {
    const r = runCodecCli(["decode", "0200010006313233343536"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("bad-length (9)");
    expect(r.err).toContain('"payloadHex":"313233343536","payloadText":"123456"');
  });

  it("accepts an AT+CTM2MSEND line and spaced hex; responses take a task id", () => {
    const e = runCodecCli(["encode", "setIntervalResult", '{"result":0,"intervalS":600}', "26"]);
    expect(e.out.trim()).toBe("86238D001A00050000000258");
    expect(JSON.parse(runCodecCli(["decode", "AT+CTM2MSEND=86 238D 001A 0005 00 00000258,0"]).out)).toEqual({
      type: "response", serviceId: 9101, service: "setIntervalResult", taskId: 26, values: { result: 0, intervalS: 600 },
    });
  });

  it("fuzz reports no failures", () => {
    const r = runCodecCli(["fuzz", "300", "5"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ cases: 300, seed: 5, failures: [] });
  });
});

describe("codec CLI: the profile for the CTWing console", () => {
  const view = profileView(APP_PROFILE, RSP_COMMAND_ERROR);

  it("prints every service with id, name, kind, pairing, and its fields with types, bytes and ranges", () => {
    const r = cli("profile");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toBe(profileTable(APP_PROFILE, RSP_COMMAND_ERROR));
    const lines = r.out.split("\n");
    expect(lines[3].split(/\s{2,}/)).toEqual(["service id", "name", "kind", "pairs with", "frame bytes", "field", "type", "bytes", "range"]);
    const row = (first: string) => lines.find((l) => l.startsWith(first + " "))?.split(/\s{2,}/);
    expect(row("1")).toEqual(["1", "telemetry", "report (02)", "24", "seq", "int", "4", "-2147483648..2147483647"]);
    expect(row("2")).toEqual(["2", "linkEvent", "event (07)", "8..72", "code", "byte", "1", "-128..127"]);
    expect(row("8101")).toEqual(["8101", "setInterval", "command (06)", "response 9101", "11", "intervalS", "int", "4", "10..604800"]);
    expect(row("8102")).toEqual(["8102", "reportNow", "command (06)", "response 9102", "8", "reserved", "byte", "1", "-128..127"]);
    expect(row("8103")).toEqual(["8103", "rebootModule", "command (06)", "response 9103", "9", "delayS", "short", "2", "0..3600"]);
    expect(row("9100")).toEqual(["9100", "commandError", "response (86)", "any command (errors)", "10", "result", "byte", "1", "-128..127"]);
    expect(row("9101")).toEqual(["9101", "setIntervalResult", "response (86)", "answers 8101", "12", "result", "byte", "1", "-128..127"]);
    // A field after the first sits on its own row, under its service.
    const i = lines.findIndex((l) => l.startsWith("2 "));
    expect(lines[i + 1].trim().split(/\s{2,}/)).toEqual(["detail", "varchar", "2+0..64", "length 0..64"]);
    const j = lines.findIndex((l) => l.startsWith("9100 "));
    expect(lines[j + 1].trim().split(/\s{2,}/)).toEqual(["commandServiceId", "short", "2", "0..65535"]);
    // Every service and every field, in the profile's order.
    const ids = lines.filter((l) => /^\d+ /.test(l)).map((l) => Number(l.split(" ")[0]));
    expect(ids).toEqual(APP_PROFILE.services.map((s) => s.id));
    const fieldRows = lines.slice(5).filter((l) => l.trim() !== "" && !/^(types|string|integers)/.test(l));
    expect(fieldRows.length).toBe(APP_PROFILE.services.reduce((n, s) => n + s.fields.length, 0));
  });

  it("--json prints the same as data", () => {
    const r = cli("profile", "--json");
    expect(r).toMatchObject({ code: 0, err: "" });
    const j = JSON.parse(r.out);
    expect(j).toEqual({ format: "CTWing compact binary, big-endian", services: view });
    expect(j.services.map((s: { id: number; kind: string }) => [s.id, s.kind])).toEqual([
      [1, "report"], [2, "event"], [8101, "command"], [8102, "command"], [8103, "command"], [9100, "response"], [9101, "response"], [9102, "response"], [9103, "response"],
    ]);
    expect(j.services[1]).toEqual({
      id: 2, name: "linkEvent", kind: "event", typeByte: "07", mode: "CON", frameBytes: { min: 8, max: 72 },
      fields: [{ name: "code", type: "byte", bytes: 1, min: -128, max: 127 }, { name: "detail", type: "varchar", bytes: { lengthPrefix: 2, minLength: 0, maxLength: 64 } }],
    });
    expect(j.services[2]).toEqual({ id: 8101, name: "setInterval", kind: "command", typeByte: "06", response: 9101, frameBytes: { min: 11, max: 11 }, fields: [{ name: "intervalS", type: "int", bytes: 4, min: 10, max: 604800 }] });
    expect(j.services[5]).toMatchObject({ id: 9100, name: "commandError", answers: "any" });
    expect(j.services[6]).toMatchObject({ id: 9101, answers: [8101] });
    expect(runCodecCli(["profile", "--xml"])).toMatchObject({ code: 1, err: expect.stringContaining("profile [--json]") });
  });

  it("tells the truth about the device codec: the ranges and sizes it prints are the ones encode enforces", () => {
    for (const s of view) {
      const spec = APP_PROFILE.services.find((x) => x.id === s.id)!;
      const want = spec.kind === SK_REPORT || spec.kind === SK_EVENT ? SK_REPORT : spec.kind;
      expect([SK_REPORT, SK_COMMAND, SK_RESPONSE]).toContain(want);
      // Smallest and largest values of every field, and one step outside each bound.
      const lo: Record<string, unknown> = {};
      const hi: Record<string, unknown> = {};
      for (const f of s.fields) {
        if (typeof f.bytes !== "number") {
          lo[f.name] = "x".repeat(f.bytes.minLength);
          hi[f.name] = "x".repeat(f.bytes.maxLength);
        } else if (f.min !== undefined && f.max !== undefined) {
          lo[f.name] = f.min;
          hi[f.name] = f.max;
        } else lo[f.name] = hi[f.name] = 1.5;
      }
      const a = encode(APP_PROFILE, s.id, want, 1, lo);
      const b = encode(APP_PROFILE, s.id, want, 1, hi);
      expect(a.err === undefined && a.hex.length / 2).toBe(s.frameBytes.min);
      expect(b.err === undefined && b.hex.length / 2).toBe(s.frameBytes.max);
      for (const f of s.fields) {
        if (typeof f.bytes !== "number") {
          expect((encode(APP_PROFILE, s.id, want, 1, { ...hi, [f.name]: "x".repeat(f.bytes.maxLength + 1) }) as { err: number }).err).toBe(E_TOO_LONG);
        } else if (f.min !== undefined && f.max !== undefined) {
          expect((encode(APP_PROFILE, s.id, want, 1, { ...lo, [f.name]: f.min - 1 }) as { err: number }).err).toBe(E_RANGE);
          expect((encode(APP_PROFILE, s.id, want, 1, { ...hi, [f.name]: f.max + 1 }) as { err: number }).err).toBe(E_RANGE);
        }
      }
    }
  });
});
