import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../src";
import { stridedProduct } from "../../src/fast/js-products";
import { productKernel } from "../../src/fast/simd-products";
import { definitionProduct, mixedNumber, PRODUCT_SHAPES } from "../helpers/products";

/*
 * kernel.strided and the JavaScript stridedProduct read operands in place
 * through strides: the fast path hands them W read down its columns, dL/dz
 * read down its columns, and the activations. Here both read the same
 * memory the same three ways and must give the plain definition's sums, in
 * float64 bit for bit.
 */

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

describe("strided products", () => {
  // m x k times (n x k)^T, with a given as rows (step 1) or as columns (row 1), b always as columns, as the fast path has them.
  for (const [m, n, k] of PRODUCT_SHAPES) {
    for (const aLayout of ["rows", "columns"] as const) {
      it(`${m}x${n}x${k}, a in ${aLayout}: the SIMD kernel and the JavaScript one give the definition's float64 bits`, () => {
        const random = new SeededRandom(m * 1000 + n * 10 + k);
        const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true });
        const kernel = productKernel("float64", memory);
        if (kernel === null) throw new Error("no WebAssembly SIMD here");
        const mPad = roundUp(m, kernel.blockRows);
        const nPad = roundUp(n, kernel.blockColumns);
        // a, then b (k rows of n, read down its columns), then c; each with room for the blocks' extra reads.
        const aSize = (mPad + 1) * (k + 1);
        const bSize = (k + 1) * (nPad + 1);
        const bytes = (aSize + bSize + mPad * nPad) * 8;
        memory.grow(Math.ceil(bytes / 65536));
        const heap = new Float64Array(memory.buffer);
        for (let q = 0; q < aSize + bSize; q++) heap[q] = mixedNumber(random);
        const aRow = aLayout === "rows" ? k : 1;
        const aStep = aLayout === "rows" ? 1 : m;
        const bAt = aSize;
        const expected = definitionProduct((i, p) => heap[i * aRow + p * aStep] as number, (j, p) => heap[bAt + j + p * n] as number, m, n, k);

        const cAt = aSize + bSize;
        kernel.strided(0, aRow * 8, aStep * 8, bAt * 8, kernel.blockColumns * 8, n * 8, cAt * 8, nPad * 8, mPad, nPad, k);
        const simd = Array.from({ length: m * n }, (_, q) => heap[cAt + Math.floor(q / n) * nPad + (q % n)] as number);
        expect(simd).toEqual(Array.from(expected));

        const c = new Float64Array(m * n);
        stridedProduct({ array: heap, at: 0, row: aRow, step: aStep }, { array: heap, at: bAt, row: 1, step: n }, { array: c, at: 0, row: n, step: 1 }, m, n, k);
        expect(c).toEqual(expected);
      });
    }
  }

  it("refuses sizes that are not whole blocks", () => {
    const kernel = productKernel("float64", new WebAssembly.Memory({ initial: 1 }));
    expect(() => kernel?.strided(0, 8, 8, 0, 32, 8, 0, 32, 3, 4, 1)).toThrow("float64 strided product: m 3 and n 4 must be positive multiples of 4 and 4, k 1 0 or more");
  });
});
