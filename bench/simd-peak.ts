/**
 * How fast can WebAssembly SIMD go on this machine, and how close do the
 * engine's product kernels come?
 *
 * The peak is measured, not taken from a datasheet: a loop that keeps
 * `CHAINS` independent vector sums in registers, updates each with a
 * multiply and an add (or one relaxed-SIMD fused multiply-add) per step and
 * never touches memory, so nothing but the floating-point units limits it.
 * Each update is `sum = sum * 0.5 + 1`: the multiply depends on the sum, so
 * the compiler cannot hoist it out of the loop, and the sums settle at 2, so
 * no step meets a slow subnormal number. The best of a few timed runs is the
 * peak; `method` says which of the two instruction mixes gave it.
 *
 * Theory, for comparison: Zen 3 (this machine's AMD EPYC, about 2.45 GHz as
 * lscpu reports it, more under boost) has two 128-bit-capable multiply/FMA
 * pipes and two add pipes. WebAssembly SIMD is 128 bits wide, so one cycle
 * can start two f32x4 multiplies and two f32x4 adds, 4 lanes x (2 + 2) = 16
 * float32 flops, or two fused multiply-adds, 2 x 4 x 2 = 16 flops as well:
 * about 39 GFLOP/s per core at 2.45 GHz in float32 and half that, 20, in
 * float64. Each update's chain (multiply 3 cycles + add 3, or FMA 4) is
 * covered by twelve independent sums, which is why CHAINS is 12.
 * Measured here (27 November): 46-49 GFLOP/s float32 with relaxed_madd, 38-39
 * with mul+add; 16 flops a cycle at 46-49 GFLOP/s means the core ran at
 * 2.9-3.0 GHz, above lscpu's nominal 2.45 (Zen 3 boosts; the guest does not
 * see it). Separate multiply and add fall short of the fused figure because
 * both bounds meet there: twelve chains of 6 cycles give exactly 2 updates
 * a cycle, so any stall shows.
 *
 * Run: `node dist/bench/simd-peak.js` (add `--variants` for the table of
 * every float32 kernel shape on the workloads' product shapes).
 */
import type { Precision } from "../src/fast/precision";
import { enableRelaxedSimd, FLOAT32_SHAPE, FLOAT64_SHAPE, type KernelShape, kernelOfShape, type ProductKernel } from "../src/fast/simd-products";
import { assembleModule, f32x4Splat, f64x2Splat, type Instruction, i32, Locals, op, v128 } from "../src/fast/wasm-assembler";

export type PeakMethod = "mul+add" | "relaxed_madd";

export interface Peak {
  gflops: number;
  /** The instruction mix that reached it: separate multiply and add, or relaxed SIMD's fused multiply-add. */
  method: PeakMethod;
  /** Each mix's figure (relaxed_madd only where relaxed SIMD compiles). */
  byMethod: Partial<Record<PeakMethod, number>>;
}

export interface SimdPeak {
  float32: Peak;
  float64: Peak;
  /** Whether relaxed SIMD's fused multiply-add compiled (and so was measured). */
  fma: boolean;
}

/** Independent running sums per loop: enough to cover the add-after-multiply latency on both pipes. */
const CHAINS = 12;
/** Steps of every chain per loop iteration, so the counter and branch cost little. */
const STEPS_PER_ITERATION = 4;
/** How long each timed run lasts, and how many runs the best is taken of. */
export interface Timing {
  runSeconds: number;
  runs: number;
}

export const defaultTiming: Timing = { runSeconds: 0.2, runs: 5 };

/** The microbenchmark's module: `run(iterations)` does CHAINS x STEPS_PER_ITERATION vector multiply-adds per iteration and stores the sums at address 0. */
function peakModule(precision: Precision, fused: boolean): WebAssembly.Module | null {
  const float64 = precision === "float64";
  const locals = new Locals([i32]);
  const ITERATIONS = 0;
  const sums = Array.from({ length: CHAINS }, () => locals.add(v128));
  const half = locals.add(v128);
  const one = locals.add(v128);
  const splat = float64 ? f64x2Splat : f32x4Splat;
  const { localGet: get, localSet: set } = op;
  const update = (sum: number): Instruction[] =>
    fused
      ? [get(sum), get(half), get(one), float64 ? op.f64x2RelaxedMadd : op.f32x4RelaxedMadd, set(sum)]
      : [get(sum), get(half), float64 ? op.f64x2Mul : op.f32x4Mul, get(one), float64 ? op.f64x2Add : op.f32x4Add, set(sum)];
  const body: Instruction[] = [
    splat(0.5), set(half),
    splat(1), set(one),
    ...sums.flatMap((sum) => [splat(1), set(sum)]),
    op.loop,
    ...Array.from({ length: STEPS_PER_ITERATION }, () => sums.flatMap(update)).flat(),
    get(ITERATIONS), op.i32Const(1), op.i32Sub, op.localTee(ITERATIONS), op.brIf(0),
    op.end,
    ...sums.flatMap((sum, index) => [op.i32Const(0), get(sum), op.v128Store(16 * index)]),
  ];
  const bytes = assembleModule({ sharedMemory: false, functions: [{ name: "run", locals, body }] }) as unknown as BufferSource;
  return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
}

