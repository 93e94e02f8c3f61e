import { describe, expect, it } from "vitest";
import { buildNetwork, fractionArithmetic, seedExample, seedNetwork, train, TrainingDivergedError } from "../../src";

const sample = { input: seedExample.input, target: seedExample.target };

describe("train", () => {
  it("records the state after each update and stops at the loss threshold", () => {
    const run = train(seedNetwork(), { samples: [sample], learningRate: 0.01, lossThreshold: 1e-4, maxSteps: 1000 });
    expect(run.stopReason).toBe("loss-threshold");
    expect(run.history[0]?.loss).toBe(0.25);
    expect(run.history[1]?.loss).toBeCloseTo(0.18096516, 12);
    expect(run.history[0]?.parameters.W53).toBe(1);
    expect(run.history[1]?.parameters.W53).toBeCloseTo(0.995, 15);
    expect(run.history[0]?.gradients.W31).toBe(1);
    // layer 1 holds W31 W32 b3 W41 W42 b4 with gradients 1 0 1 1 0 1; layer 2 holds 0.5 1.5 1
    expect(run.history[0]?.layerGradientNorms[0]).toBeCloseTo(2, 15);
    expect(run.history[0]?.layerGradientNorms[1]).toBeCloseTo(Math.sqrt(0.25 + 2.25 + 1), 15);
    const last = run.history[run.history.length - 1];
    expect(last?.loss).toBeLessThanOrEqual(1e-4);
    expect(run.finalLoss).toBe(last?.loss);
    // every earlier state was still above the threshold
    expect(run.history.slice(0, -1).every((h) => h.loss > 1e-4)).toBe(true);
  });

  it("stops at maxSteps with maxSteps + 1 states", () => {
    const run = train(seedNetwork(), { samples: [sample], learningRate: 0.01, maxSteps: 3 });
    expect(run.stopReason).toBe("max-steps");
    expect(run.history.map((h) => h.step)).toEqual([0, 1, 2, 3]);
  });

  it("trains in exact fractions too", () => {
    const run = train(seedNetwork(), { samples: [sample], learningRate: 0.01, maxSteps: 1, arithmetic: fractionArithmetic });
    expect(run.model.layers[1]?.[0]?.terms[0]?.weight.toString()).toBe("199/200");
    expect(run.finalLoss).toBe(0.18096516);
  });

  it("catches divergence and names the step and the parameter", () => {
    let caught: unknown;
    try {
      // With ReLU a large step kills the neurons instead; a linear copy of the seed network really blows up.
      const linear = { ...seedNetwork(), layers: seedNetwork().layers.map((layer) => ({ ...layer, activation: "identity" as const })) };
      train(linear, { samples: [sample], learningRate: 1, maxSteps: 5000 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    const error = caught as TrainingDivergedError;
    // The weights grow tenfold a step until the forward pass computes Infinity - Infinity.
    expect(error.step).toBe(7);
    expect(error.parameter).toBe("W31");
    expect(error.message).toBe("training diverged: after 7 update(s) the loss is NaN though every parameter is finite; the largest is W31 = -9.036822095378273e+183");
    expect(error.history.map((h) => h.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(error.history.every((h) => Number.isFinite(h.loss))).toBe(true);
  });

  it("names the update and the parameter when an update overflows", () => {
    const steep = seedNetwork();
    (steep.layers[1]?.neurons[0]?.weights as Record<string, number>).H3 = 1e154;
    let caught: unknown;
    try {
      train(steep, { samples: [sample], learningRate: 1e10, maxSteps: 3 });
    } catch (error) {
      caught = error;
    }
    const error = caught as TrainingDivergedError;
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect([error.step, error.parameter]).toEqual([1, "W31"]);
    expect(error.message).toMatch(/^training diverged at update 1: W31 became -Infinity \(gradient [0-9.e+]+\); try a learning rate below 10000000000$/);
  });

  it("names the step and the largest parameter when the loss overflows with finite parameters", () => {
    const huge = seedNetwork();
    (huge.layers[1]?.neurons[0]?.weights as Record<string, number>).H3 = 1e300;
    expect(() => train(huge, { samples: [sample], learningRate: 0.01, maxSteps: 3 })).toThrow(
      "training diverged: after 0 update(s) the loss is Infinity though every parameter is finite; the largest is W53 = 1e+300",
    );
  });

  it("rejects a non-positive learning rate", () => {
    expect(() => train(seedNetwork(), { samples: [sample], learningRate: 0, maxSteps: 1 })).toThrow(/learning rate must be a positive finite number, got 0/);
    expect(() => train(seedNetwork(), { samples: [sample], learningRate: -0.1, maxSteps: 1 })).toThrow(/got -0.1/);
  });

  it("buildNetwork is reproducible from its seed and names neurons in the source's style", () => {
    const a = buildNetwork({ sizes: [2, 3, 1], activation: "relu", init: "he", seed: 7 });
    const b = buildNetwork({ sizes: [2, 3, 1], activation: "relu", init: "he", seed: 7 });
    expect(a).toEqual(b);
    expect(a.inputs).toEqual(["X1", "X2"]);
    expect(a.layers[0]?.neurons.map((n) => n.name)).toEqual(["H3", "H4", "H5"]);
    expect(a.layers[1]?.neurons[0]?.name).toBe("O6");
    expect(buildNetwork({ sizes: [2, 3, 1], activation: "relu", init: "he", seed: 8 })).not.toEqual(a);
  });
});
