// Takes the minified bundle out of esbuild's IIFE wrapper and gives every name it declares at the top a prefix.
//
// Why: on Espruino a function made inside another function keeps a link to that scope, one JsVar each; at
// the global level there is no scope to keep. Out of the wrapper the bundle's ~95 functions and classes
// cost ~100 JsVars less (measured on the ESP32-format interpreter: 1,236 -> 1,134 at start). The price is
// that the bundle's names become globals, where a name typed at the console (`a = 1`) would overwrite
// one of them: the prefix (`$_`) keeps them apart from anything a user or Espruino itself names. Names up
// to four characters fit in one JsVar, so the prefix is kept short.
//
// The renaming is by scope, not by text: eslint-scope resolves every reference, so a local that shadows a
// top-level name keeps its own name, and a shorthand property `{a}` becomes `{a:$_a}`.

import * as acorn from "acorn";
import { analyze } from "eslint-scope";

export const GLOBAL_PREFIX = "$_";

export interface Hoisted {
  code: string;
  /** The names the bundle now declares at the top level (prefix included), sorted. */
  globals: string[];
}

type Node = acorn.Node & { [k: string]: any };

/**
 * `code` must be one statement `(()=>{ ... })();` (esbuild's iife format, minified). Returns the body
 * at the top level with each top-level binding renamed `prefix + name`. Throws when the shape is not
 * that, rather than guess.
 */
export function hoistIife(code: string, prefix: string = GLOBAL_PREFIX): Hoisted {
  const ast = acorn.parse(code, { ecmaVersion: 2022, sourceType: "script", ranges: true }) as unknown as Node;
  const body = ast.body as Node[];
  const call = body.length === 1 && body[0].type === "ExpressionStatement" ? (body[0].expression as Node) : undefined;
  const fn = call && call.type === "CallExpression" && call.arguments.length === 0 ? (call.callee as Node) : undefined;
  if (!fn || fn.type !== "ArrowFunctionExpression" || fn.body.type !== "BlockStatement")
    throw new Error("hoist: the bundle is not one arrow-function IIFE");
  const scopes = analyze(ast as any, { ecmaVersion: 2022, sourceType: "script" } as any);
  const top = scopes.acquire(fn as any);
  if (!top) throw new Error("hoist: no scope for the IIFE");

  // Each edit inserts text at an offset (or replaces a shorthand property); applied from the end.
  const edits: { at: number; end: number; text: string }[] = [];
  const seen = new Set<number>();
  const globals: string[] = [];
  const shorthand = new Map<number, Node>();
  walk(fn.body, (n) => {
    if (n.type === "Property" && n.shorthand) shorthand.set((n.value.type === "AssignmentPattern" ? n.value.left : n.value).start, n);
  });
  const rename = (id: Node, name: string) => {
    if (seen.has(id.start)) return;
    seen.add(id.start);
    const prop = shorthand.get(id.start);
    edits.push(prop ? { at: id.start, end: id.start, text: name + ":" + prefix } : { at: id.start, end: id.start, text: prefix });
  };
  const classScopes = top.childScopes.filter((s: any) => s.type === "class");
  for (const v of top.variables) {
    if (v.name === "arguments") continue;
    globals.push(prefix + v.name);
    for (const id of v.identifiers) rename(id as unknown as Node, v.name);
    for (const r of v.references) rename(r.identifier as unknown as Node, v.name);
    // A class declaration also binds its name inside its own body: rename that binding too.
    for (const s of classScopes) {
      const block = s.block as unknown as Node;
      if (block.type !== "ClassDeclaration" || !block.id || block.id.name !== v.name) continue;
      for (const inner of s.variables) {
        if (inner.name !== v.name) continue;
        for (const r of inner.references) rename(r.identifier as unknown as Node, v.name);
      }
    }
  }
  // Anything else at the top of the IIFE that could bind a name (a `with`, an eval) is not in this bundle.
  if (top.dynamic) throw new Error("hoist: the IIFE's scope is dynamic (eval or with)");

  let out = code.substring(fn.body.start + 1, fn.body.end - 1);
  const base = fn.body.start + 1;
  edits.sort((a, b) => b.at - a.at);
  for (const e of edits) out = out.substring(0, e.at - base) + e.text + out.substring(e.end - base);
  globals.sort();
  return { code: out, globals };
}

function walk(n: Node, visit: (n: Node) => void): void {
  if (!n || typeof n.type !== "string") return;
  visit(n);
  for (const k in n) {
    const v = n[k];
    if (Array.isArray(v)) for (const c of v) walk(c, visit);
    else if (v && typeof v === "object" && typeof v.type === "string") walk(v, visit);
  }
}
