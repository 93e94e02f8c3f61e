import { type Activation, activationByName } from "../math/activations";
import type { Arithmetic } from "../math/arithmetic";
import { nameList } from "../math/format";
import { biasName, type NetworkDescription, validateNetwork, weightName } from "./description";

/**
 * A validated network with its parameters in a chosen arithmetic (floats or
 * exact fractions). The traced path computes on this; a description is only
 * numbers, so it cannot hold the exact result of an update.
 */
export interface Model<T> {
  readonly kind: "model";
  readonly name?: string;
  readonly inputs: readonly string[];
  readonly layers: readonly (readonly ModelNeuron<T>[])[];
}

export interface ModelNeuron<T> {
  readonly name: string;
  readonly activation: Activation;
  readonly terms: readonly { readonly source: string; readonly weightName: string; readonly weight: T }[];
  readonly biasName: string;
  readonly bias: T;
}

export function toModel<T>(network: NetworkDescription | Model<T>, A: Arithmetic<T>): Model<T> {
  if ("kind" in network && network.kind === "model") return network;
  const description = validateNetwork(network);
  return {
    kind: "model",
    ...(description.name === undefined ? {} : { name: description.name }),
    inputs: [...description.inputs],
    layers: description.layers.map((layer) =>
      layer.neurons.map((neuron) => ({
        name: neuron.name,
        activation: activationByName(neuron.activation ?? layer.activation ?? "relu"),
        terms: Object.entries(neuron.weights).map(([source, weight]) => ({
          source,
          weightName: weightName(neuron.name, source),
          weight: A.from(weight),
        })),
        biasName: biasName(neuron.name),
        bias: A.from(neuron.bias),
      })),
    ),
  };
}

/** Every parameter by name, layer by layer, each neuron's weights then its bias. */
export function parametersOf<T>(model: Model<T>): Map<string, T> {
  const parameters = new Map<string, T>();
  for (const layer of model.layers) {
    for (const neuron of layer) {
      for (const term of neuron.terms) parameters.set(term.weightName, term.weight);
      parameters.set(neuron.biasName, neuron.bias);
    }
  }
  return parameters;
}

/** The names of each layer's parameters, for per-layer summaries such as gradient norms. */
export function parameterNamesByLayer<T>(model: Model<T>): string[][] {
  return model.layers.map((layer) => layer.flatMap((neuron) => [...neuron.terms.map((t) => t.weightName), neuron.biasName]));
}

/** A copy of the model with the named parameters replaced; names it does not have are an error. */
export function withParameters<T>(model: Model<T>, values: ReadonlyMap<string, T>): Model<T> {
  const known = parametersOf(model);
  for (const name of values.keys()) {
    if (!known.has(name)) throw new Error(`no parameter named '${name}'; this network has ${nameList([...known.keys()])}`);
  }
  const pick = (name: string, old: T): T => (values.has(name) ? (values.get(name) as T) : old);
  return {
    ...model,
    layers: model.layers.map((layer) =>
      layer.map((neuron) => ({
        ...neuron,
        terms: neuron.terms.map((term) => ({ ...term, weight: pick(term.weightName, term.weight) })),
        bias: pick(neuron.biasName, neuron.bias),
      })),
    ),
  };
}

/** Back to plain JSON data (fractions become the nearest float). */
export function toDescription<T>(model: Model<T>, A: Arithmetic<T>): NetworkDescription {
  return {
    ...(model.name === undefined ? {} : { name: model.name }),
    inputs: [...model.inputs],
    layers: model.layers.map((layer) => ({
      neurons: layer.map((neuron) => ({
        name: neuron.name,
        activation: neuron.activation.name,
        weights: Object.fromEntries(neuron.terms.map((term) => [term.source, A.toNumber(term.weight)])),
        bias: A.toNumber(neuron.bias),
      })),
    })),
  };
}
