import { neuronIndex } from "../math/format";
import { parametersOf } from "../network/model";
import type { TracedStep } from "../trace/traced-step";

/**
 * The names `explain` and `check` accept for the values of a traced step,
 * all built from the engine's own neuron and parameter names:
 *
 *   X1, X2          an input's value
 *   H3, O5          a neuron's output a (after its activation)
 *   Z3, Z5          a neuron's weighted sum Z (before its activation), by the neuron's number
 *   W31, b3         a parameter as the step used it (before the update)
 *   W31^new, b3^new a parameter after the step's SGD update
 *   L               the loss (also "loss")
 *   Ye              the target (Ye5, Ye6, ... when the network has several outputs)
 *   dL/dW31, dL/db5, dL/dH3, dL/dZ3
 *                   the gradient of the loss with respect to a parameter, a neuron's output or its weighted sum
 */
export type ValueRef =
  | { kind: "loss" }
  | { kind: "input"; neuron: string }
  | { kind: "target"; neuron: string; output: number }
  | { kind: "activation"; neuron: string }
  | { kind: "pre-activation"; neuron: string }
  | { kind: "parameter"; parameter: string }
  | { kind: "updated-parameter"; parameter: string }
  | { kind: "gradient"; of: GradientTarget };

/** What a gradient can be taken with respect to. */
export type GradientTarget = Extract<ValueRef, { kind: "activation" | "pre-activation" | "parameter" }>;

export const UPDATED_SUFFIX = "^new";

/** Reads a name of the scheme above, or throws one line listing the valid names. */
export function parseValueName<T>(step: TracedStep<T>, name: string, caller: string): ValueRef {
  if (typeof name !== "string") throw new Error(`${caller}: the name must be a string like "dL/dW31", got ${String(name)}; ${validNames(step)}`);
  const ref = resolve(step, name.trim());
  if (!ref) throw new Error(`${caller}: no value named '${name}' in this step; ${validNames(step)}`);
  return ref;
}

/** The canonical spelling of a reference, the inverse of `parseValueName`. */
export function valueName<T>(step: TracedStep<T>, ref: ValueRef): string {
  switch (ref.kind) {
    case "loss":
      return "L";
    case "input":
    case "activation":
      return ref.neuron;
    case "target":
      return outputNames(step).length === 1 ? "Ye" : `Ye${neuronIndex(ref.neuron)}`;
    case "pre-activation":
      return sumName(ref.neuron);
    case "parameter":
      return ref.parameter;
    case "updated-parameter":
      return `${ref.parameter}${UPDATED_SUFFIX}`;
    case "gradient":
      return `dL/d${valueName(step, ref.of)}`;
  }
}

/** One line naming every kind of value, with this step's own names. */
export function validNames<T>(step: TracedStep<T>): string {
  const neurons = step.forward.map((r) => r.neuron);
  const parameters = [...parametersOf(step.before).keys()];
  const first = parameters[0] ?? "W31";
  return [
    `valid names: L (the loss)`,
    `inputs ${listed(step.before.inputs)}`,
    `neuron outputs ${listed(neurons)}`,
    `weighted sums ${listed(neurons.map(sumName))}`,
    `parameters ${listed(parameters)} (before the update; add ${UPDATED_SUFFIX} for after, e.g. ${first}${UPDATED_SUFFIX})`,
    `targets ${outputNames(step).length === 1 ? "Ye" : listed(outputNames(step).map((n) => `Ye${neuronIndex(n)}`))}`,
    `gradients dL/d<neuron output, weighted sum or parameter>, e.g. dL/d${first}`,
  ].join("; ");
}

/** A short list whole; a long one as its first and last few names, so the error stays one readable line. */
function listed(names: readonly string[]): string {
  if (names.length <= 12) return names.join(" ");
  return `${names.slice(0, 4).join(" ")} ... ${names.slice(-2).join(" ")} (${names.length} in all)`;
}

/** Z3 for neuron H3: the name of a neuron's weighted sum. */
export function sumName(neuron: string): string {
  return `Z${neuronIndex(neuron)}`;
}

export function outputNames<T>(step: TracedStep<T>): string[] {
  return (step.before.layers[step.before.layers.length - 1] ?? []).map((n) => n.name);
}

function resolve<T>(step: TracedStep<T>, name: string): ValueRef | null {
  if (name === "L" || name === "loss") return { kind: "loss" };
  if (name.startsWith("dL/d")) {
    const of = resolve(step, name.slice(4));
    return of && (of.kind === "activation" || of.kind === "pre-activation" || of.kind === "parameter") ? { kind: "gradient", of } : null;
  }
  if (step.before.inputs.includes(name)) return { kind: "input", neuron: name };
  const neurons = step.forward.map((r) => r.neuron);
  if (neurons.includes(name)) return { kind: "activation", neuron: name };
  const parameters = parametersOf(step.before);
  if (parameters.has(name)) return { kind: "parameter", parameter: name };
  if (name.endsWith(UPDATED_SUFFIX) && parameters.has(name.slice(0, -UPDATED_SUFFIX.length))) {
    return { kind: "updated-parameter", parameter: name.slice(0, -UPDATED_SUFFIX.length) };
  }
  const sum = /^Z(\d+)$/.exec(name);
  const summed = sum ? neurons.find((n) => neuronIndex(n) === sum[1]) : undefined;
  if (summed) return { kind: "pre-activation", neuron: summed };
  const outputs = outputNames(step);
  const target = /^Ye(\d*)$/.exec(name);
  if (target) {
    const output = target[1] === "" ? (outputs.length === 1 ? 0 : -1) : outputs.findIndex((n) => neuronIndex(n) === target[1]);
    if (output >= 0) return { kind: "target", neuron: outputs[output] as string, output };
  }
  return null;
}
