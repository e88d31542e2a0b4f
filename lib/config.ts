// The firmware's configuration: every key with its default, its allowed values and one line of
// documentation, as data. The build validates a user's file against it and bakes the result into the
// bundle; the README's reference table is generated from the same list (`npm run config-doc`).
// Runs at build time on the desktop only: the device receives the finished object.

export interface PsmConfig {
  enabled: boolean;
  /** Requested periodic TAU (T3412), seconds. */
  tauS: number;
  /** Requested active time (T3324), seconds. */
  activeS: number;
}

export interface FirmwareConfig {
  modem: {
    serial: string;
    baud: number;
    serialOptions: { [key: string]: string | number | boolean };
    pwrkeyPin: string | null;
    statusPin: string | null;
    /** Bring-up gives up and power-cycles the module after this long without reaching Ready. */
    readyTimeoutS: number;
  };
  network: {
    apn: string;
    psm: PsmConfig;
    /** How long to wait for attach before running the APN fix. */
    attachTimeoutS: number;
  };
  aep: {
    server: string;
    port: number;
    lifetimeS: number;
    autoTau: number;
    security: number;
    pskId: string;
    psk: string;
    /** -1: leave the binding mode alone; 0 U; 1 UQ (sent with AT+CTM2MUPDATE after registering). */
    bindingMode: number;
  };
  app: {
    reportIntervalS: number;
  };
  outbox: {
    /** Flash the queue may take, in bytes (its segment files together). */
    flashBytes: number;
    /** "drop-oldest" or "refuse-newest". */
    fullPolicy: string;
    /** How long to wait for +CTM2M: send,<s>,<id> before sending again. */
    confirmTimeoutS: number;
  };
  log: {
    /** 0 error, 1 warn, 2 info, 3 debug (every AT line). */
    level: number;
    /** Log process.memory() every N confirmed reports (0: only at Ready). */
    memoryEveryReports: number;
  };
  watchdog: {
    /** Hardware watchdog period in whole seconds; 0 turns it off. */
    timeoutS: number;
  };
}

type Kind = "int" | "string" | "bool" | "enum" | "pin" | "options";

export interface KeySpec {
  key: string;
  kind: Kind;
  def: unknown;
  min?: number;
  max?: number;
  /** enum: the allowed values. */
  values?: readonly (string | number)[];
  /** string: longest allowed, and whether it may be empty. */
  maxLen?: number;
  minLen?: number;
  /** string: characters that would break an AT command line are refused. */
  atSafe?: boolean;
  /** pin: null (not wired) is allowed. */
  nullable?: boolean;
  secret?: boolean;
  doc: string;
}

const BAUDS = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600];

/** T3412 can express up to 31 x 320 h; T3324 up to 31 x 6 min (../shared/protocol.md, Power saving). */
export const PSM_TAU_MAX_S = 31 * 320 * 3600;
export const PSM_ACTIVE_MAX_S = 31 * 6 * 60;

