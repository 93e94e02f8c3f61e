import { activationByName } from "../math/activations";
import { floatArithmetic } from "../math/arithmetic";
import { type Loss, lossByName, type LossName } from "../math/losses";
import type { NetworkDescription } from "../network/description";
import { toModel } from "../network/model";
import type { Sample } from "../trace/traced-step";
import { requirePositiveInteger } from "./argument-guards";
import { addColumn, type Matrix, matrixProduct, rowSums, transpose } from "./matrix";

/**
 * One layer of a network as matrices, for a batch of B samples laid out as
 * columns (d2l.ai, "Forward Propagation, Backward Propagation, and
 * Computational Graphs"; Goodfellow et al., Deep Learning, section 6.5):
 *
 *   Z = W X + b      A = f(Z)
 *   dZ = dA ⊙ f'(Z)  dW = dZ Xᵀ   db = row sums of dZ   dX = Wᵀ dZ
 *
 * W has one row per neuron and one column per input; X one row per input
 * and one column per sample. The gradients are of the batch's mean loss, so
 * dZ already carries the 1/B and dW = dZ Xᵀ is the sum over samples of each
 * sample's outer product: the mean gradient `batchGradient` computes one
 * sample at a time.
 */
export interface LayerMatrices {
  /** The neurons (rows of W, Z, A) and the inputs (columns of W, rows of X). */
  neurons: string[];
  inputs: string[];
  /** weightNames[i][j] is the name of W[i][j] (W31 = into H3 from X1). */
  weightNames: string[][];
  /** biasNames[i] names b[i] (b3). */
  biasNames: string[];
  /** Each neuron's activation f (a layer may mix them). */
  activations: string[];
  W: Matrix;
  b: number[];
  X: Matrix;
  Z: Matrix;
  A: Matrix;
  dA: Matrix;
  dZ: Matrix;
  dW: Matrix;
  db: number[];
  dX: Matrix;
}

export interface MatrixStep {
  layers: LayerMatrices[];
  /** The mean loss over the batch. */
  loss: number;
  batchSize: number;
}

/** Samples as the columns of one matrix, one row per input (or per target). */
export function batchMatrix(vectors: readonly (readonly number[])[], where = "batchMatrix"): Matrix {
  requirePositiveInteger(`${where}: samples`, vectors.length);
  const size = vectors[0]!.length;
  vectors.forEach((vector, s) => {
    if (vector.length !== size) throw new RangeError(`${where}: sample ${s} has ${vector.length} values, sample 0 has ${size}`);
  });
  return transpose(vectors.map((vector) => [...vector]));
}

/**
 * The forward and backward pass of a batch as matrix products: every
 * layer's W, b, X, Z, A and their gradients (float arithmetic). Its dW and db
 * equal the traced path's mean gradients (`batchGradient`) up to the order
 * of the additions.
 */
