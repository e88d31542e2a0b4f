// What the simulator saw and did: a bounded transcript of lines both ways, and counters that are never
// truncated (a 30-day soak overflows any transcript, but its totals must still add up).

export interface TranscriptEntry {
  tMs: number;
  dir: "host" | "module";
  line: string;
  /** Why a host line got no answer ("ignored: busy", "swallowed: psm", ...); absent when it was served. */
  note?: string;
}

/** One uplink the platform acknowledged (CON) or the module sent (NON): `+CTM2M: send,0,<msgid>`. */
export interface SentUplink {
  tMs: number;
  hex: string;
  /** 0 CON, 1 NON. */
  mode: number;
  msgid: number;
  status: number;
}

export interface SimSummary {
  /** Commands the module executed, by name: "AT+CSQ", "AT+CGREG?", "AT+CTM2MSEND" (ignored/swallowed ones are not here). */
  commands: Record<string, number>;
  /** Successful uplinks, in confirmation order. */
  sends: SentUplink[];
  /** Every `+CTM2M: send,<s>,<id>` by status ("0", "1", "2", "9"). */
  sendResults: Record<string, number>;
  /** `+CTM2M: reg,0` printed. */
  registrations: number;
  /** `+CTM2M: reg,<N != 0>` printed. */
  regFailures: number;
  /** Reboots (fault, AT+CRESET); power cycles are counted apart. */
  reboots: number;
  powerOns: number;
  powerOffs: number;
  /** `+CTM2MRECV` lines delivered to the host. */
  downlinks: number;
  /** Downlinks that could not be delivered (not registered, in PSM, UART silent, powered off). */
  downlinksLost: number;
  /** Host protocol violations, each with the time and the commands involved. */
  violations: string[];
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  /** Commands eaten without an answer by the auto-baud sync or a PSM wake (normal module behaviour). */
  swallowed: Record<string, number>;
  /** Commands not looked at, by reason: off, booting, silent, busy. */
  ignored: Record<string, number>;
  /** Module lines that never reached the UART (silent, off, PSM). */
  droppedLines: number;
  psmEntries: number;
  psmExits: number;
  echoes: number;
  /** Lines recorded in total (the transcript keeps only the last transcriptLimit). */
  transcriptLines: number;
}

const MAX_VIOLATIONS = 1000;

function bump(m: Record<string, number>, k: string, n = 1): void {
  m[k] = (m[k] || 0) + n;
}

/** Long hex payloads make violation texts unreadable: keep the head. */
export function clip(s: string, n = 48): string {
  return s.length > n ? s.substring(0, n) + "...(" + s.length + " chars)" : s;
}

export class Recorder {
  private ring: TranscriptEntry[] = [];
  private head = 0;
  private limit: number;
  private now: () => number;
  readonly s: SimSummary;
  /** Called with every transcript entry as it is recorded (the pty CLI's --verbose). */
  trace: ((e: TranscriptEntry) => void) | undefined;

  constructor(now: () => number, limit: number) {
    this.now = now;
    this.limit = Math.max(1, limit);
    this.s = {
      commands: {},
      sends: [],
      sendResults: {},
      registrations: 0,
      regFailures: 0,
      reboots: 0,
      powerOns: 0,
      powerOffs: 0,
      downlinks: 0,
      downlinksLost: 0,
      violations: [],
      faults: {},
      swallowed: {},
      ignored: {},
      droppedLines: 0,
      psmEntries: 0,
      psmExits: 0,
      echoes: 0,
      transcriptLines: 0,
    };
  }

  line(dir: "host" | "module", line: string, note?: string): void {
    const e: TranscriptEntry = note === undefined ? { tMs: this.now(), dir, line } : { tMs: this.now(), dir, line, note };
    this.s.transcriptLines++;
    if (this.trace) this.trace(e);
    if (this.ring.length < this.limit) this.ring.push(e);
    else {
      this.ring[this.head] = e;
      this.head = (this.head + 1) % this.limit;
    }
  }

  transcript(): TranscriptEntry[] {
    return this.ring.slice(this.head).concat(this.ring.slice(0, this.head)).map((e) => ({ ...e }));
  }

  command(name: string): void {
    bump(this.s.commands, name);
  }

  fault(kind: string): void {
    bump(this.s.faults, kind);
  }

  ignored(reason: string): void {
    bump(this.s.ignored, reason);
  }

  swallowed(reason: string): void {
    bump(this.s.swallowed, reason);
  }

  sendResult(status: number): void {
    bump(this.s.sendResults, String(status));
  }

  violation(text: string): void {
    const v = "t=" + this.now() + "ms " + text;
    if (this.s.violations.length < MAX_VIOLATIONS) this.s.violations.push(v);
    else this.s.violations[MAX_VIOLATIONS - 1] = v + " (and more: list full)";
  }

  summary(): SimSummary {
    // A deep-enough copy: callers keep snapshots and compare them.
    const s = this.s;
    return {
      ...s,
      commands: { ...s.commands },
      sends: s.sends.map((x) => ({ ...x })),
      sendResults: { ...s.sendResults },
      violations: s.violations.slice(),
      faults: { ...s.faults },
      swallowed: { ...s.swallowed },
      ignored: { ...s.ignored },
    };
  }
}
