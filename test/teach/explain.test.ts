import katex from "katex";
import { describe, expect, it } from "vitest";
import {
  type ActivationName,
  buildNetwork,
  explain,
  explanationMarkdown,
  Fraction,
  fractionArithmetic,
  type NetworkDescription,
  SeededRandom,
  seedExample,
  seedNetwork,
  traceStep,
  type TracedStep,
} from "../../src";

const { input, target, learningRate } = seedExample;
const seedStep = traceStep(seedNetwork(), { input, target, learningRate });

describe("explain on the source's 2-2-1 step", () => {
  it("writes dL/dW31 as its one chain-rule path, factor by factor, with the values of the trace", () => {
    const why = explain(seedStep, "dL/dW31");
    expect(why.kind).toBe("gradient");
    expect(why.value).toBe(1);
    expect(why.paths).toHaveLength(1);
    const path = why.paths[0]!;
    expect(path.through).toEqual(["L", "O5", "Z5", "H3", "Z3", "W31"]);
    expect(path.factors.map((f) => `${f.name} = ${f.meaning} = ${f.value}`)).toEqual([
      "dL/dO5 = 2(Yr - Ye) = 1",
      "dO5/dZ5 = ReLU'(Z5) = 1",
      "dZ5/dH3 = W53 = 1",
      "dH3/dZ3 = ReLU'(Z3) = 1",
      "dZ3/dW31 = X1 = 1",
    ]);
    expect(why.pathSum).toBe(1);
    expect(why.equations).toContain("\\frac{\\partial Z_{5}}{\\partial a_{3}} = W_{53} = 1");
    expect(why.equations).toContain("\\frac{\\partial a_{3}}{\\partial Z_{3}} = \\mathrm{ReLU}'(Z_{3}) = \\mathrm{ReLU}'(0.5) = 1");
    expect(why.equations.at(-1)).toBe(
      "\\frac{\\partial L}{\\partial W_{31}} = \\frac{\\partial L}{\\partial a_{5}} \\cdot \\frac{\\partial a_{5}}{\\partial Z_{5}} \\cdot \\frac{\\partial Z_{5}}{\\partial a_{3}} \\cdot \\frac{\\partial a_{3}}{\\partial Z_{3}} \\cdot \\frac{\\partial Z_{3}}{\\partial W_{31}} = 1 \\cdot 1 \\cdot 1 \\cdot 1 \\cdot 1 = 1",
    );
  });

  it("derives the updated W53 from the old weight, the learning rate and the gradient, and exactly as 199/200 in fractions", () => {
    const why = explain(seedStep, "W53^new");
    expect(why.value).toBe(0.995);
    expect(why.derivation.at(-1)?.from).toEqual(["W53", "eta", "dL/dW53"]);
    expect(why.equations.at(-1)).toBe("W_{53}^{new} = W_{53} - \\eta \\cdot \\frac{\\partial L}{\\partial W_{53}} = 1 - 0.01 \\cdot 0.5 = 0.995");
    const exact = traceStep(seedNetwork(), { input, target, learningRate, arithmetic: fractionArithmetic });
    const exactWhy = explain(exact, "W53^new");
    expect(exactWhy.value.equals(new Fraction(199n, 200n))).toBe(true);
    expect(exactWhy.arithmetic).toBe("fraction");
  });

  it("derives a value down to the inputs and parameters, each step after the values it uses", () => {
    for (const name of ["O5", "Z4", "L", "dL/dH4", "dL/db5", "dL/dZ3", "b4^new"]) {
      const why = explain(seedStep, name);
      const order = why.derivation.map((s) => s.name);
      expect(new Set(order).size, name).toBe(order.length);
      why.derivation.forEach((s, i) => {
        for (const used of s.from) expect(order.indexOf(used), `${name}: ${s.name} uses ${used}`).toBeLessThan(i);
      });
      const leaves = why.derivation.filter((s) => s.from.length === 0 && s.kind !== "local-derivative").map((s) => s.kind);
      expect(new Set(leaves).size > 0 && leaves.every((k) => ["input", "parameter", "target", "learning-rate"].includes(k)), name).toBe(true);
      expect(why.derivation.at(-1)?.name, name).toBe(explain(seedStep, name).name);
    }
    expect(explain(seedStep, "O5").derivation.filter((s) => s.kind === "input").map((s) => s.name)).toEqual(["X1", "X2"]);
    expect(explain(seedStep, "L").equations.at(-1)).toBe("L = (Y_r - Y_e)^2 = (2.5 - 2)^2 = 0.25");
    expect(explain(seedStep, "Z4").value).toBe(1.5);
  });

  it("refuses an unknown name with one line that lists the valid names", () => {
    let message = "";
    try {
      explain(seedStep, "W35");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^explain: no value named 'W35' in this step; valid names: L/);
    expect(message).not.toContain("\n");
    for (const name of ["X1", "H3", "Z5", "W53", "W31^new", "dL/dW31", "Ye"]) expect(message).toContain(name);
    expect(() => explain(seedStep, "dL/dX1")).toThrow(/no value named 'dL\/dX1'/);
  });

  it("writes every equation as LaTeX that KaTeX (the course site's renderer) accepts", () => {
    const wide = randomCase(5, [2, 3, 2], ["sigmoid", "identity"]);
    const wideStep = traceStep(wide.network, { input: wide.input, target: wide.target, learningRate: 0.1, loss: "mse" });
    const names = [...["L", "O5", "Z3", "dL/dW31", "dL/dH3", "dL/dZ4", "W53^new", "Ye", "X2"].map((n) => [seedStep, n] as const), ...["dL/dH3", "dL/dW31", "L", "O6"].map((n) => [wideStep, n] as const)];
    let count = 0;
    for (const [on, name] of names) {
      const why = explain(on, name);
      for (const equation of [...why.equations, ...why.derivation.map((d) => d.equation), why.symbol]) {
        expect(() => katex.renderToString(equation, { throwOnError: true }), `${name}: ${equation}`).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThan(100);
  });

  it("renders as Markdown with display math the notebook's showMarkdown takes", () => {
    const markdown = explanationMarkdown(explain(seedStep, "dL/dW31"));
    expect(markdown.split("\n")[0]).toBe("**dL/dW31** = 1: a gradient (floats)");
    expect(markdown).toContain("1 chain-rule path from the loss; the products sum to 1, the value backprop computed.");
    expect(markdown).toContain("$$\\frac{\\partial L}{\\partial a_{5}} = 2(Y_r - Y_e) = 2(2.5 - 2) = 1$$");
  });
});

/** A seeded fully connected net, sample and target; `decimals` rounds the weights so exact fractions stay small. */
function randomCase(seed: number, sizes: number[], activation: ActivationName[], decimals?: number): { network: NetworkDescription; input: number[]; target: number[] } {
  const network = buildNetwork({ sizes, activation, init: "he", seed, bias: 0.1 });
  const random = new SeededRandom(seed + 1000);
  const round = (x: number): number => (decimals === undefined ? x : Number(x.toFixed(decimals)));
  for (const layer of network.layers) {
    for (const neuron of layer.neurons) {
      for (const source of Object.keys(neuron.weights)) neuron.weights[source] = round(neuron.weights[source] as number);
      neuron.bias = round(random.uniform() - 0.3);
    }
  }
  const draw = (n: number): number[] => Array.from({ length: n }, () => round(2 * random.uniform() - 1));
  return { network, input: draw(sizes[0] as number), target: draw(sizes[sizes.length - 1] as number) };
}

/** Every gradient the trace holds, by the names explain takes. */
function gradientNames<T>(step: TracedStep<T>): string[] {
  return [...step.gradients.map((g) => `dL/d${g.parameter}`), ...step.backward.flatMap((r) => [`dL/d${r.neuron}`, `dL/dZ${/(\d+)$/.exec(r.neuron)?.[1]}`])];
}

const SHAPES: { sizes: number[]; activation: ActivationName[] }[] = [
  { sizes: [2, 2, 1], activation: ["relu", "relu"] },
  { sizes: [3, 4, 2], activation: ["tanh", "sigmoid"] },
  { sizes: [2, 3, 3, 1], activation: ["relu", "tanh", "identity"] },
  { sizes: [2, 4, 3, 2], activation: ["sigmoid", "relu", "identity"] },
];

describe("the sum over chain-rule paths equals backprop's gradient", () => {
  it("in floats, to 1e-12, on seeded nets of several shapes", () => {
    let widest = 0;
    let checked = 0;
    for (const [i, shape] of SHAPES.entries()) {
      for (const seed of [1, 2, 3]) {
        const c = randomCase(seed * 10 + i, shape.sizes, shape.activation);
        const step = traceStep(c.network, { input: c.input, target: c.target, learningRate: 0.1, loss: shape.sizes.at(-1)! > 1 ? "mse" : "squared-error" });
        for (const name of gradientNames(step)) {
          const why = explain(step, name);
          expect(why.pathSum, `${shape.sizes.join("-")} seed ${seed}: ${name}`).not.toBeNull();
          expect(Math.abs((why.pathSum as number) - why.value), `${shape.sizes.join("-")} seed ${seed}: ${name}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(why.value)));
          widest = Math.max(widest, why.paths.length);
          checked++;
        }
      }
    }
    // 2-4-3-2: a first-layer weight reaches the loss through 3 x 2 = 6 paths.
    expect(widest).toBe(6);
    expect(checked).toBeGreaterThan(150);
  });

  it("in exact fractions, exactly, including a hidden gradient with two or more paths", () => {
    for (const [i, shape] of [SHAPES[0]!, SHAPES[2]!, { sizes: [2, 3, 2], activation: ["relu", "identity"] as ActivationName[] }].entries()) {
      const c = randomCase(40 + i, shape.sizes, shape.activation.map((a) => (a === "tanh" ? "relu" : a)), 2);
      const step = traceStep(c.network, { input: c.input, target: c.target, learningRate: 0.1, arithmetic: fractionArithmetic });
      for (const name of gradientNames(step)) {
        const why = explain(step, name);
        expect(why.pathSum?.equals(why.value), `${shape.sizes.join("-")}: ${name} = ${why.value.toString()}, paths sum to ${why.pathSum?.toString()}`).toBe(true);
      }
    }
    const c = randomCase(7, [2, 3, 2], ["relu", "identity"], 2);
    const step = traceStep(c.network, { input: c.input, target: c.target, learningRate: 0.1, arithmetic: fractionArithmetic });
    const hidden = explain(step, "dL/dH3");
    expect(hidden.paths.map((p) => p.through)).toEqual([
      ["L", "O6", "Z6", "H3"],
      ["L", "O7", "Z7", "H3"],
    ]);
    expect(hidden.pathSum?.equals(hidden.value)).toBe(true);
    expect(hidden.equations.filter((e) => e.startsWith("\\frac{\\partial L}{\\partial a_{6}} \\cdot"))).toHaveLength(1);
  });

  it("refuses to list more paths than a learner could read", () => {
    const wide = buildNetwork({ sizes: [1, 2, 20, 20, 20, 1], activation: "relu", init: "he", seed: 1 });
    const step = traceStep(wide, { input: [1], target: [0], learningRate: 0.1 });
    expect(() => explain(step, "dL/dW21")).toThrow(/^chainPaths: 8000 paths lead from the loss to W21, more than 5000 can be listed/);
    expect(explain(step, "dL/db64").paths).toHaveLength(1);
    // The list of valid names stays one short line on a big net.
    expect(() => explain(step, "W99")).toThrow(/parameters W21 b2 W31 b3 .* \(925 in all\) \(before the update/);
  });
});
