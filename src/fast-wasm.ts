/**
 * orderedProduct (see fast-kernels.ts) as a WebAssembly SIMD kernel, for the
 * large layers. JavaScript has no vector arithmetic; WebAssembly's f64x2
 * does two float64 multiplies or adds per instruction, and each lane is
 * plain IEEE arithmetic (no fused multiply-add), so every sum is still
 * taken in the traced path's order and the numbers stay bit for bit equal.
 *
 * The module is a few dozen instructions, so it is assembled here from its
 * opcodes rather than shipped as a binary built by another toolchain.
 */

// Opcodes used below (WebAssembly core spec, binary format; SIMD ones follow the 0xfd prefix).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_LT_U = 0x49;
const LOOP = 0x03;
const EMPTY = 0x40;
const BR_IF = 0x0d;
const END = 0x0b;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00];
const V128_LOAD64_SPLAT = [SIMD, 0x0a];
const V128_STORE = [SIMD, 0x0b];
const V128_CONST = [SIMD, 0x0c];
const F64X2_ADD = [SIMD, 0xf0, 0x01];
const F64X2_MUL = [SIMD, 0xf2, 0x01];
const I32 = 0x7f;
const V128 = 0x7b;

// Locals: the six parameters, then i32 counters and pointers, then v128 registers.
const [A, BP, C, M, N, K] = [0, 1, 2, 3, 4, 5];
const [J, I, B_ROW, B_END, PB, PA0, PA1, PA2, PA3, ROW_BYTES, C_PTR] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
const ACC = [17, 18, 19, 20, 21, 22, 23, 24];
const [BL, BH, X] = [25, 26, 27];

const get = (local: number) => [LOCAL_GET, local];
const set = (local: number) => [LOCAL_SET, local];
const int = (value: number) => [I32_CONST, ...signedLeb(value)];
const memory = (offset: number, alignLog2: number) => [alignLog2, ...unsignedLeb(offset)];
/** local = local + value, for i32 pointers and counters. */
const bump = (local: number, value: number[]) => [...get(local), ...value, I32_ADD, ...set(local)];

/**
 * c[i][j] = sum over p in order of a[i][p] * b[j][p], in blocks of 4 rows of a
 * by 4 rows of b: eight f64x2 running sums. Rows of b come packed four at a
 * time, interleaved by p (b[j][p], b[j+1][p], b[j+2][p], b[j+3][p]), so two
 * 16-byte loads give the four b values a step needs. m and n are multiples of
 * 4; all pointers are byte offsets into the module's memory.
 */
function productBody(): number[] {
  const code: number[] = [];
  code.push(...get(K), ...int(8), I32_MUL, ...set(ROW_BYTES));
  code.push(...int(0), ...set(J));
  code.push(LOOP, EMPTY);
  {
    // The packed block of b rows j..j+3 starts 4 * k * 8 bytes per block in.
    code.push(...get(BP), ...get(J), ...get(ROW_BYTES), I32_MUL, I32_ADD, ...set(B_ROW));
    code.push(...get(B_ROW), ...get(ROW_BYTES), ...int(4), I32_MUL, I32_ADD, ...set(B_END));
    code.push(...int(0), ...set(I));
    code.push(LOOP, EMPTY);
    {
      code.push(...get(A), ...get(I), ...get(ROW_BYTES), I32_MUL, I32_ADD, ...set(PA0));
      code.push(...get(PA0), ...get(ROW_BYTES), I32_ADD, ...set(PA1));
      code.push(...get(PA1), ...get(ROW_BYTES), I32_ADD, ...set(PA2));
      code.push(...get(PA2), ...get(ROW_BYTES), I32_ADD, ...set(PA3));
      // Every running sum starts at +0, as the traced path's does.
      for (const acc of ACC) code.push(...V128_CONST, ...new Array<number>(16).fill(0), ...set(acc));
      code.push(...get(B_ROW), ...set(PB));
      code.push(LOOP, EMPTY);
      {
        code.push(...get(PB), ...V128_LOAD, ...memory(0, 3), ...set(BL));
        code.push(...get(PB), ...V128_LOAD, ...memory(16, 3), ...set(BH));
        [PA0, PA1, PA2, PA3].forEach((pa, r) => {
          code.push(...get(pa), ...V128_LOAD64_SPLAT, ...memory(0, 3), ...set(X));
          // acc = acc + x * b: a multiply, then an add, lane by lane.
          code.push(...get(ACC[2 * r] as number), ...get(X), ...get(BL), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC[2 * r] as number));
          code.push(...get(ACC[2 * r + 1] as number), ...get(X), ...get(BH), ...F64X2_MUL, ...F64X2_ADD, ...set(ACC[2 * r + 1] as number));
        });
        for (const pa of [PA0, PA1, PA2, PA3]) code.push(...bump(pa, int(8)));
        code.push(...bump(PB, int(32)));
        code.push(...get(PB), ...get(B_END), I32_LT_U, BR_IF, 0);
      }
      code.push(END);
      // Store the 4 x 4 block: row i + r of c gets sums 2r (columns j, j+1) and 2r + 1 (columns j+2, j+3).
      code.push(...get(C), ...get(I), ...get(N), I32_MUL, ...get(J), I32_ADD, ...int(8), I32_MUL, I32_ADD, ...set(C_PTR));
      for (let r = 0; r < 4; r++) {
        code.push(...get(C_PTR), ...get(ACC[2 * r] as number), ...V128_STORE, ...memory(0, 3));
        code.push(...get(C_PTR), ...get(ACC[2 * r + 1] as number), ...V128_STORE, ...memory(16, 3));
        code.push(...bump(C_PTR, [...get(N), ...int(8), I32_MUL]));
      }
      code.push(...bump(I, int(4)));
      code.push(...get(I), ...get(M), I32_LT_U, BR_IF, 0);
    }
    code.push(END);
    code.push(...bump(J, int(4)));
    code.push(...get(J), ...get(N), I32_LT_U, BR_IF, 0);
  }
  code.push(END, END);
  return code;
}

