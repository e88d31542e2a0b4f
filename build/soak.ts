// `npm run soak [-- --days N] [--seed N] [--variant NAME] [--quiet]`: the seeded month-long soak of the
// whole firmware logic against the simulator (test/soak/soak.ts). Prints the figures and, on a breach,
// the seed, the transcript tail and the firmware log tail; exits 1 on a breach.

import { formatSoak, runSoak, VARIANT_NAMES } from "../test/soak/soak";
import { argValue as arg } from "./args";
import { isMain } from "./paths";


function main(): void {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log("usage: npm run soak -- [--days N (30)] [--seed N (1)] [--variant " + VARIANT_NAMES.join("|") + " (by seed)] [--quiet]");
    return;
  }
  const days = Number(arg(args, "--days") ?? 30);
  const seed = Number(arg(args, "--seed") ?? 1);
  if (!(days > 0) || !Number.isInteger(seed)) throw new Error("--days must be > 0 and --seed an integer");
  const quiet = args.includes("--quiet");
  const r = runSoak({ days, seed, variant: arg(args, "--variant"), progress: quiet ? undefined : (l) => console.error(l) });
  console.log(formatSoak(r));
  process.exitCode = r.ok ? 0 : 1;
}

if (isMain("soak")) main();
