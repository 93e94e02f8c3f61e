import { buildNetwork, FastNetwork, seedNetwork } from "../src";
import type { Repeat } from "./measure";
import { type TrainingWorkload, workloadBatch } from "./workloads";

/** The starting network: the source's weights for its own sample, else He-initialised with a fixed seed. */
export function startingNetwork(workload: TrainingWorkload): FastNetwork {
  if (workload.data === "source-sample") return FastNetwork.fromDescription(seedNetwork());
  return FastNetwork.fromDescription(buildNetwork({ sizes: workload.sizes, activation: workload.activations, init: "he", seed: 1 }));
}

export interface EngineTrainer {
  network: FastNetwork;
  /** The mean loss before each step, in order (kept so a test can compare it with the traced path). */
  losses: number[];
  repeat: Repeat;
}

/** gradient-lab's fast path: n steps of SGD on the workload's batch. */
export function engineTrainer(workload: TrainingWorkload, options: { keepLosses?: boolean } = {}): EngineTrainer {
  const network = startingNetwork(workload);
  const { inputs, targets } = workloadBatch(workload);
  const losses: number[] = [];
  const { batch, learningRate } = workload;
  const repeat = options.keepLosses
    ? (n: number) => {
        for (let k = 0; k < n; k++) losses.push(network.trainStep(inputs, targets, batch, learningRate));
      }
    : (n: number) => {
        for (let k = 0; k < n; k++) network.trainStep(inputs, targets, batch, learningRate);
      };
  return { network, losses, repeat };
}
