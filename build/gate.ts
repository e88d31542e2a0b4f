// The bundle gate: what esbuild lets through but the Espruino interpreter breaks on (../shared/espruino.md).
// It parses the finished bundle with acorn and walks it once with a scope chain. Each rule names the trap
// it guards against; a violation fails the build with the rule, the reason and where it is.

import { parse } from "acorn";

export interface Violation {
  rule: string;
  message: string;
  offset: number;
}

/** Globals the device does not have at all. */
const MISSING_GLOBALS = new Set([
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Symbol", "Proxy", "Reflect", "BigInt", "TextEncoder",
  "TextDecoder", "queueMicrotask", "setImmediate", "RangeError", "structuredClone", "Intl",
]);

/** Static members the device lacks on globals it does have. */
const MISSING_MEMBERS: Record<string, string[]> = {
  Array: ["from", "of"],
  Number: ["isInteger", "isFinite", "isNaN", "isSafeInteger", "parseInt", "parseFloat", "MAX_SAFE_INTEGER", "MIN_SAFE_INTEGER", "EPSILON"],
  Math: ["trunc", "imul", "log2", "log10", "sign", "cbrt", "hypot", "clz32", "fround", "expm1", "log1p"],
  Object: ["freeze", "seal", "is", "isFrozen", "isSealed", "preventExtensions", "getOwnPropertySymbols", "groupBy"],
  Uint8Array: ["from", "of"],
  Date: ["UTC"],
  String: ["raw", "fromCodePoint"],
  Promise: ["race", "allSettled", "any"],
};

type Node = any;

interface Scope {
  node: Node;
  names: Set<string>;
  /** Function declarations directly in this body: name -> statement index. */
  fnIndex: Map<string, number>;
  /** Index of the statement of this body being walked. */
  stmt: number;
  isFunction: boolean;
  isLoop: boolean;
}

function isFunctionNode(n: Node): boolean {
  return n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";
}

function patternNames(p: Node, out: Set<string>): void {
  if (!p) return;
  if (p.type === "Identifier") out.add(p.name);
  else if (p.type === "AssignmentPattern") patternNames(p.left, out);
  else if (p.type === "RestElement") patternNames(p.argument, out);
  else if (p.type === "ArrayPattern") for (const e of p.elements) patternNames(e, out);
  else if (p.type === "ObjectPattern") for (const q of p.properties) patternNames(q.type === "RestElement" ? q.argument : q.value, out);
}

/** `var` declarations anywhere in a function body, not crossing into nested functions. */
function collectVars(n: Node, out: Set<string>): void {
  if (!n || typeof n.type !== "string") return;
  if (n.type === "VariableDeclaration" && n.kind === "var") for (const d of n.declarations) patternNames(d.id, out);
  for (const key of Object.keys(n)) {
    if (key === "type" || key === "start" || key === "end") continue;
    const v = n[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === "string" && !isFunctionNode(c)) collectVars(c, out);
    } else if (v && typeof v.type === "string" && !isFunctionNode(v)) collectVars(v, out);
  }
}

/** let/const/class/function declared directly in a statement list. */
function blockDecls(body: Node[], names: Set<string>, fnIndex: Map<string, number>): void {
  body.forEach((s: Node, i: number) => {
    if (s.type === "VariableDeclaration" && s.kind !== "var") for (const d of s.declarations) patternNames(d.id, names);
    else if (s.type === "ClassDeclaration" && s.id) names.add(s.id.name);
    else if (s.type === "FunctionDeclaration" && s.id) {
      names.add(s.id.name);
      fnIndex.set(s.id.name, i);
    }
  });
}