export const CONFIG_KEYS: readonly KeySpec[] = [
  { key: "modem.serial", kind: "enum", def: "Serial2", values: ["Serial1", "Serial2", "Serial3", "Serial4", "Serial5", "Serial6"], doc: "Espruino Serial object wired to the module (Serial1 is the ESP32 console)" },
  { key: "modem.baud", kind: "enum", def: 115200, values: BAUDS, doc: "UART rate; the module auto-bauds on the first AT" },
  { key: "modem.serialOptions", kind: "options", def: { rx: "D16", tx: "D17" }, doc: "passed to SerialN.setup() after pin names are resolved: {rx, tx} on an ESP32, {path} on the Linux build" },
  { key: "modem.pwrkeyPin", kind: "pin", def: null, nullable: true, doc: "GPIO driving PWRKEY through a transistor (high = PWRKEY low); null = not wired" },
  { key: "modem.statusPin", kind: "pin", def: null, nullable: true, doc: "GPIO reading the module's STATUS (high = running); null = not wired" },
  { key: "modem.readyTimeoutS", kind: "int", def: 900, min: 120, max: 86400, doc: "no progress to Ready for this long escalates (restart bring-up, then power-cycle)" },
  { key: "network.apn", kind: "string", def: "ctnb", minLen: 1, maxLen: 62, atSafe: true, doc: "APN the module must use; a different saved APN is fixed with AT*MCGDEFCONT" },
  { key: "network.attachTimeoutS", kind: "int", def: 180, min: 30, max: 3600, doc: "no attach within this long runs the APN fix" },
  { key: "network.psm.enabled", kind: "bool", def: false, doc: "request power saving (AT+CPSMS) and let the MCU sleep between reports" },
  { key: "network.psm.tauS", kind: "int", def: 86400, min: 2, max: PSM_TAU_MAX_S, doc: "requested periodic TAU (T3412), seconds" },
  { key: "network.psm.activeS", kind: "int", def: 60, min: 0, max: PSM_ACTIVE_MAX_S, doc: "requested active time (T3324), seconds" },
  { key: "aep.server", kind: "string", def: "221.229.214.202", minLen: 1, maxLen: 63, atSafe: true, doc: "AEP platform address for AT+CTM2MINIT" },
  { key: "aep.port", kind: "int", def: 5683, min: 1, max: 65535, doc: "AEP platform port (5683 CoAP, 5684 with DTLS)" },
  { key: "aep.lifetimeS", kind: "int", def: 86400, min: 300, max: 2592000, doc: "LwM2M lifetime; the module sends its own update before it runs out" },
  { key: "aep.autoTau", kind: "enum", def: 0, values: [0, 1, 2], doc: "on PSM exit by TAU: 0 nothing, 1 module sends an update, 2 module prints +CTM2M: psm,0" },
  { key: "aep.security", kind: "enum", def: 0, values: [0, 1, 2], doc: "0 none, 1 PSK AES-128-CCM-8, 2 PSK AES-128-CBC-SHA256 (then pskId and psk are required)" },
  { key: "aep.pskId", kind: "string", def: "", minLen: 0, maxLen: 64, atSafe: true, doc: "PSK identity (security 1 or 2)" },
  { key: "aep.psk", kind: "string", def: "", minLen: 0, maxLen: 64, atSafe: true, secret: true, doc: "PSK (security 1 or 2); from $AEP_PSK at build time when set; never logged" },
  { key: "aep.bindingMode", kind: "enum", def: -1, values: [-1, 0, 1], doc: "-1 leave as is; 0 U or 1 UQ, sent with AT+CTM2MUPDATE after registering" },
  { key: "app.reportIntervalS", kind: "int", def: 300, min: 10, max: 604800, doc: "seconds between the sample application's reports" },
  { key: "outbox.flashBytes", kind: "int", def: 81920, min: 4096, max: 524288, doc: "flash for uplinks kept until the platform confirms them, in bytes (the default holds 2,107 sample reports: 7.3 days at 300 s)" },
  { key: "outbox.fullPolicy", kind: "enum", def: "drop-oldest", values: ["drop-oldest", "refuse-newest"], doc: "what a full outbox does with one more uplink" },
  { key: "outbox.confirmTimeoutS", kind: "int", def: 90, min: 10, max: 3600, doc: "no +CTM2M: send,<s>,<id> within this long: send again" },
  { key: "log.level", kind: "enum", def: 2, values: [0, 1, 2, 3], doc: "0 error, 1 warn, 2 info, 3 debug (every AT line)" },
  { key: "log.memoryEveryReports", kind: "int", def: 50, min: 0, max: 100000, doc: "log process.memory() every N confirmed reports (0: only at Ready)" },
  { key: "watchdog.timeoutS", kind: "int", def: 60, min: 0, max: 3600, doc: "hardware watchdog, fed only while the link is healthy; 0 = off" },
];

