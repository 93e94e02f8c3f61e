import { type ActivationName, activations, slopeBelowZero } from "../math/activations";
import { type Precision, PRECISION_FORMS } from "./precision";
import { compiledModule, f64, type FunctionDefinition, type Instruction, i32, isSharedMemory, Locals, op, shuffleLanes, v128 } from "./wasm-assembler";

/**
 * The fast path's elementwise loops as WebAssembly SIMD functions: adding
 * the bias and applying the activation, chaining dL/da through the
 * activation, and turning summed products into gradients (and SGD steps).
 * Each is a few operations per number, so in JavaScript they cost as much as
 * the products themselves on a small layer; two or four lanes at a time
 * they do not.
 *
 * Every lane does what the JavaScript loop does, operation for operation,
 * so in float64 the numbers are the same bits (the tests hold them to the
 * traced path). The activations' loops are generated from their records'
 * SIMD forms: every piecewise-linear activation, by its slope below zero.
 * A slope of 0 (ReLU) is `x > 0 ? x : 0` as a mask (so -0 and NaN give +0,
 * as in JavaScript), not `max(x, 0)`; a slope of 1 is a copy. In float32 the
 * learning rate and the slopes are float32 numbers here, so an SGD step rounds differently
 * from the JavaScript loop's: a layer takes one or the other as a whole, by
 * its width, so a number never depends on the thread count.
 *
 * Widths must be multiples of the lane count (the caller checks; other
 * layers use the JavaScript loops). Every pointer and row stride is in bytes.
 */
export interface Epilogues {
  /** z = c + bias, a = activation(z): `rows` rows, c's `cRow` bytes apart, z's and a's `row` apart. By activation name (the piecewise-linear ones). */
  readonly biasActivate: Record<string, (c: number, cRow: number, bias: number, z: number, a: number, row: number, rows: number, width: number) => void>;
  /** dz = up * da/dz, from z: up's rows `upRow` bytes apart, z's and dz's `row`. */
  readonly chain: Record<string, (up: number, upRow: number, z: number, dz: number, row: number, rows: number, width: number) => void>;
  /** g = c / batch into gw (and, in `step`, w -= learningRate * g); batch and learning rate are rounded to the precision. */
  readonly weightGradients: Record<"only" | "step", (c: number, cRow: number, gw: number, w: number, wRow: number, rows: number, width: number, batch: number, learningRate: number) => void>;
  /** g = (sum over the rows of dz, in order) / batch into gb (and, in `step`, b -= learningRate * g). */
  readonly biasGradients: Record<"only" | "step", (dz: number, dzRow: number, gb: number, b: number, rows: number, width: number, batch: number, learningRate: number) => void>;
  /** 1 when every one of `count` numbers from byte `at` is finite, else 0; `count` a multiple of the lanes. */
  readonly allFinite: (at: number, count: number) => number;
  /**
   * float32 only (null in float64): `count` float64 numbers from byte `from`
   * rounded to float32 at byte `to`; 1 when every result is finite, else 0.
   * A native typed-array copy between the two types costs several times a
   * plain copy plus this.
   */
  readonly narrow: ((from: number, to: number, count: number) => number) | null;
  readonly lanes: number;
}

/** The activations the epilogues compute, each with its slope below zero: every record with a piecewise-linear SIMD form. */
const piecewiseLinear: readonly { name: ActivationName; slope: number }[] = Object.values(activations).flatMap((activation) => {
  const slope = slopeBelowZero(activation);
  return slope === null ? [] : [{ name: activation.name, slope }];
});

