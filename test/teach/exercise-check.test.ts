import { describe, expect, it } from "vitest";
import { check, checkNumber, explain, Fraction, fractionArithmetic, type NetworkDescription, seedExample, seedNetwork, traceStep } from "../../src";

/**
 * The source's 2-2-1 shape with weights chosen so every factor of a chain
 * has its own value (in the source's example most are 1, so leaving one
 * out changes nothing). Sample X1 = 1.5, X2 = 0.5, target 0.6, eta = 0.1:
 * Z3 = 0.55, Z4 = 0.95, Z5 = O5 = 0.225, dL/dO5 = 2(0.225 - 0.6) = -0.75,
 * dL/dW31 = -0.75 * 1 * 0.9 * 1 * 1.5 = -1.0125.
 */
const network: NetworkDescription = {
  inputs: ["X1", "X2"],
  layers: [
    {
      activation: "relu",
      neurons: [
        { name: "H3", weights: { X1: 0.4, X2: -0.3 }, bias: 0.1 },
        { name: "H4", weights: { X1: 0.7, X2: 0.2 }, bias: -0.2 },
      ],
    },
    { activation: "relu", neurons: [{ name: "O5", weights: { H3: 0.9, H4: -0.6 }, bias: 0.3 }] },
  ],
};
const sample = { input: [1.5, 0.5], target: [0.6], learningRate: 0.1 };
const step = traceStep(network, sample);
const exact = traceStep(network, { ...sample, arithmetic: fractionArithmetic });

describe("check: a right answer", () => {
  it("says the value and the tolerance it used, and a looser tolerance can be asked for", () => {
    const right = check(step, "dL/dW31", -1.0125);
    expect(right.ok).toBe(true);
    expect(right.message).toBe("✓ dL/dW31 = -1.0125 is right (within 1e-9 + 1e-6 × |-1.0125|)");
    expect(right.comparison).toEqual({ kind: "tolerance", relative: 1e-6, absolute: 1e-9 });
    expect(check(step, "dL/dW31", -1.0125 * (1 + 5e-7)).ok).toBe(true);
    expect(check(step, "dL/dW31", -1.0126).ok).toBe(false);
    const loose = check(step, "dL/dW31", -1.0126, { relativeTolerance: 1e-3 });
    expect(loose.ok).toBe(true);
    expect(loose.message).toContain("within 1e-9 + 1e-3 × |-1.0125|");
  });

  it("in exact fractions is exact equality, and a float answer to an exact step is compared with the tolerance", () => {
    const right = check(exact, "dL/dW31", new Fraction(-10125n, 10000n));
    expect(right.message).toBe("✓ dL/dW31 = -1.0125 is right (exactly, as fractions)");
    expect(check(exact, "dL/dW31", new Fraction(-10124n, 10000n)).ok).toBe(false);
    expect(check(exact, "dL/dW31", -1.0125).comparison.kind).toBe("tolerance");
    const seed = traceStep(seedNetwork(), { ...seedExample, arithmetic: fractionArithmetic });
    expect(check(seed, "W53^new", new Fraction(199n, 200n)).ok).toBe(true);
  });
});

