/**
 * orderedProduct (see js-products.ts) as WebAssembly SIMD kernels, for the
 * large layers. JavaScript has no vector arithmetic; WebAssembly's f64x2
 * does two float64 multiplies or adds per instruction and f32x4 four
 * float32 ones.
 *
 * float64: each lane is plain IEEE arithmetic (a multiply, then an add, no
 * fused multiply-add), so every sum is still taken in the traced path's
 * order and the numbers stay bit for bit equal to it.
 * float32: the same sums in the same order, rounded to float32 at every
 * step, and fused (one rounding per multiply-add) where relaxed SIMD's
 * multiply-add is used; close to the float64 sums, not equal to them.
 */
import { setFlagsFromString } from "node:v8";
import { roundUp } from "./layout";
import type { FloatArray } from "../math/float-array";
import { type Precision, PRECISION_FORMS } from "./precision";
import { assembleModule, compiledModule, type Instruction, i32, isSharedMemory, Locals, op, shuffleLanes, v128 } from "./wasm-assembler";

export interface ProductKernel {
  readonly precision: Precision;
  /** Rows of a per register block: m must be a multiple (4 in float64, 2 in float32: FLOAT64_SHAPE, FLOAT32_SHAPE). */
  readonly blockRows: number;
  /** Rows of b per packed block: n must be a multiple (4 in float64, 16 in float32). */
  readonly blockColumns: number;
  /** True where the kernel uses relaxed SIMD's multiply-add, which rounds once where the CPU has fused multiply-add (x64 with FMA3, as here). */
  readonly fusedMultiplyAdd: boolean;
  /** The memory the byte offsets point into. */
  readonly memory: WebAssembly.Memory;
  /**
   * c[i*n + j] = sum over p = 0..k-1, in order, of a[i*k + p] * b[j][p], each
   * sum starting from +0. All arguments but the sizes are byte offsets into
   * the memory; a is m x k row-major, c is m x n row-major, b is packed (see
   * packB). Element size: 8 bytes in float64, 4 in float32.
   */
  product(a: number, packedB: number, c: number, m: number, n: number, k: number): void;
  /**
   * The same sums with every operand read where it lies, through byte
   * strides: a[i][p] at a + i*aRow + p*aStep; b's columns j..j+blockColumns-1
   * (one register block) for step p at b + (j / blockColumns)*bBlock + p*bStep,
   * consecutive in memory; c[i][j] at c + i*cRow + j*elementBytes. Saves
   * packing an operand that already has its block's columns side by side
   * (W for the backward product, the activations for dL/dW), and transposing
   * one that has a row's steps apart (dL/dz for dL/dW). Reads up to a block
   * past the last row and column and drops those sums, as `product` does.
   */
  strided(a: number, aRow: number, aStep: number, b: number, bBlock: number, bStep: number, c: number, cRow: number, m: number, n: number, k: number): void;
  /**
   * packB's result (b's rows rowsFrom..rowsTo, multiples of blockColumns,
   * packed into `to` from its element 0), b and `to` being views on the
   * kernel's memory: whole blocks moved lanes x lanes numbers at a time in
   * WebAssembly, the rest (a block past n, a k that is not a multiple of
   * the lanes) by packB.
   */
  pack(b: FloatArray, n: number, k: number, to: FloatArray, rowsFrom: number, rowsTo: number): void;
}

/**
 * How a kernel is generated. One p-step loads blockColumns values of b (as
 * blockColumns / lanes vectors) and one value of each of blockRows rows of a
 * (splat across the lanes), and updates blockRows x (blockColumns / lanes)
 * running sums that stay in registers for the whole of k.
 */
export interface KernelShape {
  precision: Precision;
  blockRows: number;
  blockColumns: number;
  fusedMultiplyAdd: boolean;
}

/**
 * The shapes in use, chosen by measurement (`node dist/bench/simd-peak.js --variants`).
 * float64 keeps 4 x 4 (eight f64x2 sums), ahead of 3 x 4 and 2 x 8.
 * float32: 2 x 16 with relaxed_madd (eight f32x4 sums, 2 splats and 4 loads
 * per p-step) and 4 x 8 tie at 92-96% of the measured peak on the
 * workloads' products (best of 8 rounds, twice); 2 x 16 bumps two row
 * pointers a step rather than four and pads m to 2. Shapes with twelve sums
 * (4 x 12, 6 x 8) ran at 40-45%: with their operands they need more than
 * the 15 vector registers V8 gives wasm on x64 and spill on every step (so
 * does unrolling the p loop, which V8 already does itself). Separate
 * multiply and add ran at 60-70%.
 */
