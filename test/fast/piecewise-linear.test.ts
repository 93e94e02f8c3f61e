import { describe, expect, it } from "vitest";
import { activations, buildNetwork, FastNetwork, floatArithmetic, SeededRandom } from "../../src";
import { expectFastEqualsTraced, randomSample } from "../helpers/fast-versus-traced";

/*
 * "leaky-relu-0.2" is one record in src/math/activations.ts (its slope and
 * names), added with nothing else changed: the SIMD epilogues are generated
 * from the slope the record states.
 */
const NAME = "leaky-relu-0.2";
const SLOPE = 0.2;
const record = activations[NAME];

describe("a piecewise-linear activation added as one record", () => {
  it("holds its slope in every form", () => {
    expect(record.simd).toEqual({ slopeBelowZero: SLOPE });
    expect(record.forward(-2, floatArithmetic)).toBe(-0.4);
    expect(record.kernel.forward(-2)).toBe(-0.4);
    expect(record.kernel.derivative(-2, -0.4)).toBe(SLOPE);
    expect(record.expression("z")).toBe("(((z) + abs(z)) / 2 + 0.2 * ((z) - abs(z)) / 2)");
  });

  it("runs in the SIMD epilogues with the traced path's numbers, bit for bit", () => {
    const sizes = [8, 32, 32, 4];
    const network = buildNetwork({ sizes, activation: [NAME, NAME, "identity"], init: "he", seed: 3, bias: 0.05 });
    const random = new SeededRandom(5);
    const samples = Array.from({ length: 16 }, () => randomSample("squared-error", sizes, random));
    const fast = expectFastEqualsTraced(network, samples, "squared-error", 3);
    expect(fast.activationLoops(samples.length)).toEqual(["simd", "simd", "javascript: 64 numbers, below 256, where a call into WebAssembly costs more"]);
    fast.close();
  });

  it("is computed by the SIMD loop, not the JavaScript one: in float32 the two round the slope differently", () => {
    // One layer of 64 neurons on 8 inputs, batch 32. The twin with the identity gives z; the SIMD loop multiplies
    // z by the slope as a float32 (as the epilogues state), the JavaScript loop by the float64 slope, then rounds.
    const sizes = [8, 64];
    const random = new SeededRandom(11);
    const inputs = Float32Array.from({ length: 32 * 8 }, () => random.normal());
    const outputsOf = (activation: "identity" | typeof NAME): Float32Array => {
      const net = FastNetwork.fromDescription(buildNetwork({ sizes, activation: [activation], init: "he", seed: 9, bias: -0.1 }), { precision: "float32" });
      expect(net.activationLoops(32)).toEqual(["simd"]);
      return Float32Array.from(net.forward(inputs, 32));
    };
    const z = outputsOf("identity");
    const a = outputsOf(NAME);
    const simdRounding = z.map((value) => (value > 0 ? value : Math.fround(Math.fround(SLOPE) * value)));
    const javascriptRounding = z.map((value) => (value > 0 ? value : SLOPE * value));
    expect(javascriptRounding).not.toEqual(simdRounding);
    expect(a).toEqual(simdRounding);
  });

  it("reports an activation that has no SIMD form, and a layer too small for one", () => {
    const net = FastNetwork.fromDescription(buildNetwork({ sizes: [4, 16, 16, 3], activation: ["sigmoid", "relu", "identity"], init: "he", seed: 1 }));
    expect(net.activationLoops(64)).toEqual([
      "javascript: sigmoid needs exp, which WebAssembly SIMD lacks",
      "simd",
      "javascript: a width of 3 is not a multiple of 2 lanes",
    ]);
    expect(net.activationLoops(4)[1]).toBe("javascript: 64 numbers, below 256, where a call into WebAssembly costs more");
  });
});
