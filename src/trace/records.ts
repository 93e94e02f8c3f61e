import type { ActivationName } from "../math/activations";
import type { LossName } from "../math/losses";

/**
 * The trace: one training step as plain data records, every number the
 * step computed next to the numbers it came from. Renderers turn these into
 * tables and equations; tests read them directly.
 */

/** Z = sum(input * weight) + bias, then a = activation(Z), for one neuron. */
export interface ForwardRecord<T> {
  neuron: string;
  layer: number;
  terms: { source: string; input: T; weightName: string; weight: T; product: T }[];
  biasName: string;
  bias: T;
  z: T;
  activation: ActivationName;
  a: T;
}

export interface LossRecord<T> {
  loss: LossName;
  /** Yr, the outputs the network produced */
  received: T[];
  /** Ye, the targets */
  expected: T[];
  value: T;
  /** The output layer's Z, present when the loss was computed from them (binary cross-entropy with a sigmoid output). */
  logits?: T[];
  /** dL/dYr for each output; dL/dZ when `logits` is present */
  derivative: T[];
}

/**
 * The chain rule at one neuron: the upstream gradient dL/da (from the loss,
 * or summed over the neurons it feeds), times the local derivative da/dz,
 * gives dL/dz.
 */
export interface NeuronGradientRecord<T> {
  neuron: string;
  layer: number;
  /** Where dL/da came from: the loss, or each downstream neuron's dL/dz times the connecting weight. */
  upstreamTerms: { from: string; weightName?: string; weight?: T; gradient: T }[];
  upstream: T;
  activation: ActivationName;
  z: T;
  /** da/dz; 1 at an output whose loss came from its logits (the upstream is then dL/dz itself) */
  localDerivative: T;
  /** dL/dz = upstream * localDerivative */
  product: T;
}

/** dL/dW = dL/dz of the neuron the weight feeds, times the input it carries (1 for a bias). */
export interface ParameterGradientRecord<T> {
  parameter: string;
  neuron: string;
  source: string | null;
  dLdz: T;
  input: T;
  gradient: T;
}

/** new = old - learningRate * gradient */
export interface UpdateRecord<T> {
  parameter: string;
  old: T;
  learningRate: T;
  gradient: T;
  new: T;
}

export interface StepTrace<T> {
  arithmetic: "float" | "fraction";
  input: T[];
  forward: ForwardRecord<T>[];
  loss: LossRecord<T>;
  backward: NeuronGradientRecord<T>[];
  gradients: ParameterGradientRecord<T>[];
  updates: UpdateRecord<T>[];
}
