import { type Activation, slopeBelowZero } from "../math/activations";
import type { FastBuffers } from "./buffers";
import type { Epilogues } from "./epilogues";
import { type Strided, stridedProduct } from "./js-products";
import type { FloatArray } from "../math/float-array";
import { type FastLayout, roundUp, share } from "./layout";
import type { ProductKernel } from "./simd-products";
import { lossByName } from "../math/losses";
import { sgdStep } from "../trace/sgd";
import type { StepCommand } from "./step-command";

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
 * A phase's work is cut into `slices` (ranges of rows or of columns);
 * threads take slices until none is left (see threads.ts), each computing
 * in its own scratch (`thread`), and all slices of a phase are done before
 * any of the next starts. Which thread takes a slice changes no number.
 */
export type Phase = "pack" | "rows" | "columns";

export interface StepContext {
  readonly layout: FastLayout;
  readonly buffers: FastBuffers;
  readonly kernel: ProductKernel | null;
  readonly epilogues: Epilogues | null;
  readonly activations: readonly Activation[];
  /** Per layer, what its elementwise loops read and write. */
  readonly layers: readonly LayerView[];
}

/** One layer's activation, sizes and buffers: rows of `inputs` numbers in, of `width` numbers out. */
interface LayerView {
  readonly activation: Activation;
  /** The activation's slope below zero when it is piecewise linear, else null (slopeBelowZero, read once). */
  readonly slope: number | null;
  readonly inputs: number;
  readonly width: number;
  /** The layer's input rows (the previous layer's a, or the batch). */
  readonly x: FloatArray;
  /** width x inputs, row-major. */
  readonly weights: FloatArray;
  readonly weightGradients: FloatArray;
  readonly bias: FloatArray;
  readonly biasGradients: FloatArray;
  /** z, a = f(z) and dL/dz. */
  readonly z: FloatArray;
  readonly a: FloatArray;
  readonly dz: FloatArray;
}

/** The context a thread runs steps in, on buffers placed by a layout: built once per layout, so a step allocates nothing. */
export function stepContext(
  layout: FastLayout,
  buffers: FastBuffers,
  kernel: ProductKernel | null,
  epilogues: Epilogues | null,
  activations: readonly Activation[],
): StepContext {
  const layers = activations.map((activation, l) => ({
    activation,
    slope: slopeBelowZero(activation),
    inputs: layout.sizes[l] as number,
    width: layout.sizes[l + 1] as number,
    x: buffers.activations[l] as FloatArray,
    weights: buffers.weights[l] as FloatArray,
    weightGradients: buffers.weightGradients[l] as FloatArray,
    bias: buffers.biases[l] as FloatArray,
    biasGradients: buffers.biasGradients[l] as FloatArray,
    z: buffers.preActivations[l] as FloatArray,
    a: buffers.activations[l + 1] as FloatArray,
    dz: buffers.dz[l] as FloatArray,
  }));
  return { layout, buffers, kernel, epilogues, activations, layers };
}

/**
 * Below this many multiply-adds, packing operands for the SIMD kernel costs
 * more than SIMD saves (measured: a 3x5x7 product ran 6x slower there), so
 * tiny nets such as the source's 2-2-1 stay in plain JavaScript. Decided on
 * the whole product, never a thread's share, so every thread count takes the
 * same kernel for the same number.
 */
const SIMD_MIN_WORK = 8192;