export function matrixStep(network: NetworkDescription, samples: readonly Sample[], options: { loss?: LossName } = {}): MatrixStep {
  const model = toModel(network, floatArithmetic);
  const loss = lossByName(options.loss ?? "squared-error");
  const batchSize = requirePositiveInteger("samples", samples.length);
  samples.forEach((sample, s) => {
    if (sample.input.length !== model.inputs.length) {
      throw new RangeError(`samples[${s}].input has ${sample.input.length} values, the network has ${model.inputs.length} inputs`);
    }
  });

  const forwards: Omit<LayerMatrices, "dA" | "dZ" | "dW" | "db" | "dX">[] = [];
  let X = batchMatrix(
    samples.map((sample) => sample.input),
    "inputs",
  );
  let inputs = [...model.inputs];
  for (const layer of model.layers) {
    const W = layer.map((neuron) => inputs.map((source) => neuron.terms.find((t) => t.source === source)?.weight ?? 0));
    const weightNames = layer.map((neuron) => inputs.map((source) => neuron.terms.find((t) => t.source === source)?.weightName ?? ""));
    const b = layer.map((neuron) => neuron.bias);
    const biasNames = layer.map((neuron) => neuron.biasName);
    const Z = addColumn(matrixProduct(W, X, "Z = W X"), b);
    const Aout = Z.map((row, i) => row.map((z) => layer[i]!.activation.kernel.forward(z)));
    const activations = layer.map((neuron) => neuron.activation.name);
    forwards.push({ neurons: layer.map((n) => n.name), inputs, weightNames, biasNames, activations, W, b, X, Z, A: Aout });
    X = Aout;
    inputs = layer.map((neuron) => neuron.name);
  }

  const outputs = forwards[forwards.length - 1]!;
  const targets = batchMatrix(
    samples.map((sample) => sample.target),
    "targets",
  );
  const { loss: meanLoss, dA: outputGradient } = meanLossGradient(outputs.A, targets, loss);

  const layers: LayerMatrices[] = [];
  let dA = outputGradient;
  for (let l = forwards.length - 1; l >= 0; l--) {
    const f = forwards[l]!;
    const dZ = dA.map((row, i) => {
      const derivative = activationByName(f.activations[i]!).kernel.derivative;
      return row.map((d, s) => d * derivative(f.Z[i]![s]!, f.A[i]![s]!));
    });
    const dW = matrixProduct(dZ, transpose(f.X), "dW = dZ Xᵀ");
    const dX = matrixProduct(transpose(f.W), dZ, "dX = Wᵀ dZ");
    layers.unshift({ ...f, dA, dZ, dW, db: rowSums(dZ), dX });
    dA = dX;
  }
  return { layers, loss: meanLoss, batchSize };
}

/**
 * The batch's mean loss, and its gradient with respect to the outputs
 * (one column per sample): each sample's dL/dYr divided by B, because the
 * loss is the mean over the batch.
 */
export function meanLossGradient(outputs: Matrix, targets: Matrix, loss: Loss): { loss: number; dA: Matrix } {
  const batchSize = outputs[0]?.length ?? 0;
  let sum = 0;
  const dA: Matrix = outputs.map((row) => row.map(() => 0));
  for (let s = 0; s < batchSize; s++) {
    const received = outputs.map((row) => row[s]!);
    const expected = targets.map((row) => row[s]!);
    sum += loss.value(received, expected, floatArithmetic);
    loss.derivative(received, expected, floatArithmetic).forEach((d, i) => {
      dA[i]![s] = d / batchSize;
    });
  }
  return { loss: sum / batchSize, dA };
}

/** Every parameter's gradient from a matrix step, keyed by name as the traced path keys them (W31, b3, ...). */
export function matrixGradients(step: MatrixStep): Map<string, number> {
  const gradients = new Map<string, number>();
  for (const layer of step.layers) {
    layer.neurons.forEach((_, i) => {
      layer.weightNames[i]!.forEach((name, j) => {
        if (name !== "") gradients.set(name, layer.dW[i]![j]!);
      });
      gradients.set(layer.biasNames[i]!, layer.db[i]!);
    });
  }
  return gradients;
}

export interface ProductFlops {
  /** Z = W X: one multiply and one add per weight per sample. */
  forward: number;
  /** dW = dZ Xᵀ and dX = Wᵀ dZ: two products of the forward's size. */
  backward: number;
}

/**
 * Floating-point operations in a layer's matrix products for a batch:
 * 2 x outputs x inputs x B forward and twice that backward, so 6 per weight
 * per sample in all. Per token of a transformer this is the 2 + 4 of
 * Narayanan et al. 2021 (arXiv 2104.04473, section 5.1), before the extra 2
 * of recomputing activations that make their 8 T P.
 */
export function layerProductFlops(outputs: number, inputs: number, batchSize: number): ProductFlops {
  const multiplyAdds = requirePositiveInteger("outputs", outputs) * requirePositiveInteger("inputs", inputs) * requirePositiveInteger("batchSize", batchSize);
  return { forward: 2 * multiplyAdds, backward: 4 * multiplyAdds };
}
