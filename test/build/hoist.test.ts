// build/hoist.ts: the bundle out of its IIFE, top-level names prefixed by scope. Each case runs the code
// before and after in a fresh VM context and compares what it printed, so a wrong rename shows as a
// different result (or a ReferenceError), not as a different string.
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { hoistIife } from "../../build/hoist";

function run(code: string): { out: string[]; ctx: Record<string, unknown> } {
  const out: string[] = [];
  const ctx: Record<string, unknown> = { print: (...a: unknown[]) => out.push(a.map(String).join(" ")) };
  vm.runInNewContext(code, ctx);
  return { out, ctx };
}

function same(code: string): { hoisted: string; globals: string[]; ctx: Record<string, unknown> } {
  const h = hoistIife(code);
  const before = run(code);
  const after = run(h.code);
  expect(after.out).toEqual(before.out);
  expect(before.out.length).toBeGreaterThan(0);
  return { hoisted: h.code, globals: h.globals, ctx: after.ctx };
}

describe("hoistIife", () => {
  it("prefixes every top-level binding and nothing else, and the code does the same", () => {
    const r = same("(()=>{var a=1,b=2;let c=3;const d=4;function f(x){return x+a}class K{m(){return b}}print(f(c),new K().m(),d)})();");
    expect(r.globals).toEqual(["$_K", "$_a", "$_b", "$_c", "$_d", "$_f"]);
    expect(typeof r.ctx.$_f).toBe("function");
    expect(r.ctx.a).toBeUndefined();
    expect(r.hoisted.startsWith("(")).toBe(false);
  });

  it("leaves a local that shadows a top-level name alone (params, let in a block, catch, inner functions)", () => {
    const r = same(
      "(()=>{var a=10,t=1;function f(a){return a*2}function g(){let a=3;{let t=5;a+=t}return a+t}" +
        "function h(){try{throw 7}catch(a){return a}}function k(){function a(){return 99}return a()}print(f(1),g(),h(),k(),a,t)})();",
    );
    expect(r.hoisted).toContain("function $_f(a){return a*2}");
    expect(r.hoisted).toContain("catch(a){return a}");
  });

  it("expands a shorthand property or pattern that names a top-level binding", () => {
    const r = same("(()=>{var a=1,b=2;var o={a,b:b};function f({a}){return a}var p;({b:p}=o);var q={a};print(o.a,o.b,f({a:5}),p,q.a,JSON.stringify({a}))})();");
    expect(r.hoisted).toContain("{a:$_a,b:$_b}");
    expect(r.hoisted).toContain("function $_f({a}){return a}");
  });

  it("renames a class's references to itself inside its own body", () => {
    same("(()=>{class K{static make(){return new K()}n(){return K.count}}K.count=3;print(K.make().n())})();");
  });

  it("renames assignments and updates of a top-level name made inside functions", () => {
    same("(()=>{var n=0,s;function inc(){n++;n+=2;s=s===void 0?'x':s+'y'}inc();inc();print(n,s)})();");
  });

  it("refuses a bundle of another shape rather than guess", () => {
    expect(() => hoistIife("var a=1;")).toThrow(/not one arrow-function IIFE/);
    expect(() => hoistIife("(function(){var a})();")).toThrow(/not one arrow-function IIFE/);
    expect(() => hoistIife("(()=>{var a=1;eval('a')})();")).toThrow(/dynamic/);
  });
});
