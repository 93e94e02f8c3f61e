import type { ActivationName } from "../math/activations";
import { type NetworkDescription, neuronNames } from "./description";
import { SeededRandom } from "./random";

/**
 * How to draw a layer's starting weights, given n_in (fan-in) and n_out:
 * - he:     N(0, 2 / n_in), made for ReLU (He et al. 2015); the source's choice
 * - xavier: N(0, 2 / (n_in + n_out)), made for tanh and sigmoid (Glorot & Bengio 2010)
 * - naive:  N(0, 1) whatever the layer size, to show what goes wrong
 */
export type Initialisation = "he" | "xavier" | "naive";

export function initialVariance(scheme: Initialisation, fanIn: number, fanOut: number): number {
  switch (scheme) {
    case "he":
      return 2 / fanIn;
    case "xavier":
      return 2 / (fanIn + fanOut);
    case "naive":
      return 1;
  }
}

export interface BuildOptions {
  /** Neurons per layer, inputs first: [2, 2, 1] is the source's network. */
  sizes: number[];
  /** One activation for every layer, or one per layer after the inputs. */
  activation: ActivationName | ActivationName[];
  init: Initialisation;
  seed: number;
  /** Starting bias of every neuron (default 0). */
  bias?: number;
  name?: string;
}

/**
 * A fully connected network with drawn weights, named in the source's style:
 * inputs X1..Xn, hidden neurons H.., outputs O.., numbered across the network.
 */
export function buildNetwork(options: BuildOptions): NetworkDescription {
  const { sizes, init, seed } = options;
  if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`sizes must list at least two positive whole layer sizes (inputs first), got [${sizes.join(", ")}]`);
  }
  const activationsPerLayer = Array.isArray(options.activation) ? options.activation : sizes.slice(1).map(() => options.activation as ActivationName);
  if (activationsPerLayer.length !== sizes.length - 1) {
    throw new Error(`activation: expected one per layer after the inputs (${sizes.length - 1}), got ${activationsPerLayer.length}`);
  }
  const random = new SeededRandom(seed);
  const names = neuronNames(sizes);
  return {
    name: options.name ?? `${sizes.join("-")} ${init}, seed ${seed}`,
    inputs: names[0] ?? [],
    layers: names.slice(1).map((layerNames, l) => {
      const previous = names[l] ?? [];
      const deviation = Math.sqrt(initialVariance(init, previous.length, layerNames.length));
      return {
        activation: activationsPerLayer[l],
        neurons: layerNames.map((name) => ({
          name,
          weights: Object.fromEntries(previous.map((source) => [source, random.normal(0, deviation)])),
          bias: options.bias ?? 0,
        })),
      };
    }),
  };
}
