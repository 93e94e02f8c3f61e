import { type Arithmetic, arithmeticNamed } from "../math/arithmetic";
import { type ChainPath, chainPaths, nodeLatex, sumOfPaths } from "./chain-paths";
import type { Fraction } from "../math/fraction";
import { formatValue, latexName, lossPartialLatex } from "../math/format";
import { forwardEquations, lossEquation, updateEquations } from "../render/equations";
import type { TracedStep } from "../trace/traced-step";
import { type GradientTarget, parseValueName, type ValueRef, valueName } from "./value-names";

/**
 * Explain a number: how any value of a traced step was computed, as plain
 * data and as equations with the numbers substituted, all the way down to
 * the inputs, the targets and the parameters.
 *
 *   const step = traceStep(seedNetwork(), seedExample);
 *   const why = explain(step, "dL/dW31");
 *   why.value;                // 1, the number backprop computed
 *   why.paths.length;         // 1 chain-rule path in the 2-2-1 net (a wider net has more)
 *   why.paths[0].factors.map((f) => `${f.name} = ${f.meaning} = ${f.value}`);
 *                             // ["dL/dO5 = 2(Yr - Ye) = 1", "dO5/dZ5 = ReLU'(Z5) = 1", "dZ5/dH3 = W53 = 1", ...]
 *   why.pathSum;              // the paths' products summed: equals why.value
 *   why.equations;            // LaTeX lines; explanationMarkdown(why) renders them for showMarkdown
 *
 * Names (see value-names.ts): X1 (input), H3 / O5 (a neuron's output), Z3 (its
 * weighted sum), W31 / b3 (a parameter before the update), W31^new (after),
 * L (the loss), Ye (the target), dL/dW31, dL/db5, dL/dH3, dL/dZ3 (gradients).
 * An unknown name throws one line listing the valid ones. Works on float and
 * exact-fraction steps alike (`traceStep(..., { arithmetic: fractionArithmetic })`).
 */
export function explain<T extends number | Fraction>(step: TracedStep<T>, name: string): Explanation<T> {
  const ref = parseValueName(step, name, "explain");
  const A = arithmeticNamed(step.arithmetic) as Arithmetic<T>;
  const derivation = new Derivation(step, A);
  const last = derivation.add(ref);
  const paths = derivation.pathsShown;
  const pathStep = paths.length > 1 ? derivation.steps.findIndex((s) => s.kind === "gradient") : -1;
  const equations = derivation.steps.flatMap((s, i) => [...(i === pathStep ? paths.map((p) => p.equation) : []), ...(isLeaf(s.kind) ? [] : [s.equation])]);
  return {
    name: last.name,
    kind: ref.kind,
    arithmetic: step.arithmetic,
    value: last.value,
    symbol: symbolOf(step, ref),
    derivation: derivation.steps,
    paths,
    pathSum: paths.length > 0 ? sumOfPaths(paths, A) : null,
    equations,
  };
}

export type DerivationKind = ValueRef["kind"] | "learning-rate" | "local-derivative";

/** One computed (or given) value: its name, number, what it came from and its equation with numbers. */
export interface DerivationStep<T> {
  name: string;
  kind: DerivationKind;
  value: T;
  /** The names of the values this one is computed from (empty for inputs, targets and parameters). */
  from: string[];
  /** LaTeX with the numbers substituted, e.g. Z_{3} = X_{1} \cdot W_{31} + ... = (1 \cdot 0.5) + ... = 0.5 */
  equation: string;
}

export interface Explanation<T> {
  /** The canonical name of the explained value, e.g. "dL/dW31". */
  name: string;
  kind: ValueRef["kind"];
  arithmetic: "float" | "fraction";
  /** The value as the trace holds it (for a gradient: the one backprop computed). */
  value: T;
  /** Its LaTeX symbol, e.g. \frac{\partial L}{\partial W_{31}}. */
  symbol: string;
  /** Every value it depends on, each after the ones it uses, the explained value last. */
  derivation: DerivationStep<T>[];
  /** For a gradient (or an updated parameter, through its gradient): every chain-rule path from the loss; otherwise empty. */
  paths: ChainPath<T>[];
  /** The paths' products summed, which must equal `value`; null when there are no paths. */
  pathSum: T | null;
  /** The derivation's equations in order (given values left out), the paths' products before the sum that adds them. */
  equations: string[];
}

