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

/**
 * Shapes m, n, k that every product test runs: from one number to the
 * workloads' proportions, whole blocks of both SIMD kernels (m a multiple of
 * 4, n of 16) and ragged ones a caller pads, a long k and a short one.
 */
export const PRODUCT_SHAPES = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 4, 1],
  [4, 16, 3],
  [7, 9, 13],
  [8, 16, 5],
  [8, 32, 17],
  [33, 17, 29],
  [33, 66, 17],
  [64, 10, 130],
  [64, 16, 100],
  [10, 128, 64],
  [16, 64, 784],
  [3, 2, 1000],
] as const;