export const FLOAT64_SHAPE: KernelShape = { precision: "float64", blockRows: 4, blockColumns: 4, fusedMultiplyAdd: false };
export const FLOAT32_SHAPE: KernelShape = { precision: "float32", blockRows: 2, blockColumns: 16, fusedMultiplyAdd: true };


/**
 * The packed layout of b (n x k, row-major) for a kernel with blockColumns =
 * NB: block j (b rows j..j+NB-1) starts at element j*k of the packed region
 * `to` (from element `at`), and holds [j*k + NB*p + t] = b[j+t][p], so one
 * p-step reads NB consecutive values; rows past n are zeros. Packs the
 * blocks from row `rowsFrom` to `rowsTo` (multiples of NB), so threads can
 * share the work.
 */
export function packB(b: Float64Array | Float32Array, n: number, k: number, blockColumns: number, to: Float64Array | Float32Array, at: number, rowsFrom = 0, rowsTo = roundUp(n, blockColumns)): void {
  for (let j = rowsFrom; j < rowsTo; j += blockColumns) {
    const block = at + j * k;
    for (let t = 0; t < blockColumns; t++) {
      const row = j + t;
      if (row >= n) for (let p = 0; p < k; p++) to[block + blockColumns * p + t] = 0;
      else for (let p = 0; p < k; p++) to[block + blockColumns * p + t] = b[row * k + p] as number;
    }
  }
}

/**
 * The generated `strided` function for one shape: see ProductKernel.strided.
 * `product` is the same function with the packed layout's strides; the
 * runtime strides cost nothing measurable against constant offsets (41-43
 * GFLOP/s both, float32, 64 x 128 x 784).
 */
function stridedFunction(shape: KernelShape): { locals: Locals; body: Instruction[] } {
  const { blockRows, blockColumns } = shape;
  const { bytes: E, lanes, simd } = PRECISION_FORMS[shape.precision];
  const vectors = blockColumns / lanes;
  if (!Number.isInteger(vectors)) throw new Error(`stridedFunction: blockColumns ${blockColumns} is not a multiple of ${lanes} lanes`);
  const { loadSplat: splat, mul, add, relaxedMultiplyAdd: madd } = simd;

  const locals = new Locals([i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32]);
  const [A, A_ROW, A_STEP, B, B_BLOCK, B_STEP, C, C_ROW, M, N, K] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const j = locals.add(i32);
  const i = locals.add(i32);
  const p = locals.add(i32);
  const bStart = locals.add(i32);
  const cColumn = locals.add(i32);
  const aRows = locals.add(i32);
  const cRows = locals.add(i32);
  const pb = locals.add(i32);
  const pa = Array.from({ length: blockRows }, () => locals.add(i32));
  const cAt = locals.add(i32);
  const sums = Array.from({ length: blockRows }, () => Array.from({ length: vectors }, () => locals.add(v128)));
  const bVector = Array.from({ length: vectors }, () => locals.add(v128));
  const x = locals.add(v128);

  const { localGet: get, localSet: set, i32Const: int } = op;
  const bump = (local: number, ...value: Instruction[]): Instruction[] => [get(local), ...value, op.i32Add, set(local)];

  const step: Instruction[] = [];
  bVector.forEach((vector, v) => {
    step.push(get(pb), op.v128Load(v * lanes * E, 0), set(vector));
  });
  pa.forEach((row, r) => {
    step.push(get(row), splat(0), set(x));
    for (let v = 0; v < vectors; v++) {
      const sum = sums[r]![v]!;
      if (shape.fusedMultiplyAdd) step.push(get(x), get(bVector[v]!), get(sum), madd, set(sum));
      else step.push(get(sum), get(x), get(bVector[v]!), mul, add, set(sum));
    }
  });

  const body: Instruction[] = [
    int(0), set(j), get(B), set(bStart), get(C), set(cColumn),
    op.loop,
    int(0), set(i), get(A), set(aRows), get(cColumn), set(cRows),
    op.loop,
    get(aRows), set(pa[0]!),
    ...pa.slice(1).flatMap((row, r) => [get(pa[r]!), get(A_ROW), op.i32Add, set(row)]),
    // Every running sum starts at +0, as the traced path's does.
    ...sums.flat().flatMap((sum) => [op.v128Const(new Array<number>(16).fill(0)), set(sum)]),
    get(bStart), set(pb), get(K), set(p),
    op.block, op.loop,
    get(p), op.i32Eqz, op.brIf(1),
    ...step,
    ...pa.flatMap((row) => bump(row, get(A_STEP))),
    ...bump(pb, get(B_STEP)),
    get(p), int(1), op.i32Sub, set(p),
    op.br(0),
    op.end, op.end,
    get(cRows), set(cAt),
    ...sums.flatMap((row) => [
      ...row.flatMap((sum, v) => [get(cAt), get(sum), op.v128Store(v * lanes * E, 0)]),
      ...bump(cAt, get(C_ROW)),
    ]),
    ...bump(i, int(blockRows)),
    ...bump(aRows, get(A_ROW), int(blockRows), op.i32Mul),
    ...bump(cRows, get(C_ROW), int(blockRows), op.i32Mul),
    get(i), get(M), op.i32LtU, op.brIf(0),
    op.end,
    ...bump(j, int(blockColumns)),
    ...bump(bStart, get(B_BLOCK)),
    ...bump(cColumn, int(blockColumns * E)),
    get(j), get(N), op.i32LtU, op.brIf(0),
    op.end,
  ];
  return { locals, body };
}

