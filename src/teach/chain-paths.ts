import { activations } from "../math/activations";
import type { Arithmetic } from "../math/arithmetic";
import type { Fraction } from "../math/fraction";
import { formatValue, latexName, outputLatex, preActivationLatex } from "../math/format";
import { lossByName } from "../math/losses";
import { lossDerivativeLatex } from "../render/equations";
import type { TracedStep } from "../trace/traced-step";
import { type GradientTarget, outputNames, sumName } from "./value-names";

/**
 * The chain rule written out path by path. The gradient of the loss with
 * respect to a value is a sum over every route from the loss down to that
 * value, each route the product of the local derivatives along it. Backprop
 * computes the same sum layer by layer, sharing the common prefixes; listing
 * the routes one by one is what a learner does by hand, and the two must
 * agree.
 */

/** One local derivative on a path, e.g. dZ5/dH3 = W53 = 1. */
export interface ChainFactor<T> {
  /** "dZ5/dH3", in the names of `value-names.ts`. */
  name: string;
  /** Which local derivative: the loss's (dL/dO5), an activation's slope (dH3/dZ3), a weight (dZ5/dH3 = W53) or the input a parameter carries (dZ3/dW31 = X1, 1 for a bias). */
  kind: "loss" | "activation" | "weight" | "input";
  /** The value differentiated ("Z5") and the one it is differentiated by ("H3"). */
  of: string;
  by: string;
  value: T;
  /** What the local derivative equals, in words a learner writes: "2(Yr - Ye)", "ReLU'(Z5)", "W53", "X1", "1". */
  meaning: string;
  /** The parameter this factor is the old value of (dZ5/dH3 is W53), so a check can spot the updated one used instead. */
  parameter?: string;
  /** The trace value this factor is read from: "Z5" for ReLU'(Z5), "X1" for dZ3/dW31, "O5" for the loss's derivative. */
  uses?: string;
  /** \frac{\partial Z_{5}}{\partial a_{3}} */
  latex: string;
  /** \frac{\partial Z_{5}}{\partial a_{3}} = W_{53} = 1 */
  equation: string;
}

export interface ChainPath<T> {
  /** The values the path passes through, from the loss down: ["L", "O5", "Z5", "H3", "Z3", "W31"]. */
  through: string[];
  factors: ChainFactor<T>[];
  product: T;
  /** \frac{\partial L}{\partial a_{5}} \cdot ... = 1 \cdot 1 \cdot ... = 1 */
  equation: string;
}

/** A generous bound: a 2-8-8-8-1 net has 512 paths to a first-layer weight; past this a listing teaches nothing. */
export const MAX_CHAIN_PATHS = 5000;

type Value = number | Fraction;

/** Every chain-rule path from the loss to the target, in network order (first output, first downstream neuron first). */
export function chainPaths<T extends Value>(step: TracedStep<T>, target: GradientTarget, A: Arithmetic<T>): ChainPath<T>[] {
  const graph = stepGraph(step, A);
  const count = countPaths(graph, target);
  if (count > MAX_CHAIN_PATHS) {
    throw new Error(
      `chainPaths: ${count} paths lead from the loss to ${targetName(target)}, more than ${MAX_CHAIN_PATHS} can be listed; explain a value nearer the output`,
    );
  }
  return factorLists(graph, target).map((factors) => {
    const product = factors.reduce((p, f) => A.mul(p, f.value), A.from(1));
    const symbols = factors.map((f) => f.latex).join(" \\cdot ");
    const numbers = factors.map((f) => formatValue(f.value)).join(" \\cdot ");
    return { through: ["L", ...factors.map((f) => f.by)], factors, product, equation: `${symbols} = ${numbers} = ${formatValue(product)}` };
  });
}

/** Sums the paths' products in order, as a learner adds them. */
export function sumOfPaths<T>(paths: readonly ChainPath<T>[], A: Arithmetic<T>): T {
  return paths.reduce((sum, path) => A.add(sum, path.product), A.from(0));
}

/** The LaTeX symbol of a value in a path: a_{3} for a neuron's output, X_{1} for an input, Z_{3}, W_{31}. */
export function nodeLatex<T>(step: TracedStep<T>, name: string): string {
  if (name === "L") return "L";
  if (step.before.inputs.includes(name)) return latexName(name);
  if (step.forward.some((r) => r.neuron === name)) return outputLatex(name);
  if (/^Z\d+$/.test(name)) return preActivationLatex(name);
  return latexName(name);
}

interface Consumer<T> {
  neuron: string;
  weightName: string;
  weight: T;
}

interface StepGraph<T extends Value> {
  step: TracedStep<T>;
  A: Arithmetic<T>;
  /** For each neuron (inputs included), the neurons of the next layer that take its output, with the connecting weight. */
  consumers: Map<string, Consumer<T>[]>;
  outputs: string[];
}

function stepGraph<T extends Value>(step: TracedStep<T>, A: Arithmetic<T>): StepGraph<T> {
  const consumers = new Map<string, Consumer<T>[]>();
  for (const layer of step.before.layers) {
    for (const neuron of layer) {
      for (const term of neuron.terms) {
        const list = consumers.get(term.source) ?? [];
        list.push({ neuron: neuron.name, weightName: term.weightName, weight: term.weight });
        consumers.set(term.source, list);
      }
    }
  }
  return { step, A, consumers, outputs: outputNames(step) };
}

function countPaths<T extends Value>(graph: StepGraph<T>, target: GradientTarget): number {
  const memo = new Map<string, number>();
  const toOutput = (neuron: string): number => {
    const known = memo.get(neuron);
    if (known !== undefined) return known;
    const count = graph.outputs.includes(neuron) ? 1 : (graph.consumers.get(neuron) ?? []).reduce((sum, c) => sum + toOutput(c.neuron), 0);
    memo.set(neuron, count);
    return count;
  };
  return toOutput(target.kind === "parameter" ? ownerOf(graph, target.parameter) : target.neuron);
}