export function gateBundle(code: string): Violation[] {
  const out: Violation[] = [];
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 2022, sourceType: "script" });
  } catch (e) {
    return [{ rule: "parse", message: "the bundle does not parse as a script: " + (e as Error).message, offset: 0 }];
  }
  const stack: Scope[] = [];
  const add = (rule: string, message: string, node: Node) => out.push({ rule, message, offset: node.start });

  const push = (node: Node, names: Set<string>, fnIndex: Map<string, number>, isFunction: boolean, isLoop: boolean) =>
    stack.push({ node, names, fnIndex, stmt: -1, isFunction, isLoop });

  /** Resolve a reference; check the loop-closure and no-hoisting rules on the way. */
  const resolve = (id: Node): Scope | undefined => {
    let crossed = 0;
    for (let i = stack.length - 1; i >= 0; i--) {
      const s = stack[i];
      if (s.names.has(id.name)) {
        if (s.isLoop && crossed > 0)
          add("loop-closure", "closure captures `" + id.name + "` declared by a for (let/const ...) head: the device has one binding for the whole loop, so every closure sees the last value. Copy it into a function parameter or use var + a helper function", id);
        const at = s.fnIndex.get(id.name);
        if (at !== undefined && crossed === 0 && s.stmt >= 0 && s.stmt < at)
          add("no-hoisting", "`" + id.name + "` is called or read before its function declaration runs: the device does not hoist function declarations", id);
        return s;
      }
      if (s.isFunction) crossed++;
    }
    return undefined;
  };

  const walkBody = (node: Node, body: Node[]) => {
    const scope = stack[stack.length - 1];
    body.forEach((s: Node, i: number) => {
      scope.stmt = i;
      walk(s);
    });
    scope.stmt = -1;
    void node;
  };

  const walkFunction = (fn: Node) => {
    const names = new Set<string>();
    for (const p of fn.params) patternNames(p, names);
    if (fn.type === "FunctionExpression" && fn.id) names.add(fn.id.name);
    const fnIndex = new Map<string, number>();
    if (fn.body.type === "BlockStatement") {
      collectVars(fn.body, names);
      blockDecls(fn.body.body, names, fnIndex);
    }
    if (fn.type === "ArrowFunctionExpression" && fn.expression) arrowThis(fn);
    push(fn, names, fnIndex, true, false);
    for (const p of fn.params) walkPatternDefaults(p);
    if (fn.body.type === "BlockStatement") walkBody(fn.body, fn.body.body);
    else walk(fn.body);
    stack.pop();
  };

  const walkPatternDefaults = (p: Node) => {
    if (p && p.type === "AssignmentPattern") walk(p.right);
  };

  /** An expression-bodied arrow that uses `this` and holds a nested arrow loses `this` on the device. */
  const arrowThis = (fn: Node) => {
    let hasThis = false;
    let hasArrow = false;
    const scan = (n: Node) => {
      if (!n || typeof n.type !== "string") return;
      if (n.type === "ThisExpression") hasThis = true;
      if (n.type === "FunctionExpression" || n.type === "FunctionDeclaration") return;
      if (n.type === "ArrowFunctionExpression" && n !== fn) hasArrow = true;
      for (const key of Object.keys(n)) {
        const v = n[key];
        if (Array.isArray(v)) v.forEach(scan);
        else if (v && typeof v.type === "string") scan(v);
      }
    };
    scan(fn.body);
    if (hasThis && hasArrow) add("arrow-this", "expression-bodied arrow uses `this` and contains another arrow: the device loses `this` there. Give it a block body or take `this` into a local first", fn);
  };

  const walk = (n: Node): void => {
    if (!n || typeof n.type !== "string") return;
    switch (n.type) {
      case "Program": {
        const names = new Set<string>();
        const fnIndex = new Map<string, number>();
        collectVars(n, names);
        blockDecls(n.body, names, fnIndex);
        push(n, names, fnIndex, true, false);
        walkBody(n, n.body);
        stack.pop();
        return;
      }
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        walkFunction(n);
        return;
      case "BlockStatement":
      case "StaticBlock": {
        const names = new Set<string>();
        const fnIndex = new Map<string, number>();
        blockDecls(n.body, names, fnIndex);
        push(n, names, fnIndex, false, false);
        walkBody(n, n.body);
        stack.pop();
        return;
      }
      case "SwitchStatement": {
        walk(n.discriminant);
        const names = new Set<string>();
        const fnIndex = new Map<string, number>();
        for (const c of n.cases) blockDecls(c.consequent, names, fnIndex);
        push(n, names, new Map(), false, false);
        for (const c of n.cases) {
          walk(c.test);
          for (const s of c.consequent) walk(s);
        }
        stack.pop();
        return;
      }
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement": {
        const head = n.type === "ForStatement" ? n.init : n.left;
        const names = new Set<string>();
        const isLexical = head && head.type === "VariableDeclaration" && head.kind !== "var";
        if (isLexical) for (const d of head.declarations) patternNames(d.id, names);
        push(n, names, new Map(), false, isLexical);
        if (n.type === "ForStatement") {
          walk(n.init);
          walk(n.test);
          walk(n.update);
        } else {
          walk(n.left);
          walk(n.right);
        }
        walk(n.body);
        stack.pop();
        return;
      }
      case "CatchClause": {
        const names = new Set<string>();
        patternNames(n.param, names);
        push(n, names, new Map(), false, false);
        walk(n.body);
        stack.pop();
        return;
      }
      case "ClassDeclaration":
      case "ClassExpression":
        if (n.superClass) add("class-extends", "`class ... extends`: inheritance is broken on the device (static methods not inherited, super.m() recursion); use composition", n);
        walk(n.superClass);
        walk(n.body);
        return;
      case "LabeledStatement":
        add("label", "labelled statement: the device cannot parse labels", n);
        walk(n.body);
        return;
      case "BreakStatement":
      case "ContinueStatement":
        return;
      case "Literal":
        if (n.regex) add("regexp", "regular expression literal /" + n.regex.pattern + "/: the device's RegExp is minimal; parse with indexOf/charCodeAt", n);
        return;
      case "AssignmentExpression":
        if (n.left.type === "MemberExpression" && !n.left.computed && n.left.property.name === "length")
          add("length-assign", "assignment to .length: `arr.length = 0` throws on the device; use arr.splice(0)", n);
        walk(n.left);
        walk(n.right);
        return;
      case "VariableDeclarator":
        walkPatternDefaults(n.id);
        walk(n.init);
        return;
      case "MemberExpression":
        if (!n.computed && n.object.type === "Identifier" && n.object.name === "Math" && n.property.name === "pow" && !resolveQuiet("Math"))
          add("inexact-pow", "Math.pow (also what `**` is lowered to) is inexact on the device: Math.pow(2, 15) !== 32768. Use literals or multiplication", n);
        if (!n.computed && n.object.type === "Identifier" && MISSING_MEMBERS[n.object.name] && MISSING_MEMBERS[n.object.name].indexOf(n.property.name) >= 0 && !resolveQuiet(n.object.name))
          add("missing-builtin", n.object.name + "." + n.property.name + " does not exist on the device", n);
        walk(n.object);
        if (n.computed) walk(n.property);
        return;
      case "Property":
      case "PropertyDefinition":
      case "MethodDefinition":
        if (n.computed) walk(n.key);
        walk(n.value);
        return;
      case "Identifier": {
        const s = resolve(n);
        if (!s) {
          if (MISSING_GLOBALS.has(n.name)) add("missing-builtin", n.name + " does not exist on the device", n);
          if (n.name === "RegExp") add("regexp", "RegExp constructor: the device's RegExp is minimal; parse with indexOf/charCodeAt", n);
        }
        return;
      }
      case "MetaProperty":
        return;
      default:
        for (const key of Object.keys(n)) {
          if (key === "type" || key === "start" || key === "end") continue;
          const v = n[key];
          if (Array.isArray(v)) v.forEach(walk);
          else if (v && typeof v.type === "string") walk(v);
        }
    }
  };

  const resolveQuiet = (name: string): boolean => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i].names.has(name)) return true;
    return false;
  };

  walk(ast);
  return out;
}

/** Modules esbuild had to wrap as CommonJS (a package.json with "type": "commonjs", or require/module.exports). */
export function commonJsInputs(metafile: { inputs: Record<string, { format?: string }> }): string[] {
  return Object.keys(metafile.inputs).filter((k) => metafile.inputs[k].format === "cjs");
}

/** A one-line excerpt of the bundle around a violation. */
export function excerpt(code: string, offset: number): string {
  const from = Math.max(0, offset - 30);
  return code.substring(from, Math.min(code.length, offset + 50)).replace(/\s+/g, " ");
}