/**
 * The generated `pack` function: `blocks` whole blocks of blockColumns rows
 * of b (rows `row` bytes apart, from byte b) into their packed places (from
 * byte to), `steps` x lanes columns of each. Each step loads `lanes` rows'
 * next `lanes` numbers, transposes that square with shuffles, and stores
 * each column where the packed layout wants it: a column of one block is
 * blockColumns consecutive numbers.
 */
function packFunction(shape: KernelShape): { locals: Locals; body: Instruction[] } {
  const { blockColumns } = shape;
  const { bytes: E, lanes } = PRECISION_FORMS[shape.precision];
  const locals = new Locals([i32, i32, i32, i32, i32]);
  const [B, ROW, TO, BLOCKS, STEPS] = [0, 1, 2, 3, 4];
  const [blocksLeft, groupsLeft, stepsLeft, blockFrom, blockTo, groupFrom, groupTo, into] = [0, 0, 0, 0, 0, 0, 0, 0].map(() => locals.add(i32)) as [number, number, number, number, number, number, number, number];
  const rows = Array.from({ length: lanes }, () => locals.add(i32));
  const loaded = Array.from({ length: lanes }, () => locals.add(v128));
  const paired = Array.from({ length: lanes }, () => locals.add(v128));
  const { localGet: get, localSet: set, i32Const: int } = op;
  const bump = (local: number, ...value: Instruction[]): Instruction[] => [get(local), ...value, op.i32Add, set(local)];
  const shuffle = (a: number, b: number, picked: number[]): Instruction[] => [get(a), get(b), op.i8x16Shuffle(shuffleLanes(E, picked))];
  // columns[s] = lane s of every loaded row, in row order.
  const columns: Instruction[][] =
    lanes === 2
      ? [shuffle(loaded[0]!, loaded[1]!, [0, 2]), shuffle(loaded[0]!, loaded[1]!, [1, 3])]
      : [
          shuffle(paired[0]!, paired[2]!, [0, 1, 4, 5]),
          shuffle(paired[0]!, paired[2]!, [2, 3, 6, 7]),
          shuffle(paired[1]!, paired[3]!, [0, 1, 4, 5]),
          shuffle(paired[1]!, paired[3]!, [2, 3, 6, 7]),
        ];
  // float32's 4 x 4 square in two rounds: rows 0 and 1 (and 2 and 3) interleaved first.
  const pairs: Instruction[] =
    lanes === 2
      ? []
      : [
          ...shuffle(loaded[0]!, loaded[1]!, [0, 4, 1, 5]), set(paired[0]!),
          ...shuffle(loaded[0]!, loaded[1]!, [2, 6, 3, 7]), set(paired[1]!),
          ...shuffle(loaded[2]!, loaded[3]!, [0, 4, 1, 5]), set(paired[2]!),
          ...shuffle(loaded[2]!, loaded[3]!, [2, 6, 3, 7]), set(paired[3]!),
        ];
  const untilZero = (counter: number, inner: Instruction[]): Instruction[] => [
    op.block, op.loop,
    get(counter), op.i32Eqz, op.brIf(1),
    ...inner,
    get(counter), int(1), op.i32Sub, set(counter),
    op.br(0),
    op.end, op.end,
  ];
  const step: Instruction[] = [
    ...loaded.flatMap((vector, r) => [get(rows[r]!), op.v128Load(0, 0), set(vector)]),
    ...pairs,
    ...columns.flatMap((column, s) => [get(into), ...column, op.v128Store(s * blockColumns * E, 0)]),
    ...rows.flatMap((row) => bump(row, int(lanes * E))),
    ...bump(into, int(lanes * blockColumns * E)),
  ];
  const group: Instruction[] = [
    get(groupFrom), set(rows[0]!),
    ...rows.slice(1).flatMap((row, r) => [get(rows[r]!), get(ROW), op.i32Add, set(row)]),
    get(groupTo), set(into), get(STEPS), set(stepsLeft),
    ...untilZero(stepsLeft, step),
    ...bump(groupFrom, get(ROW), int(lanes), op.i32Mul),
    ...bump(groupTo, int(lanes * E)),
  ];
  const block: Instruction[] = [
    get(blockFrom), set(groupFrom), get(blockTo), set(groupTo), int(blockColumns / lanes), set(groupsLeft),
    ...untilZero(groupsLeft, group),
    // A block is blockColumns rows of b, and as many numbers packed.
    ...bump(blockFrom, get(ROW), int(blockColumns), op.i32Mul),
    ...bump(blockTo, get(ROW), int(blockColumns), op.i32Mul),
  ];
  const body: Instruction[] = [get(B), set(blockFrom), get(TO), set(blockTo), get(BLOCKS), set(blocksLeft), ...untilZero(blocksLeft, block)];
  return { locals, body };
}

