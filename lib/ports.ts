// Ports: the only doors from lib/ to the world. firmware/ implements them on Espruino, test/ with stubs
// and a fake clock, so every piece of logic runs the same on the desktop and on the device.

/** Monotonic milliseconds and one-shot timers. Ids are opaque numbers; clearing an unknown id is a no-op. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, delayMs: number): number;
  clearTimeout(id: number): void;
}

/** The module's UART, host -> module. Module -> host arrives through `AtEngine.feed`. */
export interface Uart {
  write(data: string): void;
}

/** Optional control lines. pwrkey(true) drives PWRKEY low (asserted); status() is -1 when not wired. */
export interface Pins {
  pwrkey(asserted: boolean): void;
  status(): number;
}

/** Named files in flash (Espruino Storage on the device). */
export interface Store {
  /** The whole file. On the device a memory-mapped view of flash: copy (substring) what you keep. */
  read(name: string): string | undefined;
  /** Replace the file. Returns false when the write did not happen (flash full). */
  write(name: string, data: string): boolean;
  /**
   * offset 0: create the file `size` bytes long (erased flash, 0xFF, after data), replacing any old one.
   * offset > 0: write data into the existing file, only over bytes never written since it was created
   * (flash cannot be rewritten without an erase; Espruino refuses). False when it did not happen.
   */
  writeAt(name: string, data: string, offset: number, size: number): boolean;
  erase(name: string): void;
}

export const LOG_ERROR = 0;
export const LOG_WARN = 1;
export const LOG_INFO = 2;
export const LOG_DEBUG = 3;

/** One log line. Callers never pass the PSK; firmware/ formats and prints. */
export interface Log {
  level: number;
  write(level: number, tag: string, text: string): void;
}

/** Uniform random number in [0, 1): the retry jitter. Seeded in tests. */
export type Random = () => number;
