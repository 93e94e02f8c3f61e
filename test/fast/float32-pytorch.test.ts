import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ActivationName, buildNetwork, FastNetwork, SeededRandom } from "../../src";
import { venvPython } from "../../bench/pytorch";
import { needPytorch } from "../helpers/tools";

interface TorchGradients {
  torch: string;
  loss: number;
  weightGradients: number[][];
  biasGradients: number[][];
}

const pytorch = needPytorch("float32 against PyTorch");

/** max |ours - theirs| over a layer, as a share of the layer's largest gradient (the tolerance fast-float32.test.ts states). */
function worstShare(ours: ArrayLike<number>, theirs: readonly number[]): number {
  const largest = Math.max(...theirs.map(Math.abs));
  let worst = 0;
  for (let k = 0; k < theirs.length; k++) worst = Math.max(worst, Math.abs((ours[k] as number) - (theirs[k] as number)));
  return worst / largest;
}

describe.skipIf(pytorch.skip)("the float32 fast path against PyTorch float32", () => {
  const cases: { sizes: number[]; activation: ActivationName[]; batch: number }[] = [
    { sizes: [784, 128, 10], activation: ["relu", "identity"], batch: 64 },
    { sizes: [2, 64, 64, 1], activation: ["relu", "relu", "identity"], batch: 500 },
    { sizes: [10, 30, 4], activation: ["tanh", "sigmoid"], batch: 33 },
  ];
  cases.forEach(({ sizes, activation, batch }, c) => {
    it(`${sizes.join("-")}, batch ${batch}: the same gradients within 1e-5 of each layer's largest`, () => {
      const network = FastNetwork.fromDescription(buildNetwork({ sizes, activation, init: "he", seed: 30 + c, bias: 0.05 }), { precision: "float32", threads: 2 });
      const random = new SeededRandom(c);
      const inputs = Float64Array.from({ length: batch * (sizes[0] as number) }, () => random.uniform());
      const targets = Float64Array.from({ length: batch * (sizes[sizes.length - 1] as number) }, () => random.normal());
      // The float32 weights, so both start from the same numbers.
      const spec = {
        dtype: "float32",
        sizes,
        activations: activation,
        weights: network.weights.map((w) => Array.from(w)),
        biases: network.biases.map((b) => Array.from(b)),
        inputs: Array.from(inputs, Math.fround),
        targets: Array.from(targets, Math.fround),
      };
      const run = spawnSync(venvPython, [join(__dirname, "..", "helpers", "pytorch_gradients.py")], { input: JSON.stringify(spec), encoding: "utf8", maxBuffer: 1 << 26 });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const torch = JSON.parse(run.stdout) as TorchGradients;
      // The peer users run today (test/python/requirements.txt pins its CPU build), not Debian's 1.13.
      expect(torch.torch).toMatch(/^2\.13\./);
      const loss = network.computeGradients(inputs, targets, batch);
      expect(Math.abs(loss - torch.loss) / torch.loss).toBeLessThan(1e-6);
      for (let l = 0; l < sizes.length - 1; l++) {
        expect(worstShare(network.weightGradients[l] as Float32Array, torch.weightGradients[l] as number[]), `layer ${l + 1} weights`).toBeLessThan(1e-5);
        expect(worstShare(network.biasGradients[l] as Float32Array, torch.biasGradients[l] as number[]), `layer ${l + 1} biases`).toBeLessThan(1e-5);
      }
      network.close();
    });
  });
});
