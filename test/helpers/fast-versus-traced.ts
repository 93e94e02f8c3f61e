import { expect } from "vitest";
import { batchGradient, FastNetwork, type FastOptions, type LossName, type NetworkDescription, type SeededRandom, train } from "../../src";

interface Sample {
  input: number[];
  target: number[];
}

/** A sample drawn for `sizes`: normal inputs; targets of 0 or 1 for binary cross-entropy, normal otherwise. */
export function randomSample(loss: LossName, sizes: readonly number[], random: SeededRandom): Sample {
  const input = Array.from({ length: sizes[0] as number }, () => random.normal());
  const target = Array.from({ length: sizes[sizes.length - 1] as number }, () => (loss === "binary-cross-entropy" ? (random.uniform() < 0.5 ? 0 : 1) : random.normal()));
  return { input, target };
}

/**
 * The fast path against the traced one on the same network and batch: the
 * same loss and gradients, then `steps` SGD steps with the same losses and
 * parameters after them, all bit for bit (toBe/toEqual, no tolerance).
 */
export function expectFastEqualsTraced(network: NetworkDescription, samples: readonly Sample[], loss: LossName, steps: number, options: FastOptions<"float64"> = {}): FastNetwork {
  const learningRate = 0.05;
  const inputs = Float64Array.from(samples.flatMap((s) => s.input));
  const targets = Float64Array.from(samples.flatMap((s) => s.target));
  const fast = FastNetwork.fromDescription(network, options);
  const traced = batchGradient(network, [...samples], { loss });
  expect(fast.computeGradients(inputs, targets, samples.length, loss)).toBe(traced.loss);
  expect(fast.gradients()).toEqual(traced.gradients);

  const run = train(network, { samples: [...samples], learningRate, loss, maxSteps: steps });
  const fastLosses = Array.from({ length: steps }, () => fast.trainStep(inputs, targets, samples.length, learningRate, loss));
  expect(fastLosses).toEqual(run.history.slice(0, steps).map((h) => h.loss));
  expect(Object.fromEntries(fast.parameters())).toEqual(run.history[steps]?.parameters);
  return fast;
}
