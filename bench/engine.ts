import { buildNetwork, FastNetwork, type NetworkDescription, type Precision, seedNetwork } from "../src";
import type { Repeat } from "./measure";
import { type TrainingWorkload, workloadBatch } from "./workloads";

/** How the fast path is asked to compute: its arithmetic and the threads it may use. */
export interface EngineSetting {
  precision: Precision;
  threads: number;
}

export const defaultSetting: EngineSetting = { precision: "float64", threads: 1 };

/** The starting network's description: the source's weights for its own sample, else He-initialised with a fixed seed. */
export function startingDescription(workload: TrainingWorkload): NetworkDescription {
  if (workload.data === "source-sample") return seedNetwork();
  return buildNetwork({ sizes: workload.sizes, activation: workload.activations, init: "he", seed: 1 });
}

/** The starting network in float64 on one thread (the peers copy their weights from it). */
export function startingNetwork(workload: TrainingWorkload): FastNetwork {
  return FastNetwork.fromDescription(startingDescription(workload));
}

/**
 * The fast path at a setting. The engine states the precision and thread
 * count it runs at; a mismatch is an error, so a table line never claims a
 * setting the engine did not use.
 */
function openNetwork(workload: TrainingWorkload, setting: EngineSetting): FastNetwork<Precision> {
  const network = FastNetwork.fromDescription(startingDescription(workload), setting);
  if (network.precision !== setting.precision || network.threads !== setting.threads) {
    network.close();
    throw new Error(`the engine was asked for ${setting.precision} on ${setting.threads} thread(s) and runs ${network.precision} on ${network.threads}`);
  }
  return network;
}

export interface EngineTrainer {
  network: FastNetwork<Precision>;
  /** The mean loss before each step, in order (kept so a test can compare it with the traced path). */
  losses: number[];
  repeat: Repeat;
  dispose(): void;
}

/** gradient-lab's fast path: n steps of SGD on the workload's batch, at a setting (float64 on one thread unless told). */
export function engineTrainer(workload: TrainingWorkload, options: { keepLosses?: boolean; setting?: EngineSetting } = {}): EngineTrainer {
  const network = openNetwork(workload, options.setting ?? defaultSetting);
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
  return { network, losses, repeat, dispose: () => network.close() };
}
