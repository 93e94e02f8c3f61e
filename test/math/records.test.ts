import { describe, expect, it } from "vitest";
import {
  type ActivationName,
  activations,
  batchGradient,
  buildNetwork,
  FastNetwork,
  floatArithmetic,
  forwardEquations,
  fractionArithmetic,
  gradientCheck,
  lossByName,
  lossEquation,
  type LossName,
  losses,
  SeededRandom,
  symbolicGradients,
  symbolicLoss,
  traceStep,
  backwardEquations,
} from "../../src";
import { expectFastEqualsTraced, randomSample } from "../helpers/fast-versus-traced";

/*
 * Every check here walks the registries, so a new activation or loss record
 * is covered by all of them without this file changing: its fast kernel
 * against its generic form, backprop against mathjs and finite differences,
 * the fast path against the traced path bit for bit, exact fractions where
 * the record can give them, and the renderers.
 */
const activationNames = Object.keys(activations) as ActivationName[];
const lossNames = Object.keys(losses) as LossName[];

/** A loss computed from the output layer's logits fixes that layer's activation; the others take the activation under test. */
function outputActivation(loss: LossName, activation: ActivationName): ActivationName {
  return losses[loss].fromLogits?.activation ?? activation;
}

function relativeError(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

const grid = [-40, -7.5, -2, -1, -0.3, -1e-9, 0, 1e-9, 0.25, 1, 3, 12.5, 40];

describe("each activation record's fast kernel is its generic form in floats, bit for bit", () => {
  for (const name of activationNames) {
    it(name, () => {
      const record = activations[name];
      for (const z of grid) {
        const a = record.forward(z, floatArithmetic);
        expect(Object.is(record.kernel.forward(z), a), `${name}(${z})`).toBe(true);
        expect(Object.is(record.kernel.derivative(z, a), record.derivative(z, floatArithmetic)), `${name}'(${z})`).toBe(true);
      }
    });
  }
});

describe("each loss record's fast kernel is its generic form in floats, bit for bit", () => {
  for (const name of lossNames) {
    it(name, () => {
      const record = losses[name];
      const received = name === "binary-cross-entropy" ? [0.2, 0.9, 0.5] : [2.5, -1, 0.1];
      const expected = name === "binary-cross-entropy" ? [0, 1, 1] : [2, 0.5, 0.1];
      // Two samples in one buffer: the kernel reads and writes only its own slice.
      const yr = Float64Array.from([7, ...received]);
      const ye = Float64Array.from([7, ...expected]);
      const into = new Float64Array(4);
      expect(record.kernel(yr, ye, 1, 3, into)).toBe(record.value(received, expected, floatArithmetic));
      expect(Array.from(into)).toEqual([0, ...record.derivative(received, expected, floatArithmetic)]);
      const logits = record.fromLogits;
      if (logits === undefined) return;
      const z = [-40, 0.5, 40, -1e-9];
      const targets = [1, 0, 1, 0.25];
      const dz = new Float64Array(5);
      expect(logits.kernel(Float64Array.from([7, ...z]), Float64Array.from([7, ...targets]), 1, 4, dz)).toBe(logits.value(z, targets, floatArithmetic));
      expect(Array.from(dz)).toEqual([0, ...logits.derivative(z, targets, floatArithmetic)]);
    });
  }
});

describe("backprop agrees with mathjs and finite differences, and the fast path with the traced path, for every activation and loss", () => {
  activationNames.forEach((activation, a) => {
    lossNames.forEach((loss, l) => {
      it(`${activation} hidden layer, ${outputActivation(loss, activation)} output, ${loss}`, () => {
        const sizes = [2, 3, 2];
        const network = buildNetwork({ sizes, activation: [activation, outputActivation(loss, activation)], init: "xavier", seed: 11 + a * 7 + l, bias: 0.1 });
        const random = new SeededRandom(300 + a * 7 + l);
        const sample = randomSample(loss, sizes, random);

        const backprop = batchGradient(network, [sample], { loss });
        expect(relativeError(symbolicLoss(network, sample, loss), backprop.loss)).toBeLessThan(1e-12);
        for (const s of symbolicGradients(network, sample, { loss })) {
          const b = backprop.gradients.get(s.parameter) as number;
          if (b === 0) expect(Math.abs(s.value), s.parameter).toBeLessThan(1e-15);
          else expect(relativeError(s.value, b), `${s.parameter}: symbolic ${s.value}, backprop ${b}`).toBeLessThan(1e-9);
        }
        for (const check of gradientCheck(network, [sample], { loss })) {
          if (check.backprop === 0) expect(Math.abs(check.numeric), check.parameter).toBeLessThan(1e-8);
          // Central differences carry an absolute error near 1e-10 here, so tiny gradients get that much slack.
          else expect(Math.abs(check.numeric - check.backprop), `${check.parameter}: backprop ${check.backprop}, numeric ${check.numeric}`).toBeLessThan(1e-9 + 1e-6 * Math.abs(check.backprop));
        }

        const samples = Array.from({ length: 5 }, () => randomSample(loss, sizes, random));
        expectFastEqualsTraced(network, samples, loss, 3);
      });
    });
  });
});

describe("exact fractions, wherever a record can give them", () => {
  for (const activation of activationNames) {
    it(activation, () => {
      // The source's 2-2-1 shape with small decimal weights, so exact values stay short.
      const network = {
        inputs: ["X1", "X2"],
        layers: [
          { activation, neurons: [{ name: "H3", weights: { X1: 0.5, X2: -0.25 }, bias: 0.1 }, { name: "H4", weights: { X1: -1, X2: 1 }, bias: 0.5 }] },
          { activation, neurons: [{ name: "O5", weights: { H3: 1, H4: -0.5 }, bias: 0.5 }] },
        ],
      };
      const sample = { input: [1, -2], target: [2] };
      let exact;
      try {
        exact = traceStep(network, { ...sample, learningRate: 0.01, arithmetic: fractionArithmetic });
      } catch (error) {
        // A transcendental record refuses by name, and the float path still runs.
        expect((error as Error).message).toMatch(/needs (exp|log|tanh)\(\), which has no exact fraction value/);
        expect(Number.isFinite(traceStep(network, { ...sample, learningRate: 0.01 }).loss.value)).toBe(true);
        return;
      }
      const floats = traceStep(network, { ...sample, learningRate: 0.01 });
      const symbolic = symbolicGradients(network, sample, { exact: true });
      for (const s of symbolic) {
        const b = exact.gradients.find((g) => g.parameter === s.parameter)?.gradient;
        expect(b !== undefined && s.value.equals(b), `${s.parameter}: symbolic ${s.value}, backprop ${b}`).toBe(true);
        expect(relativeError(s.value.toNumber(), floats.gradients.find((g) => g.parameter === s.parameter)?.gradient as number)).toBeLessThan(1e-12);
      }
    });
  }
});

describe("the renderers write each record's own LaTeX", () => {
  for (const activation of activationNames) {
    it(activation, () => {
      const network = buildNetwork({ sizes: [2, 2, 1], activation: [activation, "sigmoid"], init: "he", seed: 3 });
      const step = traceStep(network, { input: [0.5, -1], target: [1], learningRate: 0.1, loss: "binary-cross-entropy" });
      expect(forwardEquations(step)[1]).toMatch(new RegExp(`^a_\\{3\\} = ${escape(activations[activation].latex("Z_{3}"))} = `));
      expect(lossEquation(step).startsWith(`${lossByName("binary-cross-entropy").latex(1)} = `)).toBe(true);
      expect(backwardEquations(step).length).toBeGreaterThan(0);
    });
  }
});

describe("an unknown name is an error everywhere, naming it and the known ones", () => {
  const known = Object.keys(activations).join(", ");
  it("in the fast path, the renderers and the loss lookup", () => {
    expect(() => new FastNetwork([2, 1], ["relux" as ActivationName])).toThrow(`unknown activation "relux"; known: ${known}`);
    const step = traceStep(buildNetwork({ sizes: [2, 1], activation: "relu", init: "he", seed: 1 }), { input: [1, 1], target: [1], learningRate: 0.1 });
    const renamed = { ...step, forward: step.forward.map((r) => ({ ...r, activation: "relux" as ActivationName })) };
    expect(() => forwardEquations(renamed)).toThrow(`unknown activation "relux"; known: ${known}`);
    const relabelled = { ...step, loss: { ...step.loss, loss: "hinge" as LossName } };
    expect(() => lossEquation(relabelled)).toThrow(`unknown loss 'hinge'; known losses: ${Object.keys(losses).join(", ")}`);
    expect(() => symbolicLoss(buildNetwork({ sizes: [2, 1], activation: "relu", init: "he", seed: 1 }), { input: [1, 1], target: [1] }, "hinge" as LossName)).toThrow("unknown loss 'hinge'");
  });
});

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
