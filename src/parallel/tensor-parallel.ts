import { activationByName } from "../math/activations";
import { lossByName, type LossName } from "../math/losses";
import type { NetworkDescription } from "../network/description";
import type { Sample } from "../trace/traced-step";
import { requirePositiveInteger } from "./argument-guards";
import { ringChunks } from "./chunks";
import { addColumn, columnSlice, type Matrix, matrixProduct, rowSlice, rowSums, transpose } from "./matrix";
import { batchMatrix, matrixStep, meanLossGradient } from "./matrix-form";
import { ringAllReduce } from "./ring-all-reduce";

/**
 * Megatron-LM's tensor-parallel MLP (Shoeybi et al. 2019, arXiv 1909.08053,
 * section 3, equations 1-3) on a two-layer network. In the matrix form's
 * convention (W has a row per neuron) the first layer is split by rows, so
 * each GPU owns whole hidden neurons and applies their activation with no
 * communication (Megatron's "column-parallel" A, since their A is our Wᵀ);
 * the second layer is split by columns (their "row-parallel" B), so each GPU
 * multiplies only its own neurons' outputs and gets a partial Z. One
 * all-reduce sums the partials (the paper's g: all-reduce forward, identity
 * backward); the bias is added once, after it. Backward, each GPU computes
 * its own slices of dW with no communication, and one all-reduce sums the
 * partial dX (the paper's f: identity forward, all-reduce backward).
 */
export interface TensorParallelShard {
  gpu: number;
  /** The hidden neurons this GPU owns. */
  neurons: string[];
  W1: Matrix;
  b1: number[];
  A1: Matrix;
  /** Columns of the second layer's W that read this GPU's neurons. */
  W2: Matrix;
  /** W2 A1 on this GPU alone: its share of the output's Z before the all-reduce. */
  partialZ2: Matrix;
  dW1: Matrix;
  db1: number[];
  dW2: Matrix;
  /** W1ᵀ dZ1 on this GPU alone: its share of dX before the backward all-reduce. */
  partialDX: Matrix;
}

export interface TensorParallelMlp {
  shards: TensorParallelShard[];
  /** After the forward all-reduce and the bias: every GPU holds this. */
  Z2: Matrix;
  A2: Matrix;
  loss: number;
  /** After the backward all-reduce. */
  dX: Matrix;
  /** Every parameter's gradient, gathered from the GPUs that own it (b of the output layer: every GPU has the same). */
  gradients: Map<string, number>;
  /** All-reduces of activation-sized tensors: one forward (g), one backward (f). */
  allReduces: { forward: number; backward: number };
  /** Elements each all-reduce carries: outputs x batch (forward) and inputs x batch (backward). */
  allReduceElements: { forward: number; backward: number };
}

function allReduceMatrices(parts: readonly Matrix[]): Matrix {
  const rows = parts[0]!.length;
  const columns = parts[0]![0]?.length ?? 0;
  const run = ringAllReduce(parts.map((part) => Float64Array.from(part.flat())));
  const summed = run.results[0]!;
  return Array.from({ length: rows }, (_, i) => Array.from(summed.subarray(i * columns, (i + 1) * columns)));
}

export function tensorParallelMlp(network: NetworkDescription, samples: readonly Sample[], options: { gpus: number; loss?: LossName }): TensorParallelMlp {
  const gpus = requirePositiveInteger("gpus", options.gpus);
  // The unsplit step only supplies the parameters and the input matrix; every number below is computed shard by shard.
  const whole = matrixStep(network, samples, options.loss === undefined ? {} : { loss: options.loss });
  if (whole.layers.length !== 2) throw new RangeError(`tensorParallelMlp needs a network of two layers, this one has ${whole.layers.length}`);
  const [first, second] = whole.layers as [(typeof whole.layers)[0], (typeof whole.layers)[0]];
  if (gpus > first.neurons.length) {
    throw new RangeError(`gpus must not exceed the first layer's ${first.neurons.length} neurons, got ${gpus}`);
  }
  const X = first.X;
  const forward = ringChunks(first.neurons.length, gpus).map(({ start, end }, gpu) => {
    const W1 = rowSlice(first.W, start, end);
    const b1 = first.b.slice(start, end);
    const Z1 = addColumn(matrixProduct(W1, X), b1);
    const activations = first.activations.slice(start, end).map((name) => activationByName(name).kernel);
    const A1 = Z1.map((row, i) => row.map((z) => activations[i]!.forward(z)));
    const W2 = columnSlice(second.W, start, end);
    return { gpu, start, end, W1, b1, Z1, A1, W2, activations, partialZ2: matrixProduct(W2, A1) };
  });

  const Z2 = addColumn(allReduceMatrices(forward.map((shard) => shard.partialZ2)), second.b);
  const outputKernels = second.activations.map((name) => activationByName(name).kernel);
  const A2 = Z2.map((row, i) => row.map((z) => outputKernels[i]!.forward(z)));
  const targets = batchMatrix(
    samples.map((sample) => sample.target),
    "targets",
  );
  const { loss, dA: dA2 } = meanLossGradient(A2, targets, lossByName(options.loss ?? "squared-error"));
  const dZ2 = dA2.map((row, i) => row.map((d, s) => d * outputKernels[i]!.derivative(Z2[i]![s]!, A2[i]![s]!)));

  const shards: TensorParallelShard[] = forward.map((shard) => {
    const dA1 = matrixProduct(transpose(shard.W2), dZ2);
    const dZ1 = dA1.map((row, i) => row.map((d, s) => d * shard.activations[i]!.derivative(shard.Z1[i]![s]!, shard.A1[i]![s]!)));
    return {
      gpu: shard.gpu,
      neurons: first.neurons.slice(shard.start, shard.end),
      W1: shard.W1,
      b1: shard.b1,
      A1: shard.A1,
      W2: shard.W2,
      partialZ2: shard.partialZ2,
      dW1: matrixProduct(dZ1, transpose(X)),
      db1: rowSums(dZ1),
      dW2: matrixProduct(dZ2, transpose(shard.A1)),
      partialDX: matrixProduct(transpose(shard.W1), dZ1),
    };
  });
  const dX = allReduceMatrices(shards.map((shard) => shard.partialDX));

  const gradients = new Map<string, number>();
  shards.forEach((shard, k) => {
    const { start } = forward[k]!;
    const set = (name: string, g: number): void => {
      if (name !== "") gradients.set(name, g);
    };
    for (const [i, row] of shard.dW1.entries()) for (const [j, g] of row.entries()) set(first.weightNames[start + i]![j]!, g);
    for (const [i, g] of shard.db1.entries()) gradients.set(first.biasNames[start + i]!, g);
    for (const [i, row] of shard.dW2.entries()) for (const [j, g] of row.entries()) set(second.weightNames[i]![start + j]!, g);
  });
  for (const [i, g] of rowSums(dZ2).entries()) gradients.set(second.biasNames[i]!, g);

  return {
    shards,
    Z2,
    A2,
    loss,
    dX,
    gradients,
    allReduces: { forward: 1, backward: 1 },
    allReduceElements: { forward: Z2.length * samples.length, backward: X.length * samples.length },
  };
}
