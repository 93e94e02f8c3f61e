import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ActivationName,
  batchGradient,
  buildNetwork,
  fractionArithmetic,
  gradientCheck,
  type LossName,
  SeededRandom,
  seedExample,
  seedNetwork,
  symbolicGradients,
  symbolicLoss,
  traceStep,
} from "../../src";

const cases: { sizes: number[]; activation: ActivationName[]; loss: LossName }[] = [
  { sizes: [2, 3, 1], activation: ["tanh", "identity"], loss: "squared-error" },
  { sizes: [3, 4, 2], activation: ["sigmoid", "identity"], loss: "mse" },
  { sizes: [2, 3, 3, 1], activation: ["relu", "tanh", "sigmoid"], loss: "binary-cross-entropy" },
  { sizes: [4, 5, 2], activation: ["relu", "relu"], loss: "squared-error" },
  { sizes: [2, 2, 2, 2, 1], activation: ["tanh", "sigmoid", "relu", "identity"], loss: "mse" },
];

function relativeError(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

describe("backprop agrees with symbolic derivatives and finite differences on random networks", () => {
  cases.forEach(({ sizes, activation, loss }, c) => {
    it(`${sizes.join("-")} ${activation.join("/")} ${loss}`, () => {
      const random = new SeededRandom(100 + c);
      const network = buildNetwork({ sizes, activation, init: "xavier", seed: 7 + c, bias: 0.1 });
      const input = Array.from({ length: sizes[0] ?? 0 }, () => random.normal());
      const outputs = sizes[sizes.length - 1] ?? 0;
      const target = Array.from({ length: outputs }, () => (loss === "binary-cross-entropy" ? (random.uniform() < 0.5 ? 0 : 1) : random.normal()));
      const sample = { input, target };

      const backprop = batchGradient(network, [sample], { loss });
      expect(symbolicLoss(network, sample, loss)).toBeCloseTo(backprop.loss, 12);

      const symbolic = symbolicGradients(network, sample, { loss });
      expect(symbolic.map((s) => s.parameter)).toEqual([...backprop.gradients.keys()]);
      for (const s of symbolic) {
        const b = backprop.gradients.get(s.parameter) as number;
        // Exact zeros (a dead ReLU) must agree exactly; the rest to a relative 1e-9.
        if (b === 0) expect(Math.abs(s.value)).toBeLessThan(1e-15);
        else expect(relativeError(s.value, b), s.parameter).toBeLessThan(1e-9);
      }

      for (const check of gradientCheck(network, [sample], { loss })) {
        if (check.backprop === 0) expect(Math.abs(check.numeric), check.parameter).toBeLessThan(1e-8);
        else expect(check.relativeError, `${check.parameter}: backprop ${check.backprop}, numeric ${check.numeric}`).toBeLessThan(1e-6);
      }
    });
  });
});

describe("on the source's network, in exact fractions", () => {
  it("the symbolic derivative equals backprop exactly for every parameter", () => {
    const sample = { input: seedExample.input, target: seedExample.target };
    const step = traceStep(seedNetwork(), { ...sample, learningRate: 0.01, arithmetic: fractionArithmetic });
    const symbolic = symbolicGradients(seedNetwork(), sample, { exact: true });
    expect(symbolic).toHaveLength(9);
    for (const s of symbolic) {
      const b = step.gradients.find((g) => g.parameter === s.parameter)?.gradient;
      expect(b && s.value.equals(b), `${s.parameter}: symbolic ${s.value}, backprop ${b}`).toBe(true);
    }
    expect(symbolic.find((s) => s.parameter === "W53")?.value.toString()).toBe("1/2");
  });

  it("finite differences agree with backprop", () => {
    const checks = gradientCheck(seedNetwork(), [{ input: seedExample.input, target: seedExample.target }]);
    expect(Object.fromEntries(checks.map((c) => [c.parameter, c.backprop]))).toEqual({ W31: 1, W32: 0, b3: 1, W41: 1, W42: 0, b4: 1, W53: 0.5, W54: 1.5, b5: 1 });
    for (const c of checks) expect(Math.abs(c.numeric - c.backprop)).toBeLessThan(1e-8);
  });
});

describe("mathjs loads only for the symbolic checks", () => {
  it("is not loaded by importing the package, and is once a symbolic check runs", () => {
    // A process of its own, with the built package as notebooks import it.
    const script = `
      const loaded = () => Object.keys(require.cache).some((file) => file.includes("/node_modules/mathjs/"));
      const lab = require("gradient-lab");
      const before = loaded();
      const loss = lab.symbolicLoss(lab.seedNetwork(), lab.seedExample);
      console.log(JSON.stringify({ before, after: loaded(), loss }));`;
    const child = spawnSync(process.execPath, ["-e", script], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(JSON.parse(child.stdout)).toEqual({ before: false, after: true, loss: 0.25 });
  });
});
