import { formatFloat } from "../math/arithmetic";
import type { Fraction } from "../math/fraction";
import type { DataParallelGradient } from "./data-parallel";
import { type Equation, exact, factor, shown } from "./equation";
import { formatBytes, formatCount } from "./units";

/** Equations for any series: weighted and plain means, sums, gaps, repeated bytes; data-parallel averages. */

/** g = sum_k w_k g_k with the weights and values substituted: 1/2 x 1/2 + 1/2 x 5 = 11/4. */
export function weightedMeanEquation<V extends number | Fraction>(
  name: string,
  terms: readonly (readonly [weight: Fraction, value: V])[],
  result: V,
  format: (value: V) => string = exact,
): Equation<V> {
  const substituted = terms.map(([weight, value]) => `${weight.toString()} x ${factor(format(value))}`).join(" + ");
  return shown(result, [name, "sum_k w_k g_k", substituted, format(result)]);
}

/** A plain mean: (g_0 + ... + g_{N-1})/N = (1 + 0 + 0 + 10)/4 = 2.75, as an all-reduce then divide by N computes it. */
export function meanEquation(name: string, values: readonly number[], result: number): Equation {
  const substituted = `(${values.map(formatFloat).join(" + ")})/${values.length}`;
  return shown(result, [name, "(g_0 + ... + g_{N-1})/N", substituted, formatFloat(result)]);
}

/**
 * The averaged loss and every averaged gradient of a data-parallel run as
 * sum_k (B_k/B) g_k, each shard's size and value substituted. The weights
 * stay unreduced (2/4, not 1/2) so the shard sizes show.
 */
export function shardAverageEquations<T extends number | Fraction>(
  run: DataParallelGradient<T>,
  format: (value: T) => string = exact,
): { loss: Equation<T>; gradients: Equation<T>[] } {
  const total = run.workers.reduce((sum, worker) => sum + worker.samples.length, 0);
  const line = (name: string, formula: string, pick: (from: { loss: T; gradients: Map<string, T> }) => T): Equation<T> => {
    const terms = run.workers.map((worker) => `${worker.samples.length}/${total} x ${factor(format(pick(worker)))}`);
    return shown(pick(run), [name, formula, terms.join(" + "), format(pick(run))]);
  };
  return {
    loss: line("L", "sum_k (B_k/B) L_k", (from) => from.loss),
    gradients: [...run.gradients.keys()].map((name) => line(`dL/d${name}`, "sum_k (B_k/B) g_k", (from) => from.gradients.get(name)!)),
  };
}

/** The largest gap between two series (loss curves, gradients), at the index where it occurs: max_k |a_k - b_k|. */
export function largestGapEquation(curve: readonly number[], reference: readonly number[], name = "largest gap"): Equation {
  let at = 0;
  curve.forEach((loss, k) => {
    if (Math.abs(loss - reference[k]!) > Math.abs(curve[at]! - reference[at]!)) at = k;
  });
  const value = Math.abs(curve[at]! - reference[at]!);
  const substituted = `|${formatFloat(curve[at]!)} - ${formatFloat(reference[at]!)}| (k = ${at})`;
  return shown(value, [name, "max_k |a_k - b_k|", substituted, value.toExponential(2)]);
}

/** A sum with its terms: 8 + 80 + 800 + 8000 = 8888. */
export function sumEquation(name: string, terms: readonly number[]): Equation {
  const value = terms.reduce((sum, term) => sum + term, 0);
  return shown(value, [name, terms.map(formatFloat).join(" + "), formatFloat(value)]);
}

/** Bytes repeated a number of times: 96 layers x 352.3 MB = 33.82 GB. */
export function repeatedBytesEquation(name: string, formula: string, count: number, bytes: number): Equation {
  const value = count * bytes;
  return shown(value, [name, formula, `${formatCount(count)} x ${formatBytes(bytes)}`, formatBytes(value)]);
}
