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
 * It runs on the calling thread before any worker starts, so on a shared
 * step it counts in full: a typed array of a large batch is copied natively
 * and checked by a SIMD epilogue afterwards. A Float64Array into float32 is
 * first copied as it is into `staging` (float64, in the memory) and rounded
 * there by the `narrow` epilogue: V8's own float64-to-float32 copy into a
 * shared memory took 161 microseconds for 784 x 64 numbers here, the plain
 * copy and `narrow` about 30.
 */
export function copyInputs(
  inputs: ArrayLike<number>,
  into: FloatArray,
  staging: Float64Array,
  batch: number,
  width: number,
  epilogues: Epilogues | null,
): void {
  const count = batch * width;
  if (inputs.length < count) throw new Error(`forward: inputs hold ${inputs.length} numbers, a batch of ${batch} needs ${count}`);
  if (epilogues === null || count < BULK_MIN_NUMBERS || !(inputs instanceof Float64Array || inputs instanceof Float32Array)) {
    for (let k = 0; k < count; k++) {
      const x = inputs[k] as number;
      // x as given, not its copy: a string "1" would be stored as the number 1.
      if (!Number.isFinite(x)) refuse(inputs, into, k, width);
      into[k] = x;
    }
    // A finite float64 too large for float32 is Infinity in the copy.
    if (into instanceof Float32Array) for (let k = 0; k < count; k++) if (!Number.isFinite(into[k] as number)) refuse(inputs, into, k, width);
    return;
  }
  const vectors = count - (count % epilogues.lanes);
  let finite: boolean;
  if (inputs instanceof Float64Array && epilogues.narrow !== null && staging.length >= count) {
    staging.set(inputs.length === count ? inputs : inputs.subarray(0, count));
    finite = epilogues.narrow(staging.byteOffset, into.byteOffset, vectors) === 1;
    for (let k = vectors; k < count; k++) into[k] = staging[k] as number;
  } else {
    into.set(inputs.length === count ? inputs : inputs.subarray(0, count));
    finite = epilogues.allFinite(into.byteOffset, vectors) === 1;
  }
  for (let k = finite ? vectors : 0; k < count; k++) if (!Number.isFinite(into[k] as number)) refuse(inputs, into, k, width);
}

/** The error for input k, by sample and place in the row. A plain function, not a closure: the source's net copies its inputs millions of times a second. */
function refuse(inputs: ArrayLike<number>, into: FloatArray, k: number, width: number): never {
  const x = inputs[k] as number;
  const why = Number.isFinite(x) ? `${x}, too large for ${into instanceof Float32Array ? "float32" : "a float"}` : `${x}`;
  throw new Error(`forward: input ${k % width} of sample ${Math.floor(k / width)} is ${why}`);
}