describe("check: a wrong gradient gets a hint drawn from the chain", () => {
  const hint = (answer: number | Fraction, name = "dL/dW31", on = step): string => {
    const result = check(on as typeof step, name, answer as number);
    expect(result.ok, `${name} = ${String(answer)} should be wrong`).toBe(false);
    expect(result.message.startsWith(`✗ ${name}: `)).toBe(true);
    return result.hint as string;
  };

  it("names a factor left out, with its value", () => {
    expect(hint(-0.75 * 1.5)).toBe("the factor dZ5/dH3 = W53 = 0.9 is missing from the chain");
    expect(hint(-0.75 * 0.9)).toBe("the factor dZ3/dW31 = X1 = 1.5 is missing from the chain");
    expect(hint(0.9 * 1.5)).toBe("the factor dL/dO5 = 2(Yr - Ye) = -0.75 is missing from the chain");
  });

  it("names the factor whose value is off and the value it should have", () => {
    // X2 carried instead of X1.
    expect(hint(-0.75 * 0.9 * 0.5)).toBe("the factor dZ3/dW31 should be X1 = 1.5; your answer matches X2 = 0.5 in its place");
    // Yr - Ye without the 2 of the derivative.
    expect(hint(-0.375 * 0.9 * 1.5)).toBe("the factor dL/dO5 should be 2(Yr - Ye) = -0.75; your answer matches Yr - Ye = -0.375 in its place");
  });

  it("spots the sign and the updated weight used in place of the old one", () => {
    expect(hint(1.0125)).toBe("the sign is wrong; check the first factor dL/dO5 = 2(Yr - Ye) (Yr minus Ye, not the reverse)");
    // W53^new = 0.9 - 0.1 * dL/dW53 = 0.9 - 0.1 * (-0.75 * 0.55) = 0.94125
    expect(hint(-0.75 * 0.94125 * 1.5)).toBe(
      "dZ5/dH3 is the old weight W53 = 0.9, but your answer used the updated W53^new = 0.94125; backprop uses the weights from before the update",
    );
  });

  it("in a wider net, names the path left out of a hidden gradient's sum, exactly in fractions", () => {
    const wide: NetworkDescription = {
      inputs: ["X1", "X2"],
      layers: [
        { activation: "relu", neurons: [{ name: "H3", weights: { X1: 0.5, X2: 0.25 }, bias: 0 }] },
        {
          activation: "identity",
          neurons: [
            { name: "O4", weights: { H3: 0.5 }, bias: 0.5 },
            { name: "O5", weights: { H3: -1.5 }, bias: 0 },
          ],
        },
      ],
    };
    const wideStep = traceStep(wide, { input: [1, 2], target: [1, 0], learningRate: 0.1, arithmetic: fractionArithmetic });
    // H3 = 1, O4 = 1, O5 = -1.5; dL/dO4 = 0, dL/dO5 = -3; dL/dH3 = 0 * 0.5 + (-3) * (-1.5) = 4.5
    expect(check(wideStep, "dL/dH3", Fraction.fromDecimal(4.5)).ok).toBe(true);
    expect(hint(Fraction.fromDecimal(-4.5), "dL/dH3", wideStep as never)).toMatch(/^the sign is wrong/);
    const shifted = traceStep(wide, { input: [1, 2], target: [0.5, 0], learningRate: 0.1, arithmetic: fractionArithmetic });
    // dL/dO4 = 2(1 - 0.5) = 1, so the path through O4 is worth 1 * 1 * 0.5 = 0.5 and the sum is 5.
    expect(check(shifted, "dL/dH3", Fraction.fromDecimal(5)).ok).toBe(true);
    expect(hint(Fraction.fromDecimal(4.5), "dL/dH3", shifted as never)).toBe("you left out the path L → O4 → Z4 → H3 (worth 0.5); this gradient sums 2 paths");
  });

  it("falls back to the chain to redo when no single slip explains the answer", () => {
    expect(hint(123.456)).toBe('dL/dW31 sums 1 chain-rule path: dL/dO5 · dO5/dZ5 · dZ5/dH3 · dH3/dZ3 · dZ3/dW31; explain(step, "dL/dW31") shows each factor\'s value');
  });
});