export function usesSimd(context: StepContext, m: number, n: number, k: number): boolean {
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
export function simdGradients(context: StepContext, width: number, count: number): Epilogues | null {
  const epilogues = context.epilogues;
  return epilogues !== null && width % epilogues.lanes === 0 && count >= EPILOGUE_MIN_NUMBERS ? epilogues : null;
}

/** The same for the activation's loops, which exist for the piecewise-linear activations only (`slope` null: see Activation.simd). */
function simdActivation(context: StepContext, slope: number | null, width: number, count: number): Epilogues | null {
  return slope === null ? null : simdGradients(context, width, count);
}

/**
 * Where a layer's activation runs on a batch, in words: "simd", or
 * "javascript" and why (the record has no SIMD form, or the layer is too
 * narrow or too small for the epilogues). The same decision as
 * simdActivation, spelled out, so a slow layer is reported, never silent.
 */
export function activationLoop(context: StepContext, activation: Activation, width: number, batch: number): string {
  const form = activation.simd;
  if ("none" in form) return `javascript: ${activation.name} ${form.none}`;
  const epilogues = context.epilogues;
  if (epilogues === null) return "javascript: no WebAssembly SIMD here";
  if (width % epilogues.lanes !== 0) return `javascript: a width of ${width} is not a multiple of ${epilogues.lanes} lanes`;
  if (batch * width < EPILOGUE_MIN_NUMBERS)
    return `javascript: ${batch * width} numbers, below ${EPILOGUE_MIN_NUMBERS}, where a call into WebAssembly costs more`;
  return simdActivation(context, slopeBelowZero(activation), width, batch * width) === null ? "javascript" : "simd";
}

/** Runs slice `slice` of `slices` of a phase on thread `thread` (whose scratch it uses); one slice of one is the whole phase. */
export function runPhase(context: StepContext, phase: Phase, command: StepCommand, thread: number, slice = 0, slices = 1): void {
  if (phase === "pack") packPhase(context, command, slice, slices);
  else if (phase === "rows") rowsPhase(context, command, thread, slice, slices);
  else columnsPhase(context, command, thread, slice, slices);
}

function packPhase(context: StepContext, command: StepCommand, slice: number, slices: number): void {
  const { sizes, blockColumns } = context.layout;
  const { weights, packedWeights } = context.buffers;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l] as number;
    const nOut = sizes[l + 1] as number;
    // The forward product's b is W itself: on the SIMD kernel, each block of W's rows is interleaved so one load reads a column of the block.
    if (!usesSimd(context, command.batch, nOut, nIn)) continue;
    const rows = share(roundUp(nOut, blockColumns), slices, slice, blockColumns);
    if (rows.from < rows.to) (context.kernel as ProductKernel).pack(weights[l] as FloatArray, nOut, nIn, packedWeights[l] as FloatArray, rows.from, rows.to);
  }
}

function rowsPhase(context: StepContext, command: StepCommand, thread: number, slice: number, slices: number): void {
  const { sizes, blockRows } = context.layout;
  const { batch } = command;
  const rows = share(batch, slices, slice, blockRows);
  const { from, to } = rows;
  if (from >= to) return;
  const { top, targets, sampleLoss, packedWeights } = context.buffers;
  const c = resultOf(context, thread);
  const L = sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const { inputs: nIn, width: nOut, x: input, weights } = context.layers[l] as LayerView;
    const x: Strided = { array: input, at: from * nIn, row: nIn, step: 1 };
    const stride = usesSimd(context, batch, nOut, nIn)
      ? multiplyPacked(context, thread, x, packedWeights[l] as FloatArray, to - from, nOut, nIn)
      : multiply(context, thread, x, { array: weights, at: 0, row: nIn, step: 1 }, to - from, nOut, nIn, false);
    biasAndActivate(context, batch, l, c, stride, rows);
  }
  if (command.forwardOnly) return;

  const output = context.layers[L - 1] as LayerView;
  const nOut = output.width;
  const record = lossByName(command.loss);
  const logits = record.fromLogits;
  for (let s = from; s < to; s++) {
    // The loss gives dL/dz of the output layer directly in the logits form, dL/d(outputs) otherwise.
    sampleLoss[s] = logits === undefined ? record.kernel(output.a, targets, s * nOut, nOut, top) : logits.kernel(output.z, targets, s * nOut, nOut, output.dz);
  }
  if (logits === undefined) chain(context, batch, L - 1, top, nOut, 0, rows);

  for (let l = L - 1; l > 0; l--) {
    const { inputs: nIn, width, dz, weights } = context.layers[l] as LayerView;
    // dL/da of the layer below sums over this layer's neurons in order, along this step's (old) weights.
    // b[i][p] = W[p][i]: W read down its columns, no copy.
    const up: Strided = { array: dz, at: from * width, row: width, step: 1 };
    const wT: Strided = { array: weights, at: 0, row: 1, step: nIn };
    const stride = multiply(context, thread, up, wT, to - from, nIn, width, usesSimd(context, batch, nIn, width));
    chain(context, batch, l - 1, c, stride, from, rows);
  }
}

