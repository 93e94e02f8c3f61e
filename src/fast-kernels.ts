import type { FloatArray } from "./fast-layout";

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
 * of `b` (a times b transposed), both read along contiguous memory.
 */
export function orderedProduct(a: FloatArray, b: FloatArray, c: FloatArray, m: number, n: number, k: number, aOffset = 0): void {
  let j = 0;
  // Four rows of b against two rows of a: eight running sums per pass over p.
  // The outer loop walks b so that its four rows stay in cache while all of a streams past them.
  for (; j + 4 <= n; j += 4) {
    const b0 = j * k;
    const b1 = b0 + k;
    const b2 = b1 + k;
    const b3 = b2 + k;
    let i = 0;
    for (; i + 2 <= m; i += 2) {
      const a0 = aOffset + i * k;
      const a1 = a0 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p] as number;
        const x1 = a[a1 + p] as number;
        const y0 = b[b0 + p] as number;
        const y1 = b[b1 + p] as number;
        const y2 = b[b2 + p] as number;
        const y3 = b[b3 + p] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = i * n + j;
      const c1 = c0 + n;
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
      const a0 = aOffset + i * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p] as number;
        s0 += x * (b[b0 + p] as number);
        s1 += x * (b[b1 + p] as number);
        s2 += x * (b[b2 + p] as number);
        s3 += x * (b[b3 + p] as number);
      }
      const c0 = i * n + j;
      c[c0] = s0;
      c[c0 + 1] = s1;
      c[c0 + 2] = s2;
      c[c0 + 3] = s3;
    }
  }
  // The last n mod 4 rows of b, one at a time, against four rows of a at once.
  for (; j < n; j++) {
    const b0 = j * k;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const a0 = aOffset + i * k;
      const a1 = a0 + k;
      const a2 = a1 + k;
      const a3 = a2 + k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p] as number;
        s0 += (a[a0 + p] as number) * y;
        s1 += (a[a1 + p] as number) * y;
        s2 += (a[a2 + p] as number) * y;
        s3 += (a[a3 + p] as number) * y;
      }
      c[i * n + j] = s0;
      c[(i + 1) * n + j] = s1;
      c[(i + 2) * n + j] = s2;
      c[(i + 3) * n + j] = s3;
    }
    for (; i < m; i++) {
      const a0 = aOffset + i * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += (a[a0 + p] as number) * (b[b0 + p] as number);
      c[i * n + j] = s;
    }
  }
}

/** to[c*rows + r] = from[r*cols + c]: turns a (rows x cols) matrix into (cols x rows), so orderedProduct can read it along rows. */
export function transpose(from: FloatArray, rows: number, cols: number, to: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) to[c * rows + r] = from[row + c] as number;
  }
}
