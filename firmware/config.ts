// The configuration baked in by the build (build/build.ts validates it and defines __FIRMWARE_CONFIG__).
import type { FirmwareConfig } from "../lib/config";

declare const __FIRMWARE_CONFIG__: FirmwareConfig;

/** Referenced once: esbuild pastes the whole object at each use of the define. */
export const CONFIG: FirmwareConfig = __FIRMWARE_CONFIG__;
