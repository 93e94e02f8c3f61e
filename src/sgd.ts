import type { Arithmetic } from "./arithmetic";
import { type Model, parametersOf, withParameters } from "./model";
import type { UpdateRecord } from "./trace";

/** Plain gradient descent: every parameter moves against its gradient, new = old - eta * dL/dparameter. */
export function sgdUpdate<T>(model: Model<T>, gradients: ReadonlyMap<string, T>, learningRate: T, A: Arithmetic<T>): { model: Model<T>; updates: UpdateRecord<T>[] } {
  checkLearningRate(A.toNumber(learningRate));
  const updates: UpdateRecord<T>[] = [];
  const next = new Map<string, T>();
  for (const [parameter, old] of parametersOf(model)) {
    const gradient = gradients.get(parameter);
    if (gradient === undefined) throw new Error(`sgd: no gradient for parameter ${parameter}`);
    const updated = A.sub(old, A.mul(learningRate, gradient));
    next.set(parameter, updated);
    updates.push({ parameter, old, learningRate, gradient, new: updated });
  }
  return { model: withParameters(model, next), updates };
}

/** The fast path's form of the same update, in place on a buffer of parameters and their gradients. */
export function sgdKernel(parameters: Float64Array, gradients: Float64Array, learningRate: number): void {
  for (let k = 0; k < parameters.length; k++) parameters[k] = (parameters[k] as number) - learningRate * (gradients[k] as number);
}

export function checkLearningRate(learningRate: number): void {
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new Error(`learning rate must be a positive finite number, got ${learningRate}`);
  }
}