export interface ConfigResult {
  config?: FirmwareConfig;
  errors: string[];
  /** Valid, but a trade-off the user should know about (printed by the build). */
  warnings?: string[];
}

function getPath(obj: unknown, path: string): { found: boolean; value: unknown } {
  let cur: unknown = obj;
  const parts = path.split(".");
  for (let i = 0; i < parts.length; i++) {
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, parts[i])) return { found: false, value: undefined };
    cur = (cur as { [k: string]: unknown })[parts[i]];
  }
  return { found: true, value: cur };
}

function setPath(obj: { [k: string]: any }, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (typeof cur[parts[i]] !== "object" || cur[parts[i]] === null) cur[parts[i]] = {};
    cur = cur[parts[i]];
  }
  cur[parts[parts.length - 1]] = value;
}

/** Keys present in the user's file that the firmware does not know (likely typos). */
function unknownKeys(obj: unknown, prefix: string, out: string[]): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const path = prefix ? prefix + "." + keys[i] : keys[i];
    const known = CONFIG_KEYS.some((k) => k.key === path);
    const isParent = CONFIG_KEYS.some((k) => k.key.indexOf(path + ".") === 0);
    if (known) continue;
    if (isParent) unknownKeys((obj as { [k: string]: unknown })[keys[i]], path, out);
    else out.push(path + ": unknown key (known keys: see the README's configuration reference)");
  }
}

function show(v: unknown, secret: boolean | undefined): string {
  if (secret) return "(hidden)";
  if (typeof v === "number" && !isFinite(v)) return String(v); // JSON would say null
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.substring(0, 40) + "..." : s;
}

function badAtChar(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126) return "a control or non-ASCII character";
    if (c === 34) return 'a double quote (")';
    if (c === 44) return "a comma";
  }
  return undefined;
}

