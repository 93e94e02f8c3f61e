/**
 * Just enough of the WebAssembly binary format to write the engine's SIMD
 * kernels as lists of named instructions. The kernels are a few dozen
 * instructions each and are generated for several block shapes, so building
 * them here is simpler than shipping binaries from another toolchain.
 *
 * Every instruction is a short array of bytes; a function body is a list of
 * them, flattened when the module is assembled. Opcode numbers come from the
 * core specification's binary format, SIMD ones (after the 0xfd prefix) from
 * the SIMD and relaxed-SIMD proposals.
 */

export type Instruction = readonly number[];

/** Value types. */
export const i32 = 0x7f;
export const f64 = 0x7c;
export const v128 = 0x7b;
export type ValueType = typeof i32 | typeof f64 | typeof v128;

export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

/** A SIMD opcode: the 0xfd prefix, then the opcode number as unsigned LEB128 (relaxed SIMD's are above 0xff, so two bytes). */
const simd = (opcode: number): number[] => [0xfd, ...unsignedLeb(opcode)];

/** A load or store's immediate: the alignment it promises (as log2 of bytes) and a constant byte offset added to the address. */
const memarg = (offset: number, alignLog2: number): number[] => [alignLog2, ...unsignedLeb(offset)];

/** A block or loop that leaves nothing on the stack. */
const EMPTY_BLOCK_TYPE = 0x40;

export const op = {
  localGet: (index: number): Instruction => [0x20, ...unsignedLeb(index)],
  localSet: (index: number): Instruction => [0x21, ...unsignedLeb(index)],
  localTee: (index: number): Instruction => [0x22, ...unsignedLeb(index)],

  i32Const: (value: number): Instruction => [0x41, ...signedLeb(value)],
  i32Eqz: [0x45] as Instruction,
  i32LtU: [0x49] as Instruction,
  i32GtU: [0x4b] as Instruction,
  i32Add: [0x6a] as Instruction,
  i32Sub: [0x6b] as Instruction,
  i32Mul: [0x6c] as Instruction,
  /** A float64 rounded to float32. */
  f32DemoteF64: [0xb6] as Instruction,

  block: [0x02, EMPTY_BLOCK_TYPE] as Instruction,
  loop: [0x03, EMPTY_BLOCK_TYPE] as Instruction,
  end: [0x0b] as Instruction,
  /** Branch to the enclosing block `depth` levels out (0 = innermost): a loop's start, a block's end. */
  br: (depth: number): Instruction => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number): Instruction => [0x0d, ...unsignedLeb(depth)],

  v128Load: (offset: number, alignLog2 = 4): Instruction => [...simd(0x00), ...memarg(offset, alignLog2)],
  /** One float32 from memory into all four lanes. */
  v128Load32Splat: (offset: number): Instruction => [...simd(0x09), ...memarg(offset, 2)],
  /** One float64 from memory into both lanes. */
  v128Load64Splat: (offset: number): Instruction => [...simd(0x0a), ...memarg(offset, 3)],
  v128Store: (offset: number, alignLog2 = 4): Instruction => [...simd(0x0b), ...memarg(offset, alignLog2)],
  /** A v128 constant from its 16 little-endian bytes. */
  v128Const: (bytes: readonly number[]): Instruction => {
    if (bytes.length !== 16) throw new Error(`v128Const: needs 16 bytes, got ${bytes.length}`);
    return [...simd(0x0c), ...bytes];
  },

  /** A number on the stack into every lane. */
  f32x4Splat: simd(0x13) as Instruction,
  f64x2Splat: simd(0x14) as Instruction,
  /** Lane-wise comparisons give all ones where true, all zeros where false. */
  f32x4Gt: simd(0x44) as Instruction,
  f64x2Gt: simd(0x4a) as Instruction,
  /** Lane-wise equality, all ones where equal: x - x equals itself exactly when x is finite. */
  f32x4Eq: simd(0x41) as Instruction,
  f64x2Eq: simd(0x47) as Instruction,
  v128And: simd(0x4e) as Instruction,
  /** 1 when every 32-bit lane is non-zero, else 0. */
  i32x4AllTrue: simd(0xa3) as Instruction,
  /**
   * Lanes of two vectors (a, b on the stack) into one: `bytes` are 16 byte
   * indices, 0-15 from a and 16-31 from b (see shuffleLanes).
   */
  i8x16Shuffle: (bytes: readonly number[]): Instruction => {
    if (bytes.length !== 16 || !bytes.every((b) => Number.isInteger(b) && b >= 0 && b < 32))
      throw new Error(`i8x16Shuffle: needs 16 byte indices from 0 to 31, got [${bytes.join(", ")}]`);
    return [...simd(0x0d), ...bytes];
  },
  /** Stack: a, b, mask: a's bits where the mask is 1, b's where it is 0. */
  v128Bitselect: simd(0x52) as Instruction,
  f32x4Sub: simd(0xe5) as Instruction,
  f32x4Div: simd(0xe7) as Instruction,
  f64x2Sub: simd(0xf1) as Instruction,
  f64x2Div: simd(0xf3) as Instruction,
  /** Two float64 lanes rounded to float32 into lanes 0 and 1, lanes 2 and 3 zero. */
  f32x4DemoteF64x2Zero: simd(0x5e) as Instruction,
  f32x4Add: simd(0xe4) as Instruction,
  f32x4Mul: simd(0xe6) as Instruction,
  f64x2Add: simd(0xf0) as Instruction,
  f64x2Mul: simd(0xf2) as Instruction,
  /** a * b + c with one rounding where the hardware has a fused multiply-add, two where it has not (relaxed SIMD). Stack: a, b, c. */
  f32x4RelaxedMadd: simd(0x105) as Instruction,
  f64x2RelaxedMadd: simd(0x107) as Instruction,
};

