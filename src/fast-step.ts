import type { Activation } from "./activations";
import type { FastBuffers } from "./fast-buffers";
import { orderedProduct } from "./fast-kernels";
import { type FastLayout, type FloatArray, roundUp, share } from "./fast-layout";
import type { ProductKernel } from "./fast-wasm";
import { lossByName, type LossName } from "./losses";

/**
 * One training step of the fast path, cut into three phases that any number
 * of threads can share without changing a single number:
 *
 * - "pack": this step's weights into the layout the product kernel reads.
 * - "rows": forward, loss and backward down to every layer's dL/dz, for a
 *   range of samples. Every number here belongs to one sample, so splitting
 *   the batch by rows changes nothing.
 * - "columns": dL/dW and dL/db (and the SGD update), for a range of each
 *   layer's inputs and neurons. These sum over the samples; each sum is
 *   taken whole, in sample order, by the one thread that owns it, so there
 *   is no partial sum to combine and the result does not depend on the
 *   thread count.
 *
 * A thread runs a phase for its `part` of `parts`; all threads finish a
 * phase before any starts the next.
 */
export type Phase = "pack" | "rows" | "columns";

export interface StepCommand {
  batch: number;
  parts: number;
  loss: LossName;
  /** 0 computes the gradients and leaves the parameters alone. */
  learningRate: number;
  forwardOnly: boolean;
}

export interface StepContext {
  readonly layout: FastLayout;
  readonly buffers: FastBuffers;
  readonly kernel: ProductKernel | null;
  readonly activations: readonly Activation[];
}

/**
 * Below this many multiply-adds, packing operands for the SIMD kernel costs
 * more than SIMD saves (measured: a 3x5x7 product ran 6x slower there), so
 * tiny nets such as the source's 2-2-1 stay in plain JavaScript. Decided on
 * the whole product, never a thread's share, so every thread count takes the
 * same kernel for the same number.
 */
const SIMD_MIN_WORK = 8192;

function usesSimd(context: StepContext, m: number, n: number, k: number): boolean {
  // Fewer than 4 rows of b would leave most of each SIMD block padding.
  return context.kernel !== null && n >= 4 && m * n * k >= SIMD_MIN_WORK;
}

export function runPhase(context: StepContext, phase: Phase, command: StepCommand, part: number): void {
  if (phase === "pack") packPhase(context, command, part);
  else if (phase === "rows") rowsPhase(context, command, part);
  else columnsPhase(context, command, part);
}

function packPhase(context: StepContext, command: StepCommand, part: number): void {
  const { sizes, blockColumns } = context.layout;
  const { weights, packedWeights, packedWeightsT } = context.buffers;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const w = weights[l] as FloatArray;
    // Forward: b[j][p] = W[j][p].
    const forwardBlock = usesSimd(context, command.batch, nOut, nIn) ? blockColumns : 1;
    const forwardRows = share(roundUp(nOut, forwardBlock), command.parts, part, forwardBlock);
    packRight(w, 0, nIn, 1, nOut, nIn, forwardBlock, forwardRows.from, forwardRows.to, packedWeights[l] as FloatArray, 0);
    if (l === 0 || command.forwardOnly) continue;
    // Backward to the layer below: b[i][p] = W[p][i].
    const backwardBlock = usesSimd(context, command.batch, nIn, nOut) ? blockColumns : 1;
    const backwardRows = share(roundUp(nIn, backwardBlock), command.parts, part, backwardBlock);
    packRight(w, 0, 1, nIn, nIn, nOut, backwardBlock, backwardRows.from, backwardRows.to, packedWeightsT[l] as FloatArray, 0);
  }
}

