import { requireNonNegativeInteger, requirePositiveInteger } from "./argument-guards";

/** A half-open element range [start, end) of a buffer. */
export interface ElementRange {
  start: number;
  end: number;
}

/**
 * Splits `length` elements into `parts` contiguous chunks the way NCCL's ring
 * kernel does: every chunk is ceil(length / parts) long except at the end,
 * where the remainder is shorter and later chunks may be empty. With 5
 * elements on 4 ranks the chunks hold 2, 2, 1 and 0 elements.
 * (NCCL `src/device/all_reduce.h`: chunkCount = divUp(count, nranks),
 * nelem = min(chunkCount, count - chunk * chunkCount); it also rounds
 * chunkCount up to a 16-byte multiple, which this model leaves out.)
 */
export function ringChunks(length: number, parts: number): ElementRange[] {
  requireNonNegativeInteger("buffer length", length);
  requirePositiveInteger("ranks", parts);
  const chunkLength = Math.ceil(length / parts);
  const chunks: ElementRange[] = [];
  for (let index = 0; index < parts; index++) {
    const start = Math.min(index * chunkLength, length);
    const end = Math.min(start + chunkLength, length);
    chunks.push({ start, end });
  }
  return chunks;
}
