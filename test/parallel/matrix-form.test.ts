import { describe, expect, it } from "vitest";
import { batchGradient, seedNetwork, traceStep } from "../../src";
import { batchMatrix, layerProductFlops, matrixGradients, matrixProduct, matrixStep, transpose } from "../../src/parallel";

const seed = seedNetwork();
const batch = [
  { input: [1, 0], target: [2] },
  { input: [0, 1], target: [1] },
  { input: [2, -1], target: [0] },
  { input: [0.5, 0.5], target: [3] },
];

describe("the matrix form of the 2-2-1 network", () => {
  it("one sample: Z = W X + b gives the source's H3 = 0.5, H4 = 1.5, O5 = 2.5 and loss 0.25", () => {
    const step = matrixStep(seed, [{ input: [1, 0], target: [2] }]);
    const [hidden, output] = step.layers;
    expect(hidden!.W).toEqual([[0.5, 0.5], [1, 1]]);
    expect(hidden!.b).toEqual([0, 0.5]);
    expect(hidden!.Z).toEqual([[0.5], [1.5]]);
    expect(output!.W).toEqual([[1, 1]]);
    expect(output!.A).toEqual([[2.5]]);
    expect(step.loss).toBe(0.25);
  });

  it("one sample: dW = dZ Xᵀ, db and dX = Wᵀ dZ equal the traced path's gradients exactly", () => {
    const step = matrixStep(seed, [{ input: [1, 0], target: [2] }]);
    const traced = traceStep(seed, { input: [1, 0], target: [2], learningRate: 0.01 });
    const fromMatrices = matrixGradients(step);
    for (const g of traced.gradients) expect(fromMatrices.get(g.parameter), g.parameter).toBe(g.gradient);
    expect(step.layers[1]!.dW).toEqual([[0.5, 1.5]]);
    expect(step.layers[1]!.dX).toEqual([[1], [1]]);
    expect(step.layers[0]!.dW).toEqual([[1, 0], [1, 0]]);
  });

  it("a batch as a matrix: dW is the mean of the per-sample gradients (batchGradient) to 1e-15", () => {
    const step = matrixStep(seed, batch);
    const mean = batchGradient(seed, batch);
    const fromMatrices = matrixGradients(step);
    expect([...fromMatrices.keys()].sort()).toEqual([...mean.gradients.keys()].sort());
    for (const [name, value] of mean.gradients) expect(fromMatrices.get(name)!, name).toBeCloseTo(value, 15);
    expect(step.loss).toBeCloseTo(mean.loss, 15);
    expect(step.layers[0]!.X).toEqual([[1, 0, 2, 0.5], [0, 1, -1, 0.5]]);
  });

  it("dW = dZ Xᵀ is the sum over samples of each sample's outer product dz xᵀ", () => {
    const step = matrixStep(seed, batch);
    const hidden = step.layers[0]!;
    const outerSum = batch.reduce(
      (sum, _, s) => {
        const dz = hidden.dZ.map((row) => [row[s]!]);
        const x = [hidden.X.map((row) => row[s]!)];
        const outer = matrixProduct(dz, x);
        return sum.map((row, i) => row.map((v, j) => v + outer[i]![j]!));
      },
      [[0, 0], [0, 0]],
    );
    hidden.dW.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(outerSum[i]![j]!, 15)));
  });

  it("refuses a ragged batch and a sample with the wrong number of inputs, naming it", () => {
    expect(() => batchMatrix([[1, 2], [3]], "inputs")).toThrow("inputs: sample 1 has 1 values, sample 0 has 2");
    expect(() => matrixStep(seed, [{ input: [1, 0, 3], target: [2] }])).toThrow("samples[0].input has 3 values, the network has 2 inputs");
    expect(() => matrixStep(seed, [])).toThrow("samples must be greater than 0, got 0");
    expect(() => matrixProduct([[1, 2]], [[1, 2]])).toThrow("a 1x2 matrix cannot multiply a 1x2 one");
    expect(transpose([[1, 2, 3]])).toEqual([[1], [2], [3]]);
  });
});

describe("the products' floating-point operations", () => {
  it("2 x out x in x B forward and twice that backward: 6 per weight per sample", () => {
    expect(layerProductFlops(2, 2, 4)).toEqual({ forward: 32, backward: 64 });
    expect(layerProductFlops(128, 784, 64)).toEqual({ forward: 2 * 128 * 784 * 64, backward: 4 * 128 * 784 * 64 });
    expect(() => layerProductFlops(0, 2, 1)).toThrow("outputs must be greater than 0, got 0");
  });
});
