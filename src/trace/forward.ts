import type { Arithmetic } from "../math/arithmetic";
import { nameList } from "../math/format";
import type { Model } from "../network/model";
import type { ForwardRecord } from "./records";

export interface ForwardPass<T> {
  records: ForwardRecord<T>[];
  /** Every neuron's activation by name, inputs included. */
  values: Map<string, T>;
  outputs: T[];
}

/** Layer by layer: Z = sum of input * weight, plus the bias; a = activation(Z). */
export function forward<T>(model: Model<T>, input: readonly T[], A: Arithmetic<T>): ForwardPass<T> {
  checkVector(input, model.inputs, "input", A);
  const values = new Map<string, T>(model.inputs.map((name, i) => [name, input[i] as T]));
  const records: ForwardRecord<T>[] = [];
  let outputs: T[] = [];
  model.layers.forEach((layer, l) => {
    outputs = layer.map((neuron) => {
      const terms = neuron.terms.map((term) => {
        const value = values.get(term.source) as T;
        return { source: term.source, input: value, weightName: term.weightName, weight: term.weight, product: A.mul(value, term.weight) };
      });
      // Summed left to right, then the bias, exactly as the source writes Z3.
      const z = A.add(
        terms.reduce((sum, term) => A.add(sum, term.product), A.from(0)),
        neuron.bias,
      );
      const a = neuron.activation.forward(z, A);
      values.set(neuron.name, a);
      records.push({ neuron: neuron.name, layer: l + 1, terms, biasName: neuron.biasName, bias: neuron.bias, z, activation: neuron.activation.name, a });
      return a;
    });
  });
  return { records, values, outputs };
}

/** A vector must have one finite value per name; the message names the position and the neuron. */
export function checkVector<T>(values: readonly T[], names: readonly string[], what: string, A: Arithmetic<T>): void {
  if (!Array.isArray(values)) throw new Error(`${what}: expected a list of ${names.length} numbers for ${nameList(names)}`);
  if (values.length !== names.length) {
    throw new Error(`${what} has ${values.length} value(s) but the network has ${names.length} (${nameList(names)})`);
  }
  values.forEach((value, i) => {
    const number = typeof value === "number" ? value : A.toNumber(value);
    if (!Number.isFinite(number)) throw new Error(`${what}[${i}] (${names[i]}) is ${String(value)}; every value must be a finite number`);
  });
}
