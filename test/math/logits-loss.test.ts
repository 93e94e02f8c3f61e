import { describe, expect, it } from "vitest";
import { activations, backwardEquations, batchGradient, FastNetwork, floatArithmetic, type NetworkDescription, seedNetwork, symbolicGradients, symbolicLoss, traceStep } from "../../src";

// One input, a sigmoid output, weight 40: sigmoid(40) rounds to exactly 1 in floats.
const saturated: NetworkDescription = {
  inputs: ["X1"],
  layers: [{ activation: "sigmoid", neurons: [{ name: "O2", weights: { X1: 40 }, bias: 0 }] }],
};
const loss = "binary-cross-entropy" as const;
// log(1 + e^-40) and sigmoid(-40), the true loss and the size of the true gradient for target 1.
const tail = 4.248354255291589e-18;

function expectNear(actual: number, expected: number, what: string): void {
  const error = Math.abs(actual - expected);
  expect(error <= 1e-15 || error <= 1e-9 * Math.abs(expected), `${what}: ${actual}, expected ${expected}`).toBe(true);
}

describe("binary cross-entropy on a sigmoid output is computed from the logits, on every path", () => {
  for (const [target, trueLoss, trueGradient] of [[1, tail, -tail], [0, 40, 1]] as const) {
    it(`a saturated output, target ${target}: loss ${trueLoss}, gradient ${trueGradient}`, () => {
      const step = traceStep(saturated, { input: [1], target: [target], learningRate: 0.1, loss });
      expectNear(step.loss.value, trueLoss, "traced loss");
      for (const g of step.gradients) expectNear(g.gradient, trueGradient, `traced ${g.parameter}`);
      // The relative bound matters for target 1: the values are 4e-18, far inside the absolute one.
      if (target === 1) {
        expect(Math.abs(step.loss.value - tail) / tail).toBeLessThan(1e-9);
        expect(Math.abs((step.gradients[0]?.gradient as number) + tail) / tail).toBeLessThan(1e-9);
      }

      const fast = FastNetwork.fromDescription(saturated);
      expect(fast.computeGradients(new Float64Array([1]), new Float64Array([target]), 1, loss)).toBe(step.loss.value);
      expect(Object.fromEntries(fast.gradients())).toEqual(Object.fromEntries(step.gradients.map((g) => [g.parameter, g.gradient])));

      const sample = { input: [1], target: [target] };
      expectNear(symbolicLoss(saturated, sample, loss), trueLoss, "symbolic loss");
      for (const s of symbolicGradients(saturated, sample, { loss })) expectNear(s.value, trueGradient, `symbolic ${s.parameter}`);
    });
  }

  it("the chain rule shows dL/dZ of the output as the loss gives it, with no separate sigmoid factor", () => {
    const step = traceStep(saturated, { input: [1], target: [0], learningRate: 0.1, loss });
    expect(backwardEquations(step)).toEqual([
      "\\frac{\\partial L}{\\partial Z_{2}} = \\sigma(Z) - Y_e = Y_r - Y_e = 1 - 0 = 1",
      "\\frac{\\partial L}{\\partial W_{21}} = \\frac{\\partial L}{\\partial Z_{2}} \\cdot X_{1} = 1 \\cdot 1 = 1",
      "\\frac{\\partial L}{\\partial b_{2}} = \\frac{\\partial L}{\\partial Z_{2}} \\cdot 1 = 1 \\cdot 1 = 1",
    ]);
  });

  it("one saturated sample leaves a batch gradient finite", () => {
    const batch = batchGradient(saturated, [{ input: [1], target: [1] }, { input: [0.5], target: [0] }, { input: [1], target: [0] }], { loss });
    expect(Number.isFinite(batch.loss)).toBe(true);
    for (const [name, value] of batch.gradients) expect(Number.isFinite(value), name).toBe(true);
  });

  it("is refused in one line on an output that is not a sigmoid (the seed net's ReLU gives 2.5)", () => {
    const message = "binary-cross-entropy needs a sigmoid output layer (it is computed from the logits, so saturated outputs stay exact); O5 uses relu";
    expect(() => traceStep(seedNetwork(), { input: [1, 0], target: [1], learningRate: 0.01, loss })).toThrow(message);
    expect(() => FastNetwork.fromDescription(seedNetwork()).computeGradients(new Float64Array([1, 0]), new Float64Array([1]), 1, loss)).toThrow(message);
    expect(() => symbolicLoss(seedNetwork(), { input: [1, 0], target: [1] }, loss)).toThrow(message);
  });
});

describe("tanh", () => {
  it("is Math.tanh, so small arguments keep every digit", () => {
    expect(activations.tanh.forward(1e-9, floatArithmetic)).toBe(1e-9);
    expect(activations.tanh.forward(1e-17, floatArithmetic)).toBe(1e-17);
    expect(activations.tanh.forward(-0.5, floatArithmetic)).toBe(Math.tanh(-0.5));
    expect(activations.tanh.kernel.forward(1e-9)).toBe(1e-9);
  });
});
