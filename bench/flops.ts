/**
 * Floating-point operations in one training step of a dense network (an MLP),
 * counting only the matrix products, where nearly all the time goes.
 *
 * Layer l maps `in` inputs to `out` outputs for a batch of b samples:
 * - forward, z = a W^T: b*out sums of `in` products, one multiply and one add
 *   each, so 2*b*in*out;
 * - weight gradient, dL/dW = dz^T a: out*in sums over the b samples,
 *   2*b*in*out again;
 * - input gradient, dL/da = dz W: b*in sums over the `out` outputs,
 *   2*b*in*out, for every layer but the first (nothing upstream of the
 *   inputs needs a gradient).
 * Elementwise work (bias, activation and its derivative, loss, the SGD
 * update, the bias gradient) is left out: it is O(b*out) or O(in*out) per
 * layer, small next to the products, and every system's count would differ
 * in how it fuses them. For a 2-2-1 net and one sample: layer 1 (2 in, 2
 * out) has two products of 2*1*2*2 = 8 flops, layer 2 (2 in, 1 out) three of
 * 4: 28 flops a step.
 */
export function flopsPerStep(sizes: readonly number[], batch: number): number {
  if (sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`flopsPerStep: sizes must be at least two positive whole numbers, got [${sizes.join(", ")}]`);
  if (!Number.isInteger(batch) || batch <= 0) throw new Error(`flopsPerStep: batch must be a positive whole number, got ${batch}`);
  let flops = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const product = 2 * batch * (sizes[l] as number) * (sizes[l + 1] as number);
    const products = l === 0 ? 2 : 3;
    flops += products * product;
  }
  return flops;
}

/** GFLOP/s at a given number of optimiser steps per second. */
export function gigaflopsPerSecond(stepsPerSecond: number, sizes: readonly number[], batch: number): number {
  return (stepsPerSecond * flopsPerStep(sizes, batch)) / 1e9;
}