describe("check: wrong forward values and updates", () => {
  const hint = (name: string, answer: number): string | null => check(step, name, answer).hint;

  it("names the missing bias or term, the stale parameters and the skipped activation", () => {
    expect(hint("Z3", 0.45)).toBe("the bias b3 = 0.1 is missing");
    expect(hint("Z3", 0.7)).toBe("the term X2 · W32 = 0.5 · -0.3 is missing");
    // With the updated parameters Z5 would come out otherwise; the forward pass uses the old ones.
    const after = traceStep(step.after, sample).forward.find((r) => r.neuron === "O5")?.z as number;
    expect(hint("Z5", after)).toBe("that is the value with the updated parameters; this step's forward pass uses the parameters from before the update");
    const off = traceStep(network, { ...sample, input: [-1, 1] });
    // Z3 = -0.4 - 0.3 + 0.1 = -0.6, so H3 = ReLU(-0.6) = 0.
    expect(check(off, "H3", -0.6).hint).toBe("that is Z3 = -0.6, the weighted sum before the activation; H3 = relu(Z3)");
    expect(hint("L", 0.225 - 0.6)).toBe("that is Yr - Ye; the loss squares it");
  });

  it("takes the loss's words from its record, whatever the loss", () => {
    const mse = traceStep(network, { ...sample, loss: "mse" });
    expect(check(mse, "L", 0.225 - 0.6).hint).toBe("that is Yr - Ye; the loss squares it and averages over the outputs");
    expect(check(mse, "L", 2 * (0.225 - 0.6)).hint).toBe("that is the loss's derivative 2(Yr - Ye)/1, not the loss sum of (Yr - Ye)^2 / 1");
    expect(explain(mse, "dL/dW53").paths?.[0]?.factors[0]?.meaning).toBe("2(Yr - Ye)/1");
    const probability = { ...sample, target: [1] };
    const entropy = traceStep({ ...network, layers: [network.layers[0]!, { ...network.layers[1]!, activation: "sigmoid" }] }, { ...probability, loss: "binary-cross-entropy" });
    const yr = entropy.loss.received[0] as number;
    expect(check(entropy, "L", yr - 1).hint).toBe("that is Yr - Ye; the loss takes the logarithms of Yr and 1 - Yr");
    expect(explain(entropy, "dL/dW53").paths?.[0]?.factors.map((factor) => factor.meaning)).toEqual(["(Yr - Ye)/(Yr(1 - Yr))", "sigmoid'(Z5)", "H3"]);
  });

  it("names the update's usual slips", () => {
    // W53^new = 0.9 - 0.1 * (-0.4125) = 0.94125
    expect(check(step, "W53^new", 0.94125).ok).toBe(true);
    expect(hint("W53^new", 0.9 - 0.04125)).toBe("SGD moves against the gradient: W53 - η · dL/dW53, not plus");
    expect(hint("W53^new", 0.9 + 0.4125)).toBe("the learning rate η = 0.1 is missing: new = old - η · gradient");
    expect(hint("W53^new", 0.9)).toBe("that is W53 before the update; subtract η · dL/dW53 = -0.04125");
    expect(hint("W53", 0.94125)).toBe("that is W53 after the update (W53^new); W53 names the value the step used");
  });
});

describe("checkNumber", () => {
  it("is right within the tolerance, and names sign, unit and factor-of-two slips", () => {
    const bytes = 2 * (7 / 8) * 350;
    expect(checkNumber("GB sent per rank", 612.5, bytes).message).toBe("✓ GB sent per rank = 612.5 is right (within 1e-9 + 1e-6 × |612.5|)");
    expect(checkNumber("GB sent per rank", 612.5e9, bytes).hint).toBe("it is 10^9 times too large: check the units");
    expect(checkNumber("GB sent per rank", 306.25, bytes).hint).toBe("it is half the expected value");
    expect(checkNumber("GB sent per rank", -612.5, bytes).hint).toBe("the sign is wrong");
    expect(checkNumber("GB sent per rank", 650, bytes).hint).toBe("it is 6.1% too large");
  });

  it("compares two fractions exactly", () => {
    expect(checkNumber("idle share", new Fraction(3n, 7n), new Fraction(3n, 7n)).message).toBe("✓ idle share = 3/7 is right (exactly, as fractions)");
    const near = checkNumber("idle share", new Fraction(428571n, 1000000n), new Fraction(3n, 7n));
    expect(near.ok).toBe(false);
    expect(near.comparison).toEqual({ kind: "exact" });
  });
});

describe("check: bad input throws one line, a wrong answer never does", () => {
  it("refuses NaN, non-numbers, unknown names and negative tolerances", () => {
    expect(() => check(step, "dL/dW31", Number.NaN)).toThrow(/^check\(dL\/dW31\): the answer is NaN; give a finite number or a Fraction$/);
    expect(() => check(step, "dL/dW31", "1" as unknown as number)).toThrow(/the answer is a string \(1\)/);
    expect(() => check(step, "dL/dW99", 1)).toThrow(/^check: no value named 'dL\/dW99' in this step; valid names: /);
    expect(() => check(step, "dL/dW31", 1, { relativeTolerance: -1 })).toThrow(/relativeTolerance must be a finite number of at least 0, got -1/);
    expect(() => checkNumber("x", Number.POSITIVE_INFINITY, 1)).toThrow(/^checkNumber\(x\): the answer is Infinity/);
    expect(() => checkNumber("", 1, 1)).toThrow(/the label must be a non-empty string/);
    expect(() => checkNumber("x", 1, Number.NaN)).toThrow(/checkNumber\(x\): the expected value: the answer is NaN/);
  });
});
