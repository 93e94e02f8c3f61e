import { describe, expect, it } from "vitest";
import { assembleModule, i32, Locals, op, signedLeb, unsignedLeb, v128 } from "../../src/fast/wasm-assembler";

describe("the WebAssembly assembler", () => {
  it("encodes LEB128 as the binary format specifies", () => {
    // The examples of the LEB128 article the specification cites, and the edges of one byte.
    expect(unsignedLeb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb(0)).toEqual([0x00]);
    expect(unsignedLeb(127)).toEqual([0x7f]);
    expect(unsignedLeb(128)).toEqual([0x80, 0x01]);
    expect(signedLeb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb(63)).toEqual([0x3f]);
    expect(signedLeb(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb(-64)).toEqual([0x40]);
    expect(signedLeb(-65)).toEqual([0xbf, 0x7f]);
  });

  it("writes relaxed SIMD opcodes above 0xff as two LEB128 bytes after the prefix", () => {
    expect(op.f32x4RelaxedMadd).toEqual([0xfd, 0x85, 0x02]);
    expect(op.f64x2RelaxedMadd).toEqual([0xfd, 0x87, 0x02]);
    expect(op.f32x4Mul).toEqual([0xfd, 0xe6, 0x01]);
  });

  it("groups locals of one type and numbers them after the parameters", () => {
    const locals = new Locals([i32, i32]);
    expect([locals.add(i32), locals.add(i32), locals.add(v128), locals.add(i32)]).toEqual([2, 3, 4, 5]);
    expect(locals.declarations()).toEqual([3, 2, i32, 1, v128, 1, i32]);
  });

  it("assembles a module that runs on an imported plain or shared memory: copy(address) splats the float32 at address into the 16 bytes after it", () => {
    for (const sharedMemory of [false, true]) {
      const locals = new Locals([i32]);
      const lanes = locals.add(v128);
      const body = [op.localGet(0), op.v128Load32Splat(0), op.localSet(lanes), op.localGet(0), op.localGet(lanes), op.v128Store(4, 2)];
      const bytes = assembleModule({ sharedMemory, functions: [{ name: "copy", locals, body }] }) as unknown as BufferSource;
      const memory = sharedMemory ? new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }) : new WebAssembly.Memory({ initial: 1 });
      const { copy } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { copy: (address: number) => void };
      const floats = new Float32Array(memory.buffer, 0, 16);
      floats[8] = 2.5;
      copy(32);
      expect(Array.from(floats.subarray(7, 14))).toEqual([0, 2.5, 2.5, 2.5, 2.5, 2.5, 0]);
    }
  });

  it("refuses a v128 constant that is not 16 bytes", () => {
    expect(() => op.v128Const([1, 2, 3])).toThrow("v128Const: needs 16 bytes, got 3");
  });
});
