import type { FloatArray } from "../math/float-array";
import type { Loss } from "../math/losses";
import { sgdStep } from "../trace/sgd";
import { type StepContext, simdGradients, usesSimd } from "./batch-step";

/**
 * A whole step for a network too small to gain from SIMD (the source's
 * 2-2-1 net takes millions of steps a second), on one thread: the forward
 * pass, the loss, the backward pass and the update as plain loops over the
 * layers, with nothing a step must decide or allocate. batch-step.ts
 * computes the same step in phases that threads can share; for a net this
 * small that machinery (shares, strided operands, the phase and kernel
 * choices) costs more than the arithmetic.
 *
 * The numbers are batch-step's JavaScript loops' to the bit: each sum from 0,
 * in the same order, and every intermediate stored in the same buffer (the
 * products' scratch too), so float32 rounds where batch-step's loops round.
 */

/**
 * Multiply-adds per step (batch x the sum of each layer's inputs x outputs)
 * up to which the plain loops beat the phases. Above it the phases' products,
 * eight running sums at once, win although they cost more to set up
 * (measured by bench/scalar-threshold.ts: the 2-2-1 net on one sample, 6,
 * ran 2.5-3x faster here, 5-5-5 on 4 samples, 200, already slower).
 */
export const SCALAR_MAX_WORK = 128;

/**
 * Whether a step on this batch is small enough for the plain loops (at most
 * `maxWork` multiply-adds) and no product or elementwise loop of it would
 * take SIMD in batch-step.ts: then this file computes exactly what the
 * phases would, and only then may it stand in for them.
 */
export function scalarStepFits(context: StepContext, batch: number, maxWork: number = SCALAR_MAX_WORK): boolean {
  let work = 0;
  for (const { inputs, width } of context.layers) work += batch * inputs * width;
  if (work > maxWork) return false;
  for (const { inputs, width } of context.layers) {
    // The forward product, the backward one, the weight gradients (either way round), and their epilogues.
    if (usesSimd(context, batch, width, inputs) || usesSimd(context, batch, inputs, width)) return false;
    if (usesSimd(context, width, inputs, batch) || usesSimd(context, inputs, width, batch)) return false;
    if (simdGradients(context, inputs, width * inputs) !== null || simdGradients(context, width, batch * width) !== null) return false;
  }
  return true;
}

/** One step of `batch` samples (the network's inputs and targets already loaded); a learning rate of 0 leaves the parameters alone. */
export function scalarStep(context: StepContext, batch: number, loss: Loss, learningRate: number, forwardOnly: boolean): void {
  const layers = context.layers;
  const c = (context.buffers.scratch[0] as { c: FloatArray }).c;
  const L = layers.length;
  for (let l = 0; l < L; l++) forwardLayer(context, l, batch, c);
  if (forwardOnly) return;
  lossAndOutputChain(context, batch, loss);
  for (let l = L - 1; l > 0; l--) backwardLayer(context, l, batch, c);
  for (let l = 0; l < L; l++) updateLayer(context, l, batch, learningRate, c);
}

/** z = x W^T + bias (the sum over the inputs in order, the bias last) and a = f(z). */
function forwardLayer(context: StepContext, l: number, batch: number, c: FloatArray): void {
  const { inputs: nIn, width, x, weights: w, bias, z, a, slope, activation } = context.layers[l] as StepContext["layers"][number];
  const f = activation.kernel.forward;
  for (let s = 0; s < batch; s++) {
    const xRow = s * nIn;
    const row = s * width;
    for (let j = 0; j < width; j++) {
      const wRow = j * nIn;
      let product = 0;
      for (let p = 0; p < nIn; p++) product += (x[xRow + p] as number) * (w[wRow + p] as number);
      c[j] = product;
      const sum = (c[j] as number) + (bias[j] as number);
      z[row + j] = sum;
      a[row + j] = slope === null ? f(sum) : sum > 0 ? sum : slope === 0 ? 0 : slope * sum;
    }
  }
}

/** Each sample's loss, and dL/dz of the output layer: from the logits directly, or dL/da through the activation. */
function lossAndOutputChain(context: StepContext, batch: number, loss: Loss): void {
  const { top, targets, sampleLoss } = context.buffers;
  const output = context.layers[context.layers.length - 1] as StepContext["layers"][number];
  const nOut = output.width;
  const logits = loss.fromLogits;
  for (let s = 0; s < batch; s++) {
    sampleLoss[s] = logits === undefined ? loss.kernel(output.a, targets, s * nOut, nOut, top) : logits.kernel(output.z, targets, s * nOut, nOut, output.dz);
  }
  if (logits !== undefined) return;
  const { slope, z, a, dz } = output;
  const derivative = output.activation.kernel.derivative;
  for (let k = 0; k < batch * nOut; k++) {
    const u = top[k] as number;
    dz[k] = slope === null ? u * derivative(z[k] as number, a[k] as number) : u * ((z[k] as number) > 0 ? 1 : slope);
  }
}

/** dL/dz of layer l - 1: dL/da summed over layer l's neurons in order along its (old) weights, times da/dz. */
function backwardLayer(context: StepContext, l: number, batch: number, c: FloatArray): void {
  const { inputs: nIn, width, dz: up, weights: w } = context.layers[l] as StepContext["layers"][number];
  const { slope, z, a, dz } = context.layers[l - 1] as StepContext["layers"][number];
  const derivative = (context.layers[l - 1] as StepContext["layers"][number]).activation.kernel.derivative;
  for (let s = 0; s < batch; s++) {
    const upRow = s * width;
    const row = s * nIn;
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let j = 0; j < width; j++) sum += (up[upRow + j] as number) * (w[j * nIn + i] as number);
      c[i] = sum;
      const u = c[i] as number;
      const k = row + i;
      dz[k] = slope === null ? u * derivative(z[k] as number, a[k] as number) : u * ((z[k] as number) > 0 ? 1 : slope);
    }
  }
}

/** dL/dW and dL/db (sums over the samples in order, over the batch) and, with a learning rate, the SGD update. */
function updateLayer(context: StepContext, l: number, batch: number, learningRate: number, c: FloatArray): void {
  const { inputs: nIn, width, x, dz: d, weights: w, weightGradients: gw, bias: b, biasGradients: gb } = context.layers[l] as StepContext["layers"][number];
  for (let j = 0; j < width; j++) {
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let s = 0; s < batch; s++) sum += (d[s * width + j] as number) * (x[s * nIn + i] as number);
      c[0] = sum;
      const k = j * nIn + i;
      const g = (c[0] as number) / batch;
      gw[k] = g;
      if (learningRate !== 0) w[k] = sgdStep(w[k] as number, learningRate, g);
    }
    let sum = 0;
    for (let s = 0; s < batch; s++) sum += d[s * width + j] as number;
    const g = sum / batch;
    gb[j] = g;
    if (learningRate !== 0) b[j] = sgdStep(b[j] as number, learningRate, g);
  }
}
