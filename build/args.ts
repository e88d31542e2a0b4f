// Command-line flags for the build tools: the value after a flag, refused when missing or another flag.

export function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(name + " needs a value");
  return v;
}

/** The value at argv[i] for `flag` (the tools' parse loops step i themselves), refused like argValue. */
export function flagValue(argv: string[], i: number, flag: string): string {
  const v = argv[i];
  if (v === undefined || v.startsWith("--")) throw new Error(flag + " needs a value");
  return v;
}
