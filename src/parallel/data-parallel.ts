import { type Arithmetic, floatArithmetic } from "../math/arithmetic";
import type { LossName } from "../math/losses";
import { type Model, toModel } from "../network/model";
import type { NetworkDescription } from "../network/description";
import { sgdUpdate } from "../trace/sgd";
import { batchGradient, type Sample } from "../trace/traced-step";
import { requirePositiveInteger } from "./argument-guards";
import { ringAllReduce } from "./ring-all-reduce";
import type { CollectiveRun } from "./transfer-log";

/**
 * Splits a batch into `workers` contiguous shards whose sizes differ by at
 * most one (the first B mod N shards get the extra sample). Every worker
 * needs at least one sample, since a mean over nothing is undefined.
 */
export function shardBatch(samples: readonly Sample[], workers: number): Sample[][] {
  requirePositiveInteger("workers", workers);
  if (workers > samples.length) {
    throw new RangeError(`workers must not exceed the batch size (${samples.length} samples), got ${workers}`);
  }
  const base = Math.floor(samples.length / workers);
  const extra = samples.length % workers;
  const shards: Sample[][] = [];
  let start = 0;
  for (let worker = 0; worker < workers; worker++) {
    const size = base + (worker < extra ? 1 : 0);
    shards.push(samples.slice(start, start + size));
    start += size;
  }
  return shards;
}

export interface WorkerGradient<T> {
  worker: number;
  samples: Sample[];
  /** Mean loss and mean gradient over this worker's shard only. */
  loss: T;
  gradients: Map<string, T>;
}

export interface DataParallelGradient<T> {
  workers: WorkerGradient<T>[];
  /** The averaged loss and gradients every worker ends up holding. */
  loss: T;
  gradients: Map<string, T>;
}

export interface DataParallelOptions<T> {
  workers: number;
  loss?: LossName;
  /** Default floats; `fractionArithmetic` makes the equality with the full batch exact. */
  arithmetic?: Arithmetic<T>;
}

/**
 * Data parallelism on simulated GPUs: each worker computes the mean
 * gradient of its own shard with the engine's `batchGradient`, then the
 * workers average, each shard weighted by its share of the batch:
 * sum_w (n_w / B) g_w. With equal shards that is sum_w g_w / N, what
 * PyTorch DDP's all-reduce then divide by N computes (Li et al., "PyTorch
 * Distributed: experiences on accelerating data parallel training",
 * VLDB 2020). Because the loss is a mean over samples, the result is the
 * full-batch gradient, exactly so in fraction arithmetic.
 */
export function dataParallelGradient(
  network: NetworkDescription | Model<number>,
  samples: readonly Sample[],
  options: DataParallelOptions<number> & { arithmetic?: undefined },
): DataParallelGradient<number>;
export function dataParallelGradient<T>(
  network: NetworkDescription | Model<T>,
  samples: readonly Sample[],
  options: DataParallelOptions<T> & { arithmetic: Arithmetic<T> },
): DataParallelGradient<T>;
export function dataParallelGradient<T>(
  network: NetworkDescription | Model<T>,
  samples: readonly Sample[],
  options: DataParallelOptions<T>,
): DataParallelGradient<T> {
  const A = (options.arithmetic ?? floatArithmetic) as Arithmetic<T>;
  const shards = shardBatch(samples, options.workers);
  const model = toModel(network, A);
  const workers = shards.map((shard, worker) => {
    const local = batchGradient(model, shard, { loss: options.loss, arithmetic: A });
    return { worker, samples: shard, loss: local.loss, gradients: local.gradients };
  });
  const total = A.from(samples.length);
  const weightOf = (worker: WorkerGradient<T>) => A.div(A.from(worker.samples.length), total);
  const weightedSum = (pick: (worker: WorkerGradient<T>) => T) => workers.reduce((sum, worker) => A.add(sum, A.mul(weightOf(worker), pick(worker))), A.from(0));
  const names = [...workers[0]!.gradients.keys()];
  return {
    workers,
    loss: weightedSum((worker) => worker.loss),
    gradients: new Map(names.map((name) => [name, weightedSum((worker) => worker.gradients.get(name)!)])),
  };
}

/**
 * The averaging step done the way a cluster does it: every worker packs its
 * gradients into one Float64Array (parameters in network order), a ring
 * all-reduce sums them, and each worker divides by N. Assumes equal shards,
 * as DDP does. Returns the average and the ring's step log.
 */
export function averageGradientsWithRing(workerGradients: readonly ReadonlyMap<string, number>[]): {
  gradients: Map<string, number>;
  run: CollectiveRun;
} {
  requirePositiveInteger("workers", workerGradients.length);
  const names = [...workerGradients[0]!.keys()];
  const buffers = workerGradients.map((gradients, worker) =>
    Float64Array.from(names, (name) => {
      const value = gradients.get(name);
      if (value === undefined) throw new RangeError(`worker ${worker} has no gradient for ${name}`);
      return value;
    }),
  );
  const run = ringAllReduce(buffers);
  const summed = run.results[0]!;
  return { gradients: new Map(names.map((name, i) => [name, summed[i]! / workerGradients.length])), run };
}

export interface DataParallelTrainOptions<T> extends DataParallelOptions<T> {
  steps: number;
  learningRate: number;
}

export interface DataParallelTraining<T> {
  /** Mean loss over the whole batch before each step. */
  losses: T[];
  model: Model<T>;
}

/**
 * Full-batch gradient descent where each step's gradient comes from
 * `dataParallelGradient`. Its loss curve is the one-worker full-batch curve,
 * whatever the number of workers.
 */
export function dataParallelTrain(
  network: NetworkDescription | Model<number>,
  samples: readonly Sample[],
  options: DataParallelTrainOptions<number> & { arithmetic?: undefined },
): DataParallelTraining<number>;
export function dataParallelTrain<T>(
  network: NetworkDescription | Model<T>,
  samples: readonly Sample[],
  options: DataParallelTrainOptions<T> & { arithmetic: Arithmetic<T> },
): DataParallelTraining<T>;
export function dataParallelTrain<T>(
  network: NetworkDescription | Model<T>,
  samples: readonly Sample[],
  options: DataParallelTrainOptions<T>,
): DataParallelTraining<T> {
  const A = (options.arithmetic ?? floatArithmetic) as Arithmetic<T>;
  const steps = requirePositiveInteger("steps", options.steps);
  const learningRate = A.from(options.learningRate);
  let model = toModel(network, A);
  const losses: T[] = [];
  for (let step = 0; step < steps; step++) {
    const { loss, gradients } = dataParallelGradient(model, samples, { ...options, arithmetic: A });
    losses.push(loss);
    model = sgdUpdate(model, gradients, learningRate, A).model;
  }
  return { losses, model };
}
