import { describe, expect, it } from "vitest";
import { batchGradient, buildNetwork, FastNetwork, SeededRandom, train } from "../../src";
import { orderedProduct } from "../../src/fast/js-products";
import { simdAvailable } from "../../src/fast/simd-products";
import { definitionProduct, PRODUCT_SHAPES, randomMatrix, rowMajor } from "../helpers/products";

describe("ordered products", () => {
  for (const [m, n, k] of PRODUCT_SHAPES) {
    // The SIMD kernels' own tests: simd-products.test.ts (packed) and strided.test.ts (in place).
    it(`${m}x${k} times (${n}x${k})^T sums in order on the JavaScript kernel`, () => {
      const random = new SeededRandom(m * 1000 + n * 10 + k);
      const a = randomMatrix(random, m * k);
      const b = randomMatrix(random, n * k);
      const expected = definitionProduct(rowMajor(a, k), rowMajor(b, k), m, n, k);
      const js = new Float64Array(m * n);
      orderedProduct(a, b, js, m, n, k);
      expect(js).toEqual(expected);
    });
  }

  it("has WebAssembly SIMD on this Node", () => {
    expect(simdAvailable()).toBe(true);
  });
});

describe("the fast path on layers big enough for the SIMD kernel", () => {
  it("2-24-20-3, batch of 40: the traced path's gradients and three steps, bit for bit", () => {
    const network = buildNetwork({ sizes: [2, 24, 20, 3], activation: ["relu", "tanh", "identity"], init: "he", seed: 3, bias: 0.1 });
    const random = new SeededRandom(9);
    const samples = Array.from({ length: 40 }, () => ({ input: [random.normal(), random.normal()], target: [random.normal(), random.normal(), random.normal()] }));
    const inputs = Float64Array.from(samples.flatMap((s) => s.input));
    const targets = Float64Array.from(samples.flatMap((s) => s.target));
    const fast = FastNetwork.fromDescription(network);
    const traced = batchGradient(network, samples);
    expect(fast.computeGradients(inputs, targets, 40)).toBe(traced.loss);
    expect(fast.gradients()).toEqual(traced.gradients);
    const run = train(network, { samples, learningRate: 0.02, maxSteps: 3 });
    const losses = [0, 1, 2].map(() => fast.trainStep(inputs, targets, 40, 0.02));
    expect(losses).toEqual(run.history.slice(0, 3).map((h) => h.loss));
    expect(Object.fromEntries(fast.parameters())).toEqual(run.history[3]?.parameters);
  });
});
