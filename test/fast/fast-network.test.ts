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
});
