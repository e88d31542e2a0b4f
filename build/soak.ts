// `npm run soak [-- --days N] [--seed N] [--variant NAME] [--flash-bytes N] [--quiet]`: the seeded month-long
// soak of the whole firmware logic against the simulator (test/soak/soak.ts). Prints the figures and,
// on a breach, the seed, the transcript tail and the firmware log tail; exits 1 on a breach.
// `--seeds N` (or `--seeds A..B`) runs seeds 1..N one after another: a line each, then the totals.

import { formatSoak, runSoak, VARIANT_NAMES, type SoakResult } from "../test/soak/soak";
import { argValue as arg } from "./args";
import { isMain } from "./paths";

const DAY = 86_400_000;

function seedRange(v: string): number[] {
  const m = v.split("..");
  const a = m.length === 2 ? Number(m[0]) : 1;
  const b = Number(m.length === 2 ? m[1] : m[0]);
  if (!Number.isInteger(a) || !Number.isInteger(b) || b < a) throw new Error("--seeds wants N or A..B");
  const out: number[] = [];
  for (let s = a; s <= b; s++) out.push(s);
  return out;
}

function oneLine(r: SoakResult): string {
  const longest = r.outages.length ? Math.max(...r.outages.map((x) => x.ms)) / DAY : 0;
  return (
    "seed " + r.seed + " (" + r.variant + "): " + (r.ok ? "ok" : "BREACH") + ", lost: " + r.lost + ", dropped: " + r.droppedByPolicy + ", reports " + r.reportsConfirmed + "/" + r.reportsProduced + " confirmed, " +
    r.outages.length + " long outages (longest " + longest.toFixed(2) + " d), peak outbox " + r.peakOutbox + ", " + (r.wallMs / 1000).toFixed(1) + " s" + (r.ok ? "" : "\n  " + r.breach)
  );
}

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log("usage: npm run soak -- [--days N (30)] [--seed N (1) | --seeds N|A..B] [--variant " + VARIANT_NAMES.join("|") + " (by seed)] [--flash-bytes N] [--quiet]");
    return;
  }
  const days = Number(arg(args, "--days") ?? 30);
  const seed = Number(arg(args, "--seed") ?? 1);
  const fb = arg(args, "--flash-bytes");
  if (!(days > 0) || !Number.isInteger(seed)) throw new Error("--days must be > 0 and --seed an integer");
  const config = fb === undefined ? undefined : { outbox: { flashBytes: Number(fb) } };
  const quiet = args.includes("--quiet");
  const many = arg(args, "--seeds");
  if (many !== undefined) {
    const wall0 = performance.now();
    let breaches = 0;
    let lost = 0;
    let dropped = 0;
    let longest = 0;
    let outages = 0;
    const seeds = seedRange(many);
    for (const s of seeds) {
      const r = runSoak({ days, seed: s, variant: arg(args, "--variant"), config });
      console.log(oneLine(r));
      if (!r.ok) breaches++;
      lost += r.lost;
      dropped += r.droppedByPolicy;
      outages += r.outages.length;
      for (const o of r.outages) longest = Math.max(longest, o.ms);
    }
    console.log(
      seeds.length + " seeds x " + days + " days: " + breaches + " breaches, " + outages + " long outages (longest " + (longest / DAY).toFixed(2) + " d)\nlost: " + lost + "\ndropped: " + dropped + "\nwall time: " + ((performance.now() - wall0) / 1000).toFixed(0) + " s",
    );
    process.exitCode = breaches === 0 ? 0 : 1;
    return;
  }
  const r = runSoak({ days, seed, variant: arg(args, "--variant"), config, progress: quiet ? undefined : (l) => console.error(l) });
  console.log(formatSoak(r));
  process.exitCode = r.ok ? 0 : 1;
}

if (isMain("soak")) main();
