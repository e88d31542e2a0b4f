// The JavaScript built-ins the Espruino interpreter (2v29) really has, as measured in ../shared/espruino.md.
// Used instead of TypeScript's default lib for lib/ and firmware/, so that a built-in the device lacks
// (Map, Set, Symbol, Array.from, Number.isInteger, Math.trunc, Object.freeze, lastIndexOf, ...) is a
// compile error on the desktop rather than a ReferenceError in the field. Add a member here only after
// it has been seen working on the real interpreter.
/// <reference no-default-lib="true"/>

// ---- types the compiler itself needs ---------------------------------------------------------------
interface Boolean {
  valueOf(): boolean;
}
interface BooleanConstructor {
  (value?: unknown): boolean;
}
declare var Boolean: BooleanConstructor;

interface IArguments {
  [index: number]: any;
  length: number;
  callee: Function;
}

interface Function {
  apply(this: Function, thisArg: any, argArray?: any): any;
  call(this: Function, thisArg: any, ...argArray: any[]): any;
  bind(this: Function, thisArg: any, ...argArray: any[]): any;
  readonly length: number;
  prototype: any;
}
interface FunctionConstructor {
  readonly prototype: Function;
}
declare var Function: FunctionConstructor;
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}

interface RegExp {
  test(s: string): boolean;
  readonly source: string;
}
// No RegExp constructor value: patterns are parsed with indexOf/charCodeAt (the device's RegExp is minimal).

interface TemplateStringsArray extends ReadonlyArray<string> {
  readonly raw: readonly string[];
}

interface PropertyDescriptor {
  configurable?: boolean;
  enumerable?: boolean;
  value?: any;
  writable?: boolean;
  get?(): any;
  set?(v: any): void;
}
interface PropertyDescriptorMap {
  [key: PropertyKey]: PropertyDescriptor;
}
type PropertyKey = string | number;

// ---- Object ----------------------------------------------------------------------------------------
interface Object {
  constructor: Function;
  toString(): string;
  valueOf(): Object;
  hasOwnProperty(v: PropertyKey): boolean;
}
interface ObjectConstructor {
  (value?: any): any;
  new (value?: any): Object;
  readonly prototype: Object;
  getPrototypeOf(o: any): any;
  create(o: object | null, properties?: PropertyDescriptorMap): any;
  defineProperty<T>(o: T, p: PropertyKey, attributes: PropertyDescriptor): T;
  defineProperties<T>(o: T, properties: PropertyDescriptorMap): T;
  getOwnPropertyNames(o: any): string[];
  getOwnPropertyDescriptor(o: any, p: PropertyKey): PropertyDescriptor | undefined;
  keys(o: object): string[];
  values<T>(o: { [s: string]: T } | ArrayLike<T>): T[];
  values(o: {}): any[];
  entries<T>(o: { [s: string]: T } | ArrayLike<T>): [string, T][];
  entries(o: {}): [string, any][];
  fromEntries<T = any>(entries: ReadonlyArray<readonly [PropertyKey, T]>): { [k: string]: T };
  assign<T extends {}, U>(target: T, source: U): T & U;
  assign<T extends {}, U, V>(target: T, source1: U, source2: V): T & U & V;
  setPrototypeOf(o: any, proto: object | null): any;
}
declare var Object: ObjectConstructor;

// ---- primitives ------------------------------------------------------------------------------------
interface String {
  readonly length: number;
  readonly [index: number]: string;
  toString(): string;
  charAt(pos: number): string;
  charCodeAt(index: number): number;
  concat(...strings: string[]): string;
  indexOf(searchString: string, position?: number): number;
  slice(start?: number, end?: number): string;
  substring(start: number, end?: number): string;
  substr(from: number, length?: number): string;
  split(separator: string, limit?: number): string[];
  toLowerCase(): string;
  toUpperCase(): string;
  trim(): string;
  replace(searchValue: string, replaceValue: string): string;
  // No replaceAll: on 2v29 it never returns when the string ends with what it replaces
  // ("\r\nOK\r\n".replaceAll("\r\n", "\r") spins; measured on ../shared/tools/espruino). Use split/join.
  startsWith(searchString: string, position?: number): boolean;
  endsWith(searchString: string, endPosition?: number): boolean;
  includes(searchString: string, position?: number): boolean;
  repeat(count: number): string;
  padStart(maxLength: number, fillString?: string): string;
  padEnd(maxLength: number, fillString?: string): string;
  valueOf(): string;
}
interface StringConstructor {
  (value?: any): string;
  readonly prototype: String;
  fromCharCode(...codes: number[]): string;
}
declare var String: StringConstructor;

