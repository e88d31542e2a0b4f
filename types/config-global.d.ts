// The firmware configuration as a build-time global. On the device every `CFG.a.b` is replaced by its
// value (build/build.ts defines each path), so the configuration costs no RAM and code for a feature
// the configuration turns off folds away; the bundle gate refuses any `CFG` left over. On the desktop
// (tests, soak, tools) `useConfig()` in lib/config.ts sets `globalThis.CFG` before a Device is built.
// Never cache a CFG value at module level: read it where it is used.
declare const CFG: import("../lib/config").FirmwareConfig;