/**
 * A run's duration: its wall-clock time (process.hrtime), or the CPU time the
 * process got in it if that is shorter. On a quiet machine the two agree; on
 * this shared 2-core machine other processes take the core for part of a run,
 * and the CPU time still says how fast the loop goes while it runs (no other
 * thread of ours works during a run: nothing allocates).
 */
function stopwatch(): () => number {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return Math.min(Number(process.hrtime.bigint() - wall) / 1e9, (used.user + used.system) / 1e6);
  };
}

/**
 * Calls `run(count)` with a count grown until one call lasts about
 * runSeconds (which also gives V8 time to replace its baseline code with the
 * optimised one), then returns the best rate, in units of `count` per second,
 * of `runs` timed calls.
 */
function bestRate(run: (count: number) => void, startCount: number, timing: Timing): number {
  const { runSeconds, runs } = timing;
  let count = startCount;
  for (;;) {
    const elapsed = stopwatch();
    run(count);
    const took = elapsed();
    if (took >= runSeconds / 2) break;
    count *= took > 0 ? Math.min(10, Math.max(2, runSeconds / took)) : 10;
    count = Math.ceil(count);
  }
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const elapsed = stopwatch();
    run(count);
    best = Math.max(best, count / elapsed());
  }
  return best;
}

function measureMix(precision: Precision, fused: boolean, timing: Timing): number | null {
  const module = peakModule(precision, fused);
  if (module === null) return null;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { run } = new WebAssembly.Instance(module, { env: { memory } }).exports as { run: (iterations: number) => void };
  const lanes = precision === "float64" ? 2 : 4;
  const flopsPerIteration = CHAINS * STEPS_PER_ITERATION * lanes * 2;
  const sums = precision === "float64" ? new Float64Array(memory.buffer, 0, CHAINS * 2) : new Float32Array(memory.buffer, 0, CHAINS * 4);
  const rate = bestRate(run, 1000, timing);
  // Every sum must have settled at 2: anything else means the loop did not compute what is counted.
  if (!sums.every((value) => value === 2)) throw new Error(`measureSimdPeak: the ${precision} loop's sums are ${sums.join(", ")}, not 2`);
  return (rate * flopsPerIteration) / 1e9;
}

function peakOf(precision: Precision, fma: boolean, timing: Timing): Peak {
  const separate = measureMix(precision, false, timing);
  if (separate === null) throw new Error("measureSimdPeak: this runtime has no WebAssembly SIMD");
  const fused = fma ? measureMix(precision, true, timing) : null;
  const byMethod = fused === null ? { "mul+add": separate } : { "mul+add": separate, relaxed_madd: fused };
  return fused !== null && fused > separate ? { gflops: fused, method: "relaxed_madd", byMethod } : { gflops: separate, method: "mul+add", byMethod };
}

/** This machine's WebAssembly SIMD peak on one core, in GFLOP/s, per precision. */
export function measureSimdPeak(timing: Timing = defaultTiming): SimdPeak {
  const fma = enableRelaxedSimd();
  return { float32: peakOf("float32", fma, timing), float64: peakOf("float64", fma, timing), fma };
}

/**
 * The kernel's GFLOP/s (2 m n k flops per call) on one product shape, on
 * random operands. It uses the kernel's memory from byte 0 (growing it as
 * needed): give it a kernel on a memory of its own. m and n are rounded up
 * to whole blocks, as a caller pads them.
 */
export function productEfficiency(kernel: ProductKernel, m: number, n: number, k: number, timing: Timing = defaultTiming): number {
  const mPad = Math.ceil(m / kernel.blockRows) * kernel.blockRows;
  const nPad = Math.ceil(n / kernel.blockColumns) * kernel.blockColumns;
  const elementBytes = kernel.precision === "float64" ? 8 : 4;
  const elements = mPad * k + nPad * k + mPad * nPad;
  const have = kernel.memory.buffer.byteLength;
  if (have < elements * elementBytes) kernel.memory.grow(Math.ceil((elements * elementBytes - have) / 65536));
  const heap = kernel.precision === "float64" ? new Float64Array(kernel.memory.buffer, 0, elements) : new Float32Array(kernel.memory.buffer, 0, elements);
  for (let q = 0; q < mPad * k + nPad * k; q++) heap[q] = Math.random() - 0.5;
  const [a, b, c] = [0, mPad * k * elementBytes, (mPad + nPad) * k * elementBytes];
  const callsPerSecond = bestRate((count) => {
    for (let call = 0; call < count; call++) kernel.product(a, b, c, mPad, nPad, k);
  }, 1, timing);
  return (callsPerSecond * 2 * m * n * k) / 1e9;
}

/**
 * The largest products of a training step, as (m, n, k): workload 3's first
 * layer (784 -> 128, batch 64), forward and weight gradient, then workload
 * 2's 64 -> 64 layer (batch 1000), the same two.
 */
