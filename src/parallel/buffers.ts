import { requirePositiveInteger } from "./argument-guards";

/**
 * Checks the per-rank input buffers of a collective: at least one rank, all
 * the same length, no NaN (a NaN would silently poison every rank's sum).
 */
export function checkRankBuffers(buffers: readonly Float64Array[]): number {
  requirePositiveInteger("ranks (number of buffers)", buffers.length);
  const length = buffers[0]!.length;
  buffers.forEach((buffer, rank) => {
    if (buffer.length !== length) {
      throw new RangeError(`buffer of rank ${rank} has ${buffer.length} elements, but rank 0 has ${length}; all ranks must hold the same length`);
    }
    const bad = buffer.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new RangeError(`buffer of rank ${rank} holds ${buffer[bad]} at element ${bad}; values must be finite`);
  });
  return length;
}

/** Element-wise sum of all buffers, rank 0 first: the reference every collective must match. */
export function directSum(buffers: readonly Float64Array[]): Float64Array {
  const length = checkRankBuffers(buffers);
  const sum = new Float64Array(length);
  for (const buffer of buffers) for (let i = 0; i < length; i++) sum[i] = sum[i]! + buffer[i]!;
  return sum;
}
