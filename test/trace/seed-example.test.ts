import { describe, expect, it } from "vitest";
import { Fraction, fractionArithmetic, seedExample, seedNetwork, traceStep } from "../../src";

const { input, target, learningRate } = seedExample;

function byName<T>(records: { parameter: string }[], field: "gradient" | "new"): Map<string, T> {
  return new Map(records.map((r) => [r.parameter, (r as unknown as Record<string, T>)[field] as T]));
}

describe("the source's worked example, in floats", () => {
  const step = traceStep(seedNetwork(), { input, target, learningRate });
  const a = new Map(step.forward.map((r) => [r.neuron, r.a]));
  const gradients = byName<number>(step.gradients, "gradient");
  const updated = byName<number>(step.updates, "new");

  it("forward pass: H3 = 0.5, H4 = 1.5, O5 = 2.5", () => {
    expect(a.get("H3")).toBe(0.5);
    expect(a.get("H4")).toBe(1.5);
    expect(a.get("O5")).toBe(2.5);
  });

  it("loss (2.5 - 2)^2 = 0.25", () => {
    expect(step.loss.value).toBe(0.25);
    expect(step.loss.derivative).toEqual([1]);
  });

  it("output layer: dL/dW53 = 0.5 -> 0.995, dL/dW54 = 1.5 -> 0.985, dL/db5 = 1 -> 0.49", () => {
    expect(gradients.get("W53")).toBe(0.5);
    expect(updated.get("W53")).toBeCloseTo(0.995, 15);
    expect(gradients.get("W54")).toBe(1.5);
    expect(updated.get("W54")).toBeCloseTo(0.985, 15);
    expect(gradients.get("b5")).toBe(1);
    expect(updated.get("b5")).toBeCloseTo(0.49, 15);
  });

  it("hidden layer by the chain rule: W31 -> 0.49, W32 -> 0.5, b3 -> -0.01, W41 -> 0.99, W42 -> 1, b4 -> 0.49", () => {
    expect(gradients.get("W31")).toBe(1);
    expect(updated.get("W31")).toBeCloseTo(0.49, 15);
    expect(gradients.get("W32")).toBe(0); // X2 = 0 carries no gradient
    expect(updated.get("W32")).toBe(0.5);
    expect(updated.get("b3")).toBeCloseTo(-0.01, 15);
    expect(updated.get("W41")).toBeCloseTo(0.99, 15);
    expect(updated.get("W42")).toBe(1);
    expect(updated.get("b4")).toBeCloseTo(0.49, 15);
  });

  it("dL/dW31 is the product of its chain-rule factors, using the old W53 = 1", () => {
    const h3 = step.backward.find((r) => r.neuron === "H3");
    expect(h3?.upstreamTerms).toEqual([{ from: "O5", weightName: "W53", weight: 1, gradient: 1 }]);
    expect(h3?.localDerivative).toBe(1);
    expect(step.gradients.find((g) => g.parameter === "W31")).toMatchObject({ dLdz: 1, input: 1, gradient: 1 });
  });

  it("the second iteration's loss is 0.18096516", () => {
    const second = traceStep(step.after, { input, target, learningRate });
    expect(second.loss.value).toBeCloseTo(0.18096516, 8);
  });
});

describe("the source's worked example, in exact fractions", () => {
  const step = traceStep(seedNetwork(), { input, target, learningRate, arithmetic: fractionArithmetic });
  const updated = byName<Fraction>(step.updates, "new");

  it("every number is a Fraction and W53 becomes exactly 199/200", () => {
    expect(updated.get("W53")?.toString()).toBe("199/200");
    for (const u of step.updates) expect(u.new).toBeInstanceOf(Fraction);
    expect(updated.get("b3")?.toString()).toBe("-1/100");
    expect(updated.get("W31")?.toString()).toBe("49/100");
  });

  it("the second loss is exactly 0.18096516 = 4524129/25000000", () => {
    const second = traceStep(step.after, { input, target, learningRate, arithmetic: fractionArithmetic });
    expect(second.loss.value.equals(Fraction.fromDecimal(0.18096516))).toBe(true);
    expect(second.loss.value.toString()).toBe("4524129/25000000");
  });
});
