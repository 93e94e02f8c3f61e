import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../src";
import { orderedProduct } from "../../src/fast/js-products";
import { FLOAT32_SHAPE, kernelOfShape, packB, type ProductKernel, productKernel } from "../../src/fast/simd-products";
import { PRODUCT_SHAPES, randomMatrix } from "../helpers/products";

/**
 * Runs a kernel the way the fast path does: a copied into the memory at 0
 * and padded with zero rows to whole blocks, b packed after it (packB pads
 * it), c after that; returns c's first m rows and n columns as the kernel
 * wrote them.
 */
function runKernel(kernel: ProductKernel, a: Float64Array, b: Float64Array, m: number, n: number, k: number): Float64Array | Float32Array {
  const View = kernel.precision === "float64" ? Float64Array : Float32Array;
  const mPad = Math.ceil(m / kernel.blockRows) * kernel.blockRows;
  const nPad = Math.ceil(n / kernel.blockColumns) * kernel.blockColumns;
  const [aAt, bAt, cAt] = [0, mPad * k, (mPad + nPad) * k];
  const bytes = (cAt + mPad * nPad) * View.BYTES_PER_ELEMENT;
  if (kernel.memory.buffer.byteLength < bytes) kernel.memory.grow(Math.ceil((bytes - kernel.memory.buffer.byteLength) / 65536));
  const heap = new View(kernel.memory.buffer);
  heap.set(a, aAt);
  heap.fill(0, aAt + m * k, bAt);
  packB(b, n, k, kernel.blockColumns, heap, bAt);
  heap.fill(Number.NaN, cAt, cAt + mPad * nPad); // every element of c must be written
  kernel.product(aAt * View.BYTES_PER_ELEMENT, bAt * View.BYTES_PER_ELEMENT, cAt * View.BYTES_PER_ELEMENT, mPad, nPad, k);
  const c = new View(m * n);
  for (let i = 0; i < m; i++) c.set(heap.subarray(cAt + i * nPad, cAt + i * nPad + n), i * n);
  return c;
}

const plainMemory = () => new WebAssembly.Memory({ initial: 1 });
const sharedMemory = () => new WebAssembly.Memory({ initial: 1, maximum: 4096, shared: true });

describe("the float64 WebAssembly kernel", () => {
  for (const [m, n, k] of PRODUCT_SHAPES) {
    it(`${m}x${k} times (${n}x${k})^T equals orderedProduct bit for bit, on a plain and on a shared memory`, () => {
      const random = new SeededRandom(m * 7919 + n * 31 + k);
      const a = randomMatrix(random, m * k);
      const b = randomMatrix(random, n * k);
      const expected = new Float64Array(m * n);
      orderedProduct(a, b, expected, m, n, k);
      for (const memory of [plainMemory(), sharedMemory()]) {
        const kernel = productKernel("float64", memory);
        expect(kernel?.fusedMultiplyAdd).toBe(false);
        expect(runKernel(kernel as ProductKernel, a, b, m, n, k)).toEqual(expected);
      }
    });
  }

  it("writes +0 sums when k is 0", () => {
    const kernel = productKernel("float64", plainMemory()) as ProductKernel;
    const c = runKernel(kernel, new Float64Array(0), new Float64Array(0), 4, 4, 0);
    expect(Array.from(c)).toEqual(new Array(16).fill(0));
    expect(c.every((value) => !Object.is(value, -0))).toBe(true);
  });
});

/**
 * The error bound for a float32 sum of k products in any rounding of that
 * kind (plain or fused), against exact arithmetic on the float64 inputs:
 * rounding each input to float32 costs 2 units of 2^-24 per product and each
 * of the k additions at most one more, so |c32 - c| <= (k + 2) 2^-24 sum|a b| / (1 - (k + 2) 2^-24).
 * The float64 reference's own error is some 2^29 times smaller.
 */
function float32Bound(a: Float64Array, b: Float64Array, i: number, j: number, k: number): number {
  const u = (k + 2) * 2 ** -24;
  let magnitude = 0;
  for (let p = 0; p < k; p++) magnitude += Math.abs((a[i * k + p] as number) * (b[j * k + p] as number));
  return (u / (1 - u)) * magnitude;
}

