// Ports: the only doors from lib/ to the world. firmware/ implements them on Espruino, test/ with stubs
// and a fake clock, so every piece of logic runs the same on the desktop and on the device.

/**
 * Monotonic milliseconds and one-shot timers. The callback gets `a` and `b` back (Espruino's
 * setTimeout passes extra arguments), so a timer needs no closure. Clearing an unknown id is a no-op.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: (a: any, b: number) => void, delayMs: number, a?: any, b?: number): number;
  clearTimeout(id: number): void;
}

/** The module's UART, host -> module. Module -> host arrives through `At.feed`. */
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
  /**
   * Espruino's Storage.write, as it is. No offset: replace the file. Offset 0 with a size: create the
   * file `size` bytes long (erased flash, 0xFF, after data), replacing any old one. Offset > 0: write
   * into the existing file, only over bytes never written since it was created (flash cannot be
   * rewritten without an erase). False, or an exception (Espruino throws for a full flash, a missing
   * file, a write past the end or over written bytes), when it did not happen: callers catch.
   */
  write(name: string, data: string, offset?: number, size?: number): boolean;
  erase(name: string): void;
}

// Log levels (numbers, inlined by the build).
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
