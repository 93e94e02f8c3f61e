import { floatArithmetic } from "../math/arithmetic";
import { backward } from "./backward";
import { forward } from "./forward";
import { losses } from "../math/losses";
import { toModel } from "../network/model";
import type { NetworkDescription } from "../network/description";

export interface LayerSpread {
  layer: number;
  /** Standard deviation of the layer's outputs over all its neurons and samples. */
  activationStd: number;
  /** Standard deviation of dL/dZ over the layer's neurons and samples: how much gradient reaches it. */
  gradientStd: number;
}

/**
 * How widely activations and gradients are spread in each layer for a batch
 * of inputs: the quantity an initialisation scheme is designed to keep
 * steady from layer to layer (He et al. 2015). Uses the traced path, so keep
 * the network and batch small.
 */
export function layerSpread(network: NetworkDescription, samples: readonly { input: readonly number[]; target: readonly number[] }[]): LayerSpread[] {
  const A = floatArithmetic;
  const model = toModel(network, A);
  const activations = model.layers.map(() => [] as number[]);
  const gradients = model.layers.map(() => [] as number[]);
  for (const sample of samples) {
    const pass = forward(model, [...sample.input], A);
    for (const record of pass.records) activations[record.layer - 1]?.push(record.a);
    for (const record of backward(model, pass, [...sample.target], losses["squared-error"], A).neurons) gradients[record.layer - 1]?.push(record.product);
  }
  return model.layers.map((_, l) => ({ layer: l + 1, activationStd: std(activations[l] ?? []), gradientStd: std(gradients[l] ?? []) }));
}

function std(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}
