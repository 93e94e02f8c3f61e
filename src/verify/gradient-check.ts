import { floatArithmetic } from "../math/arithmetic";
import { batchGradient, type Sample } from "../trace/traced-step";
import type { LossName } from "../math/losses";
import { parametersOf, toModel, withParameters, type Model } from "../network/model";
import type { NetworkDescription } from "../network/description";

export interface GradientComparison {
  parameter: string;
  backprop: number;
  numeric: number;
  /** |backprop - numeric| / max(|backprop|, |numeric|, 1e-12); 0 when both are 0 */
  relativeError: number;
}

/**
 * Central finite differences, (L(p + h) - L(p - h)) / 2h, for every
 * parameter, beside the backprop gradient. The error of the estimate shrinks
 * with h^2, so it agrees with backprop to about 1e-9 for smooth functions;
 * a ReLU exactly at its kink is the one place it cannot.
 */
export function gradientCheck(
  network: NetworkDescription | Model<number>,
  samples: readonly Sample[],
  options: { loss?: LossName; step?: number } = {},
): GradientComparison[] {
  const h = options.step ?? 1e-6;
  if (!(h > 0)) throw new Error(`gradientCheck: step must be positive, got ${h}`);
  const model = toModel(network, floatArithmetic);
  const lossOf = (m: Model<number>): number => batchGradient(m, samples, { loss: options.loss }).loss;
  const { gradients } = batchGradient(model, samples, { loss: options.loss });
  return [...parametersOf(model)].map(([parameter, value]) => {
    const plus = lossOf(withParameters(model, new Map([[parameter, value + h]])));
    const minus = lossOf(withParameters(model, new Map([[parameter, value - h]])));
    const numeric = (plus - minus) / (2 * h);
    const backprop = gradients.get(parameter) as number;
    const scale = Math.max(Math.abs(backprop), Math.abs(numeric), 1e-12);
    return { parameter, backprop, numeric, relativeError: backprop === numeric ? 0 : Math.abs(backprop - numeric) / scale };
  });
}
