// The configuration on the desktop: validate a (partial) configuration like the build does and make it
// the CFG global the lib code reads (types/config-global.d.ts). Every rig calls it before it builds a
// Device or a Link; a test that runs two configurations runs them one after the other.

import { useConfig, validateConfig, type FirmwareConfig } from "../../lib/config";

export function testConfig(over: unknown = {}): FirmwareConfig {
  const r = validateConfig(over, {});
  if (!r.config) throw new Error(r.errors.join("; "));
  useConfig(r.config);
  return r.config;
}
