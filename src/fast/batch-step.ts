import type { Activation } from "../math/activations";
import type { FastBuffers } from "./buffers";
import { type EpilogueKind, type Epilogues, epilogueKind } from "./epilogues";
import { type Strided, stridedProduct } from "./js-products";
import type { FloatArray } from "../math/float-array";
import { type FastLayout, roundUp, share } from "./layout";
import { packB, type ProductKernel } from "./simd-products";
import { lossByName, type LossName } from "../math/losses";
import { sgdStep } from "../trace/sgd";

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
  readonly epilogues: Epilogues | null;
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

/** Below this many numbers in a layer's batch, a call into WebAssembly costs more than the JavaScript loop. */
const EPILOGUE_MIN_NUMBERS = 256;

/**
 * The SIMD epilogues for a layer of this width (rows of `count` numbers in
 * all), or null for the JavaScript loops. Decided per layer, never per
 * thread's share, for the same reason as usesSimd.
 */
function simdGradients(context: StepContext, width: number, count: number): Epilogues | null {
  const epilogues = context.epilogues;
  return epilogues !== null && width % epilogues.lanes === 0 && count >= EPILOGUE_MIN_NUMBERS ? epilogues : null;
}

/** The same for the activation's loops, which exist for the piecewise-linear activations only: the kind of loop, or null. */
function simdEpilogue(context: StepContext, activation: Activation, width: number, count: number): EpilogueKind | null {
  return simdGradients(context, width, count) === null ? null : epilogueKind(activation.name);
}

export function runPhase(context: StepContext, phase: Phase, command: StepCommand, part: number): void {
  if (phase === "pack") packPhase(context, command, part);
  else if (phase === "rows") rowsPhase(context, command, part);
  else columnsPhase(context, command, part);
}

function packPhase(context: StepContext, command: StepCommand, part: number): void {
  const { sizes, blockColumns } = context.layout;
  const { weights, packedWeights } = context.buffers;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    // The forward product's b is W itself: on the SIMD kernel, each block of W's rows is interleaved so one load reads a column of the block.
    if (!usesSimd(context, command.batch, nOut, nIn)) continue;
    const rows = share(roundUp(nOut, blockColumns), command.parts, part, blockColumns);
    packB(weights[l] as FloatArray, nOut, nIn, blockColumns, packedWeights[l] as FloatArray, 0, rows.from, rows.to);
  }
}

function rowsPhase(context: StepContext, command: StepCommand, part: number): void {
  const { sizes, blockRows, bytesPerNumber: E } = context.layout;
  const { batch } = command;
  const { from, to } = share(batch, command.parts, part, blockRows);
  if (from >= to) return;
  const { activations: a, preActivations: z, dz, top, targets, sampleLoss, weights, biases, packedWeights } = context.buffers;
  const c = resultOf(context, part);
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    const x: Strided = { array: a[l] as FloatArray, at: from * nIn, row: nIn, step: 1 };
    const stride = usesSimd(context, batch, nOut, nIn)
      ? multiplyPacked(context, part, x, packedWeights[l] as FloatArray, to - from, nOut, nIn)
      : multiply(context, part, x, { array: weights[l] as FloatArray, at: 0, row: nIn, step: 1 }, to - from, nOut, nIn, false);
    // z = the sum, then + bias (last, as the traced path adds it); a = f(z).
    const activation = context.activations[l] as Activation;
    const kind = simdEpilogue(context, activation, nOut, batch * nOut);
    if (kind === null) addBiasAndActivate(activation, c, stride, biases[l] as FloatArray, z[l] as FloatArray, a[l + 1] as FloatArray, from, to, nOut);
    else (context.epilogues as Epilogues).biasActivate[kind](c.byteOffset, stride * E, (biases[l] as FloatArray).byteOffset, at(z[l], from * nOut), at(a[l + 1], from * nOut), nOut * E, to - from, nOut);
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
  if (logits === undefined) chain(context, batch, context.activations[L - 1] as Activation, top, nOut, 0, z[L - 1] as FloatArray, outputs, dz[L - 1] as FloatArray, from, to, nOut);

  for (let l = L - 1; l > 0; l--) {
    const nIn = sizes[l] as number;
    const width = sizes[l + 1] as number;
    // dL/da of the layer below sums over this layer's neurons in order, along this step's (old) weights.
    // b[i][p] = W[p][i]: W read down its columns, no copy.
    const up: Strided = { array: dz[l] as FloatArray, at: from * width, row: width, step: 1 };
    const wT: Strided = { array: weights[l] as FloatArray, at: 0, row: 1, step: nIn };
    const stride = multiply(context, part, up, wT, to - from, nIn, width, usesSimd(context, batch, nIn, width));
    chain(context, batch, context.activations[l - 1] as Activation, c, stride, from, z[l - 1] as FloatArray, a[l] as FloatArray, dz[l - 1] as FloatArray, from, to, nIn);
  }
}

