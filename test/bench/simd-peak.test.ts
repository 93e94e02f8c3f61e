import { describe, expect, it } from "vitest";
import { measureSimdPeak, productEfficiency } from "../../bench/simd-peak";
import { productKernel } from "../../src/fast/simd-products";

// Tiny timing: this checks the program (it computes what it counts, and reports finite figures), not the speed.
const quick = { runSeconds: 0.005, runs: 1 };

describe("the WebAssembly SIMD peak microbenchmark", () => {
  it("measures both instruction mixes in both precisions and reports the better one", () => {
    const peak = measureSimdPeak(quick);
    // Node 20 compiles relaxed SIMD once its flag is on, which enableRelaxedSimd does.
    expect(peak.fma).toBe(true);
    for (const precision of [peak.float32, peak.float64]) {
      expect(Object.keys(precision.byMethod).sort()).toEqual(["mul+add", "relaxed_madd"]);
      for (const gflops of Object.values(precision.byMethod)) expect(Number.isFinite(gflops) && gflops > 0).toBe(true);
      expect(precision.gflops).toBe(Math.max(...Object.values(precision.byMethod)));
      expect(precision.byMethod[precision.method]).toBe(precision.gflops);
    }
  });

  it("measures a product kernel's GFLOP/s on a shape, padding it to whole blocks", () => {
    const kernel = productKernel("float32", new WebAssembly.Memory({ initial: 1 }));
    if (kernel === null) throw new Error("no WebAssembly SIMD on this Node");
    const [m, n, k] = [100, 100, 100];
    const gflops = productEfficiency(kernel, m, n, k, quick);
    expect(Number.isFinite(gflops) && gflops > 0).toBe(true);
    // The memory grew past its first 64 KiB page to hold a, packed b and c in whole blocks.
    const mPad = Math.ceil(m / kernel.blockRows) * kernel.blockRows;
    const nPad = Math.ceil(n / kernel.blockColumns) * kernel.blockColumns;
    expect(kernel.memory.buffer.byteLength).toBeGreaterThanOrEqual(4 * (mPad * k + nPad * k + mPad * nPad));
  });
});