function generate(precision: Precision) {
  const { bytes: E, simd } = PRECISION_FORMS[precision];
  const { add, sub, mul, div, greater: gt, equal: eq, constantSplat: splatConst, splatFloat64 } = simd;
  const { localGet: get, localSet: set, i32Const: int } = op;
  const bump = (local: number, ...value: Instruction[]): Instruction[] => [get(local), ...value, op.i32Add, set(local)];
  // Alignment hint 0: rows of a width that is not a multiple of four floats do not start on 16 bytes.
  const load = (local: number): Instruction[] => [get(local), op.v128Load(0, 0)];
  const store = (local: number, value: Instruction[]): Instruction[] => [get(local), ...value, op.v128Store(0, 0)];
  const zero = splatConst(0);
  const one = splatConst(1);

  /**
   * For each of `rows` rows, for each 16-byte vector along the row: `each`,
   * given one column pointer per row pointer (in the same order), which walk
   * the row; then each row pointer moves on by its stride (null: it stays,
   * as the bias does, being the same for every row).
   */
  function rowsLoop(locals: Locals, rowsParam: number, widthParam: number, rowPointers: readonly { pointer: number; stride: number | null }[], each: (columns: readonly number[]) => Instruction[]): Instruction[] {
    const r = locals.add(i32);
    const j = locals.add(i32);
    const end = locals.add(i32);
    const columns = rowPointers.map(() => locals.add(i32));
    return [
      get(widthParam), int(E), op.i32Mul, set(end),
      int(0), set(r),
      op.block, op.loop,
      get(r), get(rowsParam), op.i32LtU, op.i32Eqz, op.brIf(1),
      ...rowPointers.flatMap((p, k) => [get(p.pointer), set(columns[k] as number)]),
      int(0), set(j),
      op.block, op.loop,
      get(j), get(end), op.i32LtU, op.i32Eqz, op.brIf(1),
      ...each(columns),
      ...columns.flatMap((column) => bump(column, int(16))),
      ...bump(j, int(16)),
      op.br(0),
      op.end, op.end,
      ...rowPointers.flatMap((p) => (p.stride === null ? [] : bump(p.pointer, get(p.stride)))),
      ...bump(r, int(1)),
      op.br(0),
      op.end, op.end,
    ];
  }

  const activate = (slope: number, s: number): Instruction[] =>
    slope === 1 ? [get(s)]
    : slope === 0 ? [get(s), get(s), zero, gt, op.v128And]
    : [get(s), get(s), splatConst(slope), mul, get(s), zero, gt, op.v128Bitselect];
  const derivative = (slope: number, z: Instruction[]): Instruction[] =>
    slope === 1 ? [one]
    : [one, splatConst(slope), ...z, zero, gt, op.v128Bitselect];

  const functions: FunctionDefinition[] = [];
  for (const { name, slope } of piecewiseLinear) {
    {
      const locals = new Locals([i32, i32, i32, i32, i32, i32, i32, i32]);
      const [C, C_ROW, BIAS, Z, A, ROW, ROWS, WIDTH] = [0, 1, 2, 3, 4, 5, 6, 7];
      const sum = locals.add(v128);
      const pointers = [{ pointer: C, stride: C_ROW }, { pointer: BIAS, stride: null }, { pointer: Z, stride: ROW }, { pointer: A, stride: ROW }];
      const body = rowsLoop(locals, ROWS, WIDTH, pointers, ([c, bias, z, a]) => [
        ...load(c as number), ...load(bias as number), add, set(sum),
        ...store(z as number, [get(sum)]),
        ...store(a as number, activate(slope, sum)),
      ]);
      functions.push({ name: `biasActivate_${name}`, locals, body });
    }
    {
      const locals = new Locals([i32, i32, i32, i32, i32, i32, i32]);
      const [UP, UP_ROW, Z, DZ, ROW, ROWS, WIDTH] = [0, 1, 2, 3, 4, 5, 6];
      const pointers = [{ pointer: UP, stride: UP_ROW }, { pointer: Z, stride: ROW }, { pointer: DZ, stride: ROW }];
      const body = rowsLoop(locals, ROWS, WIDTH, pointers, ([up, z, dz]) => [
        ...store(dz as number, [...load(up as number), ...derivative(slope, load(z as number)), mul]),
      ]);
      functions.push({ name: `chain_${name}`, locals, body });
    }
  }
  for (const mode of ["only", "step"] as const) {
    {
      const locals = new Locals([i32, i32, i32, i32, i32, i32, i32, f64, f64]);
      const [C, C_ROW, GW, W, W_ROW, ROWS, WIDTH, BATCH, RATE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
      const [batch, rate, g] = [locals.add(v128), locals.add(v128), locals.add(v128)];
      const pointers = [{ pointer: C, stride: C_ROW }, { pointer: GW, stride: W_ROW }, { pointer: W, stride: W_ROW }];
      const body = [
        get(BATCH), ...splatFloat64, set(batch),
        get(RATE), ...splatFloat64, set(rate),
        ...rowsLoop(locals, ROWS, WIDTH, pointers, ([c, gw, w]) => [
          ...load(c as number), get(batch), div, set(g),
          ...store(gw as number, [get(g)]),
          ...(mode === "step" ? store(w as number, [...load(w as number), get(rate), get(g), mul, sub]) : []),
        ]),
      ];
      functions.push({ name: `weightGradients_${mode}`, locals, body });
    }
    {
      const locals = new Locals([i32, i32, i32, i32, i32, i32, f64, f64]);
      const [DZ, DZ_ROW, GB, B, ROWS, WIDTH, BATCH, RATE] = [0, 1, 2, 3, 4, 5, 6, 7];
      const [batch, rate, sum, g] = [locals.add(v128), locals.add(v128), locals.add(v128), locals.add(v128)];
      const [j, end, r, p] = [locals.add(i32), locals.add(i32), locals.add(i32), locals.add(i32)];
      const body = [
        get(BATCH), ...splatFloat64, set(batch),
        get(RATE), ...splatFloat64, set(rate),
        get(WIDTH), int(E), op.i32Mul, set(end),
        int(0), set(j),
        op.block, op.loop,
        get(j), get(end), op.i32LtU, op.i32Eqz, op.brIf(1),
        // One vector of columns summed down the rows, in row order, from +0.
        zero, set(sum), get(DZ), get(j), op.i32Add, set(p), int(0), set(r),
        op.block, op.loop,
        get(r), get(ROWS), op.i32LtU, op.i32Eqz, op.brIf(1),
        get(sum), get(p), op.v128Load(0, 0), add, set(sum),
        ...bump(p, get(DZ_ROW)),
        ...bump(r, int(1)),
        op.br(0),
        op.end, op.end,
        get(sum), get(batch), div, set(g),
        get(GB), get(j), op.i32Add, get(g), op.v128Store(0, 0),
        ...(mode === "step" ? [get(B), get(j), op.i32Add, get(B), get(j), op.i32Add, op.v128Load(0, 0), get(rate), get(g), mul, sub, op.v128Store(0, 0)] : []),
        ...bump(j, int(16)),
        op.br(0),
        op.end, op.end,
      ];
      functions.push({ name: `biasGradients_${mode}`, locals, body });
    }
  }
  {
    const locals = new Locals([i32, i32]);
    const [AT, COUNT] = [0, 1];
    const [p, end] = [locals.add(i32), locals.add(i32)];
    const [x, finite] = [locals.add(v128), locals.add(v128)];
    // x - x is 0 for a finite x and NaN for an infinite or NaN one, and NaN is the one value unequal to itself.
    const body = [
      op.v128Const(new Array<number>(16).fill(0xff)), set(finite),
      get(AT), set(p), get(AT), get(COUNT), int(E), op.i32Mul, op.i32Add, set(end),
      op.block, op.loop,
      get(p), get(end), op.i32LtU, op.i32Eqz, op.brIf(1),
      get(p), op.v128Load(0, 0), set(x),
      get(x), get(x), sub, get(x), get(x), sub, eq, get(finite), op.v128And, set(finite),
      ...bump(p, int(16)),
      op.br(0),
      op.end, op.end,
      get(finite), op.i32x4AllTrue,
    ];
    functions.push({ name: "allFinite", locals, body, result: i32 });
  }
  if (precision === "float32") {
    const locals = new Locals([i32, i32, i32]);
    const [FROM, TO, COUNT] = [0, 1, 2];
    const [p, q, end] = [locals.add(i32), locals.add(i32), locals.add(i32)];
    const [x, finite] = [locals.add(v128), locals.add(v128)];
    // Four numbers a turn: two float64 vectors, each rounded into the low half of a float32 vector, then the halves joined.
    const body = [
      op.v128Const(new Array<number>(16).fill(0xff)), set(finite),
      get(FROM), set(p), get(TO), set(q), get(TO), get(COUNT), int(4), op.i32Mul, op.i32Add, set(end),
      op.block, op.loop,
      get(q), get(end), op.i32LtU, op.i32Eqz, op.brIf(1),
      get(p), op.v128Load(0, 0), op.f32x4DemoteF64x2Zero,
      get(p), op.v128Load(16, 0), op.f32x4DemoteF64x2Zero,
      op.i8x16Shuffle(shuffleLanes(4, [0, 1, 4, 5])), set(x),
      get(q), get(x), op.v128Store(0, 0),
      get(x), get(x), sub, get(x), get(x), sub, eq, get(finite), op.v128And, set(finite),
      ...bump(p, int(32)),
      ...bump(q, int(16)),
      op.br(0),
      op.end, op.end,
      get(finite), op.i32x4AllTrue,
    ];
    functions.push({ name: "narrow", locals, body, result: i32 });
  }
  return functions;
}

type Exported = Record<string, (...args: number[]) => number | undefined>;
const instances = new WeakMap<WebAssembly.Memory, Map<Precision, Epilogues>>();

/** The epilogues for a precision on a memory (plain or shared), or null where WebAssembly SIMD is missing. */
export function epiloguesFor(precision: Precision, memory: WebAssembly.Memory): Epilogues | null {
  const cached = instances.get(memory)?.get(precision);
  if (cached !== undefined) return cached;
  const module = compiledModule(`epilogues ${precision}`, isSharedMemory(memory), () => generate(precision));
  if (module === null) return null;
  const exported = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exported;
  const pick = <K extends string>(prefix: string, keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, exported[`${prefix}_${key}`]])) as Record<K, never>;
  const epilogues: Epilogues = {
    lanes: PRECISION_FORMS[precision].lanes,
    biasActivate: pick("biasActivate", piecewiseLinear.map((activation) => activation.name)),
    chain: pick("chain", piecewiseLinear.map((activation) => activation.name)),
    weightGradients: pick("weightGradients", ["only", "step"]),
    biasGradients: pick("biasGradients", ["only", "step"]),
    allFinite: exported.allFinite as unknown as Epilogues["allFinite"],
    narrow: (exported.narrow ?? null) as unknown as Epilogues["narrow"],
  };
  const onMemory = instances.get(memory) ?? new Map<Precision, Epilogues>();
  onMemory.set(precision, epilogues);
  instances.set(memory, onMemory);
  return epilogues;
}