function rowsPhase(context: StepContext, command: StepCommand, part: number): void {
  const { sizes, blockRows } = context.layout;
  const { batch } = command;
  const { from, to } = share(batch, command.parts, part, blockRows);
  if (from >= to) return;
  const { activations: a, preActivations: z, dz, top, targets, sampleLoss, biases, packedWeights, packedWeightsT } = context.buffers;
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const simd = usesSimd(context, batch, nOut, nIn);
    const { c, stride } = multiply(context, part, a[l] as FloatArray, from * nIn, to - from, packedWeights[l] as FloatArray, nOut, nIn, simd);
    // z = the sum, then + bias (last, as the traced path adds it); a = f(z).
    addBiasAndActivate(context.activations[l] as Activation, c, stride, biases[l] as FloatArray, z[l] as FloatArray, a[l + 1] as FloatArray, from, to, nOut);
  }
  if (command.forwardOnly) return;

  const nOut = sizes[L] as number;
  const record = lossByName(command.loss);
  const logits = record.fromLogits;
  const outputs = a[L] as FloatArray;
  for (let s = from; s < to; s++) {
    // The loss gives dL/dz of the output layer directly in the logits form, dL/d(outputs) otherwise.
    sampleLoss[s] = logits === undefined ? record.kernel(outputs, targets, s * nOut, nOut, top) : logits.kernel(z[L - 1] as FloatArray, targets, s * nOut, nOut, dz[L - 1] as FloatArray);
  }
  if (logits === undefined) chainRows(context.activations[L - 1] as Activation, top, nOut, 0, z[L - 1] as FloatArray, outputs, dz[L - 1] as FloatArray, from, to, nOut);

  for (let l = L - 1; l > 0; l--) {
    const nIn = sizes[l] as number;
    const width = sizes[l + 1] as number;
    // dL/da of the layer below sums over this layer's neurons in order, along this step's (old) weights.
    const simd = usesSimd(context, batch, nIn, width);
    const { c, stride } = multiply(context, part, dz[l] as FloatArray, from * width, to - from, packedWeightsT[l] as FloatArray, nIn, width, simd);
    chainRows(context.activations[l - 1] as Activation, c, stride, from, z[l - 1] as FloatArray, a[l] as FloatArray, dz[l - 1] as FloatArray, from, to, nIn);
  }
}

function columnsPhase(context: StepContext, command: StepCommand, part: number): void {
  const { sizes, blockColumns } = context.layout;
  const { batch, parts, learningRate } = command;
  const { activations: a, dz, weights, biases, weightGradients, biasGradients } = context.buffers;
  const scratch = context.buffers.scratch[part] as FastBuffers["scratch"][number];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l] as number;
    const width = sizes[l + 1] as number;
    const d = dz[l] as FloatArray;
    const x = a[l] as FloatArray;
    // dL/dW[j][i] sums dz[s][j] * x[s][i] over the samples in order: this thread takes a range of inputs i.
    const simd = usesSimd(context, width, nIn, batch);
    const block = simd ? blockColumns : 1;
    const inputs = share(nIn, parts, part, block);
    if (inputs.from < inputs.to) {
      const left = scratch.left;
      // dz transposed, so each neuron's values over the samples lie in a row; read along dz's rows.
      for (let s = 0; s < batch; s++) for (let j = 0; j < width; j++) left[j * batch + s] = d[s * width + j] as number;
      const n = inputs.to - inputs.from;
      packRight(x, inputs.from, 1, nIn, n, batch, block, 0, roundUp(n, block), scratch.right, 0);
      const { c, stride } = multiply(context, part, left, 0, width, scratch.right, n, batch, simd);
      const gw = weightGradients[l] as FloatArray;
      const w = weights[l] as FloatArray;
      for (let j = 0; j < width; j++) {
        for (let q = 0; q < n; q++) {
          const k = j * nIn + inputs.from + q;
          const g = (c[j * stride + q] as number) / batch;
          gw[k] = g;
          if (learningRate !== 0) w[k] = (w[k] as number) - learningRate * g;
        }
      }
    }
    const gb = biasGradients[l] as FloatArray;
    const b = biases[l] as FloatArray;
    const neurons = share(width, parts, part, 1);
    for (let j = neurons.from; j < neurons.to; j++) {
      let sum = 0;
      for (let s = 0; s < batch; s++) sum += d[s * width + j] as number;
      const g = sum / batch;
      gb[j] = g;
      if (learningRate !== 0) b[j] = (b[j] as number) - learningRate * g;
    }
  }
}

