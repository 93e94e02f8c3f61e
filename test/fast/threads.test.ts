import { describe, expect, it } from "vitest";
import { type ActivationName, buildNetwork, FastNetwork, type LossName, type Precision, SeededRandom, THREAD_MIN_WORK } from "../../src";
import { expectFastEqualsTraced, randomSample } from "../helpers/fast-versus-traced";

/** Shapes that do not fill the SIMD blocks evenly, with every kind of activation and loss. */
const cases: { sizes: number[]; activation: ActivationName[]; loss: LossName }[] = [
  { sizes: [40, 64, 33, 5], activation: ["relu", "tanh", "identity"], loss: "squared-error" },
  { sizes: [7, 130, 3], activation: ["softplus", "sigmoid"], loss: "binary-cross-entropy" },
  { sizes: [100, 9, 12], activation: ["leaky-relu", "identity"], loss: "mse" },
];

/** The smallest batch (plus an odd 3) whose step is large enough to be shared between threads in either precision. */
function threadedBatch(sizes: readonly number[]): number {
  let work = 0;
  for (let l = 0; l + 1 < sizes.length; l++) work += (sizes[l] as number) * (sizes[l + 1] as number);
  return Math.ceil(Math.max(THREAD_MIN_WORK.float64, THREAD_MIN_WORK.float32) / work) + 3;
}

interface Run {
  threadsUsed: number;
  losses: number[];
  /** forward() after the steps: its weights packed while the batch is copied in, as a step's are. */
  outputs: number[];
  gradients: number[];
  parameters: number[];
}

function train(sizes: number[], activation: ActivationName[], loss: LossName, precision: Precision, threads: number, seed: number): Run {
  const network = FastNetwork.fromDescription(buildNetwork({ sizes, activation, init: "he", seed, bias: 0.05 }), { precision, threads });
  try {
    const random = new SeededRandom(seed);
    const batch = threadedBatch(sizes);
    const samples = Array.from({ length: batch }, () => randomSample(loss, sizes, random));
    const inputs = Float64Array.from(samples.flatMap((s) => s.input));
    const targets = Float64Array.from(samples.flatMap((s) => s.target));
    const losses = Array.from({ length: 4 }, () => network.trainStep(inputs, targets, batch, 0.05, loss));
    losses.push(network.computeGradients(inputs, targets, batch, loss));
    const outputs = Array.from(network.forward(inputs, batch));
    return {
      threadsUsed: network.lastStepThreads,
      losses,
      outputs,
      gradients: [...network.gradients().values()],
      parameters: [...network.parameters().values()],
    };
  } finally {
    network.close();
  }
}

describe("a step shared between threads gives the same numbers as one thread", () => {
  for (const precision of ["float64", "float32"] as const) {
    cases.forEach(({ sizes, activation, loss }, c) => {
      it(`${precision}, ${sizes.join("-")} ${loss}: 1, 2 and 3 threads, bit for bit`, () => {
        const one = train(sizes, activation, loss, precision, 1, 10 + c);
        expect(one.threadsUsed).toBe(1);
        expect(one.losses.every(Number.isFinite)).toBe(true);
        for (const threads of [2, 3]) {
          const shared = train(sizes, activation, loss, precision, threads, 10 + c);
          expect(shared.threadsUsed).toBe(threads);
          expect(shared.losses).toEqual(one.losses);
          expect(shared.outputs).toEqual(one.outputs);
          expect(shared.gradients).toEqual(one.gradients);
          expect(shared.parameters).toEqual(one.parameters);
        }
      });
    });
  }

  it("float64 on two threads still gives the traced path's numbers", () => {
    const sizes = [40, 64, 33, 5];
    const random = new SeededRandom(5);
    const samples = Array.from({ length: threadedBatch(sizes) }, () => randomSample("squared-error", sizes, random));
    const network = buildNetwork({ sizes, activation: ["relu", "tanh", "identity"], init: "he", seed: 5, bias: 0.05 });
    const fast = expectFastEqualsTraced(network, samples, "squared-error", 2, { threads: 2 });
    expect(fast.lastStepThreads).toBe(2);
    fast.close();
  });

  it("keeps small steps on one thread, and refuses a bad thread count", () => {
    const network = FastNetwork.fromDescription(buildNetwork({ sizes: [2, 3, 1], activation: ["relu", "identity"], init: "he", seed: 1 }), { threads: 2 });
    network.trainStep(new Float64Array([1, 0]), new Float64Array([2]), 1, 0.01);
    expect(network.lastStepThreads).toBe(1);
    network.close();
    network.close();
    expect(() => new FastNetwork([2, 1], ["identity"], undefined, { threads: 0 })).toThrow('FastNetwork: threads must be a whole number from 1 to 256 or "auto", got 0');
    expect(() => new FastNetwork([2, 1], ["identity"], undefined, { precision: "float16" as Precision })).toThrow('FastNetwork: precision must be "float64" or "float32", got "float16"');
  });
});
