import { requirePositive } from "./argument-guards";

/** Number formats gradients and activations travel in between devices (not the fast path's Precision, which it computes in). */
export type WireFormat = "fp32" | "bf16" | "fp16" | "fp8";

const BYTES_PER_ELEMENT: Record<WireFormat, number> = { fp32: 4, bf16: 2, fp16: 2, fp8: 1 };

export const PRECISIONS: readonly WireFormat[] = ["fp32", "bf16", "fp16", "fp8"];

/**
 * Bytes one element occupies on the wire. A plain number is accepted too
 * (for example 8 for the Float64Array buffers of the simulations).
 */
export function bytesPerElement(precision: WireFormat | number): number {
  if (typeof precision === "number") return requirePositive("bytesPerElement", precision);
  const bytes = BYTES_PER_ELEMENT[precision];
  if (bytes === undefined) {
    throw new RangeError(`precision must be one of ${PRECISIONS.join(", ")}, got ${JSON.stringify(precision)}`);
  }
  return bytes;
}