export const WORKLOAD_PRODUCTS: readonly (readonly [number, number, number])[] = [
  [64, 128, 784],
  [128, 784, 64],
  [1000, 64, 64],
  [64, 64, 1000],
];

/** The float32 kernel shapes `--variants` compares. */
const VARIANTS: readonly KernelShape[] = [
  ...[[4, 4], [3, 4], [2, 8]].map(([blockRows, blockColumns]) => ({ precision: "float64" as const, blockRows: blockRows!, blockColumns: blockColumns!, fusedMultiplyAdd: false })),
  ...[[2, 16], [4, 8], [3, 12], [4, 12], [6, 8], [4, 4]].flatMap(([blockRows, blockColumns]) =>
    [true, false].map((fusedMultiplyAdd) => ({ precision: "float32" as const, blockRows: blockRows!, blockColumns: blockColumns!, fusedMultiplyAdd })),
  ),
];

const shapeName = (shape: KernelShape) => `${shape.precision} ${shape.blockRows}x${shape.blockColumns}${shape.fusedMultiplyAdd ? " relaxed_madd" : " mul+add"}`;
const round = (x: number) => x.toFixed(1);

/** The better of two measurements, method by method: rounds taken at different moments of a shared machine's load. */
function betterPeak(a: SimdPeak, b: SimdPeak): SimdPeak {
  const merge = (x: Peak, y: Peak): Peak => {
    const byMethod = { ...x.byMethod };
    for (const [method, gflops] of Object.entries(y.byMethod) as [PeakMethod, number][]) byMethod[method] = Math.max(byMethod[method] ?? 0, gflops);
    const [method, gflops] = (Object.entries(byMethod) as [PeakMethod, number][]).reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    return { gflops, method, byMethod };
  };
  return { float32: merge(a.float32, b.float32), float64: merge(a.float64, b.float64), fma: a.fma };
}

function parseArguments(args: readonly string[]): { variants: boolean; rounds: number } {
  let variants = false;
  let rounds = 3;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--variants") variants = true;
    else if (arg === "--rounds") {
      rounds = Number(args[++index]);
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`simd-peak: --rounds wants a whole number >= 1, got ${args[index] ?? "nothing"}`);
    } else throw new Error(`simd-peak: unknown argument ${arg} (usage: node dist/bench/simd-peak.js [--variants] [--rounds N])`);
  }
  return { variants, rounds };
}

function main(): void {
  const { variants, rounds } = parseArguments(process.argv.slice(2));
  const load = () => (require("node:os") as typeof import("node:os")).loadavg()[0]!.toFixed(2);
  const loadBefore = load();
  const shapes = variants ? VARIANTS : [FLOAT64_SHAPE, FLOAT32_SHAPE];
  const kernels = shapes.map((shape) => kernelOfShape(shape, new WebAssembly.Memory({ initial: 1 })));
  // Rounds interleave the peak and every kernel, and each figure is its best round: load on a shared machine comes and goes.
  let peak = measureSimdPeak();
  const best = kernels.map(() => WORKLOAD_PRODUCTS.map(() => 0));
  for (let round = 0; round < rounds; round++) {
    if (round > 0) peak = betterPeak(peak, measureSimdPeak());
    kernels.forEach((kernel, v) => {
      if (kernel === null) return;
      WORKLOAD_PRODUCTS.forEach(([m, n, k], s) => {
        best[v]![s] = Math.max(best[v]![s]!, productEfficiency(kernel, m, n, k));
      });
    });
  }
  const methods = (p: Peak) => Object.entries(p.byMethod).map(([method, gflops]) => `${method} ${round(gflops)}`).join(", ");
  console.log(`WebAssembly SIMD peak, one core: float32 ${round(peak.float32.gflops)} GFLOP/s (${methods(peak.float32)}), float64 ${round(peak.float64.gflops)} GFLOP/s (${methods(peak.float64)})`);
  // 16 float32 flops per cycle (two 4-lane FMA, or two multiplies and two adds): the clock the peak implies, to set beside lscpu's.
  console.log(`= 16 float32 flops per cycle at ${(peak.float32.gflops / 16).toFixed(2)} GHz`);
  console.log(`| kernel | ${WORKLOAD_PRODUCTS.map(([m, n, k]) => `${m}x${n}x${k}`).join(" | ")} |`);
  console.log(`| --- |${" --- |".repeat(WORKLOAD_PRODUCTS.length)}`);
  shapes.forEach((shape, v) => {
    if (kernels[v] === null) return;
    const ofPeak = shape.precision === "float64" ? peak.float64.gflops : peak.float32.gflops;
    const cells = best[v]!.map((gflops) => `${round(gflops)} (${Math.round((100 * gflops) / ofPeak)}%)`);
    console.log(`| ${shapeName(shape)} | ${cells.join(" | ")} |`);
  });
  console.log(`GFLOP/s per product shape (m x n x k), best of ${rounds} rounds, and % of the peak of its precision; load average ${loadBefore} before, ${load()} after`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
