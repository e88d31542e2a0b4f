// Seeded pseudo-random numbers for the simulator: every latency, message id, IMEI digit and fault
// schedule is drawn from here, so one seed replays one run exactly (in a test and on a pty alike).

/**
 * xorshift32 stepped together with a Weyl counter: tiny, fast, and good enough to spread latencies and
 * fault times; the Weyl term keeps a poor seed (0, small integers) from producing a visibly short cycle.
 */
export class Rng {
  private x: number;
  private w: number;

  constructor(seed: number) {
    const s = Math.floor(Math.abs(seed)) >>> 0;
    this.x = (s ^ 0x2545f491) >>> 0 || 0x9e3779b9;
    this.w = (s * 0x9e3779b1) >>> 0;
    // Warm up: the first outputs of xorshift from a small seed are small.
    for (let i = 0; i < 8; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    this.w = (this.w + 0x61c88647) >>> 0;
    return ((this.x + this.w) >>> 0) / 4294967296;
  }

  /** next() as a plain function (UartStub's randomChunks takes one). */
  fn(): () => number {
    return () => this.next();
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponentially distributed gap with the given mean (a Poisson process of faults), at least 1. */
  exp(mean: number): number {
    return Math.max(1, Math.round(-Math.log(1 - this.next()) * mean));
  }

  /** A new independent generator derived from this one (so adding draws in one place does not shift another). */
  fork(salt: number): Rng {
    return new Rng((this.int(0, 0x7fffffff) ^ Math.imul(salt, 0x27d4eb2d)) >>> 0);
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    const a = items.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
