import type { ActivationName } from "../math/activations";
import type { FloatArray } from "../math/float-array";
import { biasName, type NetworkDescription, neuronNames, weightName } from "../network/description";

/** The names a fast network's neurons carry: the description's, or the standard X/H/O ones. */
export interface NeuronNames {
  inputs: string[];
  neurons: string[][];
  name?: string;
}

/** What the fast path needs of a description: layer sizes (inputs first), one activation per layer, the names. */
export interface FastShape {
  sizes: number[];
  activations: ActivationName[];
  names: NeuronNames;
}

/** A validated description's shape; a layer that mixes activations is an error naming the neurons. */
export function fastShape(network: NetworkDescription): FastShape {
  return {
    sizes: [network.inputs.length, ...network.layers.map((layer) => layer.neurons.length)],
    activations: network.layers.map((layer, l) => {
      const first = layer.neurons[0]?.activation ?? layer.activation;
      for (const neuron of layer.neurons) {
        const own = neuron.activation ?? layer.activation;
        if (own !== first)
          throw new Error(
            `fast path: layer ${l + 1} mixes activations (${neuron.name} uses ${own}, ${layer.neurons[0]?.name} uses ${first}); it needs one activation per layer`,
          );
      }
      return first as ActivationName;
    }),
    names: {
      inputs: [...network.inputs],
      neurons: network.layers.map((layer) => layer.neurons.map((n) => n.name)),
      ...(network.name === undefined ? {} : { name: network.name }),
    },
  };
}

/** Copies a description's parameters into row-major buffers (layer l's weight from input i into neuron j at j x inputs + i); a missing weight is an error naming it. */
export function loadParameters(network: NetworkDescription, weights: readonly FloatArray[], biases: readonly FloatArray[]): void {
  let previous = network.inputs;
  network.layers.forEach((layer, l) => {
    const w = weights[l] as FloatArray;
    const b = biases[l] as FloatArray;
    layer.neurons.forEach((neuron, j) => {
      previous.forEach((source, i) => {
        const value = neuron.weights[source];
        if (value === undefined)
          throw new Error(`fast path: ${neuron.name} has no weight from ${source} (${weightName(neuron.name, source)}); it needs fully connected layers`);
        w[j * previous.length + i] = value;
      });
      b[j] = neuron.bias;
    });
    previous = layer.neurons.map((n) => n.name);
  });
}

/** Row-major buffers as a description, named by `names` or else by the standard rule. */
export function describe(
  sizes: readonly number[],
  activations: readonly ActivationName[],
  names: NeuronNames | undefined,
  weights: readonly FloatArray[],
  biases: readonly FloatArray[],
): NetworkDescription {
  const standard = names === undefined ? neuronNames(sizes) : [];
  const inputs = names?.inputs ?? standard[0] ?? [];
  const neurons = names?.neurons ?? standard.slice(1);
  let previous = inputs;
  return {
    ...(names?.name === undefined ? {} : { name: names.name }),
    inputs: [...inputs],
    layers: neurons.map((layer, l) => {
      const w = weights[l] as FloatArray;
      const sources = previous;
      previous = layer;
      return {
        activation: activations[l],
        neurons: layer.map((name, j) => ({
          name,
          weights: Object.fromEntries(sources.map((source, i) => [source, w[j * sources.length + i] as number])),
          bias: (biases[l] as FloatArray)[j] as number,
        })),
      };
    }),
  };
}

/** Every value of row-major buffers by the traced path's names (W31, b3, ...), in a description's shape. */
export function namedValues(description: NetworkDescription, weights: readonly FloatArray[], biases: readonly FloatArray[]): Map<string, number> {
  const values = new Map<string, number>();
  let previous = description.inputs;
  description.layers.forEach((layer, l) => {
    layer.neurons.forEach((neuron, j) => {
      previous.forEach((source, i) => {
        values.set(weightName(neuron.name, source), (weights[l] as FloatArray)[j * previous.length + i] as number);
      });
      values.set(biasName(neuron.name), (biases[l] as FloatArray)[j] as number);
    });
    previous = layer.neurons.map((n) => n.name);
  });
  return values;
}
