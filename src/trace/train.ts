import { type Arithmetic, floatArithmetic } from "../math/arithmetic";
import type { LossName } from "../math/losses";
import { type Model, parameterNamesByLayer, parametersOf, toDescription, toModel } from "../network/model";
import type { NetworkDescription } from "../network/description";
import { checkLearningRate, sgdUpdate } from "./sgd";
import { batchGradient, type Sample } from "./traced-step";

export interface TrainOptions<T> {
  /** The training set; each step uses all of it (full-batch gradient descent). */
  samples: readonly Sample[];
  learningRate: number;
  loss?: LossName;
  /** Stop once the loss is at or below this. Default 0: run to maxSteps. */
  lossThreshold?: number;
  maxSteps: number;
  arithmetic?: Arithmetic<T>;
  /** Called after every step, e.g. to show progress in a notebook. */
  onStep?: (entry: HistoryEntry) => void;
}

/** The state after `step` updates, as floats for plotting: loss, parameters and the gradients about to be applied. */
export interface HistoryEntry {
  step: number;
  loss: number;
  parameters: Record<string, number>;
  gradients: Record<string, number>;
  /** The L2 norm of each layer's parameter gradients (first hidden layer first). */
  layerGradientNorms: number[];
}

export interface TrainingRun<T> {
  history: HistoryEntry[];
  stopReason: "loss-threshold" | "max-steps";
  /** The loss of the final state. */
  finalLoss: number;
  model: Model<T>;
  network: NetworkDescription;
}

/** Raised when the loss, a gradient or a parameter stops being a finite number. */
export class TrainingDivergedError extends Error {
  constructor(
    message: string,
    readonly step: number,
    readonly parameter: string | null,
    readonly history: HistoryEntry[],
  ) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}

/** Repeats forward, backward and update until the loss is small enough or the step limit is reached. */
export function train(network: NetworkDescription | Model<number>, options: TrainOptions<number> & { arithmetic?: undefined }): TrainingRun<number>;
export function train<T>(network: NetworkDescription | Model<T>, options: TrainOptions<T> & { arithmetic: Arithmetic<T> }): TrainingRun<T>;
export function train<T>(network: NetworkDescription | Model<T>, options: TrainOptions<T>): TrainingRun<T> {
  const steps = trainingSteps(network, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * `train` one step at a time: yields each history entry as it is made (the
 * untrained state first) and returns the run. A caller can pause between
 * steps, e.g. to let a notebook draw the loss curve while it grows.
 */
export function trainingSteps(
  network: NetworkDescription | Model<number>,
  options: TrainOptions<number> & { arithmetic?: undefined },
): Generator<HistoryEntry, TrainingRun<number>>;
export function trainingSteps<T>(
  network: NetworkDescription | Model<T>,
  options: TrainOptions<T> & { arithmetic: Arithmetic<T> },
): Generator<HistoryEntry, TrainingRun<T>>;
export function trainingSteps<T>(network: NetworkDescription | Model<T>, options: TrainOptions<T>): Generator<HistoryEntry, TrainingRun<T>>;
export function* trainingSteps<T>(network: NetworkDescription | Model<T>, options: TrainOptions<T>): Generator<HistoryEntry, TrainingRun<T>> {
  const A = (options.arithmetic ?? floatArithmetic) as Arithmetic<T>;
  checkLearningRate(options.learningRate);
  if (!Number.isInteger(options.maxSteps) || options.maxSteps < 0) throw new Error(`maxSteps must be a whole number of at least 0, got ${options.maxSteps}`);
  const threshold = options.lossThreshold ?? 0;
  const learningRate = A.from(options.learningRate);
  const gradientOptions = { loss: options.loss ?? "squared-error", arithmetic: A } as const;
  let model = toModel(network, A);
  const layers = parameterNamesByLayer(model);
  const history: HistoryEntry[] = [];

  // Entry k is the state after k updates, so the history has one entry more than the updates made.
  for (let step = 0; ; step++) {
    const { loss, gradients } = batchGradient(model, options.samples, gradientOptions);
    const lossValue = A.toNumber(loss);
    if (!Number.isFinite(lossValue)) {
      // Every parameter is finite here (updates are checked below), so the sums overflowed; the largest weight is the likely cause.
      const [name, value] = largestParameter(model, A);
      throw new TrainingDivergedError(
        `training diverged: after ${step} update(s) the loss is ${lossValue} though every parameter is finite; the largest is ${name} = ${value}`,
        step,
        name,
        history,
      );
    }
    const entry: HistoryEntry = {
      step,
      loss: lossValue,
      parameters: toNumbers(parametersOf(model), A),
      gradients: toNumbers(gradients, A),
      layerGradientNorms: layers.map((names) => Math.hypot(...names.map((name) => A.toNumber(gradients.get(name) as T)))),
    };
    history.push(entry);
    options.onStep?.(entry);
    yield entry;
    if (lossValue <= threshold || step === options.maxSteps) {
      return { history, stopReason: lossValue <= threshold ? "loss-threshold" : "max-steps", finalLoss: lossValue, model, network: toDescription(model, A) };
    }
    const { model: next, updates } = sgdUpdate(model, gradients, learningRate, A);
    const broken = updates.find((u) => !Number.isFinite(A.toNumber(u.new)));
    if (broken) {
      throw new TrainingDivergedError(
        `training diverged at update ${step + 1}: ${broken.parameter} became ${A.toNumber(broken.new)} (gradient ${A.toNumber(broken.gradient)}); try a learning rate below ${options.learningRate}`,
        step + 1,
        broken.parameter,
        history,
      );
    }
    model = next;
  }
}

function toNumbers<T>(values: ReadonlyMap<string, T>, A: Arithmetic<T>): Record<string, number> {
  return Object.fromEntries([...values].map(([name, value]) => [name, A.toNumber(value)]));
}

function largestParameter<T>(model: Model<T>, A: Arithmetic<T>): [string, number] {
  let largest: [string, number] = ["", 0];
  for (const [name, value] of parametersOf(model)) {
    const number = A.toNumber(value);
    if (largest[0] === "" || Math.abs(number) > Math.abs(largest[1])) largest = [name, number];
  }
  return largest;
}
