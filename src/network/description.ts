import { activationByName, type ActivationName, activations } from "../math/activations";
import { nameList, quotedName, shortName } from "../math/format";
import { parseJsonStrict } from "./json";

/**
 * A network as plain JSON data. Neurons are named as in the source: inputs
 * X1 X2, hidden H3 H4, output O5, numbered across the whole network, and a
 * weight is keyed by the neuron it comes from (H3's weight "X1" is W31).
 */
export interface NetworkDescription {
  name?: string;
  inputs: string[];
  layers: LayerDescription[];
}

export interface LayerDescription {
  /** Default activation for the layer's neurons. */
  activation?: ActivationName;
  neurons: NeuronDescription[];
}

export interface NeuronDescription {
  name: string;
  /** Incoming weights keyed by the source neuron's name, from the previous layer. */
  weights: Record<string, number>;
  bias: number;
  /** Overrides the layer's activation. */
  activation?: ActivationName;
}

/**
 * The source's names for a network of these layer sizes (inputs first):
 * neurons numbered across the network, X for inputs, H for hidden neurons,
 * O for outputs, e.g. [X1, X2], [H3, H4], [O5] for 2-2-1.
 */
export function neuronNames(sizes: readonly number[]): string[][] {
  let number = 0;
  return sizes.map((size, l) => Array.from({ length: size }, () => `${l === 0 ? "X" : l === sizes.length - 1 ? "O" : "H"}${++number}`));
}

/** W31 is the weight into neuron 3 from neuron 1; with any number above 9 it reads W12_3. */
export function weightName(target: string, source: string): string {
  const t = neuronNumber(target);
  const s = neuronNumber(source);
  return t.length === 1 && s.length === 1 ? `W${t}${s}` : `W${t}_${s}`;
}

export function biasName(neuron: string): string {
  return `b${neuronNumber(neuron)}`;
}

function neuronNumber(name: string): string {
  const match = /(\d+)$/.exec(name);
  if (!match?.[1]) throw new Error(`neuron name ${quotedName(name)} must end in its number, like X1 or H3`);
  return match[1];
}

/**
 * Checks an untrusted value (parsed JSON, say) and returns it as a network
 * description, or throws one error naming the first problem and where it is.
 */
export function validateNetwork(value: unknown, where = "network"): NetworkDescription {
  if (!isObject(value)) throw new Error(`${where}: expected an object with 'inputs' and 'layers', got ${describe(value)}`);
  const { inputs, layers } = value;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => typeof x === "string")) {
    throw new Error(`${where}.inputs: expected a non-empty list of input names like ["X1", "X2"], got ${describe(inputs)}`);
  }
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new Error(`${where}.layers: expected a non-empty list of layers, got ${describe(layers)}`);
  }
  const numbers = new Map<string, string>();
  const claim = (name: string, path: string): void => {
    let number: string;
    try {
      number = neuronNumber(name);
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
    const owner = numbers.get(number);
    if (owner !== undefined) throw new Error(`${path}: neuron ${quotedName(name)} reuses number ${number}, already taken by ${shortName(owner)}`);
    numbers.set(number, name);
  };
  inputs.forEach((name, i) => {
    claim(name, `${where}.inputs[${i}]`);
  });

  let previous: string[] = inputs;
  layers.forEach((layer: unknown, l) => {
    const path = `${where}.layers[${l}]`;
    if (!isObject(layer) || !Array.isArray(layer.neurons) || layer.neurons.length === 0) {
      throw new Error(`${path}: expected { activation, neurons: [...] } with at least one neuron, got ${describe(layer)}`);
    }
    checkActivation(layer.activation, `${path}.activation`, true);
    const names: string[] = [];
    // A set, not previous.includes: a 50,000-input neuron would otherwise take 2.5e9 comparisons.
    const previousSet = new Set(previous);
    layer.neurons.forEach((neuron: unknown, n) => {
      const at = `${path}.neurons[${n}]`;
      if (!isObject(neuron) || typeof neuron.name !== "string") throw new Error(`${at}: expected { name, weights, bias }, got ${describe(neuron)}`);
      claim(neuron.name, at);
      if (neuron.activation === undefined && layer.activation === undefined) {
        throw new Error(`${at} (${neuron.name}): no activation; give the layer or the neuron one of ${Object.keys(activations).join(", ")}`);
      }
      checkActivation(neuron.activation, `${at}.activation`, true);
      checkFinite(neuron.bias, `${at}.bias (${biasNameOrRaw(neuron.name)})`);
      if (!isObject(neuron.weights)) throw new Error(`${at}.weights: expected an object keyed by source neuron, got ${describe(neuron.weights)}`);
      for (const [source, weight] of Object.entries(neuron.weights)) {
        if (!previousSet.has(source)) {
          throw new Error(
            `${at}.weights: ${quotedName(source)} names no neuron of the previous layer (${nameList(previous)}), so ${shortName(neuron.name)} cannot take a weight from it`,
          );
        }
        checkFinite(weight, `${at}.weights.${source} (${weightName(neuron.name, source)})`);
      }
      names.push(neuron.name);
    });
    previous = names;
  });
  return value as unknown as NetworkDescription;
}

/** Parses JSON text (refusing duplicate keys and runaway nesting) and validates it; `source` names the file in error messages. */
export function parseNetwork(text: string, source = "network"): NetworkDescription {
  return validateNetwork(parseJsonStrict(text, source), source);
}

function checkActivation(value: unknown, path: string, optional: boolean): void {
  if (value === undefined && optional) return;
  try {
    activationByName(value as string);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

function checkFinite(value: unknown, path: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${path}: expected a finite number, got ${describe(value)}`);
}

function biasNameOrRaw(name: string): string {
  return /\d$/.test(name) ? biasName(name) : "bias";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
