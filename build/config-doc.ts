// `npm run config-doc`: the README's configuration reference, generated from lib/config.ts so the two
// never disagree (test/build/readme.test.ts checks the README holds exactly this table).
import { CONFIG_KEYS, type KeySpec } from "../lib/config";
import { isMain } from "./paths";

function allowed(k: KeySpec): string {
  switch (k.kind) {
    case "int":
      return k.min + " .. " + k.max;
    case "enum":
      return (k.values as readonly unknown[]).map((v) => "`" + JSON.stringify(v) + "`").join(", ");
    case "bool":
      return "`true`, `false`";
    case "string":
      return (k.minLen || 0) + " .. " + k.maxLen + " chars" + (k.atSafe ? ", no `\"` `,` or control chars" : "");
    case "pin":
      return "pin name (`\"D4\"`)" + (k.nullable ? " or `null`" : "");
    case "options":
      return "object";
  }
}

export function configTable(): string {
  const rows = ["| key | default | allowed | what |", "|---|---|---|---|"];
  for (const k of CONFIG_KEYS) rows.push("| `" + k.key + "` | `" + JSON.stringify(k.def) + "` | " + allowed(k) + " | " + k.doc.replace(/\|/g, "\\|") + " |");
  return rows.join("\n");
}

if (isMain("config-doc")) console.log(configTable());
