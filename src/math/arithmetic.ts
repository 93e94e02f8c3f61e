import { Fraction } from "./fraction";

/**
 * The number system a traced computation runs in. The traced path is written
 * once against this interface and runs either in ordinary floats or in exact
 * fractions, so the same code that prints 0.995 can prove it is 199/200.
 */
export interface Arithmetic<T> {
  readonly name: "float" | "fraction";
  /** Converts a number from a network description; fractions read it as the decimal it prints as. */
  from(value: number): T;
  toNumber(value: T): number;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  compare(a: T, b: T): number;
  /** Transcendental functions have no exact fraction value; the fraction arithmetic refuses them by name. */
  exp(value: T, why: string): T;
  log(value: T, why: string): T;
  /** log(1 + x), exact where x is far below 1 (where log(1 + x) rounds to 0) */
  log1p(value: T, why: string): T;
  tanh(value: T, why: string): T;
  format(value: T): string;
}

export const floatArithmetic: Arithmetic<number> = {
  name: "float",
  from: (value) => value,
  toNumber: (value) => value,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  exp: (value) => Math.exp(value),
  log: (value) => Math.log(value),
  log1p: (value) => Math.log1p(value),
  tanh: (value) => Math.tanh(value),
  format: (value) => formatFloat(value),
};

export const fractionArithmetic: Arithmetic<Fraction> = {
  name: "fraction",
  from: (value) => Fraction.fromDecimal(value),
  toNumber: (value) => value.toNumber(),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  compare: (a, b) => a.compare(b),
  exp: (_value, why) => noExactValue("exp", why),
  log: (_value, why) => noExactValue("log", why),
  log1p: (_value, why) => noExactValue("log", why),
  tanh: (_value, why) => noExactValue("tanh", why),
  format: (value) => value.toDecimalString(),
};

/** Raised when an exact fraction outgrows the size a bounded fraction arithmetic allows. */
export class ExactSizeError extends Error {
  constructor(
    readonly bits: number,
    readonly maxBits: number,
  ) {
    super(`an exact fraction needed ${bits} bits, over the budget of ${maxBits}`);
  }
}

/**
 * Exact fractions that refuse to grow past `maxBits` in numerator or
 * denominator. Training multiplies their size every step (the source's
 * network: 8 bits, 26, 78, 235, 705, 2118, 6353, ...) and the time per
 * operation grows faster still, so an unbounded run never finishes; this one
 * stops, in bounded time, with an error saying so.
 */
export function boundedFractionArithmetic(maxBits: number): Arithmetic<Fraction> {
  if (!Number.isInteger(maxBits) || maxBits < 1) throw new Error(`the exact-size budget must be a positive whole number of bits, got ${maxBits}`);
  const within = (value: Fraction): Fraction => {
    const bits = Math.max(bitLength(value.numerator), bitLength(value.denominator));
    if (bits > maxBits) throw new ExactSizeError(bits, maxBits);
    return value;
  };
  return {
    ...fractionArithmetic,
    add: (a, b) => within(a.add(b)),
    sub: (a, b) => within(a.sub(b)),
    mul: (a, b) => within(a.mul(b)),
    div: (a, b) => within(a.div(b)),
  };
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : (value < 0n ? -value : value).toString(2).length;
}

function noExactValue(fn: string, why: string): never {
  throw new Error(`${why} needs ${fn}(), which has no exact fraction value; use the float arithmetic`);
}

/** Up to 12 significant digits, so 0.1 + 0.2 prints as 0.3 in equations while the stored value stays exact. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  return String(Number(value.toPrecision(12)));
}

/** The arithmetic a trace names in its `arithmetic` field, to compute further in the same number system. */
export function arithmeticNamed(name: "float" | "fraction"): Arithmetic<number> | Arithmetic<Fraction> {
  if (name === "float") return floatArithmetic;
  if (name === "fraction") return fractionArithmetic;
  throw new Error(`unknown arithmetic '${String(name)}'; a trace is either "float" or "fraction"`);
}
