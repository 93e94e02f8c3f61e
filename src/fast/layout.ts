import { type Precision, PRECISION_FORMS } from "./precision";

/** Where one buffer lives: a byte offset into the network's memory and a length in numbers. */
export interface Region {
  readonly at: number;
  readonly length: number;
}

/**
 * Where every buffer of a fast network lives in its memory, as plain data,
 * so a worker thread given the same memory and this object sees the same
 * buffers. Per layer l (0-based): weights are (outputs x inputs), row-major.
 * Batch buffers hold `capacity` samples plus one register block of rows more:
 * the SIMD kernel reads whole blocks of rows and columns and drops the extra
 * sums, and what it reads must lie inside the memory.
 */
export interface FastLayout {
  readonly precision: Precision;
  readonly bytesPerNumber: 8 | 4;
  readonly sizes: readonly number[];
  readonly capacity: number;
  /** How many threads share a step (each has its own scratch). */
  readonly parts: number;
  /** The product kernel's block sizes (1 x 1 when there is no SIMD kernel). */
  readonly blockRows: number;
  readonly blockColumns: number;
  // Parameters first: their place depends on the sizes only, so it survives a larger batch.
  readonly weights: readonly Region[];
  readonly biases: readonly Region[];
  readonly weightGradients: readonly Region[];
  readonly biasGradients: readonly Region[];
  /** This step's weights packed for the SIMD kernel's forward product (see packRows in batch-step.ts). */
  readonly packedWeights: readonly Region[];
  /** float32 only (empty in float64): the batch's float64 inputs, copied as they are, before the SIMD epilogue rounds them into activations[0] (see copyInputs). */
  readonly inputStaging: Region;
  /** Per layer l: activations[0] are the inputs, activations[l + 1] the layer's outputs. */
  readonly activations: readonly Region[];
  readonly preActivations: readonly Region[];
  /** dL/dz per layer, batch x width. */
  readonly dz: readonly Region[];
  /** dL/d(outputs), batch x outputs, from the loss. */
  readonly top: Region;
  readonly targets: Region;
  /** Each sample's loss, always float64, summed in order once every thread is done. */
  readonly sampleLoss: Region;
  /** Per thread: room for a product's result. */
  readonly scratch: readonly { c: Region }[];
  /** Bytes used. */
  readonly end: number;
}

export const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

export function planLayout(
  precision: Precision,
  sizes: readonly number[],
  capacity: number,
  parts: number,
  blockRows: number,
  blockColumns: number,
): FastLayout {
  const bytesPerNumber = PRECISION_FORMS[precision].bytes;
  let end = 0;
  // Every region starts on a 16-byte boundary, so a v128 load never straddles two regions' alignment.
  const take = (length: number, bytes: number = bytesPerNumber): Region => {
    const region = { at: end, length };
    end = roundUp(end + length * bytes, 16);
    return region;
  };
  const layers = sizes.slice(1).map((out, l) => ({ out, in: sizes[l] as number }));
  const weights = layers.map((s) => take(s.out * s.in));
  const biases = layers.map((s) => take(s.out));
  const weightGradients = layers.map((s) => take(s.out * s.in));
  const biasGradients = layers.map((s) => take(s.out));
  const packedWeights = layers.map((s) => take(roundUp(s.out, blockColumns) * s.in));
  const rows = capacity + blockRows;
  const inputStaging = take(precision === "float32" ? rows * (sizes[0] as number) : 0, 8);
  const activations = sizes.map((n) => take(rows * n));
  const preActivations = layers.map((s) => take(rows * s.out));
  const dz = layers.map((s) => take(rows * s.out));
  const nOut = sizes[sizes.length - 1] as number;
  const top = take(rows * nOut);
  const targets = take(rows * nOut);
  const sampleLoss = take(rows, 8);
  const widest = Math.max(...sizes);
  // The largest product a thread computes: rows of the batch by a layer's width, or a layer by a layer (weight gradients).
  const cSize = Math.max(roundUp(rows, blockRows) * roundUp(widest, blockColumns), roundUp(widest, blockRows) * roundUp(widest, blockColumns));
  const scratch = Array.from({ length: parts }, () => ({ c: take(cSize) }));
  return {
    precision,
    bytesPerNumber,
    sizes: [...sizes],
    capacity,
    parts,
    blockRows,
    blockColumns,
    weights,
    biases,
    weightGradients,
    biasGradients,
    packedWeights,
    inputStaging,
    activations,
    preActivations,
    dz,
    top,
    targets,
    sampleLoss,
    scratch,
    end,
  };
}

/**
 * Slice `slice` of `slices` of `count` items: contiguous, each slice's start
 * a multiple of `align`. The first half of the slices (threads take them
 * first, one each) share three quarters of the items, the rest the last
 * quarter: on an idle machine each thread takes one large slice and one
 * small, as even as fixed halves with few slices, and a thread that is held
 * up leaves small slices for the others to take.
 */
export function share(count: number, slices: number, slice: number, align: number): { from: number; to: number } {
  const large = Math.ceil(slices / 2);
  const small = slices - large;
  const fraction = (t: number) => (small === 0 ? t / slices : t <= large ? (0.75 * t) / large : 0.75 + (0.25 * (t - large)) / small);
  const cut = (t: number) => Math.min(count, roundUp(Math.floor(fraction(t) * count), align));
  return { from: cut(slice), to: slice === slices - 1 ? count : cut(slice + 1) };
}