/** Collects the derivation steps depth-first, so each value follows the values it uses, and each appears once. */
class Derivation<T extends number | Fraction> {
  readonly steps: DerivationStep<T>[] = [];
  pathsShown: ChainPath<T>[] = [];
  private readonly seen = new Map<string, DerivationStep<T>>();

  constructor(
    private readonly step: TracedStep<T>,
    private readonly A: Arithmetic<T>,
  ) {}

  add(ref: ValueRef): DerivationStep<T> {
    const name = valueName(this.step, ref);
    const known = this.seen.get(name);
    if (known) return known;
    const made = this.make(ref, name);
    this.seen.set(name, made);
    this.steps.push(made);
    return made;
  }

  private make(ref: ValueRef, name: string): DerivationStep<T> {
    const { step } = this;
    switch (ref.kind) {
      case "input": {
        const value = step.input[step.before.inputs.indexOf(ref.neuron)] as T;
        return leaf(name, "input", value, `${latexName(ref.neuron)} = ${formatValue(value)}`);
      }
      case "target": {
        const value = step.loss.expected[ref.output] as T;
        return leaf(name, "target", value, `${symbolOf(step, ref)} = ${formatValue(value)}`);
      }
      case "parameter": {
        const value = this.update(ref.parameter).old;
        return leaf(name, "parameter", value, `${latexName(ref.parameter)} = ${formatValue(value)}`);
      }
      case "pre-activation": {
        const record = this.record(ref.neuron);
        const from = [
          ...record.terms.flatMap((t) => [this.add(this.sourceRef(t.source)).name, this.add({ kind: "parameter", parameter: t.weightName }).name]),
          this.add({ kind: "parameter", parameter: record.biasName }).name,
        ];
        return { name, kind: "pre-activation", value: record.z, from, equation: forwardEquations({ ...step, forward: [record] })[0] as string };
      }
      case "activation": {
        const record = this.record(ref.neuron);
        const from = [this.add({ kind: "pre-activation", neuron: ref.neuron }).name];
        return { name, kind: "activation", value: record.a, from, equation: forwardEquations({ ...step, forward: [record] })[1] as string };
      }
      case "loss": {
        const outputs = step.loss.received.map((_, k) => this.add({ kind: "activation", neuron: this.outputNeuron(k) }).name);
        const targets = step.loss.expected.map((_, k) => this.add({ kind: "target", neuron: this.outputNeuron(k), output: k }).name);
        return { name, kind: "loss", value: step.loss.value, from: [...outputs, ...targets], equation: lossEquation(step) };
      }
      case "gradient":
        return this.gradient(ref.of, name);
      case "updated-parameter": {
        const update = this.update(ref.parameter);
        const from = [
          this.add({ kind: "parameter", parameter: ref.parameter }).name,
          this.learningRate(update.learningRate),
          this.add({ kind: "gradient", of: { kind: "parameter", parameter: ref.parameter } }).name,
        ];
        return { name, kind: "updated-parameter", value: update.new, from, equation: updateEquations(step, [ref.parameter])[0] as string };
      }
    }
  }

