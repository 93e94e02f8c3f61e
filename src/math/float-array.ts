/** A buffer of numbers in float64 or float32: what the fast path computes in, and what a loss's batch form reads and writes. */
export type FloatArray = Float64Array | Float32Array;
