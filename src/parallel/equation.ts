import { formatFloat } from "../math/arithmetic";
import { Fraction } from "../math/fraction";

/**
 * Each result of the parallel notebooks as the equation that produced it:
 * name = formula = the formula with the numbers substituted = value, as in
 * "bytes per rank = 2(n-1)/n x S = 2 x 7/8 x 350 GB = 612.5 GB". The value
 * comes from the engine's own function, so the printed equation and the
 * number a notebook uses are one computation.
 */
export interface Equation<V = number> {
  value: V;
  /** name = formula = substituted = value */
  text: string;
  /** substituted = value alone, for a table whose header names the quantity and its formula. */
  numbers: string;
}

export function shown<V>(value: V, parts: readonly string[]): Equation<V> {
  return { value, text: parts.join(" = "), numbers: parts.slice(2).join(" = ") };
}

/** (n-1)/n left unreduced, so the reader sees where 7/8 comes from. */
export const ringShare = (n: number): string => `${n - 1}/${n}`;

/** Exact values print as fractions (11/4), floats with 12 significant digits. */
export function exact(value: number | Fraction): string {
  return value instanceof Fraction ? value.toString() : formatFloat(value);
}

/** A negative factor in brackets, so "1/4 x (-1)" never reads as a subtraction. */
export const factor = (text: string): string => (text.startsWith("-") ? `(${text})` : text);
