// `npm run fleet -- [--devices N (1000)] [--outage-min M (120)] [--seed N (1)] [--report-s S (600)] [--quiet]`:
// N instances of the firmware logic on one fake clock, each with its own simulated module, sharing one
// platform that is down for M minutes (test/fleet/fleet.ts). Prints the figures issue 12 asks for and
// PASS/FAIL against its goals; exits 1 when a goal fails.

import { formatFleet, runFleet } from "../test/fleet/fleet";
import { argValue as arg } from "./args";
import { isMain } from "./paths";

function main(): void {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log("usage: npm run fleet -- [--devices N (1000)] [--outage-min M (120)] [--seed N (1)] [--report-s S (600)] [--quiet]");
    return;
  }
  const devices = Number(arg(args, "--devices") ?? 1000);
  const outageMin = Number(arg(args, "--outage-min") ?? 120);
  const seed = Number(arg(args, "--seed") ?? 1);
  const reportIntervalS = Number(arg(args, "--report-s") ?? 600);
  if (!(Number.isInteger(devices) && devices > 0) || !(outageMin >= 0) || !Number.isInteger(seed) || !(reportIntervalS >= 10))
    throw new Error("--devices must be a whole number > 0, --outage-min >= 0, --seed an integer, --report-s >= 10");
  const quiet = args.includes("--quiet");
  const r = runFleet({ devices, outageMin, seed, reportIntervalS, progress: quiet ? undefined : (l) => console.error(l) });
  console.log(formatFleet(r));
  process.exitCode = r.goals.every((g) => g.ok) ? 0 : 1;
}

if (isMain("fleet")) main();
