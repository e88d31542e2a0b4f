// The sample application's CTWing profile as data: what the device reports and which commands it
// answers. Pure data (no Espruino globals) so the desktop CLI and the tests use the same table. The
// product's thing model on the CTWing console must define the same services, ids and field order
// (`npm run codec -- profile` prints it as the console wants it).
// To add a service: one id constant and one entry below; a command names its response service.
// The profile is built when it is used (appProfile()), so between uses it stays in flash, not RAM.

import { FT_FLOAT32, FT_INT16, FT_INT32, FT_INT8, FT_VARSTRING, SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE } from "../lib/aep/profile";
import type { Profile } from "../lib/aep/profile";

import { CMD_REBOOT_MODULE, CMD_REPORT_NOW, CMD_SET_INTERVAL, RSP_COMMAND_ERROR, RSP_REBOOT_MODULE, RSP_REPORT_NOW, RSP_SET_INTERVAL, SVC_LINK_EVENT, SVC_TELEMETRY } from "./ids";

export * from "./ids";

export function appProfile(): Profile {
  return {
    services: [
      {
        id: SVC_TELEMETRY, name: "telemetry", kind: SK_REPORT,
        fields: [
          { name: "seq", type: FT_INT32 },
          { name: "uptimeS", type: FT_INT32, min: 0 },
          // AT+CSQ: 0..31, 99 = unknown.
          { name: "rssi", type: FT_INT8, min: 0, max: 99 },
          { name: "temperatureC", type: FT_FLOAT32 },
          { name: "registrations", type: FT_INT16 },
          { name: "recoveries", type: FT_INT16 },
          { name: "moduleReboots", type: FT_INT16 },
        ],
      },
      {
        id: SVC_LINK_EVENT, name: "linkEvent", kind: SK_EVENT,
        fields: [
          { name: "code", type: FT_INT8 },
          { name: "detail", type: FT_VARSTRING, max: 64 },
        ],
      },
      { id: CMD_SET_INTERVAL, name: "setInterval", kind: SK_COMMAND, response: RSP_SET_INTERVAL, fields: [{ name: "intervalS", type: FT_INT32, min: 10, max: 604800 }] },
      // CTWing's console may not accept a service without parameters, so reportNow carries one ignored
      // byte; the platform's thing model must define it too (any value is accepted).
      { id: CMD_REPORT_NOW, name: "reportNow", kind: SK_COMMAND, response: RSP_REPORT_NOW, fields: [{ name: "reserved", type: FT_INT8 }] },
      { id: CMD_REBOOT_MODULE, name: "rebootModule", kind: SK_COMMAND, response: RSP_REBOOT_MODULE, fields: [{ name: "delayS", type: FT_INT16, min: 0, max: 3600 }] },
      {
        id: RSP_COMMAND_ERROR, name: "commandError", kind: SK_RESPONSE,
        fields: [
          { name: "result", type: FT_INT8 },
          // Unsigned: the offending command's id may be anything up to 65535 (the platform's thing
          // model shows ids above 32767 as negative if it declares the field as a signed short).
          { name: "commandServiceId", type: FT_INT16, min: 0, max: 65535 },
        ],
      },
      {
        id: RSP_SET_INTERVAL, name: "setIntervalResult", kind: SK_RESPONSE,
        fields: [
          { name: "result", type: FT_INT8 },
          { name: "intervalS", type: FT_INT32 },
        ],
      },
      { id: RSP_REPORT_NOW, name: "reportNowResult", kind: SK_RESPONSE, fields: [{ name: "result", type: FT_INT8 }] },
      { id: RSP_REBOOT_MODULE, name: "rebootModuleResult", kind: SK_RESPONSE, fields: [{ name: "result", type: FT_INT8 }] },
    ],
  };
}

/** The profile once, for desktop code (tests, CLI) that reads it often. */
export const APP_PROFILE: Profile = /* @__PURE__ */ appProfile();
