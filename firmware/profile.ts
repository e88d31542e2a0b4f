// The sample application's CTWing profile as data: what the device reports and which commands it
// answers. Pure data (no Espruino globals) so the desktop CLI and the tests import the same table.
// The product's thing model on the CTWing console must define the same services, ids and field order.
// To add a service: one id constant, one entry in APP_PROFILE, and for a command one RESPONSES pair.

import {
  FT_FLOAT32, FT_INT16, FT_INT32, FT_INT8, FT_VARSTRING, SK_COMMAND, SK_EVENT, SK_REPORT, SK_RESPONSE,
} from "../lib/aep/profile";
import type { Profile } from "../lib/aep/profile";

export const SVC_TELEMETRY = 1;
export const SVC_LINK_EVENT = 2;
export const CMD_SET_INTERVAL = 8001;
export const CMD_REPORT_NOW = 8002;
export const CMD_REBOOT_MODULE = 8003;
/** Answers a command that is unknown or could not be decoded, so the platform's task never hangs. */
export const RSP_COMMAND_ERROR = 9000;
export const RSP_SET_INTERVAL = 9001;
export const RSP_REPORT_NOW = 9002;
export const RSP_REBOOT_MODULE = 9003;

/** `result` of a response: 0 ok; otherwise an error code (for RSP_COMMAND_ERROR: the codec's E_* code). */
export const RESULT_OK = 0;

export const APP_PROFILE: Profile = {
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
    { id: CMD_SET_INTERVAL, name: "setInterval", kind: SK_COMMAND, fields: [{ name: "intervalS", type: FT_INT32, min: 10, max: 604800 }] },
    // CTWing's console may not accept a service without parameters, so reportNow carries one ignored
    // byte; the platform's thing model must define it too (any value is accepted).
    { id: CMD_REPORT_NOW, name: "reportNow", kind: SK_COMMAND, fields: [{ name: "reserved", type: FT_INT8 }] },
    { id: CMD_REBOOT_MODULE, name: "rebootModule", kind: SK_COMMAND, fields: [{ name: "delayS", type: FT_INT16, min: 0, max: 3600 }] },
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

/** Command service id -> the response service that answers it, as pairs. */
export const RESPONSES = [
  [CMD_SET_INTERVAL, RSP_SET_INTERVAL],
  [CMD_REPORT_NOW, RSP_REPORT_NOW],
  [CMD_REBOOT_MODULE, RSP_REBOOT_MODULE],
];

/** The response service for a command; RSP_COMMAND_ERROR for a command this profile does not know. */
export function responseFor(commandServiceId: number): number {
  for (let i = 0; i < RESPONSES.length; i++) if (RESPONSES[i][0] === commandServiceId) return RESPONSES[i][1];
  return RSP_COMMAND_ERROR;
}
