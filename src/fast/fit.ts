import type { LossName } from "../math/losses";
import type { FastNetwork } from "./fast-network";
import { SeededRandom } from "../network/random";

export interface LabelledBuffers {
  inputs: Float64Array;
  targets: Float64Array;
  count: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  loss: LossName;
  /** Seeds the shuffle of the training set before each epoch. */
  seed: number;
  test?: LabelledBuffers;
  /** Called once per epoch, e.g. for a progress line. */
  onEpoch?: (entry: FitEntry) => void;
}

export interface FitEntry {
  epoch: number;
  trainLoss: number;
  testLoss?: number;
  /** Share of points on the right side of 0.5, for a one-output classifier. */
  trainAccuracy: number;
  testAccuracy?: number;
}

/**
 * Mini-batch SGD on the fast path for a labelled set, with the loss and
 * accuracy on the training and test sets after every epoch. Epoch 0 is the
 * untrained network.
 */
export function fit(network: FastNetwork, train: LabelledBuffers, options: FitOptions): FitEntry[] {
  const epochs = fitEpochs(network, train, options);
  for (;;) {
    const next = epochs.next();
    if (next.done) return next.value;
  }
}

/**
 * `fit` one epoch at a time: yields each epoch's entry as it is made (epoch
 * 0, the untrained network, first) and returns the history. A caller can
 * pause between epochs, e.g. to let a notebook draw the curves while they grow.
 */
export function* fitEpochs(network: FastNetwork, train: LabelledBuffers, options: FitOptions): Generator<FitEntry, FitEntry[]> {
  const nIn = network.sizes[0] as number;
  const nOut = network.sizes[network.sizes.length - 1] as number;
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
    throw new Error(`fit: batchSize must be a positive whole number, got ${options.batchSize}`);
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new Error(`fit: epochs must be a whole number >= 0, got ${options.epochs}`);
  const random = new SeededRandom(options.seed);
  const order = Array.from({ length: train.count }, (_, i) => i);
  const batchInputs = new Float64Array(options.batchSize * nIn);
  const batchTargets = new Float64Array(options.batchSize * nOut);
  const history: FitEntry[] = [];
  const record = (epoch: number): FitEntry => {
    const trained = evaluate(network, train, options.loss);
    const entry: FitEntry = { epoch, trainLoss: trained.loss, trainAccuracy: trained.accuracy };
    if (options.test) {
      const tested = evaluate(network, options.test, options.loss);
      entry.testLoss = tested.loss;
      entry.testAccuracy = tested.accuracy;
    }
    if (!Number.isFinite(entry.trainLoss))
      throw new Error(`fit: the training loss became ${entry.trainLoss} at epoch ${epoch}; try a learning rate below ${options.learningRate}`);
    history.push(entry);
    options.onEpoch?.(entry);
    return entry;
  };
  yield record(0);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    shuffle(order, random);
    for (let start = 0; start < train.count; start += options.batchSize) {
      const size = Math.min(options.batchSize, train.count - start);
      for (let b = 0; b < size; b++) {
        const i = order[start + b] as number;
        batchInputs.set(train.inputs.subarray(i * nIn, (i + 1) * nIn), b * nIn);
        batchTargets.set(train.targets.subarray(i * nOut, (i + 1) * nOut), b * nOut);
      }
      network.trainStep(batchInputs, batchTargets, size, options.learningRate, options.loss);
    }
    yield record(epoch);
  }
  return history;
}

function evaluate(network: FastNetwork, set: LabelledBuffers, loss: LossName): { loss: number; accuracy: number } {
  const value = network.computeGradients(set.inputs, set.targets, set.count, loss);
  const outputs = network.forward(set.inputs, set.count);
  let right = 0;
  for (let i = 0; i < set.count; i++) if ((outputs[i] as number) > 0.5 === (set.targets[i] as number) > 0.5) right++;
  return { loss: value, accuracy: right / set.count };
}

function shuffle(values: number[], random: SeededRandom): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
}