/** The sum as a float32 kernel must take it: p in order from +0, each step rounded to float32, with the multiply-add fused or not. */
function float32Emulation(a: Float64Array, b: Float64Array, m: number, n: number, k: number, fused: boolean): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        // A product of two float32 values is exact in float64 (48 significant bits); the fused sum rounds once from there.
        const product = Math.fround(a[i * k + p] as number) * Math.fround(b[j * k + p] as number);
        sum = fused ? Math.fround(sum + product) : Math.fround(sum + Math.fround(product));
      }
      c[i * n + j] = sum;
    }
  }
  return c;
}

describe("the float32 WebAssembly kernels", () => {
  const variants = [
    { name: "the chosen kernel", kernel: (memory: WebAssembly.Memory) => productKernel("float32", memory) },
    { name: "the kernel with separate multiply and add", kernel: (memory: WebAssembly.Memory) => kernelOfShape({ ...FLOAT32_SHAPE, fusedMultiplyAdd: false }, memory) },
  ];
  for (const variant of variants) {
    for (const [m, n, k] of PRODUCT_SHAPES) {
      it(`${variant.name}: ${m}x${k} times (${n}x${k})^T agrees with float64 within (k + 2) 2^-24 sum|a b|, and sums in order`, () => {
        const random = new SeededRandom(m * 131 + n * 17 + k);
        const a = randomMatrix(random, m * k);
        const b = randomMatrix(random, n * k);
        const reference = new Float64Array(m * n);
        orderedProduct(a, b, reference, m, n, k);
        const kernel = variant.kernel(plainMemory()) as ProductKernel;
        const c = runKernel(kernel, a, b, m, n, k);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const error = Math.abs((c[i * n + j] as number) - (reference[i * n + j] as number));
            if (!(error <= float32Bound(a, b, i, j, k))) throw new Error(`c[${i}][${j}] = ${c[i * n + j]}, float64 ${reference[i * n + j]}: error ${error} over the bound`);
          }
        }
        // relaxed SIMD lets the hardware fuse or not; x64 with FMA3 (this machine) fuses. Either way the order is p = 0..k-1.
        const asFused = float32Emulation(a, b, m, n, k, true);
        const asSeparate = float32Emulation(a, b, m, n, k, false);
        if (kernel.fusedMultiplyAdd) expect([asFused, asSeparate]).toContainEqual(c);
        else expect(c).toEqual(asSeparate);
      });
    }
  }

  it("uses relaxed SIMD's fused multiply-add on this Node, and it rounds once", () => {
    const kernel = productKernel("float32", plainMemory()) as ProductKernel;
    expect(kernel.fusedMultiplyAdd).toBe(true);
    // Rows of a are [1, 1 + 2^-13], rows of b [-1, 1 - 2^-13]: step 0 makes the sum -1; step 1 adds
    // (1 + 2^-13)(1 - 2^-13) = 1 - 2^-26, which rounds to 1 in float32 on its own (sum 0) but not inside a fused multiply-add (sum -2^-26).
    const m = kernel.blockRows;
    const n = kernel.blockColumns;
    const a = Float64Array.from({ length: m * 2 }, (_, q) => (q % 2 === 0 ? 1 : 1 + 2 ** -13));
    const b = Float64Array.from({ length: n * 2 }, (_, q) => (q % 2 === 0 ? -1 : 1 - 2 ** -13));
    const c = runKernel(kernel, a, b, m, n, 2);
    expect(Array.from(c)).toEqual(new Array(m * n).fill(-(2 ** -26)));
  });

  it("computes the same bits on a shared memory as on a plain one", () => {
    const [m, n, k] = [8, 16, 300];
    const random = new SeededRandom(5);
    const a = randomMatrix(random, m * k);
    const b = randomMatrix(random, n * k);
    const plain = runKernel(productKernel("float32", plainMemory()) as ProductKernel, a, b, m, n, k);
    const shared = runKernel(productKernel("float32", sharedMemory()) as ProductKernel, a, b, m, n, k);
    expect(shared).toEqual(plain);
  });
});