function columnsPhase(context: StepContext, command: StepCommand, part: number): void {
  const { sizes, blockColumns, bytesPerNumber: E } = context.layout;
  const { batch, parts, learningRate } = command;
  const { activations: a, dz, weights, biases, weightGradients, biasGradients, constants } = context.buffers;
  const c = resultOf(context, part);
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l] as number;
    const width = sizes[l + 1] as number;
    const d = dz[l] as FloatArray;
    const gw = weightGradients[l] as FloatArray;
    const w = weights[l] as FloatArray;
    const x = a[l] as FloatArray;
    // dL/dW[j][i] sums dz[s][j] * x[s][i] over the samples in order. Both operands are read in place, down their columns.
    if (!usesSimd(context, width, nIn, batch) && usesSimd(context, nIn, width, batch)) {
      // Too few inputs for a SIMD block (the first layer of a 2-D problem): the transposed product, dL/dW^T = x^T dz, has them as rows instead. This thread takes a range of neurons j.
      const neurons = share(width, parts, part, blockColumns);
      if (neurons.from < neurons.to) {
        const n = neurons.to - neurons.from;
        const xT: Strided = { array: x, at: 0, row: 1, step: nIn };
        const dzT: Strided = { array: d, at: neurons.from, row: 1, step: width };
        const stride = multiply(context, part, xT, dzT, nIn, n, batch, true);
        for (let i = 0; i < nIn; i++) {
          for (let q = 0; q < n; q++) {
            const k = (neurons.from + q) * nIn + i;
            const g = (c[i * stride + q] as number) / batch;
            gw[k] = g;
            if (learningRate !== 0) w[k] = sgdStep(w[k] as number, learningRate, g);
          }
        }
      }
    } else {
      // This thread takes a range of inputs i.
      const simd = usesSimd(context, width, nIn, batch);
      const simdGradient = simdGradients(context, nIn, width * nIn);
      // Shares of whole SIMD blocks (or vectors), so no thread's loop runs into another's columns.
      const inputs = share(nIn, parts, part, simd ? blockColumns : simdGradient !== null ? simdGradient.lanes : 1);
      if (inputs.from < inputs.to) {
        const n = inputs.to - inputs.from;
        const dzT: Strided = { array: d, at: 0, row: 1, step: width };
        const xT: Strided = { array: x, at: inputs.from, row: 1, step: nIn };
        const stride = multiply(context, part, dzT, xT, width, n, batch, simd);
        if (simdGradient !== null) {
          simdGradient.weightGradients[learningRate !== 0 ? "step" : "only"](c.byteOffset, stride * E, at(gw, inputs.from), at(w, inputs.from), nIn * E, width, n, constants.byteOffset);
        } else {
          for (let j = 0; j < width; j++) {
            for (let q = 0; q < n; q++) {
              const k = j * nIn + inputs.from + q;
              const g = (c[j * stride + q] as number) / batch;
              gw[k] = g;
              if (learningRate !== 0) w[k] = sgdStep(w[k] as number, learningRate, g);
            }
          }
        }
      }
    }
    const gb = biasGradients[l] as FloatArray;
    const b = biases[l] as FloatArray;
    const simdBias = simdGradients(context, width, batch * width);
    const neurons = share(width, parts, part, simdBias !== null ? simdBias.lanes : 1);
    if (simdBias !== null) {
      if (neurons.from < neurons.to) simdBias.biasGradients[learningRate !== 0 ? "step" : "only"](at(d, neurons.from), width * E, at(gb, neurons.from), at(b, neurons.from), batch, neurons.to - neurons.from, constants.byteOffset);
      continue;
    }
    for (let j = neurons.from; j < neurons.to; j++) {
      let sum = 0;
      for (let s = 0; s < batch; s++) sum += d[s * width + j] as number;
      const g = sum / batch;
      gb[j] = g;
      if (learningRate !== 0) b[j] = sgdStep(b[j] as number, learningRate, g);
    }
  }
}

