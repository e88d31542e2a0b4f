// Espruino globals the firmware uses that @types/espruino (written for 1v95) does not declare, typed
// as the 2v29 interpreter behaves (../shared/espruino.md). Only firmware/ may touch these; lib/ is pure.

declare function setTimeout(callback: (a?: any, b?: any) => void, timeoutMs: number, a?: any, b?: any): number;
declare function setInterval(callback: (a?: any) => void, timeoutMs: number, a?: any): number;
declare function clearInterval(id: number): void;

interface EspruinoConsole {
  log(...args: any[]): void;
}
declare var console: EspruinoConsole;

interface EspruinoMemory {
  free: number;
  usage: number;
  total: number;
  history?: number;
}
interface EspruinoProcess {
  memory(gc?: boolean): EspruinoMemory;
  readonly version: string;
  readonly env: { [key: string]: any };
}
declare var process: EspruinoProcess;

interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): any;
  write(name: string, data: string, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: any): boolean;
  erase(name: string): void;
  list(pattern?: string): string[];
  compact(): void;
  getFree(): number;
}
declare function require(module: "Storage"): EspruinoStorage;
declare function require(module: string): any;

interface EspruinoESP32 {
  deepSleep(us: number): void;
  getWakeupCause(): number;
  reboot(): void;
}
declare var ESP32: EspruinoESP32 | undefined;

declare function getTime(): number;

// E members used by the firmware that the 1v95 typings lack.
declare namespace E {
  function enableWatchdog(timeoutS: number, isAuto?: boolean): void;
  /** JsVars held by one object (with what it references). */
  function getSizeOf(v: any, depth?: number): number;
}