/** Kernels by memory and shape (the compiled modules are cached by compiledModule). */
const instances = new WeakMap<WebAssembly.Memory, Map<string, ProductKernel>>();

const shapeKey = (shape: KernelShape) => `${shape.precision} ${shape.blockRows}x${shape.blockColumns}${shape.fusedMultiplyAdd ? " fused" : ""}`;

function compiled(shape: KernelShape, sharedMemory: boolean): WebAssembly.Module | null {
  return compiledModule(`product ${shapeKey(shape)}`, sharedMemory, () => {
    if (shape.fusedMultiplyAdd) enableRelaxedSimd();
    return [
      { name: "strided", ...stridedFunction(shape) },
      { name: "pack", ...packFunction(shape) },
    ];
  });
}

/**
 * Throws a one-line error naming the first argument of a product call that
 * would compute garbage or reach outside the memory. Plain comparisons, no
 * allocation: it runs on every call of the training loop.
 */
function checkProduct(shape: KernelShape, memory: WebAssembly.Memory, a: number, packedB: number, c: number, m: number, n: number, k: number): void {
  const E = PRECISION_FORMS[shape.precision].bytes;
  const bytes = memory.buffer.byteLength;
  const fail = (why: string) => {
    throw new Error(`${shape.precision} product(a ${a}, packedB ${packedB}, c ${c}, m ${m}, n ${n}, k ${k}): ${why}`);
  };
  const isCount = (value: number) => Number.isSafeInteger(value) && value >= 0;
  if (!isCount(m) || !isCount(n) || !isCount(k)) fail("m, n and k must be whole numbers >= 0");
  if (m % shape.blockRows !== 0) fail(`m must be a multiple of blockRows ${shape.blockRows} (pad a with zero rows)`);
  if (n % shape.blockColumns !== 0) fail(`n must be a multiple of blockColumns ${shape.blockColumns} (pad b with zero rows)`);
  const region = (name: string, at: number, elements: number) => {
    if (!isCount(at) || at % E !== 0) fail(`${name} must be a byte offset >= 0 and a multiple of ${E}`);
    if (at + elements * E > bytes) fail(`${name} ends at byte ${at + elements * E}, past the memory's ${bytes}`);
  };
  region("a", a, m * k);
  region("packedB", packedB, n * k);
  region("c", c, m * n);
}

