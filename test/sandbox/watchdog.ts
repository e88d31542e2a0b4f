// The hardware watchdog behind E.enableWatchdog / E.kickWatchdog, on the sandbox's clock. It records
// every kick and emulates the bite: not kicked within the timeout (whole seconds, as on the ESP32), it
// reports the bite and (by default) resets the MCU. auto=true means Espruino's idle loop kicks it, which
// in the sandbox is "never bites". An MCU reset disables it until the new boot enables it again.

import type { Clock } from "../../lib/ports";

export interface WatchdogBite {
  atMs: number;
  /** The boot (1, 2, ...) whose code failed to kick. */
  boot: number;
  lastKickMs: number;
}

export class Watchdog {
  enabled = false;
  auto = false;
  timeoutS = 0;
  kicks = 0;
  lastKickMs = -1;
  readonly bites: WatchdogBite[] = [];
  private clock: Clock;
  private timer = 0;
  private boot = 0;
  private onBite: (b: WatchdogBite) => void;

  constructor(clock: Clock, onBite: (b: WatchdogBite) => void) {
    this.clock = clock;
    this.onBite = onBite;
  }

  private arm(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = 0;
    if (!this.enabled || this.auto) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = 0;
      const b: WatchdogBite = { atMs: this.clock.now(), boot: this.boot, lastKickMs: this.lastKickMs };
      this.bites.push(b);
      this.onBite(b);
    }, this.timeoutS * 1000);
  }

  /** E.enableWatchdog(timeoutS, isAuto) from boot number `boot`. */
  enable(timeoutS: number, auto: boolean | undefined, boot: number): void {
    this.enabled = true;
    this.auto = auto !== false; // Espruino's default is automatic kicking
    // Whole seconds on the ESP32; a fraction would be rounded by the driver.
    this.timeoutS = Math.max(1, Math.round(Number(timeoutS) || 1));
    this.boot = boot;
    this.arm();
  }

  kick(): void {
    if (!this.enabled) return;
    this.kicks++;
    this.lastKickMs = this.clock.now();
    this.arm();
  }

  /** The MCU reset (or slept): the watchdog is off until enabled again. */
  disable(): void {
    this.enabled = false;
    this.arm();
  }
}