/** i8x16Shuffle's byte indices for picking whole lanes of `laneBytes` bytes: lanes 0 up to 16 / laneBytes - 1 from a, the rest from b. */
export const shuffleLanes = (laneBytes: number, lanes: readonly number[]): number[] =>
  lanes.flatMap((lane) => Array.from({ length: laneBytes }, (_, b) => lane * laneBytes + b));

/** v128 constants with every lane set to one number. */
export const f32x4Splat = (value: number): Instruction => op.v128Const(Array.from(new Uint8Array(new Float32Array(4).fill(value).buffer)));
export const f64x2Splat = (value: number): Instruction => op.v128Const(Array.from(new Uint8Array(new Float64Array(2).fill(value).buffer)));

/**
 * A function's local variables, numbered after its parameters in the order
 * they are added. Names in the generator code stand for the numbers.
 */
export class Locals {
  private readonly types: ValueType[] = [];

  constructor(private readonly parameters: readonly ValueType[]) {}

  add(type: ValueType): number {
    this.types.push(type);
    return this.parameters.length + this.types.length - 1;
  }

  /** The parameters' types, for the function's signature. */
  parameterTypes(): readonly ValueType[] {
    return this.parameters;
  }

  /** The code section's local declarations: runs of one type as (count, type). */
  declarations(): number[] {
    const runs: [number, ValueType][] = [];
    for (const type of this.types) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    return [...unsignedLeb(runs.length), ...runs.flatMap(([count, type]) => [...unsignedLeb(count), type])];
  }
}

export interface FunctionDefinition {
  /** The name it is exported under (and profilers show). */
  name: string;
  locals: Locals;
  body: readonly Instruction[];
  /** The type of the value the body leaves on the stack, if it returns one. */
  result?: ValueType;
}

export interface ModuleDefinition {
  /**
   * The module imports its memory as `env.memory`. A shared memory can only
   * be imported by a module that declares the import shared with a maximum;
   * 65536 pages (4 GiB, all of wasm32) accepts any shared memory's maximum.
   */
  sharedMemory: boolean;
  functions: readonly FunctionDefinition[];
}

const MAX_PAGES = 65536;

/** The module's bytes, ready for `new WebAssembly.Module`. */
export function assembleModule(definition: ModuleDefinition): Uint8Array {
  const section = (id: number, content: readonly number[]) => [id, ...unsignedLeb(content.length), ...content];
  const vector = (items: readonly (readonly number[])[]) => [...unsignedLeb(items.length), ...items.flat()];
  const name = (text: string) => [...unsignedLeb(text.length), ...Buffer.from(text, "utf8")];
  const { functions } = definition;
  const types = functions.map((f) => [0x60, ...vector(f.locals.parameterTypes().map((t) => [t])), ...vector(f.result === undefined ? [] : [[f.result]])]);
  const limits = definition.sharedMemory ? [0x03, 0, ...unsignedLeb(MAX_PAGES)] : [0x00, 0];
  const bodies = functions.map((f) => {
    const code = [...f.locals.declarations(), ...f.body.flat(), ...op.end];
    return [...unsignedLeb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector(types)),
    ...section(2, vector([[...name("env"), ...name("memory"), 0x02, ...limits]])),
    ...section(3, vector(functions.map((_, index) => unsignedLeb(index)))),
    ...section(7, vector(functions.map((f, index) => [...name(f.name), 0x00, ...unsignedLeb(index)]))),
    ...section(10, vector(bodies)),
    // The "name" custom section's function names, so a CPU profile shows "strided" rather than "wasm-function[0]".
    ...section(0, [...name("name"), ...section(1, vector(functions.map((f, index) => [...unsignedLeb(index), ...name(f.name)])))]),
  ]);
}

/** Whether a memory was created with `shared: true` (its buffer is then a SharedArrayBuffer). */
export const isSharedMemory = (memory: WebAssembly.Memory): boolean => typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;

const compiledModules = new Map<string, WebAssembly.Module | null>();

/**
 * The module of `functions`, importing a plain or a shared memory, compiled
 * once per key and kind of memory; null where this runtime cannot compile it
 * (no WebAssembly, or an instruction it lacks). `functions` runs only on the
 * first call for a key.
 */
export function compiledModule(key: string, sharedMemory: boolean, functions: () => readonly FunctionDefinition[]): WebAssembly.Module | null {
  const fullKey = `${key}${sharedMemory ? " shared" : ""}`;
  let module = compiledModules.get(fullKey);
  if (module === undefined) {
    // TypeScript 5.7+ types Uint8Array's buffer as possibly shared, which WebAssembly's signatures refuse; ours is a plain ArrayBuffer.
    const bytes = assembleModule({ sharedMemory, functions: functions() }) as unknown as BufferSource;
    module = typeof WebAssembly === "object" && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    compiledModules.set(fullKey, module);
  }
  return module;
}
