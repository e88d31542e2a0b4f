// The payload CLI as people run it (child_process): encode then decode, generic decoding of services the
// profile does not know, and clear failures with exit code 1.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../build/paths";
import { runCodecCli } from "../../build/codec-cli";

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
    const e = cli("encode", "8001", '{"intervalS":600}', "0x12");
    expect(e.out.trim()).toBe("061F410012000400000258");
    const d = cli("decode", "+CTM2MRECV: " + e.out.trim());
    expect(JSON.parse(d.out)).toEqual({ type: "command", serviceId: 8001, service: "setInterval", taskId: 18, values: { intervalS: 600 } });
  });

  it("decodes a service the profile does not know generically", () => {
    const d = cli("decode", "061388001200020102");
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toEqual({ type: "command", serviceId: 5000, taskId: 18, length: 2, payloadHex: "0102" });
    expect(d.err).toContain("not in firmware/profile.ts");
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
    expect(r.err).toContain('"payloadHex":"313233343536"');
  });

  it("accepts an AT+CTM2MSEND line and spaced hex; responses take a task id", () => {
    const e = runCodecCli(["encode", "setIntervalResult", '{"result":0,"intervalS":600}', "26"]);
    expect(e.out.trim()).toBe("862329001A00050000000258");
    expect(JSON.parse(runCodecCli(["decode", "AT+CTM2MSEND=86 2329 001A 0005 00 00000258,0"]).out)).toEqual({
      type: "response", serviceId: 9001, service: "setIntervalResult", taskId: 26, values: { result: 0, intervalS: 600 },
    });
  });

  it("fuzz reports no failures", () => {
    const r = runCodecCli(["fuzz", "300", "5"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ cases: 300, seed: 5, failures: [] });
  });
});