/** A kernel of the given shape on `memory`, or null where this runtime cannot compile it (no SIMD, or no relaxed SIMD for a fused shape). */
export function kernelOfShape(shape: KernelShape, memory: WebAssembly.Memory): ProductKernel | null {
  const key = shapeKey(shape);
  const onMemory = instances.get(memory) ?? new Map<string, ProductKernel>();
  instances.set(memory, onMemory);
  const cached = onMemory.get(key);
  if (cached !== undefined) return cached;
  const module = compiled(shape, isSharedMemory(memory));
  if (module === null) return null;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as {
    strided: ProductKernel["strided"];
    pack: (b: number, row: number, to: number, blocks: number, steps: number) => void;
  };
  const { bytes: E, lanes } = PRECISION_FORMS[shape.precision];
  const NB = shape.blockColumns;
  const kernel: ProductKernel = {
    precision: shape.precision,
    blockRows: shape.blockRows,
    blockColumns: shape.blockColumns,
    fusedMultiplyAdd: shape.fusedMultiplyAdd,
    memory,
    product: (a, packedB, c, m, n, k) => {
      // The wasm loops trust their sizes: a ragged m or n would write past c's last row, and m = 0 would still run one block.
      checkProduct(shape, memory, a, packedB, c, m, n, k);
      // a's rows k numbers apart; block j of packed b k * blockColumns numbers in, its step's columns side by side.
      if (m > 0 && n > 0) exports.strided(a, k * E, E, packedB, k * shape.blockColumns * E, shape.blockColumns * E, c, n * E, m, n, k);
    },
    strided: (a, aRow, aStep, b, bBlock, bStep, c, cRow, m, n, k) => {
      if (m % shape.blockRows !== 0 || n % shape.blockColumns !== 0 || !(m > 0 && n > 0 && k >= 0)) {
        throw new Error(`${shape.precision} strided product: m ${m} and n ${n} must be positive multiples of ${shape.blockRows} and ${shape.blockColumns}, k ${k} 0 or more`);
      }
      exports.strided(a, aRow, aStep, b, bBlock, bStep, c, cRow, m, n, k);
    },
    pack: (b, n, k, to, rowsFrom, rowsTo) => {
      // A shared memory's buffer is a new object after it grows, so the views' buffers cannot be compared with it: their ends can.
      if (b.byteOffset + b.byteLength > memory.buffer.byteLength || to.byteOffset + to.byteLength > memory.buffer.byteLength)
        throw new Error(`${shape.precision} pack: b and to must be views on the kernel's memory`);
      if (rowsFrom % NB !== 0 || rowsTo % NB !== 0 || rowsTo > roundUp(n, NB) || to.length < rowsTo * k || b.length < n * k)
        throw new Error(`${shape.precision} pack: rows ${rowsFrom} to ${rowsTo} of a ${n} x ${k} b must be whole blocks of ${NB} inside b and to`);
      // Blocks with every row inside b, when their rows are whole vectors: the rest (a last block padded with zeros, a ragged k) is rare and small.
      const whole = k % lanes === 0 ? Math.max(rowsFrom, Math.min(rowsTo, n - (n % NB))) : rowsFrom;
      if (whole > rowsFrom) exports.pack(b.byteOffset + rowsFrom * k * E, k * E, to.byteOffset + rowsFrom * k * E, (whole - rowsFrom) / NB, k / lanes);
      if (whole < rowsTo) packB(b, n, k, NB, to, 0, whole, rowsTo);
    },
  };
  onMemory.set(key, kernel);
  return kernel;
}

/**
 * The product kernel for a precision, on `memory` (plain or shared; one
 * compiled module for each kind, one instance per memory). float32 falls back
 * to separate multiply and add where relaxed SIMD is missing. null where
 * WebAssembly SIMD is missing.
 */
export function productKernel(precision: Precision, memory: WebAssembly.Memory): ProductKernel | null {
  if (precision === "float64") return kernelOfShape(FLOAT64_SHAPE, memory);
  return kernelOfShape(FLOAT32_SHAPE, memory) ?? kernelOfShape({ ...FLOAT32_SHAPE, fusedMultiplyAdd: false }, memory);
}

let relaxedSimd: boolean | undefined;

/**
 * Whether relaxed SIMD compiles here, turning it on first if it must be: Node
 * 20's V8 (11.3) has it behind a flag, which takes effect for modules
 * validated after it is set (later V8s ship it on).
 */
export function enableRelaxedSimd(): boolean {
  if (relaxedSimd !== undefined) return relaxedSimd;
  const locals = new Locals([]);
  const register = locals.add(v128);
  const zero = op.v128Const(new Array<number>(16).fill(0));
  const probe = assembleModule({ sharedMemory: false, functions: [{ name: "probe", locals, body: [zero, zero, zero, op.f32x4RelaxedMadd, op.localSet(register)] }] }) as unknown as BufferSource;
  if (typeof WebAssembly !== "object") relaxedSimd = false;
  else {
    if (!WebAssembly.validate(probe)) setFlagsFromString("--experimental-wasm-relaxed-simd");
    relaxedSimd = WebAssembly.validate(probe);
  }
  return relaxedSimd;
}

export function simdAvailable(): boolean {
  return compiled(FLOAT64_SHAPE, false) !== null;
}