interface Number {
  toString(radix?: number): string;
  toFixed(fractionDigits?: number): string;
  valueOf(): number;
}
interface NumberConstructor {
  (value?: any): number;
  readonly prototype: Number;
  readonly MAX_VALUE: number;
  readonly MIN_VALUE: number;
  readonly NaN: number;
  readonly NEGATIVE_INFINITY: number;
  readonly POSITIVE_INFINITY: number;
}
declare var Number: NumberConstructor;
declare var NaN: number;
declare var Infinity: number;
declare function isFinite(n: number): boolean;

interface Math {
  readonly E: number;
  readonly PI: number;
  abs(x: number): number;
  ceil(x: number): number;
  floor(x: number): number;
  round(x: number): number;
  max(...values: number[]): number;
  min(...values: number[]): number;
  random(): number;
  // No pow: the device's Math.pow is inexact (Math.pow(2, 15) !== 32768, measured), and `**` is lowered
  // to it. Write powers of two as literals or multiply.
  sqrt(x: number): number;
  log(x: number): number;
  exp(x: number): number;
  sin(x: number): number;
  cos(x: number): number;
  atan2(y: number, x: number): number;
}
declare var Math: Math;

interface Date {
  getTime(): number;
  toString(): string;
  toISOString(): string;
  valueOf(): number;
}
interface DateConstructor {
  new (value?: number | string): Date;
  now(): number;
}
declare var Date: DateConstructor;

interface JSON {
  parse(text: string): any;
  stringify(value: any): string;
}
declare var JSON: JSON;

// ---- errors (TypeError is not instanceof Error on the device; RangeError does not exist) -------------
interface Error {
  message: string;
  stack?: string;
}
interface ErrorConstructor {
  new (message?: string): Error;
  (message?: string): Error;
  readonly prototype: Error;
}
declare var Error: ErrorConstructor;
interface TypeError extends Error {}
declare var TypeError: ErrorConstructor;
interface SyntaxError extends Error {}
declare var SyntaxError: ErrorConstructor;
interface ReferenceError extends Error {}
declare var ReferenceError: ErrorConstructor;

// ---- arrays (no from/of/flat/flatMap/at/findLast/lastIndexOf/keys/entries) -------------------------
interface ArrayLike<T> {
  readonly length: number;
  readonly [n: number]: T;
}
interface ConcatArray<T> {
  readonly length: number;
  readonly [n: number]: T;
  join(separator?: string): string;
}
interface ReadonlyArray<T> {
  readonly length: number;
  readonly [n: number]: T;
  toString(): string;
  join(separator?: string): string;
  indexOf(searchElement: T, fromIndex?: number): number;
  includes(searchElement: T, fromIndex?: number): boolean;
  slice(start?: number, end?: number): T[];
  concat(...items: (T | ConcatArray<T>)[]): T[];
  every(predicate: (value: T, index: number, array: readonly T[]) => unknown): boolean;
  some(predicate: (value: T, index: number, array: readonly T[]) => unknown): boolean;
  forEach(callbackfn: (value: T, index: number, array: readonly T[]) => void): void;
  map<U>(callbackfn: (value: T, index: number, array: readonly T[]) => U): U[];
  filter(predicate: (value: T, index: number, array: readonly T[]) => unknown): T[];
  find(predicate: (value: T, index: number, obj: readonly T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: readonly T[]) => unknown): number;
  reduce<U>(callbackfn: (previousValue: U, currentValue: T, currentIndex: number, array: readonly T[]) => U, initialValue: U): U;
}
interface Array<T> {
  length: number;
  [n: number]: T;
  toString(): string;
  push(...items: T[]): number;
  pop(): T | undefined;
  shift(): T | undefined;
  unshift(...items: T[]): number;
  splice(start: number, deleteCount?: number, ...items: T[]): T[];
  join(separator?: string): string;
  reverse(): T[];
  sort(compareFn?: (a: T, b: T) => number): this;
  fill(value: T, start?: number, end?: number): this;
  indexOf(searchElement: T, fromIndex?: number): number;
  includes(searchElement: T, fromIndex?: number): boolean;
  slice(start?: number, end?: number): T[];
  concat(...items: (T | ConcatArray<T>)[]): T[];
  every(predicate: (value: T, index: number, array: T[]) => unknown): boolean;
  some(predicate: (value: T, index: number, array: T[]) => unknown): boolean;
  forEach(callbackfn: (value: T, index: number, array: T[]) => void): void;
  map<U>(callbackfn: (value: T, index: number, array: T[]) => U): U[];
  filter(predicate: (value: T, index: number, array: T[]) => unknown): T[];
  find(predicate: (value: T, index: number, obj: T[]) => unknown): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: T[]) => unknown): number;
  reduce<U>(callbackfn: (previousValue: U, currentValue: T, currentIndex: number, array: T[]) => U, initialValue: U): U;
}
interface ArrayConstructor {
  new <T>(arrayLength?: number): T[];
  <T>(arrayLength?: number): T[];
  isArray(arg: any): arg is any[];
  readonly prototype: any[];
}
declare var Array: ArrayConstructor;

