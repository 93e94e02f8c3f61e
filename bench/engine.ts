import { buildNetwork, FastNetwork, type NetworkDescription, seedNetwork } from "../src";
import type { Precision } from "./machine";
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

/** What the fast path reports it runs as; the options type of fromDescription, seen from here. */
type SettingAware = { readonly precision?: Precision; readonly threads?: number; close?(): void };

/**
 * The fast path at a setting, or an error when the engine runs at another
 * one, so a table line never claims a precision or thread count the engine
 * did not use.
 * TODO(issue 15, merge): the options argument, `precision`, `threads` and
 * `close()` come from the lead's branch `engine`; until it is merged the
 * casts below let this compile against main's FastNetwork (which takes no
 * options, so only float64 on one thread passes the check). Drop the casts
 * and the `?.` on close() once FastNetwork has them.
 */
export function openNetwork(workload: TrainingWorkload, setting: EngineSetting): FastNetwork {
  const open = FastNetwork.fromDescription as (description: NetworkDescription, options: EngineSetting) => FastNetwork;
  const network = open(startingDescription(workload), setting);
  const actual = network as FastNetwork & SettingAware;
  const precision = actual.precision ?? "float64";
  const threads = actual.threads ?? 1;
  if (precision !== setting.precision || threads !== setting.threads) {
    actual.close?.();
    throw new Error(`the engine was asked for ${setting.precision} on ${setting.threads} thread(s) and runs ${precision} on ${threads}`);
  }
  return network;
}

/** Ends the network's worker threads (the engine's close() is idempotent). */
export function closeNetwork(network: FastNetwork): void {
  (network as FastNetwork & SettingAware).close?.();
}

export interface EngineTrainer {
  network: FastNetwork;
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
  return { network, losses, repeat, dispose: () => closeNetwork(network) };
}
