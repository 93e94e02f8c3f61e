import { f32x4Splat, f64x2Splat, type Instruction, op } from "./wasm-assembler";

/** The number format the fast path computes in: float64 (the traced path's numbers bit for bit) or float32. */
export type Precision = "float64" | "float32";

/** Everything the fast path decides by its precision, in one place. */
export interface PrecisionForm {
  /** Bytes per number in the network's memory. */
  readonly bytes: 8 | 4;
  /** Numbers per 16-byte SIMD vector. */
  readonly lanes: 2 | 4;
  /** The typed array its buffers are. */
  readonly array: Float64ArrayConstructor | Float32ArrayConstructor;
  /** Multiply-adds per step from which a step is shared between threads (see THREAD_MIN_WORK). */
  readonly threadMinWork: number;
  /** The SIMD instructions of its lanes, for the kernel and epilogue generators. */
  readonly simd: {
    readonly add: Instruction;
    readonly sub: Instruction;
    readonly mul: Instruction;
    readonly div: Instruction;
    readonly greater: Instruction;
    readonly equal: Instruction;
    readonly relaxedMultiplyAdd: Instruction;
    /** One number from memory into every lane. */
    loadSplat(offset: number): Instruction;
    /** A constant in every lane. */
    constantSplat(value: number): Instruction;
    /** A float64 on the stack into every lane, rounded to the precision. */
    readonly splatFloat64: readonly Instruction[];
  };
}

/*
 * Thread thresholds: multiply-adds per step (batch x the sum of each layer's
 * inputs x outputs) from which two threads beat one; below, waking a worker
 * and waiting for it at each of a step's three phases costs more than it
 * saves. Measured on this machine's 2 cores (bench/threads-threshold.ts, 27
 * November, quiet, worker warmed up): float64 2-64-64-1 gained 1.88x at batch
 * 64 (2.7e5) and 1.05x at 32; 32-32-32-32-2 1.36x at 32 (1.0e5) and 0.89x at
 * 16. float32 steps are about 2.5x shorter, so the fixed cost weighs more:
 * 2-64-64-1 gained 1.3-1.6x at batch 256 (1.1e6).
 */
export const PRECISION_FORMS: Readonly<Record<Precision, PrecisionForm>> = {
  float64: {
    bytes: 8,
    lanes: 2,
    array: Float64Array,
    threadMinWork: 250_000,
    simd: {
      add: op.f64x2Add,
      sub: op.f64x2Sub,
      mul: op.f64x2Mul,
      div: op.f64x2Div,
      greater: op.f64x2Gt,
      equal: op.f64x2Eq,
      relaxedMultiplyAdd: op.f64x2RelaxedMadd,
      loadSplat: op.v128Load64Splat,
      constantSplat: f64x2Splat,
      splatFloat64: [op.f64x2Splat],
    },
  },
  float32: {
    bytes: 4,
    lanes: 4,
    array: Float32Array,
    threadMinWork: 1_000_000,
    simd: {
      add: op.f32x4Add,
      sub: op.f32x4Sub,
      mul: op.f32x4Mul,
      div: op.f32x4Div,
      greater: op.f32x4Gt,
      equal: op.f32x4Eq,
      relaxedMultiplyAdd: op.f32x4RelaxedMadd,
      loadSplat: op.v128Load32Splat,
      constantSplat: f32x4Splat,
      splatFloat64: [op.f32DemoteF64, op.f32x4Splat],
    },
  },
};