/** The byte address of element `index` of a buffer in the memory. */
const at = (buffer: FloatArray | undefined, index: number): number => (buffer as FloatArray).byteOffset + index * (buffer as FloatArray).BYTES_PER_ELEMENT;

/** dz = up * da/dz for rows from..to, on the SIMD epilogue where the layer allows (see chainRows for the arguments). */
function chain(context: StepContext, batch: number, activation: Activation, up: FloatArray, stride: number, upFirst: number, z: FloatArray, a: FloatArray, dz: FloatArray, from: number, to: number, width: number): void {
  const kind = simdEpilogue(context, activation, width, batch * width);
  if (kind === null) return chainRows(activation, up, stride, upFirst, z, a, dz, from, to, width);
  const E = context.layout.bytesPerNumber;
  (context.epilogues as Epilogues).chain[kind](at(up, (from - upFirst) * stride), stride * E, at(z, from * width), at(dz, from * width), width * E, to - from, width);
}

/** This thread's scratch for a product's result. */
const resultOf = (context: StepContext, part: number) => (context.buffers.scratch[part] as FastBuffers["scratch"][number]).c;

/** c = a times b transposed (c[i][j] = sum over p in order of a[i][p] * b[j][p]), a m x k and b n x k read through strides, into this thread's scratch. */
function multiply(context: StepContext, part: number, a: Strided, b: Strided, m: number, n: number, k: number, simd: boolean): number {
  const c = resultOf(context, part);
  const kernel = context.kernel;
  if (simd && kernel !== null) {
    const bytes = context.layout.bytesPerNumber;
    const stride = roundUp(n, kernel.blockColumns);
    // In bytes: a block of b's columns is blockColumns rows of b, which must lie side by side (b.row of 1).
    if (b.row !== 1) throw new Error(`multiply: the SIMD kernel reads b's rows side by side, got a row stride of ${b.row}`);
    kernel.strided(a.array.byteOffset + a.at * bytes, a.row * bytes, a.step * bytes, b.array.byteOffset + b.at * bytes, kernel.blockColumns * bytes, b.step * bytes, c.byteOffset, stride * bytes, roundUp(m, kernel.blockRows), stride, k);
    return stride;
  }
  stridedProduct(a, b, { array: c, at: 0, row: n, step: 1 }, m, n, k);
  return n;
}

/** The forward product on the SIMD kernel: a's rows contiguous, b packed by packB. */
function multiplyPacked(context: StepContext, part: number, a: Strided, packed: FloatArray, m: number, n: number, k: number): number {
  const c = resultOf(context, part);
  const kernel = context.kernel as ProductKernel;
  const stride = roundUp(n, kernel.blockColumns);
  kernel.product(a.array.byteOffset + a.at * context.layout.bytesPerNumber, packed.byteOffset, c.byteOffset, roundUp(m, kernel.blockRows), stride, k);
  return stride;
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