function checkOne(spec: KeySpec, v: unknown): string | undefined {
  const shown = show(v, spec.secret);
  switch (spec.kind) {
    case "int":
      if (typeof v !== "number" || !isFinite(v) || Math.floor(v) !== v) return "must be a whole number from " + spec.min + " to " + spec.max + ", got " + shown;
      if (v < (spec.min as number) || v > (spec.max as number)) return "must be from " + spec.min + " to " + spec.max + ", got " + shown;
      return undefined;
    case "bool":
      return typeof v === "boolean" ? undefined : "must be true or false, got " + shown;
    case "enum":
      return (spec.values as readonly unknown[]).indexOf(v) >= 0 ? undefined : "must be one of " + (spec.values as readonly unknown[]).map((x) => JSON.stringify(x)).join(", ") + ", got " + shown;
    case "string": {
      if (typeof v !== "string") return "must be a string, got " + shown;
      if (v.length < (spec.minLen || 0) || v.length > (spec.maxLen as number)) return "must be " + (spec.minLen || 0) + " to " + spec.maxLen + " characters long, got " + (spec.secret ? v.length + " characters" : shown);
      const bad = spec.atSafe ? badAtChar(v) : undefined;
      return bad ? "must not contain " + bad + " (it would break the AT command line)" : undefined;
    }
    case "pin":
      if (v === null && spec.nullable) return undefined;
      return typeof v === "string" && isPinName(v) ? undefined : "must be a pin name such as \"D4\"" + (spec.nullable ? " or null (not wired)" : "") + ", got " + shown;
    case "options": {
      if (v === null || typeof v !== "object" || Array.isArray(v)) return "must be an object such as {\"rx\": \"D16\", \"tx\": \"D17\"}, got " + shown;
      const o = v as { [k: string]: unknown };
      const ks = Object.keys(o);
      for (let i = 0; i < ks.length; i++) {
        const x = o[ks[i]];
        if (typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean") return "." + ks[i] + " must be a string, number or boolean, got " + show(x, false);
      }
      return undefined;
    }
  }
}

/** "D16", "A0", "NC"-style Espruino pin names. */
export function isPinName(s: string): boolean {
  if (s.length < 2 || s.length > 4) return false;
  const c0 = s.charCodeAt(0);
  if (c0 < 65 || c0 > 90) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Validate a user's configuration object and fill in defaults. Errors name the key, the allowed range
 * and the value given (never the PSK). `env` supplies AEP_PSK when set.
 */
export function validateConfig(raw: unknown, env?: { [k: string]: string | undefined }): ConfigResult {
  const errors: string[] = [];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { errors: ["configuration must be an object, got " + show(raw, false)] };
  unknownKeys(raw, "", errors);
  const out: { [k: string]: any } = {};
  const bad: string[] = [];
  for (let i = 0; i < CONFIG_KEYS.length; i++) {
    const spec = CONFIG_KEYS[i];
    const got = getPath(raw, spec.key);
    let v = got.found && got.value !== undefined ? got.value : spec.def;
    if (spec.key === "aep.psk" && env && typeof env.AEP_PSK === "string" && env.AEP_PSK.length > 0) v = env.AEP_PSK;
    const err = checkOne(spec, v);
    if (err) {
      errors.push(spec.key + ": " + err);
      bad.push(spec.key);
    }
    setPath(out, spec.key, typeof v === "object" && v !== null ? JSON.parse(JSON.stringify(v)) : v);
  }
  // Rules across keys, checked whenever the keys involved are valid on their own, so one build run
  // reports every problem.
  const ok = function (keys: string[]): boolean {
    return keys.every(function (k) {
      return bad.indexOf(k) < 0;
    });
  };
  const aep = out.aep;
  if (ok(["aep.security", "aep.pskId", "aep.psk"]) && aep.security !== 0 && (aep.pskId.length === 0 || aep.psk.length === 0))
    errors.push("aep.security: " + aep.security + " needs aep.pskId and aep.psk (1 to 64 characters each; the PSK may come from $AEP_PSK)");
  const psm = out.network.psm;
  if (ok(["network.psm.enabled", "network.psm.tauS", "network.psm.activeS"]) && psm.enabled && psm.activeS >= psm.tauS)
    errors.push("network.psm.activeS: must be shorter than network.psm.tauS (" + psm.tauS + "), got " + psm.activeS);
  if (errors.length) return { errors };
  const warnings: string[] = [];
  if (psm.enabled && out.modem.pwrkeyPin === null)
    warnings.push("network.psm.enabled without modem.pwrkeyPin: in PSM the module's UART is dead and only PWRKEY wakes it, so uplinks wait for its own TAU wake (up to network.psm.tauS = " + psm.tauS + " s) and the MCU stays awake meanwhile; wire PWRKEY for prompt reports");
  return { config: out as FirmwareConfig, errors, warnings };
}

/**
 * The build's `define`s: every path of the configuration as `CFG.a.b` -> its JSON, objects and leaves,
 * so each `CFG.x.y` in the code becomes a constant (types/config-global.d.ts).
 */
export function configDefines(cfg: FirmwareConfig): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  const walk = function (v: unknown, path: string): void {
    out[path] = JSON.stringify(v);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v as object);
      // Only identifiers can be a define's name: `CFG.modem.serialOptions["7k"]` is read through its parent.
      for (let i = 0; i < keys.length; i++) if (/^[A-Za-z_$][\w$]*$/.test(keys[i])) walk((v as { [k: string]: unknown })[keys[i]], path + "." + keys[i]);
    }
  };
  const keys = Object.keys(cfg);
  for (let i = 0; i < keys.length; i++) walk((cfg as unknown as { [k: string]: unknown })[keys[i]], "CFG." + keys[i]);
  return out;
}

/** Desktop only (tests, soak, tools): make `cfg` the configuration the lib code reads as CFG. */
export function useConfig(cfg: FirmwareConfig): void {
  (globalThis as unknown as { CFG: FirmwareConfig }).CFG = cfg;
}