function factorLists<T extends Value>(graph: StepGraph<T>, target: GradientTarget): ChainFactor<T>[][] {
  if (target.kind === "activation") return toOutputOf(graph, target.neuron);
  if (target.kind === "pre-activation") return toSumOf(graph, target.neuron);
  const owner = ownerOf(graph, target.parameter);
  return toSumOf(graph, owner).map((path) => [...path, parameterFactor(graph, owner, target.parameter)]);
}

/** Paths from the loss to a neuron's output a: through the loss if it is an output, else through each neuron it feeds. */
function toOutputOf<T extends Value>(graph: StepGraph<T>, neuron: string): ChainFactor<T>[][] {
  const k = graph.outputs.indexOf(neuron);
  if (k >= 0) return [[lossFactor(graph, neuron, k)]];
  return (graph.consumers.get(neuron) ?? []).flatMap((consumer) =>
    toSumOf(graph, consumer.neuron).map((path) => [...path, weightFactor(graph, consumer, neuron)]),
  );
}

/** Paths from the loss to a neuron's weighted sum Z: its output's paths, then the activation's slope. */
function toSumOf<T extends Value>(graph: StepGraph<T>, neuron: string): ChainFactor<T>[][] {
  const slope = activationFactor(graph, neuron);
  return toOutputOf(graph, neuron).map((path) => [...path, slope]);
}

function lossFactor<T extends Value>(graph: StepGraph<T>, neuron: string, k: number): ChainFactor<T> {
  const { step, A } = graph;
  const value = lossByName(step.loss.loss).derivative(step.loss.received, step.loss.expected, A)[k] as T;
  const latex = `\\frac{\\partial L}{\\partial ${nodeLatex(step, neuron)}}`;
  const meaning = lossByName(step.loss.loss).words.derivative(graph.outputs.length);
  return {
    name: `dL/d${neuron}`,
    kind: "loss",
    of: "L",
    by: neuron,
    value,
    meaning,
    uses: neuron,
    latex,
    equation: `${latex} = ${lossDerivativeLatex(step, k)} = ${formatValue(value)}`,
  };
}

function activationFactor<T extends Value>(graph: StepGraph<T>, neuron: string): ChainFactor<T> {
  const { step, A } = graph;
  const record = step.forward.find((r) => r.neuron === neuron);
  if (!record) throw new Error(`chainPaths: no forward record for ${neuron}`);
  const activation = activations[record.activation];
  const value = activation.derivative(record.z, A);
  const sum = sumName(neuron);
  const latex = `\\frac{\\partial ${nodeLatex(step, neuron)}}{\\partial ${preActivationLatex(neuron)}}`;
  const symbolic = activation.derivativeLatex(preActivationLatex(neuron));
  const substituted = activation.derivativeLatex(formatValue(record.z));
  // A constant slope (the identity's 1) reads the same with the number put in: say it once.
  const meaningLatex = symbolic === substituted ? symbolic : `${symbolic} = ${substituted}`;
  const meaning = activation.derivativeWords(sum);
  return {
    name: `d${neuron}/d${sum}`,
    kind: "activation",
    of: neuron,
    by: sum,
    value,
    meaning,
    uses: sum,
    latex,
    equation: `${latex} = ${meaningLatex} = ${formatValue(value)}`,
  };
}

function weightFactor<T extends Value>(graph: StepGraph<T>, consumer: Consumer<T>, source: string): ChainFactor<T> {
  const { step } = graph;
  const sum = sumName(consumer.neuron);
  const latex = `\\frac{\\partial ${preActivationLatex(consumer.neuron)}}{\\partial ${nodeLatex(step, source)}}`;
  return {
    name: `d${sum}/d${source}`,
    kind: "weight",
    of: sum,
    by: source,
    value: consumer.weight,
    meaning: consumer.weightName,
    parameter: consumer.weightName,
    uses: consumer.weightName,
    latex,
    equation: `${latex} = ${latexName(consumer.weightName)} = ${formatValue(consumer.weight)}`,
  };
}

/** dZ/dW is the input the weight carries; dZ/db is 1. */
function parameterFactor<T extends Value>(graph: StepGraph<T>, neuron: string, parameter: string): ChainFactor<T> {
  const { step, A } = graph;
  const record = step.forward.find((r) => r.neuron === neuron);
  const term = record?.terms.find((t) => t.weightName === parameter);
  const sum = sumName(neuron);
  const latex = `\\frac{\\partial ${preActivationLatex(neuron)}}{\\partial ${latexName(parameter)}}`;
  if (!term) return { name: `d${sum}/d${parameter}`, kind: "input", of: sum, by: parameter, value: A.from(1), meaning: "1", latex, equation: `${latex} = 1` };
  return {
    name: `d${sum}/d${parameter}`,
    kind: "input",
    of: sum,
    by: parameter,
    value: term.input,
    meaning: term.source,
    uses: term.source,
    latex,
    equation: `${latex} = ${nodeLatex(step, term.source)} = ${formatValue(term.input)}`,
  };
}

function ownerOf<T extends Value>(graph: StepGraph<T>, parameter: string): string {
  for (const layer of graph.step.before.layers) {
    for (const neuron of layer) {
      if (neuron.biasName === parameter || neuron.terms.some((t) => t.weightName === parameter)) return neuron.name;
    }
  }
  throw new Error(`chainPaths: no parameter named '${parameter}'`);
}

function targetName(target: GradientTarget): string {
  return target.kind === "parameter" ? target.parameter : target.kind === "activation" ? target.neuron : sumName(target.neuron);
}