describe("kernels and memories", () => {
  it("gives one kernel per memory and precision, each writing into its own memory", () => {
    const first = plainMemory();
    const second = sharedMemory();
    expect(productKernel("float32", first)).toBe(productKernel("float32", first));
    expect(productKernel("float32", second)).not.toBe(productKernel("float32", first));
    expect(productKernel("float32", second)?.memory).toBe(second);
    expect(productKernel("float64", first)?.memory).toBe(first);
  });

  it("packs b in blocks of blockColumns rows, interleaved by p, zero past n", () => {
    // b is 3 x 2: rows [1, 2], [3, 4], [5, 6]; blocks of 2 rows: [1, 3, 2, 4] then [5, 0, 6, 0].
    const to = new Float64Array(8).fill(Number.NaN);
    packB(Float64Array.from([1, 2, 3, 4, 5, 6]), 3, 2, 2, to, 0);
    expect(Array.from(to)).toEqual([1, 3, 2, 4, 5, 0, 6, 0]);
    // Only the second block (rows 2 and 3), as one thread's share, into float32, written 1 element in.
    const shifted = new Float32Array(9).fill(Number.NaN);
    packB(Float64Array.from([1, 2, 3, 4, 5, 6]), 3, 2, 2, shifted, 1, 2, 4);
    expect(Array.from(shifted.subarray(1))).toEqual([Number.NaN, Number.NaN, Number.NaN, Number.NaN, 5, 0, 6, 0]);
  });

  it("packs in WebAssembly exactly as packB does: whole blocks, a last block padded with zeros, a k that is not whole vectors, in two shares", () => {
    for (const precision of ["float64", "float32"] as const) {
      const kernel = productKernel(precision, sharedMemory()) as ProductKernel;
      kernel.memory.grow(31);
      const View = precision === "float64" ? Float64Array : Float32Array;
      const NB = kernel.blockColumns;
      for (const [n, k] of [[128, 784], [10, 128], [2 * NB + 1, 8], [NB, 7], [3 * NB, 4]] as const) {
        const padded = Math.ceil(n / NB) * NB;
        const b = new View(kernel.memory.buffer, 0, n * k);
        const random = new SeededRandom(n + k);
        for (let e = 0; e < n * k; e++) b[e] = random.uniform() - 0.5;
        const to = new View(kernel.memory.buffer, b.byteLength + 16, padded * k).fill(Number.NaN);
        const expected = new View(padded * k);
        packB(b, n, k, NB, expected, 0);
        const half = Math.ceil(padded / NB / 2) * NB;
        kernel.pack(b, n, k, to, 0, half);
        kernel.pack(b, n, k, to, half, padded);
        expect(Array.from(to), `${precision} ${n} x ${k}`).toEqual(Array.from(expected));
      }
      expect(() => kernel.pack(new View(kernel.memory.buffer, 0, 64), 8, 8, new View(kernel.memory.buffer, 512, 64), 1, NB)).toThrow(/pack: rows 1 to \d+ of a 8 x 8 b must be whole blocks/);
    }
  });

  it("refuses, in one line, a call that would write past c's rows or outside the memory", () => {
    const kernel = productKernel("float32", plainMemory()) as ProductKernel;
    const rows = kernel.blockRows;
    expect(() => kernel.product(0, 1024, 2048, rows + 1, kernel.blockColumns, 4)).toThrow(
      `float32 product(a 0, packedB 1024, c 2048, m ${rows + 1}, n ${kernel.blockColumns}, k 4): m must be a multiple of blockRows ${rows} (pad a with zero rows)`,
    );
    expect(() => kernel.product(0, 1024, 2048, rows, kernel.blockColumns + 1, 4)).toThrow(/n must be a multiple of blockColumns/);
    expect(() => kernel.product(0, 1024, 65536 - 4, rows, kernel.blockColumns, 4)).toThrow(/c ends at byte \d+, past the memory's 65536/);
    expect(() => kernel.product(2, 1024, 2048, rows, kernel.blockColumns, 4)).toThrow(/a must be a byte offset >= 0 and a multiple of 4/);
    expect(() => kernel.product(0, 1024, 2048, rows, kernel.blockColumns, 1.5)).toThrow(/m, n and k must be whole numbers >= 0/);
  });

  it("leaves c alone when m or n is 0", () => {
    const kernel = productKernel("float64", plainMemory()) as ProductKernel;
    const heap = new Float64Array(kernel.memory.buffer);
    heap.fill(7);
    kernel.product(0, 0, 0, 0, kernel.blockColumns, 3);
    kernel.product(0, 0, 0, kernel.blockRows, 0, 3);
    expect(heap.every((value) => value === 7)).toBe(true);
  });

  it("refuses a block that is not whole vectors", () => {
    expect(() => kernelOfShape({ precision: "float32", blockRows: 4, blockColumns: 6, fusedMultiplyAdd: false }, plainMemory())).toThrow(/blockColumns 6 is not a multiple of 4 lanes/);
  });
});
