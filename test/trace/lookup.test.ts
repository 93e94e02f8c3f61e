import { describe, expect, it } from "vitest";
import { backwardRecord, forwardRecord, gradientRecord, seedNetwork, traceStep, updateRecord } from "../../src";

describe("reading one record of a traced step by name", () => {
  const step = traceStep(seedNetwork(), { input: [1, 0], target: [2], learningRate: 0.01 });

  it("finds the source's numbers under their names", () => {
    expect(forwardRecord(step, "H4").a).toBe(1.5);
    expect(backwardRecord(step, "O5").product).toBe(1);
    expect(gradientRecord(step, "W54").gradient).toBe(1.5);
    expect(updateRecord(step, "W53").new).toBeCloseTo(0.995, 15);
  });

  it("a misspelt name fails with the name and the names that exist", () => {
    expect(() => gradientRecord(step, "W35")).toThrow('no parameter named "W35" in this step (it has W53, W54, b5, W31');
    expect(() => forwardRecord(step, "H5")).toThrow('no neuron named "H5" in this step (it has H3, H4, O5)');
  });
});
