import type { MathJsInstance, MathNode } from "mathjs";
import { Fraction } from "../math/fraction";
import { checkOutputActivation, lossByName, type LossName } from "../math/losses";
import { parametersOf, toModel } from "../network/model";
import type { NetworkDescription } from "../network/description";
import { fractionArithmetic } from "../math/arithmetic";
import type { Sample } from "../trace/traced-step";

/**
 * An independent check of backprop: the loss written out as one mathjs
 * expression of the parameters, differentiated symbolically and evaluated,
 * so no code is shared with the chain-rule implementation.
 */
interface MathInstances {
  floats: MathJsInstance;
  /** every literal and every result is an exact fraction */
  exact: MathJsInstance;
}
let instances: MathInstances | undefined;

/**
 * mathjs takes most of a second to load, and every notebook's kernel would pay
 * for it on `import "gradient-lab"`; only the symbolic checks need it, so it
 * loads on their first call.
 */
function mathjs(): MathInstances {
  if (instances === undefined) {
    const { all, create } = require("mathjs") as typeof import("mathjs");
    // mathjs types `all` as possibly undefined (for tree-shaken builds); the full package always has it.
    const factories = all as NonNullable<typeof all>;
    instances = { floats: create(factories, {}), exact: create(factories, { number: "Fraction" }) };
  }
  return instances;
}

/** The loss for one sample as an expression string whose free symbols are the parameter names. */
export function lossExpression(network: NetworkDescription, sample: Sample, loss: LossName = "squared-error"): string {
  const model = toModel(network, fractionArithmetic);
  const values = new Map<string, string>(model.inputs.map((name, i) => [name, decimal(sample.input[i], `input[${i}]`)]));
  let outputs: string[] = [];
  let logits: string[] = [];
  for (const layer of model.layers) {
    logits = layer.map((neuron) => [...neuron.terms.map((t) => `${t.weightName} * ${values.get(t.source)}`), neuron.biasName].join(" + "));
    outputs = layer.map((neuron, j) => {
      const expression = neuron.activation.expression(logits[j] as string);
      values.set(neuron.name, expression);
      return expression;
    });
  }
  const targets = outputs.map((_, k) => decimal(sample.target[k], `target[${k}]`));
  const record = lossByName(loss);
  if (record.fromLogits === undefined) return record.expression(outputs, targets);
  checkOutputActivation(
    record.name,
    record.fromLogits.activation,
    (model.layers[model.layers.length - 1] ?? []).map((n) => ({ name: n.name, activation: n.activation.name })),
  );
  return record.fromLogits.expression(logits, targets);
}

export interface SymbolicGradient<T> {
  parameter: string;
  /** dL/dparameter as a (long, unsimplified) expression */
  expression: string;
  value: T;
}

/** dL/dparameter for every parameter, by mathjs `derivative`, evaluated in floats. */
export function symbolicGradients(network: NetworkDescription, sample: Sample, options?: { loss?: LossName; exact?: false }): SymbolicGradient<number>[];
/** The same in exact fractions (ReLU and identity networks with squared-error or MSE losses only). */
export function symbolicGradients(network: NetworkDescription, sample: Sample, options: { loss?: LossName; exact: true }): SymbolicGradient<Fraction>[];
export function symbolicGradients(
  network: NetworkDescription,
  sample: Sample,
  options: { loss?: LossName; exact?: boolean } = {},
): SymbolicGradient<number | Fraction>[] {
  const math = options.exact ? mathjs().exact : mathjs().floats;
  const expression = math.parse(lossExpression(network, sample, options.loss));
  const parameters = parametersOf(toModel(network, fractionArithmetic));
  const scope = Object.fromEntries([...parameters].map(([name, value]) => [name, options.exact ? math.fraction(value.toString()) : value.toNumber()]));
  return [...parameters.keys()].map((parameter) => {
    const derivative: MathNode = math.derivative(expression, parameter, { simplify: false });
    const result: unknown = derivative.evaluate(scope);
    return { parameter, expression: derivative.toString(), value: options.exact ? toFraction(math.format(result, { fraction: "ratio" })) : Number(result) };
  });
}

/** The loss itself, evaluated from the expression (floats), to compare with the forward pass. */
export function symbolicLoss(network: NetworkDescription, sample: Sample, loss: LossName = "squared-error"): number {
  const scope = Object.fromEntries([...parametersOf(toModel(network, fractionArithmetic))].map(([n, v]) => [n, v.toNumber()]));
  return Number(mathjs().floats.evaluate(lossExpression(network, sample, loss), scope));
}

function toFraction(ratio: string): Fraction {
  const match = /^(-?\d+)(?:\/(\d+))?$/.exec(ratio.trim());
  if (!match?.[1]) throw new Error(`symbolic check: expected an exact fraction, mathjs gave '${ratio}' (transcendental functions have no exact value)`);
  return new Fraction(BigInt(match[1]), BigInt(match[2] ?? "1"));
}

function decimal(value: number | undefined, what: string): string {
  if (value === undefined || !Number.isFinite(value)) throw new Error(`symbolic check: ${what} is ${value}; expected a finite number`);
  // Written as a decimal literal so the exact instance reads 0.01 as 1/100; parenthesised for negatives.
  return `(${Fraction.fromDecimal(value).toDecimalString()})`;
}
