import type { FloatArray } from "../math/float-array";

/**
 * The fast path's inner loops. Every number must come out bit for bit as
 * the traced path computes it, so no sum may be reordered (floating-point
 * addition is not associative) and nothing may be fused. What can change is
 * how many *independent* sums move forward at once: a single running sum
 * waits on its own previous addition every step, while eight of them keep
 * the CPU's adders busy and reuse every number loaded.
 */

/**
 * c[i*n + j] = sum over p = 0, 1, ..., k-1 of a[aOffset + i*k + p] * b[j*k + p],
 * each sum starting from 0 and taken in that order: rows of `a` against rows
 * of `b` (a times b transposed).
 */
export function orderedProduct(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, aOffset = 0): void {
  stridedProduct({ array: a, at: aOffset, row: k, step: 1 }, { array: b, at: 0, row: k, step: 1 }, { array: c, at: 0, row: n, step: 1 }, m, n, k);
}

/** A matrix inside a buffer: element [i][p] is array[at + i*row + p*step]. */
export interface Strided {
  array: FloatArray;
  at: number;
  row: number;
  step: number;
}

/**
 * The same sums with each operand read where it lies: c[i][j] = sum over p in
 * order of a[i][p] * b[j][p], so a transposed operand needs no copy. (c's
 * `step` is ignored: its columns are consecutive.)
 */
export function stridedProduct(aMatrix: Strided, bMatrix: Strided, cMatrix: Strided, m: number, n: number, k: number): void {
  const { array: a, row: aRow, step: aStep } = aMatrix;
  const { array: b, row: bRow, step: bStep } = bMatrix;
  const { array: c, row: cRow } = cMatrix;
  let j = 0;
  // Four rows of b against two rows of a: eight running sums per pass over p.
  // The outer loop walks b so that its four rows stay in cache while all of a streams past them.
  for (; j + 4 <= n; j += 4) {
    const b0 = bMatrix.at + j * bRow;
    let i = 0;
    for (; i + 2 <= m; i += 2) {
      let qa = aMatrix.at + i * aRow;
      let qb = b0;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++, qa += aStep, qb += bStep) {
        const x0 = a[qa] as number;
        const x1 = a[qa + aRow] as number;
        const y0 = b[qb] as number;
        const y1 = b[qb + bRow] as number;
        const y2 = b[qb + 2 * bRow] as number;
        const y3 = b[qb + 3 * bRow] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = cMatrix.at + i * cRow + j;
      const c1 = c0 + cRow;
      c[c0] = s00;
      c[c0 + 1] = s01;
      c[c0 + 2] = s02;
      c[c0 + 3] = s03;
      c[c1] = s10;
      c[c1 + 1] = s11;
      c[c1 + 2] = s12;
      c[c1 + 3] = s13;
    }
    if (i < m) {
      let qa = aMatrix.at + i * aRow;
      let qb = b0;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++, qa += aStep, qb += bStep) {
        const x = a[qa] as number;
        s0 += x * (b[qb] as number);
        s1 += x * (b[qb + bRow] as number);
        s2 += x * (b[qb + 2 * bRow] as number);
        s3 += x * (b[qb + 3 * bRow] as number);
      }
      const c0 = cMatrix.at + i * cRow + j;
      c[c0] = s0;
      c[c0 + 1] = s1;
      c[c0 + 2] = s2;
      c[c0 + 3] = s3;
    }
  }
  // The last n mod 4 rows of b, one at a time, against four rows of a at once.
  for (; j < n; j++) {
    const b0 = bMatrix.at + j * bRow;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      let qa = aMatrix.at + i * aRow;
      let qb = b0;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++, qa += aStep, qb += bStep) {
        const y = b[qb] as number;
        s0 += (a[qa] as number) * y;
        s1 += (a[qa + aRow] as number) * y;
        s2 += (a[qa + 2 * aRow] as number) * y;
        s3 += (a[qa + 3 * aRow] as number) * y;
      }
      const c0 = cMatrix.at + i * cRow + j;
      c[c0] = s0;
      c[c0 + cRow] = s1;
      c[c0 + 2 * cRow] = s2;
      c[c0 + 3 * cRow] = s3;
    }
    for (; i < m; i++) {
      let qa = aMatrix.at + i * aRow;
      let qb = b0;
      let s = 0;
      for (let p = 0; p < k; p++, qa += aStep, qb += bStep) s += (a[qa] as number) * (b[qb] as number);
      c[cMatrix.at + i * cRow + j] = s;
    }
  }
}
