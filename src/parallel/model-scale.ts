import { requireNonNegative, requirePositive, requirePositiveInteger } from "./argument-guards";
import { gradientTraffic } from "./gradient-traffic";
import { bytesPerElement, type WireFormat } from "./wire-format";

/** The shape of a GPT-style transformer. */
export interface TransformerShape {
  /** l: transformer layers. */
  layers: number;
  /** h: hidden size. */
  hidden: number;
  /** s: tokens per sequence. */
  sequenceLength: number;
  /** V: vocabulary size. */
  vocabulary: number;
}

/**
 * GPT-3 175B: 96 layers of hidden size 12288 (Brown et al. 2020), the
 * 174.6e9-parameter model Narayanan et al. 2021 (arXiv 2104.04473, section 5.2)
 * train with a model-parallel size of 96.
 */
export const GPT3: Readonly<TransformerShape> = Object.freeze({ layers: 96, hidden: 12288, sequenceLength: 2048, vocabulary: 51200 });

function checkShape(shape: TransformerShape): TransformerShape {
  return {
    layers: requirePositiveInteger("layers", shape.layers),
    hidden: requirePositiveInteger("hidden", shape.hidden),
    sequenceLength: requirePositiveInteger("sequenceLength", shape.sequenceLength),
    vocabulary: requirePositiveInteger("vocabulary", shape.vocabulary),
  };
}

/**
 * Parameters of a GPT-style transformer:
 * P = 12 l h^2 (1 + 13/(12h) + (V+s)/(12 l h))
 * (Narayanan et al. 2021, arXiv 2104.04473, section 5.1). The 12 l h^2 are
 * the attention and MLP weight matrices; 13/(12h) their biases and layer
 * norms; (V+s)/(12 l h) the token and position embeddings.
 * GPT-3: about 174.6e9.
 */
export function transformerParameters(shape: TransformerShape): number {
  const { layers: l, hidden: h, sequenceLength: s, vocabulary: V } = checkShape(shape);
  return 12 * l * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * l * h));
}

export interface TensorParallelInput {
  /** b: sequences per micro-batch. */
  microBatchSize: number;
  sequenceLength: number;
  hidden: number;
  /** t: tensor-parallel degree (GPUs one layer is split over). */
  tensorParallel: number;
  precision: WireFormat | number;
}

/**
 * Tensor-parallel traffic: 8 b s h (t-1)/t elements per layer per device
 * per micro-batch, forward and backward together (two all-reduces each way,
 * each of b s h elements, ring cost 2(t-1)/t) (Narayanan et al. 2021,
 * arXiv 2104.04473, section 3.2; section 3.5 is activation recomputation).
 */
export function tensorParallelTrafficPerLayer(input: TensorParallelInput): { elements: number; bytes: number } {
  const b = requirePositiveInteger("microBatchSize", input.microBatchSize);
  const s = requirePositiveInteger("sequenceLength", input.sequenceLength);
  const h = requirePositiveInteger("hidden", input.hidden);
  const t = requirePositiveInteger("tensorParallel", input.tensorParallel);
  const elements = (8 * b * s * h * (t - 1)) / t;
  return { elements, bytes: elements * bytesPerElement(input.precision) };
}

export interface TrainingTimeInput {
  /** T: training tokens. */
  tokens: number;
  /** P: model parameters. */
  parameters: number;
  /** n: GPUs. */
  gpus: number;
  /** X: achieved floating-point operations per second per GPU. */
  flopsPerGpu: number;
}

/**
 * End-to-end training time about 8 T P / (n X) seconds: 2 FLOPs per
 * parameter per token forward, 4 backward, 2 more to recompute activations
 * (Narayanan et al. 2021, arXiv 2104.04473, section 5.1, equation 4).
 * GPT-3 on 300e9 tokens, 1024 GPUs at 140e12 FLOP/s: about 34 days.
 */
export function trainingSeconds(input: TrainingTimeInput): number {
  const T = requireNonNegative("tokens", input.tokens);
  const P = requireNonNegative("parameters", input.parameters);
  const n = requirePositiveInteger("gpus", input.gpus);
  const X = requirePositive("flopsPerGpu", input.flopsPerGpu);
  return (8 * T * P) / (n * X);
}

export const SECONDS_PER_DAY = 86_400;

export function trainingDays(input: TrainingTimeInput): number {
  return trainingSeconds(input) / SECONDS_PER_DAY;
}

export interface ModelTrafficInput {
  precision: WireFormat | number;
  /** Data-parallel ranks the gradients are all-reduced over. */
  ranks: number;
  linkBytesPerSecond: number;
}

export interface ModelTraffic {
  parameters: number;
  gradientBytes: number;
  bytesSentPerRank: number;
  /** Ring all-reduce time, bandwidth term only (latency is negligible at this size). */
  allReduceSeconds: number;
}

/** From a model's shape to its per-iteration gradient traffic and all-reduce time on one link speed. */
export function modelGradientTraffic(shape: TransformerShape, input: ModelTrafficInput): ModelTraffic {
  const parameters = transformerParameters(shape);
  const traffic = gradientTraffic({ parameters, ...input });
  return {
    parameters,
    gradientBytes: traffic.gradientBytes,
    bytesSentPerRank: traffic.bytesSentPerRank,
    allReduceSeconds: traffic.seconds!,
  };
}
