import { describe, expect, it } from "vitest";
import { type ActivationName, buildNetwork, FastNetwork, type LossName, SeededRandom, seedNetwork } from "../../src";
import { randomSample } from "../helpers/fast-versus-traced";

/**
 * The float32 mode's promise, as the README states it: each layer's weight
 * and bias gradients agree with the float64 path's within 1e-5 of that
 * layer's largest gradient, and the mean loss within 1e-6 of itself.
 * float32 rounds each operation to 24 bits (about 6e-8 relative); over these
 * nets the worst cases measured 5e-7 and 7e-8, so the bounds leave 15-20x.
 */
const GRADIENT_TOLERANCE = 1e-5;
const LOSS_TOLERANCE = 1e-6;

const cases: { sizes: number[]; activation: ActivationName[]; loss: LossName; batch: number }[] = [
  { sizes: [784, 128, 10], activation: ["relu", "identity"], loss: "squared-error", batch: 64 },
  { sizes: [2, 64, 64, 1], activation: ["relu", "relu", "identity"], loss: "squared-error", batch: 300 },
  { sizes: [13, 40, 9, 3], activation: ["tanh", "softplus", "sigmoid"], loss: "binary-cross-entropy", batch: 37 },
  { sizes: [30, 17, 5], activation: ["leaky-relu", "identity"], loss: "mse", batch: 129 },
];

function batchOf(sizes: number[], loss: LossName, batch: number, seed: number): { inputs: Float64Array; targets: Float64Array } {
  const random = new SeededRandom(seed);
  const samples = Array.from({ length: batch }, () => randomSample(loss, sizes, random));
  return { inputs: Float64Array.from(samples.flatMap((s) => s.input)), targets: Float64Array.from(samples.flatMap((s) => s.target)) };
}

/** max |a - b| over one layer's gradients, as a share of the layer's largest float64 gradient. */
function worstShare(float32: ArrayLike<number>, float64: ArrayLike<number>): number {
  let largest = 0;
  let worst = 0;
  for (let k = 0; k < float64.length; k++) {
    largest = Math.max(largest, Math.abs(float64[k] as number));
    worst = Math.max(worst, Math.abs((float32[k] as number) - (float64[k] as number)));
  }
  return largest === 0 ? worst : worst / largest;
}

describe("float32 agrees with float64 within the stated tolerance", () => {
  cases.forEach(({ sizes, activation, loss, batch }, c) => {
    it(`${sizes.join("-")} ${loss}, batch ${batch}`, () => {
      const description = buildNetwork({ sizes, activation, init: "he", seed: 20 + c, bias: 0.05 });
      const wide = FastNetwork.fromDescription(description);
      const narrow = FastNetwork.fromDescription(description, { precision: "float32" });
      expect(narrow.precision).toBe("float32");
      expect(narrow.weights[0]).toBeInstanceOf(Float32Array);
      const { inputs, targets } = batchOf(sizes, loss, batch, c);
      const loss64 = wide.computeGradients(inputs, targets, batch, loss);
      const loss32 = narrow.computeGradients(inputs, targets, batch, loss);
      expect(Math.abs(loss32 - loss64) / Math.abs(loss64)).toBeLessThan(LOSS_TOLERANCE);
      for (let l = 0; l < sizes.length - 1; l++) {
        const weightShare = worstShare(narrow.weightGradients[l] as Float32Array, wide.weightGradients[l] as Float64Array);
        const biasShare = worstShare(narrow.biasGradients[l] as Float32Array, wide.biasGradients[l] as Float64Array);
        expect(weightShare, `layer ${l + 1} weight gradients`).toBeLessThan(GRADIENT_TOLERANCE);
        expect(biasShare, `layer ${l + 1} bias gradients`).toBeLessThan(GRADIENT_TOLERANCE);
      }
      // Not everything is equal: float32 really computed in float32.
      expect(Array.from(narrow.weightGradients[0] as Float32Array)).not.toEqual(Array.from(wide.weightGradients[0] as Float64Array));
    });
  });

  it("trains the same curve: 50 steps of 2-64-64-1 stay within 1e-3 of the float64 losses", () => {
    const description = buildNetwork({ sizes: [2, 64, 64, 1], activation: ["relu", "relu", "identity"], init: "he", seed: 3 });
    const wide = FastNetwork.fromDescription(description);
    const narrow = FastNetwork.fromDescription(description, { precision: "float32" });
    const { inputs, targets } = batchOf([2, 64, 64, 1], "squared-error", 200, 9);
    for (let step = 0; step < 50; step++) {
      const loss64 = wide.trainStep(inputs, targets, 200, 0.05);
      const loss32 = narrow.trainStep(inputs, targets, 200, 0.05);
      expect(Math.abs(loss32 - loss64) / loss64, `step ${step}`).toBeLessThan(1e-3);
    }
  });

  it("reproduces the source's step in float32", () => {
    const fast = FastNetwork.fromDescription(seedNetwork(), { precision: "float32" });
    expect(Array.from(fast.forward(new Float64Array([1, 0]), 1))).toEqual([2.5]);
    expect(fast.trainStep(new Float64Array([1, 0]), new Float64Array([2]), 1, 0.01)).toBe(0.25);
    expect(fast.parameters().get("W53")).toBe(Math.fround(0.995));
  });
});
