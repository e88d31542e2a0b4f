// The outbox's flash wear as figures (for the tests, the bench and the README): bytes written, erases and
// Storage space taken per confirmed report, measured by running the outbox on the MemoryStore, and the
// years until a 4 MB ESP32's flash wears out at a given report interval.
//
// The wear model, from Espruino's Storage (libs/filesystem/jsflash.c, 2v29): a new file always goes after
// the last one; an erased file only has its name zeroed; the space comes back when a new file no longer
// fits and Storage compacts: it copies the live files down and erases each page it writes, then the
// pages after. So a compaction erases each page of the used area at most once, whichever file was
// written, and compactions come once per `churn` bytes of files created, churn being the Storage area
// minus what stays live. Status bytes written into an existing file take no space and erase nothing.

import { CONFIG_KEYS } from "../../lib/config";
import { Outbox, PRIO_NORMAL } from "../../lib/outbox/outbox";
import { MemoryStore } from "../support/memory-store";

/** outbox.flashBytes by default. */
export const DEFAULT_FLASH_BYTES = CONFIG_KEYS.find((k) => k.key === "outbox.flashBytes")!.def as number;

/** The sample application's telemetry report as firmware/app.ts encodes it (24 bytes). */
export const SAMPLE_REPORT_HEX = "0200010013000004D2000186A01441CC0000000300010000";

export interface FlashPerReport {
  reports: number;
  /** Per confirmed report: bytes that reached the flash, Store writes, file erases, Storage bytes taken. */
  bytesWritten: number;
  writes: number;
  erases: number;
  allocated: number;
}

/**
 * Push and confirm `reports` sample reports one at a time (the queue never holds more than one, as when
 * the link is up), after a warm-up; with sleepEach, a checkpoint and a reboot after each one (a deep
 * sleep between reports).
 */
export function flashPerReport(o: { reports: number; sleepEach?: boolean; flashBytes?: number; hex?: string }): FlashPerReport {
  const store = new MemoryStore();
  const opts = { flashBytes: o.flashBytes ?? DEFAULT_FLASH_BYTES, policy: "drop-oldest" as const };
  let ob = new Outbox(store, opts);
  ob.load();
  const hex = o.hex ?? SAMPLE_REPORT_HEX;
  ob.push(hex, 0, PRIO_NORMAL); // warm-up: the first reservation and segment
  ob.remove(ob.head()!.seq);
  store.resetCounters();
  for (let i = 0; i < o.reports; i++) {
    ob.push(hex, 0, PRIO_NORMAL);
    ob.remove(ob.head()!.seq);
    if (o.sleepEach) {
      ob.checkpoint();
      ob = new Outbox(store, opts);
      ob.load();
    }
  }
  const n = o.reports;
  return { reports: n, bytesWritten: store.bytesWritten / n, writes: store.writes / n, erases: store.erases / n, allocated: store.allocated / n };
}

export interface WearYears {
  compactionsPerYear: number;
  years: number;
}

/**
 * Years until the flash pages under Storage reach `endurance` erase cycles (100,000 per 4 KB sector is
 * the usual NOR flash rating, as for the ESP32 modules' SPI flash), when each report takes
 * `allocatedPerReport` bytes of Storage and everything else that stays live takes `keptBytes`.
 * Storage on a 4 MB ESP32 with Espruino: 896 KB (../shared/espruino.md).
 */
export function wearYears(o: { allocatedPerReport: number; reportIntervalS: number; storageBytes?: number; keptBytes: number; endurance?: number }): WearYears {
  const churn = (o.storageBytes ?? 896 * 1024) - o.keptBytes;
  const perYear = ((365 * 86400) / o.reportIntervalS) * o.allocatedPerReport;
  const compactionsPerYear = perYear / churn;
  return { compactionsPerYear, years: (o.endurance ?? 100000) / compactionsPerYear };
}

/** The lines the bench prints: per report, and years to wear-out at 300 s with and without a deep sleep between reports. */
export function formatWear(keptBytes: number): string[] {
  const awake = flashPerReport({ reports: 2400 });
  const asleep = flashPerReport({ reports: 1200, sleepEach: true });
  const line = (what: string, w: FlashPerReport) => {
    const y = wearYears({ allocatedPerReport: w.allocated, reportIntervalS: 300, keptBytes });
    return (
      "  " + what + ": " + w.bytesWritten.toFixed(1) + " bytes written, " + w.writes.toFixed(3) + " writes, " + w.erases.toFixed(4) + " file erases, " + w.allocated.toFixed(1) +
      " bytes of Storage taken per confirmed report; at 300 s a compaction every " + (365 / y.compactionsPerYear).toFixed(0) + " days, wear-out in " + Math.round(y.years).toLocaleString("en-US") + " years"
    );
  };
  return [
    "== outbox flash wear (MemoryStore, default budget " + DEFAULT_FLASH_BYTES + " bytes, sample report; 896 KB Storage, " + Math.round(keptBytes / 1024) + " KB kept live, 100,000 erase cycles a 4 KB sector, each page erased once a compaction)",
    line("link up", awake),
    line("deep sleep after each report (checkpoint, then the renewal after the wake: three sequence writes)", asleep),
  ];
}
