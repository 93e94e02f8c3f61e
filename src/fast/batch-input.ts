import type { FloatArray } from "../math/float-array";
import type { Epilogues } from "./epilogues";

/** From this many numbers, a native copy and a SIMD check beat the JavaScript loop that checks as it copies. */
const BULK_MIN_NUMBERS = 256;

/**
 * Copies a batch's inputs (batch rows of `width` numbers) into the
 * network's memory, refusing any that is not a finite number there, with
 * its place: "forward: input 1 of sample 0 is NaN". In float32 a number too
 * large for float32 becomes Infinity in the copy and is refused too.
 *
 * A typed array of a large batch is copied natively and checked by the
 * SIMD epilogue afterwards (x - x is NaN exactly when x is not finite), so
 * the copy costs a few microseconds rather than a JavaScript loop per
 * number; it runs on the calling thread before any worker starts, so it
 * counts in full against a shared step.
 */
export function copyInputs(inputs: ArrayLike<number>, into: FloatArray, batch: number, width: number, epilogues: Epilogues | null): void {
  const count = batch * width;
  if (inputs.length < count) throw new Error(`forward: inputs hold ${inputs.length} numbers, a batch of ${batch} needs ${count}`);
  const refuse = (k: number): never => {
    const x = inputs[k] as number;
    const why = Number.isFinite(x) ? `${x}, too large for ${into instanceof Float32Array ? "float32" : "a float"}` : `${x}`;
    throw new Error(`forward: input ${k % width} of sample ${Math.floor(k / width)} is ${why}`);
  };
  if (epilogues === null || count < BULK_MIN_NUMBERS || !ArrayBuffer.isView(inputs)) {
    for (let k = 0; k < count; k++) {
      const x = inputs[k] as number;
      into[k] = x;
      // x itself too: a string "1" would be stored as the number 1.
      if (!Number.isFinite(x) || !Number.isFinite(into[k] as number)) refuse(k);
    }
    return;
  }
  into.set(inputs.length === count ? inputs : (inputs as unknown as FloatArray).subarray(0, count));
  const vectors = count - (count % epilogues.lanes);
  if (epilogues.allFinite(into.byteOffset, vectors) === 1) {
    for (let k = vectors; k < count; k++) if (!Number.isFinite(into[k] as number)) refuse(k);
    return;
  }
  for (let k = 0; k < vectors; k++) if (!Number.isFinite(into[k] as number)) refuse(k);
}
