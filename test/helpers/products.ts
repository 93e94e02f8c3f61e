import type { SeededRandom } from "../../src";

/**
 * m x k times (n x k)^T by the definition, one sum at a time, p in order
 * from +0: what every product kernel must reproduce bit for bit in float64.
 * `a(i, p)` and `b(j, p)` read the operands however they are laid out.
 */
export function definitionProduct(a: (i: number, p: number) => number, b: (j: number, p: number) => number, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a(i, p) * b(j, p);
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** An operand stored row by row, `columns` numbers a row, as definitionProduct reads it. */
export const rowMajor =
  (values: ArrayLike<number>, columns: number) =>
  (row: number, column: number): number =>
    values[row * columns + column] as number;

/** A random number with a mixed sign and magnitude (10^-2 to 10^2), so cancellation and the rounding of every addition show, and any reordering changes the bits. */
export const mixedNumber = (random: SeededRandom): number => random.normal() * 10 ** Math.floor(random.uniform() * 4 - 2);

export function randomMatrix(random: SeededRandom, size: number): Float64Array {
  return Float64Array.from({ length: size }, () => mixedNumber(random));
}
