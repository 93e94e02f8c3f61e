import type { StepTrace } from "./records";

export interface NonFiniteValue {
  /** What the value is, by the trace's names: "Z of O5", "dL/dW54", "new W54" */
  what: string;
  value: number;
}

/**
 * The first value of a step that is not a finite number, in the order the
 * step computed them (forward, loss, backward, gradients, update), so the
 * report names where an overflow began rather than where it spread to.
 */
export function firstNonFinite<T>(trace: StepTrace<T>, toNumber: (value: T) => number): NonFiniteValue | undefined {
  const candidates = function* (): Generator<[string, T]> {
    for (const r of trace.forward) {
      yield [`Z of ${r.neuron}`, r.z];
      yield [`output a of ${r.neuron}`, r.a];
    }
    yield [`the ${trace.loss.loss} loss`, trace.loss.value];
    for (const r of trace.backward) yield [`dL/dZ of ${r.neuron}`, r.product];
    for (const g of trace.gradients) yield [`dL/d${g.parameter}`, g.gradient];
    for (const u of trace.updates) yield [`new ${u.parameter}`, u.new];
  };
  for (const [what, value] of candidates()) {
    const number = toNumber(value);
    if (!Number.isFinite(number)) return { what, value: number };
  }
  return undefined;
}