function columnsPhase(context: StepContext, command: StepCommand, thread: number, slice: number, slices: number): void {
  const { blockColumns, bytesPerNumber: E } = context.layout;
  const { batch, learningRate } = command;
  const c = resultOf(context, thread);
  for (const layer of context.layers) {
    const { inputs: nIn, width, x, dz: d, weights: w, weightGradients: gw, bias: b, biasGradients: gb } = layer;
    // dL/dW[j][i] sums dz[s][j] * x[s][i] over the samples in order. Both operands are read in place, down their columns.
    if (!usesSimd(context, width, nIn, batch) && usesSimd(context, nIn, width, batch)) {
      // Too few inputs for a SIMD block (the first layer of a 2-D problem): the transposed product, dL/dW^T = x^T dz, has them as rows instead. This thread takes a range of neurons j.
      const neurons = share(width, slices, slice, blockColumns);
      if (neurons.from < neurons.to) {
        const n = neurons.to - neurons.from;
        const xT: Strided = { array: x, at: 0, row: 1, step: nIn };
        const dzT: Strided = { array: d, at: neurons.from, row: 1, step: width };
        const stride = multiply(context, thread, xT, dzT, nIn, n, batch, true);
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
      const inputs = share(nIn, slices, slice, simd ? blockColumns : simdGradient !== null ? simdGradient.lanes : 1);
      if (inputs.from < inputs.to) {
        const n = inputs.to - inputs.from;
        const dzT: Strided = { array: d, at: 0, row: 1, step: width };
        const xT: Strided = { array: x, at: inputs.from, row: 1, step: nIn };
        const stride = multiply(context, thread, dzT, xT, width, n, batch, simd);
        if (simdGradient !== null) {
          simdGradient.weightGradients[learningRate !== 0 ? "step" : "only"](
            c.byteOffset,
            stride * E,
            at(gw, inputs.from),
            at(w, inputs.from),
            nIn * E,
            width,
            n,
            batch,
            learningRate,
          );
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
    const simdBias = simdGradients(context, width, batch * width);
    const neurons = share(width, slices, slice, simdBias !== null ? simdBias.lanes : 1);
    if (simdBias !== null) {
      if (neurons.from < neurons.to)
        simdBias.biasGradients[learningRate !== 0 ? "step" : "only"](
          at(d, neurons.from),
          width * E,
          at(gb, neurons.from),
          at(b, neurons.from),
          batch,
          neurons.to - neurons.from,
          batch,
          learningRate,
        );
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

/** A thread's share of a batch's samples. */
type Rows = { readonly from: number; readonly to: number };

/**
 * Layer l's rows from..to: z = c + bias (last, as the traced path adds it)
 * and a = activation(z), on the SIMD epilogue where the layer allows; c
 * holds `stride` numbers per row.
 */
function biasAndActivate(context: StepContext, batch: number, l: number, c: FloatArray, stride: number, rows: Rows): void {
  const { from, to } = rows;
  const { activation, slope, width, bias, z, a } = context.layers[l] as LayerView;
  const simd = simdActivation(context, slope, width, batch * width);
  if (simd !== null) {
    const E = context.layout.bytesPerNumber;
    const biasActivate = simd.biasActivate[activation.name] as Epilogues["biasActivate"][string];
    biasActivate(c.byteOffset, stride * E, bias.byteOffset, at(z, from * width), at(a, from * width), width * E, to - from, width);
    return;
  }
  // A piecewise-linear activation is computed inline from its slope (the same operations as its kernel): deciding the activation once per layer rather than calling it once per number measurably speeds the MLPs up.
  const f = activation.kernel.forward;
  for (let s = from; s < to; s++) {
    const row = s * width;
    const cRow = (s - from) * stride;
    for (let j = 0; j < width; j++) {
      const sum = (c[cRow + j] as number) + (bias[j] as number);
      z[row + j] = sum;
      a[row + j] = slope === null ? f(sum) : sum > 0 ? sum : slope === 0 ? 0 : slope * sum;
    }
  }
}

/**
 * Layer l's rows from..to: dz = up * da/dz, on the SIMD epilogue where the
 * layer allows; `up` (dL/da) holds `stride` numbers per row, its first row
 * being sample `upFirst`.
 */
function chain(context: StepContext, batch: number, l: number, up: FloatArray, stride: number, upFirst: number, rows: Rows): void {
  const { from, to } = rows;
  const { activation, slope, width, z, a, dz } = context.layers[l] as LayerView;
  const simd = simdActivation(context, slope, width, batch * width);
  if (simd !== null) {
    const E = context.layout.bytesPerNumber;
    const chainThrough = simd.chain[activation.name] as Epilogues["chain"][string];
    chainThrough(at(up, (from - upFirst) * stride), stride * E, at(z, from * width), at(dz, from * width), width * E, to - from, width);
    return;
  }
  const derivative = activation.kernel.derivative;
  for (let s = from; s < to; s++) {
    const row = s * width;
    const upRow = (s - upFirst) * stride;
    for (let j = 0; j < width; j++) {
      const k = row + j;
      const u = up[upRow + j] as number;
      dz[k] = slope === null ? u * derivative(z[k] as number, a[k] as number) : u * ((z[k] as number) > 0 ? 1 : slope);
    }
  }
}

/** This thread's scratch for a product's result. */
const resultOf = (context: StepContext, thread: number) => (context.buffers.scratch[thread] as FastBuffers["scratch"][number]).c;

/** c = a times b transposed (c[i][j] = sum over p in order of a[i][p] * b[j][p]), a m x k and b n x k read through strides, into this thread's scratch. */
function multiply(context: StepContext, thread: number, a: Strided, b: Strided, m: number, n: number, k: number, simd: boolean): number {
  const c = resultOf(context, thread);
  const kernel = context.kernel;
  if (simd && kernel !== null) {
    const bytes = context.layout.bytesPerNumber;
    const stride = roundUp(n, kernel.blockColumns);
    // In bytes: a block of b's columns is blockColumns rows of b, which must lie side by side (b.row of 1).
    if (b.row !== 1) throw new Error(`multiply: the SIMD kernel reads b's rows side by side, got a row stride of ${b.row}`);
    kernel.strided(
      a.array.byteOffset + a.at * bytes,
      a.row * bytes,
      a.step * bytes,
      b.array.byteOffset + b.at * bytes,
      kernel.blockColumns * bytes,
      b.step * bytes,
      c.byteOffset,
      stride * bytes,
      roundUp(m, kernel.blockRows),
      stride,
      k,
    );
    return stride;
  }
  stridedProduct(a, b, { array: c, at: 0, row: n, step: 1 }, m, n, k);
  return n;
}

/** The forward product on the SIMD kernel: a's rows contiguous, b packed by packB. */
function multiplyPacked(context: StepContext, thread: number, a: Strided, packed: FloatArray, m: number, n: number, k: number): number {
  const c = resultOf(context, thread);
  const kernel = context.kernel as ProductKernel;
  const stride = roundUp(n, kernel.blockColumns);
  kernel.product(a.array.byteOffset + a.at * context.layout.bytesPerNumber, packed.byteOffset, c.byteOffset, roundUp(m, kernel.blockRows), stride, k);
  return stride;
}
