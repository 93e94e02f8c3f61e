import { biasName, type NetworkDescription, validateNetwork, weightName } from "../network/description";

/** What the edges of a network diagram stand for. */
export type DiagramQuantity = "weight" | "gradient" | "update";

/**
 * The numbers of one training state. A `HistoryEntry` fits as is; so does
 * `{ parameters, gradients }` built from a traced step.
 */
export interface DiagramState {
  step?: number;
  parameters?: Readonly<Record<string, number>>;
  gradients?: Readonly<Record<string, number>>;
}

export interface DiagramOptions {
  show: DiagramQuantity;
  /** The state to draw; without it the network's own weights are drawn (and only "weight" can be shown). */
  entry?: DiagramState;
  /** The step named in the title; default entry.step. */
  step?: number;
  /** Needed for "update": the update SGD applies is -learningRate * gradient. */
  learningRate?: number;
  /** Each neuron's output (inputs included), e.g. `forward(...).values`, written under the neuron. */
  activations?: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
}

export interface NeuronGlyph {
  name: string;
  /** 0 for the inputs, then 1, 2, ... */
  layer: number;
  x: number;
  y: number;
  /** The neuron's bias parameter and its shown quantity; inputs have none. */
  bias?: { name: string; value: number };
  activation?: number;
}

export interface EdgeGlyph {
  /** The weight's name, e.g. W53. */
  name: string;
  source: string;
  target: string;
  /** The shown quantity (weight, gradient or update) of this weight. */
  value: number;
  /** Line width in pixels, growing with |value|. */
  width: number;
  from: { x: number; y: number };
  to: { x: number; y: number };
}

export interface NetworkGeometry {
  quantity: DiagramQuantity;
  neurons: NeuronGlyph[];
  edges: EdgeGlyph[];
}

export const MIN_EDGE_WIDTH = 1;
export const MAX_EDGE_WIDTH = 8;

/**
 * Places every neuron (layers left to right, each layer centred, first
 * neuron on top) and gives every weight its shown value and line width.
 * Kept apart from the Plotly figure so tests can read the geometry directly.
 */
export function networkGeometry(network: NetworkDescription, options: DiagramOptions): NetworkGeometry {
  const description = validateNetwork(network, "networkDiagram: network");
  const shownValue = quantityReader(options);
  const activationOf = activationReader(options.activations);
  const layers = [description.inputs, ...description.layers.map((layer) => layer.neurons.map((neuron) => neuron.name))];
  const position = new Map<string, { x: number; y: number }>();
  const neurons: NeuronGlyph[] = [];
  layers.forEach((names, l) => {
    names.forEach((name, i) => {
      const at = { x: l, y: (names.length - 1) / 2 - i };
      position.set(name, at);
      const activation = activationOf(name);
      neurons.push({
        name,
        layer: l,
        ...at,
        ...(l === 0 ? {} : { bias: { name: biasName(name), value: shownValue(biasName(name), biasOf(description, name)) } }),
        ...(activation === undefined ? {} : { activation }),
      });
    });
  });

  const unsized: Omit<EdgeGlyph, "width">[] = description.layers.flatMap((layer) =>
    layer.neurons.flatMap((neuron) =>
      Object.entries(neuron.weights).map(([source, weight]) => {
        const name = weightName(neuron.name, source);
        return {
          name,
          source,
          target: neuron.name,
          value: shownValue(name, weight),
          from: position.get(source) as { x: number; y: number },
          to: position.get(neuron.name) as { x: number; y: number },
        };
      }),
    ),
  );
  const largest = Math.max(0, ...unsized.map((edge) => Math.abs(edge.value)));
  const edges = unsized.map((edge) => ({ ...edge, width: edgeWidth(edge.value, largest) }));
  return { quantity: options.show, neurons, edges };
}

/** Width grows linearly with |value| relative to the largest; rounded to quarter pixels so equal widths share one trace. */
export function edgeWidth(value: number, largest: number): number {
  if (largest === 0 || !Number.isFinite(largest)) return MIN_EDGE_WIDTH;
  const raw = MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * (Math.abs(value) / largest);
  return Math.round(raw * 4) / 4;
}

function quantityReader(options: DiagramOptions): (name: string, ownValue: number) => number {
  const { show, entry } = options;
  const need = (what: "parameters" | "gradients", name: string): number => {
    const record = entry?.[what];
    if (!record) throw new Error(`networkDiagram: show "${show}" needs options.entry with ${what} (a HistoryEntry, say)`);
    const value = record[name];
    if (value === undefined) throw new Error(`networkDiagram: options.entry.${what} has no '${name}'; it has ${Object.keys(record).join(", ")}`);
    return value;
  };
  switch (show) {
    case "weight":
      return (name, ownValue) => (entry?.parameters ? need("parameters", name) : ownValue);
    case "gradient":
      return (name) => need("gradients", name);
    case "update": {
      const rate = options.learningRate;
      if (typeof rate !== "number" || !(rate > 0) || !Number.isFinite(rate)) {
        throw new Error(`networkDiagram: show "update" needs options.learningRate (a positive number), got ${String(rate)}`);
      }
      // What SGD adds to the parameter: -learningRate * gradient.
      return (name) => -rate * need("gradients", name);
    }
    default:
      throw new Error(`networkDiagram: show must be "weight", "gradient" or "update", got ${JSON.stringify(show)}`);
  }
}

function activationReader(values: DiagramOptions["activations"]): (name: string) => number | undefined {
  if (values === undefined) return () => undefined;
  if (values instanceof Map) return (name) => values.get(name);
  const record = values as Readonly<Record<string, number>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}

function biasOf(network: NetworkDescription, neuron: string): number {
  for (const layer of network.layers) {
    for (const candidate of layer.neurons) if (candidate.name === neuron) return candidate.bias;
  }
  throw new Error(`networkDiagram: no neuron named '${neuron}'`);
}
