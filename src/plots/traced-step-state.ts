import type { TracedStep } from "../trace/traced-step";
import type { DiagramState } from "./network-geometry";

/**
 * What `networkDiagram` needs from one traced step (the worked examples'
 * path): the parameters before the update, their gradients, and every
 * neuron's output. Spread it into the options:
 * `networkDiagram(network, { show: "gradient", ...tracedStepState(step) })`.
 * Works for float and exact-fraction steps alike.
 */
export function tracedStepState<T>(step: TracedStep<T>): { entry: DiagramState; activations: Map<string, number> } {
  const parameters: Record<string, number> = {};
  const gradients: Record<string, number> = {};
  for (const update of step.updates) {
    parameters[update.parameter] = toNumber(update.old, `${update.parameter} (old value)`);
    gradients[update.parameter] = toNumber(update.gradient, `${update.parameter} (gradient)`);
  }
  const activations = new Map<string, number>(step.before.inputs.map((name, i) => [name, toNumber(step.input[i], `input ${name}`)]));
  for (const record of step.forward) activations.set(record.neuron, toNumber(record.a, `${record.neuron} output`));
  return { entry: { parameters, gradients }, activations };
}

/** Floats pass through; exact fractions (the engine's Fraction) give their nearest float. */
function toNumber(value: unknown, what: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null && typeof (value as { toNumber?: unknown }).toNumber === "function") {
    return (value as { toNumber(): number }).toNumber();
  }
  throw new Error(`tracedStepState: ${what} is ${String(value)}, not a number or fraction`);
}
