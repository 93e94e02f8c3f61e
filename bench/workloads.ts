import type { ActivationName } from "../src";
import { SeededRandom, seedExample } from "../src";

/**
 * The training workloads every system runs: the same layer sizes,
 * activations, loss (squared error summed over outputs, mean over the batch),
 * batch and learning rate, so the throughputs compare like with like.
 */
export interface TrainingWorkload {
  /** "1-..." to "3b-...": the name in the results; what comes before the first "-" picks it in --workloads. */
  name: string;
  title: string;
  sizes: number[];
  activations: ActivationName[];
  batch: number;
  learningRate: number;
  /** Throughput is counted in optimiser steps, or in samples (steps x batch). */
  unit: "steps/s" | "samples/s";
  /** Also run PyTorch in float64 (the engine computes in float64). */
  pytorchFloat64: boolean;
  /** Also time TensorFlow.js (left out where a step takes it seconds and says nothing new). */
  tfjs: boolean;
  /** The source's one sample, 2-D points labelled x*y, or "pixels" in [0, 1) with a one-hot label. */
  data: "source-sample" | "saddle" | "one-hot";
}

export const seedStep: TrainingWorkload = {
  name: "1-seed-2-2-1",
  title: "the source's 2-2-1 net, one sample [1,0] -> 2, SGD lr 0.01",
  sizes: [2, 2, 1],
  activations: ["relu", "relu"],
  batch: 1,
  learningRate: seedExample.learningRate,
  unit: "steps/s",
  pytorchFloat64: true,
  tfjs: true,
  data: "source-sample",
};

export const smallMlp: TrainingWorkload = {
  name: "2-mlp-2-64-64-1",
  title: "2-64-64-1 ReLU MLP, 1,000 2-D points, full batch",
  sizes: [2, 64, 64, 1],
  activations: ["relu", "relu", "identity"],
  batch: 1000,
  learningRate: 0.01,
  unit: "samples/s",
  pytorchFloat64: true,
  tfjs: true,
  data: "saddle",
};

export const mnistShapedMlp: TrainingWorkload = {
  name: "3-mlp-784-128-10",
  title: "784-128-10 MLP, batch 64, synthetic data",
  sizes: [784, 128, 10],
  activations: ["relu", "identity"],
  batch: 64,
  learningRate: 0.01,
  unit: "samples/s",
  // float64 too: the goal compares the engine's best with PyTorch's best in each precision.
  pytorchFloat64: true,
  tfjs: true,
  data: "one-hot",
};

/** A larger net, where a second thread has enough work per step to pay for itself: the 2-thread scaling is not an artefact of W3's one shape. */
export const wideMlp: TrainingWorkload = {
  name: "3b-mlp-784-512-512-10",
  title: "784-512-512-10 MLP, batch 256, synthetic data",
  sizes: [784, 512, 512, 10],
  activations: ["relu", "relu", "identity"],
  batch: 256,
  learningRate: 0.01,
  unit: "samples/s",
  pytorchFloat64: true,
  // TensorFlow.js's cpu backend takes seconds a step here (it is 50x behind on W3 already).
  tfjs: false,
  data: "one-hot",
};

export const trainingWorkloads: readonly TrainingWorkload[] = [seedStep, smallMlp, mnistShapedMlp, wideMlp];

/** The key --workloads picks a workload by: "3b" for "3b-mlp-784-512-512-10". */
export function workloadKey(name: string): string {
  return name.split("-", 1)[0] as string;
}

export const courseWorkloadName = "4-course";

/** Units of work done by one optimiser step, in the workload's unit. */
export function workPerStep(workload: TrainingWorkload): number {
  return workload.unit === "samples/s" ? workload.batch : 1;
}

export interface Batch {
  /** batch x inputs, row-major. */
  inputs: Float64Array;
  /** batch x outputs, row-major. */
  targets: Float64Array;
}

/** The workload's batch; synthetic data is seeded, so every run trains on the same numbers. */
export function workloadBatch(workload: TrainingWorkload, seed = 7): Batch {
  const nIn = workload.sizes[0] as number;
  const nOut = workload.sizes[workload.sizes.length - 1] as number;
  if (workload.data === "source-sample") {
    if (workload.batch !== 1 || nIn !== 2 || nOut !== 1) throw new Error(`${workload.name}: the source's sample needs a 2-input, 1-output net and a batch of 1`);
    return { inputs: Float64Array.from(seedExample.input), targets: Float64Array.from(seedExample.target) };
  }
  const random = new SeededRandom(seed);
  const inputs = new Float64Array(workload.batch * nIn);
  const targets = new Float64Array(workload.batch * nOut);
  for (let s = 0; s < workload.batch; s++) {
    if (workload.data === "saddle") {
      if (nIn !== 2) throw new Error(`${workload.name}: saddle data needs 2 inputs, the net has ${nIn}`);
      // A saddle, x*y: smooth but not linear, so the MLP has something to fit.
      const x = 2 * random.uniform() - 1;
      const y = 2 * random.uniform() - 1;
      inputs[2 * s] = x;
      inputs[2 * s + 1] = y;
      targets.fill(x * y, s * nOut, (s + 1) * nOut);
    } else {
      for (let i = 0; i < nIn; i++) inputs[s * nIn + i] = random.uniform();
      targets[s * nOut + Math.floor(random.uniform() * nOut)] = 1;
    }
  }
  return { inputs, targets };
}
