import { type Equation, ringShare, shown } from "./equation";
import {
  SECONDS_PER_DAY,
  type TensorParallelInput,
  type TrainingTimeInput,
  type TransformerShape,
  tensorParallelTrafficPerLayer,
  trainingDays,
  trainingSeconds,
  transformerParameters,
} from "./model-scale";
import { bytesPerElement } from "./wire-format";
import { formatBytes, formatCount, formatSeconds } from "./units";

/** Equations of a transformer's scale: parameters, tensor-parallel traffic, training time. */

/** P = 12 l h^2 + 13 l h + (V + s) h with GPT-3's shape substituted (Narayanan et al. 2021, section 5.1). */
export function transformerParametersEquation(shape: TransformerShape): Equation {
  const value = transformerParameters(shape);
  const { layers: l, hidden: h, sequenceLength: s, vocabulary: V } = shape;
  const substituted = `12 x ${l} x ${h}^2 + 13 x ${l} x ${h} + (${V} + ${s}) x ${h}`;
  return shown(value, ["P", "12 l h^2 + 13 l h + (V + s) h", substituted, formatCount(Math.round(value))]);
}

/** The three parts of P: weight matrices 12 l h^2, biases and layer norms 13 l h, embeddings (V + s) h. */
export function transformerParameterPartsEquations(shape: TransformerShape): Equation[] {
  transformerParameters(shape); // validates the shape with the model's own checks
  const { layers: l, hidden: h, sequenceLength: s, vocabulary: V } = shape;
  const part = (name: string, formula: string, substituted: string, value: number) => shown(value, [name, formula, substituted, formatCount(value)]);
  return [
    part("weight matrices", "12 l h^2", `12 x ${l} x ${h}^2`, 12 * l * h * h),
    part("biases and layer norms", "13 l h", `13 x ${l} x ${h}`, 13 * l * h),
    part("embeddings", "(V + s) h", `(${V} + ${s}) x ${h}`, (V + s) * h),
  ];
}

/** Tensor-parallel traffic: 8 b s h (t-1)/t values per layer per device per micro-batch (Narayanan et al. 2021, section 3.2). */
export function tensorParallelEquations(input: TensorParallelInput): Equation[] {
  const { elements, bytes } = tensorParallelTrafficPerLayer(input);
  const { microBatchSize: b, sequenceLength: s, hidden: h, tensorParallel: t } = input;
  const perValue = bytesPerElement(input.precision);
  return [
    shown(elements, ["values per layer", "8 b s h (t-1)/t", `8 x ${b} x ${s} x ${h} x ${ringShare(t)}`, formatCount(elements)]),
    shown(bytes, ["bytes per layer", "values x bytes per value", `${formatCount(elements)} x ${perValue} B`, formatBytes(bytes)]),
  ];
}

/** time = 8 T P / (n X) (Narayanan et al. 2021, section 5.1), in seconds and in days. */
export function trainingTimeEquation(input: TrainingTimeInput): Equation {
  const value = trainingSeconds(input);
  const { tokens: T, parameters: P, gpus: n, flopsPerGpu: X } = input;
  const substituted = `8 x ${formatCount(T)} x ${formatCount(P)} / (${n} x ${formatCount(X)})`;
  if (value < SECONDS_PER_DAY) return shown(value, ["training time", "8 T P / (n X)", substituted, formatSeconds(value)]);
  const days = `${Number(trainingDays(input).toFixed(2))} days`;
  return shown(value, ["training time", "8 T P / (n X)", substituted, `${formatCount(value)} s`, days]);
}