  /** Each distinct local derivative once (with the values it is read from), then the sum over paths. */
  private gradient(of: GradientTarget, name: string): DerivationStep<T> {
    const { step, A } = this;
    const paths = chainPaths(step, of, A);
    this.pathsShown = paths;
    const factorNames: string[] = [];
    for (const factor of paths.flatMap((p) => p.factors)) {
      if (this.seen.has(factor.name)) continue;
      const from = factor.uses ? this.uses(factor.uses) : [];
      const made: DerivationStep<T> = { name: factor.name, kind: "local-derivative", value: factor.value, from, equation: factor.equation };
      this.seen.set(factor.name, made);
      this.steps.push(made);
      factorNames.push(factor.name);
    }
    const value = backpropValue(step, of);
    const symbol = lossPartialLatex(nodeLatex(step, valueName(step, of)));
    const symbols = paths.map((p) => p.factors.map((f) => f.latex).join(" \\cdot ")).join(" + ");
    const numbers =
      paths.length === 1 ? (paths[0]?.factors ?? []).map((f) => formatValue(f.value)).join(" \\cdot ") : paths.map((p) => formatValue(p.product)).join(" + ");
    return { name, kind: "gradient", value, from: factorNames, equation: `${symbol} = ${symbols} = ${numbers} = ${formatValue(value)}` };
  }

  /** A factor reads an input, a neuron's output, a weighted sum or a parameter; derive it and say which. */
  private uses(name: string): string[] {
    const ref = parseValueName(this.step, name, "explain");
    const used = [this.add(ref).name];
    // The loss's derivative at an output also reads that output's target.
    const k = ref.kind === "activation" ? this.step.loss.received.findIndex((_, i) => this.outputNeuron(i) === ref.neuron) : -1;
    if (k >= 0) used.push(this.add({ kind: "target", neuron: this.outputNeuron(k), output: k }).name);
    return used;
  }

  private learningRate(value: T): string {
    if (!this.seen.has("eta")) {
      const made = leaf("eta", "learning-rate", value, `\\eta = ${formatValue(value)}`);
      this.seen.set("eta", made);
      this.steps.push(made);
    }
    return "eta";
  }

  private sourceRef(source: string): ValueRef {
    return this.step.before.inputs.includes(source) ? { kind: "input", neuron: source } : { kind: "activation", neuron: source };
  }

  private record(neuron: string) {
    const record = this.step.forward.find((r) => r.neuron === neuron);
    if (!record) throw new Error(`explain: the trace has no forward record for ${neuron}`);
    return record;
  }

  private update(parameter: string) {
    const update = this.step.updates.find((u) => u.parameter === parameter);
    if (!update) throw new Error(`explain: the trace has no update of ${parameter}`);
    return update;
  }

  private outputNeuron(k: number): string {
    const layers = this.step.before.layers;
    return (layers[layers.length - 1]?.[k]?.name ?? "") as string;
  }
}

/** The gradient as backprop left it in the trace, which the path sum is checked against. */
function backpropValue<T>(step: TracedStep<T>, of: GradientTarget): T {
  if (of.kind === "parameter") {
    const record = step.gradients.find((g) => g.parameter === of.parameter);
    if (!record) throw new Error(`explain: the trace has no gradient of ${of.parameter}`);
    return record.gradient;
  }
  const record = step.backward.find((r) => r.neuron === of.neuron);
  if (!record) throw new Error(`explain: the trace has no backward record for ${of.neuron}`);
  return of.kind === "activation" ? record.upstream : record.product;
}

/** The LaTeX symbol of a named value, as the renderers write it. */
export function symbolOf<T>(step: TracedStep<T>, ref: ValueRef): string {
  switch (ref.kind) {
    case "loss":
      return "L";
    case "target":
      return step.loss.expected.length === 1 ? "Y_e" : `Y_{e,${/(\d+)$/.exec(ref.neuron)?.[1] ?? ""}}`;
    case "updated-parameter":
      return `${latexName(ref.parameter)}^{new}`;
    case "gradient":
      return lossPartialLatex(nodeLatex(step, valueName(step, ref.of)));
    default:
      return nodeLatex(step, valueName(step, ref));
  }
}

function leaf<T>(name: string, kind: DerivationKind, value: T, equation: string): DerivationStep<T> {
  return { name, kind, value, from: [], equation };
}

function isLeaf(kind: DerivationKind): boolean {
  return kind === "input" || kind === "target" || kind === "parameter" || kind === "learning-rate";
}
