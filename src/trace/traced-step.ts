import { type Arithmetic, floatArithmetic } from "../math/arithmetic";
import { backward } from "./backward";
import { checkVector, forward } from "./forward";
import { lossByName, type LossName } from "../math/losses";
import { type Model, parametersOf, toModel } from "../network/model";
import type { NetworkDescription } from "../network/description";
import { checkLearningRate, sgdUpdate } from "./sgd";
import type { StepTrace } from "./records";

export interface Sample {
  input: readonly number[];
  target: readonly number[];
}

export interface StepOptions<T> extends Sample {
  learningRate: number;
  /** Default: the source's squared error. */
  loss?: LossName;
  /** Default: floats. Pass `fractionArithmetic` for exact fractions. */
  arithmetic?: Arithmetic<T>;
}

export interface TracedStep<T> extends StepTrace<T> {
  /** The model before and after the update, in the chosen arithmetic. */
  before: Model<T>;
  after: Model<T>;
}

/** One training iteration on one sample, fully traced: forward, loss, backward, SGD update. */
export function traceStep(network: NetworkDescription | Model<number>, options: StepOptions<number> & { arithmetic?: undefined }): TracedStep<number>;
export function traceStep<T>(network: NetworkDescription | Model<T>, options: StepOptions<T> & { arithmetic: Arithmetic<T> }): TracedStep<T>;
export function traceStep<T>(network: NetworkDescription | Model<T>, options: StepOptions<T>): TracedStep<T> {
  const A = (options.arithmetic ?? floatArithmetic) as Arithmetic<T>;
  checkLearningRate(options.learningRate);
  const model = toModel(network, A);
  const input = toValues(options.input, model.inputs, "input", A);
  const pass = forward(model, input, A);
  const outputNames = (model.layers[model.layers.length - 1] ?? []).map((n) => n.name);
  const target = toValues(options.target, outputNames, "target", A);
  const back = backward(model, pass, target, lossByName(options.loss ?? "squared-error"), A);
  const gradients = new Map(back.gradients.map((g) => [g.parameter, g.gradient]));
  const { model: after, updates } = sgdUpdate(model, gradients, A.from(options.learningRate), A);
  return {
    arithmetic: A.name,
    input,
    forward: pass.records,
    loss: back.loss,
    backward: back.neurons,
    gradients: back.gradients,
    updates,
    before: model,
    after,
  };
}

export interface BatchGradient<T> {
  /** The mean loss over the samples. */
  loss: T;
  /** The mean gradient over the samples, keyed by parameter name in network order. */
  gradients: Map<string, T>;
}

/**
 * The gradient of the mean loss over a batch: the mean of the per-sample
 * gradients. This is what data parallelism must reproduce when it averages
 * the gradients of several workers.
 */
export function batchGradient(
  network: NetworkDescription | Model<number>,
  samples: readonly Sample[],
  options?: { loss?: LossName; arithmetic?: undefined },
): BatchGradient<number>;
export function batchGradient<T>(
  network: NetworkDescription | Model<T>,
  samples: readonly Sample[],
  options: { loss?: LossName; arithmetic: Arithmetic<T> },
): BatchGradient<T>;
export function batchGradient<T>(
  network: NetworkDescription | Model<T>,
  samples: readonly Sample[],
  options: { loss?: LossName; arithmetic?: Arithmetic<T> } = {},
): BatchGradient<T> {
  const A = (options.arithmetic ?? floatArithmetic) as Arithmetic<T>;
  if (samples.length === 0) throw new Error("batchGradient: the batch is empty");
  const model = toModel(network, A);
  const loss = lossByName(options.loss ?? "squared-error");
  const outputNames = (model.layers[model.layers.length - 1] ?? []).map((n) => n.name);
  const sums = new Map([...parametersOf(model).keys()].map((name) => [name, A.from(0)]));
  let lossSum = A.from(0);
  samples.forEach((sample, s) => {
    const pass = forward(model, toValues(sample.input, model.inputs, `samples[${s}].input`, A), A);
    const back = backward(model, pass, toValues(sample.target, outputNames, `samples[${s}].target`, A), loss, A);
    lossSum = A.add(lossSum, back.loss.value);
    for (const g of back.gradients) sums.set(g.parameter, A.add(sums.get(g.parameter) as T, g.gradient));
  });
  const count = A.from(samples.length);
  return { loss: A.div(lossSum, count), gradients: new Map([...sums].map(([name, sum]) => [name, A.div(sum, count)])) };
}

function toValues<T>(values: readonly number[], names: readonly string[], what: string, A: Arithmetic<T>): T[] {
  checkVector(values, names, what, floatArithmetic);
  return values.map((v) => A.from(v));
}
