import type { ForwardRecord, NeuronGradientRecord, ParameterGradientRecord, StepTrace, UpdateRecord } from "./records";

/**
 * One record of a traced step, found by name. Notebooks read single numbers
 * out of a trace all the time; these keep those reads to one short call and
 * fail with the name and what exists when a name is misspelt, instead of
 * handing back `undefined` to surface later as NaN.
 */

export function forwardRecord<T>(trace: StepTrace<T>, neuron: string): ForwardRecord<T> {
  return byName(trace.forward, (r) => r.neuron, neuron, "neuron");
}

export function backwardRecord<T>(trace: StepTrace<T>, neuron: string): NeuronGradientRecord<T> {
  return byName(trace.backward, (r) => r.neuron, neuron, "neuron");
}

export function gradientRecord<T>(trace: StepTrace<T>, parameter: string): ParameterGradientRecord<T> {
  return byName(trace.gradients, (r) => r.parameter, parameter, "parameter");
}

export function updateRecord<T>(trace: StepTrace<T>, parameter: string): UpdateRecord<T> {
  return byName(trace.updates, (r) => r.parameter, parameter, "parameter");
}

function byName<R>(records: readonly R[], nameOf: (record: R) => string, name: string, kind: string): R {
  const found = records.find((record) => nameOf(record) === name);
  if (found === undefined) {
    throw new Error(`no ${kind} named "${name}" in this step (it has ${records.map(nameOf).join(", ")})`);
  }
  return found;
}