/**
 * c = (m rows of `left` from element `leftAt`, each k long) times b transposed,
 * b (n x k) already laid out in `right` by packRight, into this thread's scratch.
 */
function multiply(context: StepContext, part: number, left: FloatArray, leftAt: number, m: number, right: FloatArray, n: number, k: number, simd: boolean): { c: FloatArray; stride: number } {
  const c = (context.buffers.scratch[part] as FastBuffers["scratch"][number]).c;
  const kernel = context.kernel;
  if (simd && kernel !== null) {
    const bytes = context.layout.bytesPerNumber;
    const stride = roundUp(n, kernel.blockColumns);
    kernel.product(left.byteOffset + leftAt * bytes, right.byteOffset, c.byteOffset, roundUp(m, kernel.blockRows), stride, k);
    return { c, stride };
  }
  orderedProduct(left, right, c, m, n, k, leftAt);
  return { c, stride: n };
}

/**
 * Lays out the right operand b (n x k), read as b[j][p] = from[base + j*rowStep + p*colStep],
 * for rows `rowsFrom` to `rowsTo` (multiples of `block`): in blocks of `block` rows
 * interleaved by p (to[j*k + block*p + t] = b[j + t][p]), as the SIMD kernel reads it;
 * block 1 is plain rows, as orderedProduct reads it. Rows past n are zeros.
 */
function packRight(from: FloatArray, base: number, rowStep: number, colStep: number, n: number, k: number, block: number, rowsFrom: number, rowsTo: number, to: FloatArray, toBase: number): void {
  for (let j = rowsFrom; j < rowsTo; j += block) {
    const start = toBase + j * k;
    const rows = Math.min(block, n - j);
    if (rows < block) for (let p = 0; p < k; p++) for (let t = Math.max(rows, 0); t < block; t++) to[start + block * p + t] = 0;
    // Walk the source along whichever of its steps is 1, so its reads run through memory in order.
    if (colStep === 1) {
      for (let t = 0; t < rows; t++) {
        const q = base + (j + t) * rowStep;
        for (let p = 0; p < k; p++) to[start + block * p + t] = from[q + p] as number;
      }
    } else {
      for (let p = 0; p < k; p++) {
        const q = base + j * rowStep + p * colStep;
        const out = start + block * p;
        for (let t = 0; t < rows; t++) to[out + t] = from[q + t * rowStep] as number;
      }
    }
  }
}

/** Rows from..to: z = c + bias, a = activation(z); c has `stride` numbers per row. */
function addBiasAndActivate(activation: Activation, c: FloatArray, stride: number, bias: FloatArray, z: FloatArray, a: FloatArray, from: number, to: number, width: number): void {
  // ReLU gets its own loop: deciding the activation once per layer rather than once per number measurably speeds the MLPs up.
  const relu = activation.name === "relu";
  const f = activation.kernel.forward;
  for (let s = from; s < to; s++) {
    const row = s * width;
    const cRow = (s - from) * stride;
    for (let j = 0; j < width; j++) {
      const sum = (c[cRow + j] as number) + (bias[j] as number);
      z[row + j] = sum;
      a[row + j] = relu ? (sum > 0 ? sum : 0) : f(sum);
    }
  }
}

/** Rows from..to: dz = up * da/dz, where `up` (dL/da) holds `stride` numbers per row, its first row being sample `upFirst`. */
function chainRows(activation: Activation, up: FloatArray, stride: number, upFirst: number, z: FloatArray, a: FloatArray, dz: FloatArray, from: number, to: number, width: number): void {
  const relu = activation.name === "relu";
  const derivative = activation.kernel.derivative;
  for (let s = from; s < to; s++) {
    const row = s * width;
    const upRow = (s - upFirst) * stride;
    for (let j = 0; j < width; j++) {
      const k = row + j;
      const u = up[upRow + j] as number;
      dz[k] = relu ? u * ((z[k] as number) > 0 ? 1 : 0) : u * derivative(z[k] as number, a[k] as number);
    }
  }
}
