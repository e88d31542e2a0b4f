// How the module reads a command line: name (case-insensitive), form (exec, read "?", set "=", test "=?")
// and comma-separated arguments with quotes respected. Values stay raw text; each handler decides what a
// bad value is, because the AEP commands and the 27.007 commands report bad values differently.

export type Form = "exec" | "read" | "set" | "test";

export interface Arg {
  text: string;
  quoted: boolean;
}

export interface Command {
  raw: string;
  /** Upper-case name without form suffix: "AT+CGREG", "AT*MCGDEFCONT", "ATE0", "AT". */
  name: string;
  form: Form;
  args: Arg[];
  /** Name as counted in the summary: "AT+CGREG?" for the read form, "AT+CTM2MSEND" for set/exec. */
  key: string;
}

function nameEnd(line: string): number {
  for (let i = 2; i < line.length; i++) {
    const c = line[i];
    if (c === "=" || c === "?") return i;
  }
  return line.length;
}

export function splitArgs(s: string): Arg[] {
  const out: Arg[] = [];
  if (s.length === 0) return out;
  let cur = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      quoted = !quoted;
      wasQuoted = true;
    } else if (c === "," && !quoted) {
      out.push({ text: wasQuoted ? cur : cur.trim(), quoted: wasQuoted });
      cur = "";
      wasQuoted = false;
    } else cur += c;
  }
  out.push({ text: wasQuoted ? cur : cur.trim(), quoted: wasQuoted });
  return out;
}

export function parseCommand(raw: string): Command {
  const line = raw.trim();
  const e = nameEnd(line);
  let name = line.substring(0, e).toUpperCase();
  let form: Form = "exec";
  let rest = "";
  if (e < line.length) {
    if (line[e] === "?") form = "read";
    else if (line.substring(e, e + 2) === "=?") form = "test";
    else {
      form = "set";
      rest = line.substring(e + 1);
    }
  }
  // "ATE0" / "ATE1" are names of their own; "AT E0" does not occur in practice.
  name = name.replace(/\s+$/, "");
  const key = name + (form === "read" ? "?" : form === "test" ? "=?" : "");
  return { raw: line, name, form, args: form === "set" ? splitArgs(rest) : [], key };
}

/** A strictly decimal, non-negative integer argument, or undefined. */
export function intArg(a: Arg | undefined): number | undefined {
  if (a === undefined || a.quoted || a.text.length === 0 || a.text.length > 9) return undefined;
  for (let i = 0; i < a.text.length; i++) {
    const c = a.text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(a.text);
}

export function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    const l = c | 0x20; // fold A-F onto a-f
    if (c < 65 || l < 97 || l > 102) return false;
  }
  return true;
}
