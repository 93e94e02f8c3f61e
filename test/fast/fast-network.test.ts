import { describe, expect, it } from "vitest";
import { type ActivationName, buildNetwork, FastNetwork, type LossName, SeededRandom, seedNetwork } from "../../src";
import { expectFastEqualsTraced, randomSample } from "../helpers/fast-versus-traced";

const cases: { sizes: number[]; activation: ActivationName[]; loss: LossName }[] = [
  { sizes: [2, 2, 1], activation: ["relu", "relu"], loss: "squared-error" },
  { sizes: [3, 5, 4, 2], activation: ["tanh", "sigmoid", "identity"], loss: "mse" },
  { sizes: [2, 8, 1], activation: ["relu", "sigmoid"], loss: "binary-cross-entropy" },
  // Wide enough for the SIMD epilogues (src/fast/epilogues.ts) on every layer but the last.
  { sizes: [12, 40, 64, 4], activation: ["leaky-relu", "relu", "identity"], loss: "squared-error" },
];

describe("the fast path gives the traced path's numbers", () => {
  cases.forEach(({ sizes, activation, loss }, c) => {
    it(`${sizes.join("-")} ${loss}, batch of 7, five steps`, () => {
      const network = buildNetwork({ sizes, activation, init: "he", seed: 40 + c, bias: 0.05 });
      const random = new SeededRandom(c);
      const samples = Array.from({ length: 7 }, () => randomSample(loss, sizes, random));
      expectFastEqualsTraced(network, samples, loss, 5);
    });
  });

  it("round-trips a description and reproduces the source's step", () => {
    const fast = FastNetwork.fromDescription(seedNetwork());
    expect(fast.toDescription().layers[1]?.neurons[0]).toEqual({ name: "O5", weights: { H3: 1, H4: 1 }, bias: 0.5 });
    expect(Array.from(fast.forward(new Float64Array([1, 0]), 1))).toEqual([2.5]);
    expect(fast.trainStep(new Float64Array([1, 0]), new Float64Array([2]), 1, 0.01)).toBe(0.25);
    expect(fast.parameters().get("W53")).toBeCloseTo(0.995, 15);
    expect(fast.parameters().get("W31")).toBeCloseTo(0.49, 15);
  });

  it("rejects what it cannot run, naming the neuron", () => {
    const sparse = seedNetwork();
    delete (sparse.layers[0]?.neurons[0]?.weights as Record<string, number>).X2;
    expect(() => FastNetwork.fromDescription(sparse)).toThrow("fast path: H3 has no weight from X2 (W32); it needs fully connected layers");
    const mixed = seedNetwork();
    (mixed.layers[0]?.neurons[1] as { activation?: ActivationName }).activation = "tanh";
    expect(() => FastNetwork.fromDescription(mixed)).toThrow(/layer 1 mixes activations \(H4 uses tanh, H3 uses relu\)/);
    expect(() => FastNetwork.fromDescription(seedNetwork()).forward(new Float64Array([1, Number.NaN]), 1)).toThrow("forward: input 1 of sample 0 is NaN");
  });

  it("names a bad input of a large batch, copied natively and checked by SIMD, and a number float32 cannot hold", () => {
    const sizes = [784, 16, 4];
    for (const precision of ["float64", "float32"] as const) {
      const fast = FastNetwork.fromDescription(buildNetwork({ sizes, activation: ["relu", "identity"], init: "he", seed: 1 }), { precision });
      const inputs = new Float64Array(64 * 784).fill(0.5);
      const targets = new Float64Array(64 * 4);
      const before = fast.trainStep(inputs, targets, 64, 0.01);
      expect(Number.isFinite(before)).toBe(true);
      const parameters = [...fast.parameters().values()];
      inputs[3 * 784 + 5] = Number.NaN;
      expect(() => fast.trainStep(inputs, targets, 64, 0.01)).toThrow("forward: input 5 of sample 3 is NaN");
      inputs[3 * 784 + 5] = 0.5;
      inputs[64 * 784 - 1] = Number.NEGATIVE_INFINITY;
      expect(() => fast.trainStep(inputs, targets, 64, 0.01)).toThrow("forward: input 783 of sample 63 is -Infinity");
      inputs[64 * 784 - 1] = 1e39;
      if (precision === "float32") expect(() => fast.trainStep(inputs, targets, 64, 0.01)).toThrow("forward: input 783 of sample 63 is 1e+39, too large for float32");
      else expect(Number.isFinite(fast.forward(inputs, 64)[0])).toBe(true);
      // A refused batch changes nothing.
      expect([...fast.parameters().values()]).toEqual(parameters);
    }
  });
});
