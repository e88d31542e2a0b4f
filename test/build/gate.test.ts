// The bundle gate, rule by rule: each rule has a bundle that breaks it, and a near miss that must pass.
import { describe, expect, it } from "vitest";
import { gateBundle } from "../../build/gate";

const rules = (code: string) => gateBundle(code).map((v) => v.rule);

describe("bundle gate", () => {
  it("passes clean code", () => {
    expect(rules("(()=>{var a=[];for(var i=0;i<3;i++)a.push(function(){return 1});class K{m(){return this}};new K().m()})();")).toEqual([]);
  });

  it("loop-closure: a closure capturing a for(let) / for(const of) binding", () => {
    expect(rules("for(let i=0;i<3;i++){setTimeout(function(){console.log(i)},1)}")).toEqual(["loop-closure"]);
    expect(rules("for(const x of [1,2]){setTimeout(()=>x,1)}")).toEqual(["loop-closure"]);
    expect(rules("for(const k in {a:1}){[1].map(function(){return function(){return k}})}")).toEqual(["loop-closure"]);
  });

  it("loop-closure: near misses pass (closure not capturing the head, shadowed name, block-level const)", () => {
    expect(rules("for(let i=0;i<3;i++){[1].forEach(function(v){console.log(v)})}")).toEqual([]);
    expect(rules("for(let i=0;i<3;i++){[1].forEach(function(i){console.log(i)})}")).toEqual([]);
    expect(rules("for(var j=0;j<3;j++){const k=j;setTimeout(function(){return k},1)}")).toEqual([]);
    expect(rules("for(let i=0;i<3;i++){console.log(i)}")).toEqual([]);
  });

  it("class-extends", () => {
    expect(rules("class A{};class B extends A{}")).toEqual(["class-extends"]);
    expect(rules("var C=class extends Error{}")).toEqual(["class-extends"]);
  });

  it("missing-builtin: globals and static members the device lacks", () => {
    expect(rules("var m=new Map()")).toEqual(["missing-builtin"]);
    expect(rules("Array.from([1]);Number.isInteger(1);Object.freeze({});Symbol('x')")).toEqual([
      "missing-builtin",
      "missing-builtin",
      "missing-builtin",
      "missing-builtin",
    ]);
  });

  it("missing-builtin: a local that happens to carry the name is fine", () => {
    expect(rules("(function(Map){return new Map()})(Object)")).toEqual([]);
    expect(rules("var o={Map:1};o.Map;Array.isArray([])")).toEqual([]);
  });

  it("inexact-pow: Math.pow, which `**` is lowered to", () => {
    expect(rules("var h=Math.pow(2,15)")).toEqual(["inexact-pow"]);
    expect(rules("var h=32768*2;Math.floor(1)")).toEqual([]);
  });

  it("label", () => {
    expect(rules("outer:for(var i=0;i<2;i++){break outer}")).toEqual(["label"]);
  });

  it("regexp: literals and the constructor", () => {
    expect(rules("var ok=/ab?c/.test('ac')")).toEqual(["regexp"]);
    expect(rules("var r=new RegExp('x')")).toEqual(["regexp"]);
  });

  it("length-assign", () => {
    expect(rules("var a=[1];a.length=0")).toEqual(["length-assign"]);
    expect(rules("var a=[1];a.splice(0);var n=a.length")).toEqual([]);
  });

  it("arrow-this: expression-bodied arrow with `this` and a nested arrow", () => {
    expect(rules("var o={h:[1],f(l){return (()=>this.h.map(x=>x+l))()}}")).toEqual(["arrow-this"]);
    expect(rules("var o={h:[1],f(l){var s=this;return (()=>s.h.map(x=>x+l))()}}")).toEqual([]);
    expect(rules("var o={f(){return (()=>this.h)()}}")).toEqual([]);
  });

  it("no-hoisting: a call before the function declaration runs", () => {
    expect(rules("(function(){var x=g();function g(){return 1}})()")).toEqual(["no-hoisting"]);
    expect(rules("f();function f(){}")).toEqual(["no-hoisting"]);
    // a call inside a function body that runs later is fine
    expect(rules("function a(){return b()}function b(){return 1}a()")).toEqual([]);
    expect(rules("function f(){}f()")).toEqual([]);
  });

  it("reports a bundle that does not parse", () => {
    expect(rules("var = 1")).toEqual(["parse"]);
  });
});