function moduleBytes(imported = false): Uint8Array {
  const locals = [2, ...unsignedLeb(11), I32, ...unsignedLeb(11), V128];
  const body = [...locals, ...productBody()];
  const section = (id: number, content: number[]) => [id, ...unsignedLeb(content.length), ...content];
  const name = (text: string) => [text.length, ...Buffer.from(text, "ascii")];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]), // type: (i32 x 6) -> ()
    ...(imported ? section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x03, 1, ...unsignedLeb(65536)]) : []),
    ...section(3, [1, 0]), // one function, of that type
    ...(imported ? [] : section(5, [1, 0x00, 1])), // one memory, starting at one 64 KiB page
    ...section(7, imported ? [1, ...name("product"), 0x00, 0] : [2, ...name("product"), 0x00, 0, ...name("memory"), 0x02, 0]),
    ...section(10, [1, ...unsignedLeb(body.length), ...body]),
  ]);
}

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

interface Kernel {
  product: (a: number, bp: number, c: number, m: number, n: number, k: number) => void;
  memory: WebAssembly.Memory;
}

let kernel: Kernel | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is missing (the JavaScript kernel then does the work). */
function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  // TypeScript 5.7+ types Uint8Array's buffer as possibly shared, which WebAssembly's signatures refuse; ours is a plain ArrayBuffer.
  const bytes = moduleBytes() as unknown as BufferSource;
  if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return (kernel = null);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  return (kernel = instance.exports as unknown as Kernel);
}

export function simdAvailable(): boolean {
  return loadKernel() !== null;
}

const roundUp4 = (x: number) => (x + 3) & ~3;

/**
 * How an operand is stored: "rows" is orderedProduct's layout (a is m x k,
 * b is n x k); "columns" means the transposed matrix is given (a as k x m,
 * b as k x n). The copy into the kernel's memory reads either, which saves
 * the backward pass a transpose of its own before each product.
 */
export type Layout = "rows" | "columns";

/**
 * Same contract as orderedProduct: c[i*n + j] = sum over p in order of
 * a[i][p] * b[j][p]. Copies a in, packs b, pads both to whole 4-row blocks
 * with zeros (their sums are computed and thrown away) and copies c out:
 * linear work beside the product's m * n * k.
 */
export function simdProduct(a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, aLayout: Layout = "rows", bLayout: Layout = "rows"): void {
  const wasm = loadKernel();
  if (wasm === null) throw new Error("simdProduct: this runtime has no WebAssembly SIMD");
  const mPad = roundUp4(m);
  const nPad = roundUp4(n);
  const aAt = 0;
  const bAt = aAt + mPad * k;
  const cAt = bAt + nPad * k;
  const heap = heapFor(wasm, (cAt + mPad * nPad) * 8);
  if (aLayout === "rows") {
    for (let q = 0; q < m * k; q++) heap[aAt + q] = a[q] as number;
  } else {
    for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) heap[aAt + i * k + p] = a[p * m + i] as number;
  }
  heap.fill(0, aAt + m * k, bAt);
  // Block j holds b rows j..j+3 interleaved: heap[block + 4p + t] = b[j + t][p].
  for (let j = 0; j < nPad; j += 4) {
    const block = bAt + j * k;
    for (let t = 0; t < 4; t++) {
      if (j + t >= n) for (let p = 0; p < k; p++) heap[block + 4 * p + t] = 0;
      else if (bLayout === "rows") for (let p = 0; p < k; p++) heap[block + 4 * p + t] = b[(j + t) * k + p] as number;
      else for (let p = 0; p < k; p++) heap[block + 4 * p + t] = b[p * n + j + t] as number;
    }
  }
  wasm.product(aAt * 8, bAt * 8, cAt * 8, mPad, nPad, k);
  // Plain loops rather than subarray(): a view per row would be garbage for the collector on every step.
  for (let i = 0; i < m; i++) {
    const from = cAt + i * nPad;
    for (let j = 0; j < n; j++) c[i * n + j] = heap[from + j] as number;
  }
}

let heapView: Float64Array | null = null;

/** A Float64Array on the kernel's memory, at least `bytes` long; growing the memory replaces its buffer, and then the view. */
function heapFor(wasm: Kernel, bytes: number): Float64Array {
  const have = wasm.memory.buffer.byteLength;
  if (have < bytes) wasm.memory.grow(Math.ceil((bytes - have) / 65536));
  if (heapView === null || heapView.buffer !== wasm.memory.buffer) heapView = new Float64Array(wasm.memory.buffer);
  return heapView;
}

export type Precision = "float64" | "float32";
export interface ProductKernel {
  readonly precision: Precision;
  readonly blockRows: number;
  readonly blockColumns: number;
  readonly fusedMultiplyAdd: boolean;
  product(a: number, packedB: number, c: number, m: number, n: number, k: number): void;
}
let sharedModule: WebAssembly.Module | undefined;
export function productKernel(precision: Precision, memory: WebAssembly.Memory): ProductKernel | null {
  if (precision === "float32" || !simdAvailable()) return null;
  sharedModule ??= new WebAssembly.Module(moduleBytes(true) as unknown as BufferSource);
  const instance = new WebAssembly.Instance(sharedModule, { env: { memory } });
  const exports = instance.exports as unknown as { product: ProductKernel["product"] };
  return { precision, blockRows: 4, blockColumns: 4, fusedMultiplyAdd: false, product: exports.product };
}
