import type { Arithmetic } from "../math/arithmetic";
import { type Model, parametersOf, withParameters } from "../network/model";
import type { UpdateRecord } from "./records";

/** Plain gradient descent: every parameter moves against its gradient, new = old - eta * dL/dparameter. */
export function sgdUpdate<T>(
  model: Model<T>,
  gradients: ReadonlyMap<string, T>,
  learningRate: T,
  A: Arithmetic<T>,
): { model: Model<T>; updates: UpdateRecord<T>[] } {
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

/** The same update for one parameter, as the fast path's JavaScript loops apply it (its SIMD epilogues do these operations lane by lane). */
export function sgdStep(parameter: number, learningRate: number, gradient: number): number {
  return parameter - learningRate * gradient;
}

export function checkLearningRate(learningRate: number): void {
  if (typeof learningRate !== "number" || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new Error(`learning rate must be a positive finite number, got ${learningRate}`);
  }
}