// ---- binary data -----------------------------------------------------------------------------------
interface ArrayBuffer {
  readonly byteLength: number;
}
interface ArrayBufferConstructor {
  new (byteLength: number): ArrayBuffer;
  readonly prototype: ArrayBuffer;
}
declare var ArrayBuffer: ArrayBufferConstructor;
interface ArrayBufferView {
  readonly buffer: ArrayBuffer;
  readonly byteLength: number;
  readonly byteOffset: number;
}
interface DataView extends ArrayBufferView {
  getInt8(byteOffset: number): number;
  getUint8(byteOffset: number): number;
  getInt16(byteOffset: number, littleEndian?: boolean): number;
  getUint16(byteOffset: number, littleEndian?: boolean): number;
  getInt32(byteOffset: number, littleEndian?: boolean): number;
  getUint32(byteOffset: number, littleEndian?: boolean): number;
  getFloat32(byteOffset: number, littleEndian?: boolean): number;
  getFloat64(byteOffset: number, littleEndian?: boolean): number;
  setInt8(byteOffset: number, value: number): void;
  setUint8(byteOffset: number, value: number): void;
  setInt16(byteOffset: number, value: number, littleEndian?: boolean): void;
  setUint16(byteOffset: number, value: number, littleEndian?: boolean): void;
  setInt32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setUint32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setFloat32(byteOffset: number, value: number, littleEndian?: boolean): void;
  setFloat64(byteOffset: number, value: number, littleEndian?: boolean): void;
}
interface DataViewConstructor {
  new (buffer: ArrayBuffer, byteOffset?: number, byteLength?: number): DataView;
}
declare var DataView: DataViewConstructor;

interface TypedArrayOf<Self> extends ArrayBufferView {
  readonly length: number;
  [index: number]: number;
  set(array: ArrayLike<number>, offset?: number): void;
  subarray(begin?: number, end?: number): Self;
  slice(start?: number, end?: number): Self;
  fill(value: number, start?: number, end?: number): Self;
  indexOf(searchElement: number, fromIndex?: number): number;
  join(separator?: string): string;
  forEach(callbackfn: (value: number, index: number) => void): void;
  map(callbackfn: (value: number, index: number) => number): Self;
}
interface TypedArrayConstructorOf<Self> {
  new (lengthOrData: number | ArrayLike<number> | ArrayBuffer, byteOffset?: number, length?: number): Self;
  readonly BYTES_PER_ELEMENT: number;
}
interface Uint8Array extends TypedArrayOf<Uint8Array> {}
declare var Uint8Array: TypedArrayConstructorOf<Uint8Array>;
interface Int8Array extends TypedArrayOf<Int8Array> {}
declare var Int8Array: TypedArrayConstructorOf<Int8Array>;
interface Uint16Array extends TypedArrayOf<Uint16Array> {}
declare var Uint16Array: TypedArrayConstructorOf<Uint16Array>;
interface Int16Array extends TypedArrayOf<Int16Array> {}
declare var Int16Array: TypedArrayConstructorOf<Int16Array>;
interface Uint32Array extends TypedArrayOf<Uint32Array> {}
declare var Uint32Array: TypedArrayConstructorOf<Uint32Array>;
interface Int32Array extends TypedArrayOf<Int32Array> {}
declare var Int32Array: TypedArrayConstructorOf<Int32Array>;
interface Float32Array extends TypedArrayOf<Float32Array> {}
declare var Float32Array: TypedArrayConstructorOf<Float32Array>;
interface Float64Array extends TypedArrayOf<Float64Array> {}
declare var Float64Array: TypedArrayConstructorOf<Float64Array>;

// ---- Promise (then/catch/all/resolve/reject only: no finally/race/allSettled/any) ------------------
interface PromiseLike<T> {
  then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null): PromiseLike<R1 | R2>;
}
interface Promise<T> {
  then<R1 = T, R2 = never>(onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2>;
  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R>;
}
interface PromiseConstructor {
  new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void): Promise<T>;
  all<T>(values: readonly (T | PromiseLike<T>)[]): Promise<T[]>;
  resolve<T>(value: T | PromiseLike<T>): Promise<T>;
  reject<T = never>(reason?: any): Promise<T>;
}
declare var Promise: PromiseConstructor;

// ---- utility types (type-level only: cost nothing on the device) -----------------------------------
type Partial<T> = { [P in keyof T]?: T[P] };
type Required<T> = { [P in keyof T]-?: T[P] };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
type Record<K extends keyof any, T> = { [P in K]: T };
type Exclude<T, U> = T extends U ? never : T;
type Extract<T, U> = T extends U ? T : never;
type Omit<T, K extends keyof any> = Pick<T, Exclude<keyof T, K>>;
type NonNullable<T> = T & {};
type Parameters<T extends (...args: any) => any> = T extends (...args: infer P) => any ? P : never;
type ReturnType<T extends (...args: any) => any> = T extends (...args: any) => infer R ? R : any;
