import { formatFloat } from "../arithmetic";
import { Fraction } from "../fraction";
import { type AlphaBetaInput, ringAllReduceSeconds, treeAllReduceSeconds } from "./alpha-beta";
import { requirePositiveInteger } from "./check";
import { ringChunks } from "./chunks";
import type { DataParallelGradient } from "./data-parallel";
import { goBackNEfficiency, type RoundTripInput, roundTripInPackets } from "./go-back-n";
import { gigabitsPerSecondToBytesPerSecond, gradientBytes, ringAllReduceBytesPerRank } from "./gradient-traffic";
import {
  type TensorParallelInput,
  type TrainingTimeInput,
  type TransformerShape,
  SECONDS_PER_DAY,
  tensorParallelTrafficPerLayer,
  trainingDays,
  trainingSeconds,
  transformerParameters,
} from "./model-scale";
import { algorithmBandwidth, busBandwidth, busBandwidthFactor, type NcclCollective } from "./nccl-bandwidth";
import { type ActivationTrafficInput, pipelineActivationTraffic } from "./pipeline-analysis";
import type { PipelineTimeline } from "./pipeline-schedule";
import { bytesPerElement, type Precision } from "./precision";
import { binomialTreeRounds } from "./tree-all-reduce";
import { formatBytes, formatBytesPerSecond, formatCount, formatSeconds } from "./units";

/**
 * Each result of the parallel notebooks as the equation that produced it:
 * name = formula = the formula with the numbers substituted = value, as in
 * "bytes per rank = 2(n-1)/n x S = 2 x 7/8 x 350 GB = 612.5 GB". The value
 * comes from the engine's own function, so the printed equation and the
 * number a notebook uses are one computation.
 */
export interface Equation<V = number> {
  value: V;
  /** name = formula = substituted = value */
  text: string;
  /** substituted = value alone, for a table whose header names the quantity and its formula. */
  numbers: string;
}

function shown<V>(value: V, parts: readonly string[]): Equation<V> {
  return { value, text: parts.join(" = "), numbers: parts.slice(2).join(" = ") };
}

/** (n-1)/n left unreduced, so the reader sees where 7/8 comes from. */
const ringShare = (n: number): string => `${n - 1}/${n}`;

/** Exact values print as fractions (11/4), floats with 12 significant digits. */
function exact(value: number | Fraction): string {
  return value instanceof Fraction ? value.toString() : formatFloat(value);
}

/** A negative factor in brackets, so "1/4 x (-1)" never reads as a subtraction. */
const factor = (text: string): string => (text.startsWith("-") ? `(${text})` : text);

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

/** chunk length = ceil(S/n) = ceil(8/4) = 2 elements (NCCL's ring chunking). */
export function chunkLengthEquation(elements: number, ranks: number): Equation {
  const value = Math.ceil(requirePositiveInteger("elements", elements) / requirePositiveInteger("ranks", ranks));
  return shown(value, ["chunk length", "ceil(S/n)", `ceil(${elements}/${ranks})`, `${value} element${value === 1 ? "" : "s"}`]);
}

/** Which chunk rank r sends at ring step k: (r-1-k) mod n in reduce-scatter, (r-k) mod n in all-gather. */
export function ringChunkEquation(rank: number, step: number, ranks: number): Equation {
  const n = requirePositiveInteger("ranks", ranks);
  const gather = step >= n - 1;
  const k = gather ? step - (n - 1) : step;
  const value = ((((gather ? rank - k : rank - 1 - k) % n) + n) % n);
  const formula = gather ? "(r-k) mod n" : "(r-1-k) mod n";
  const substituted = gather ? `(${rank}-${k}) mod ${n}` : `(${rank}-1-${k}) mod ${n}`;
  return shown(value, [`chunk rank ${rank} sends`, formula, substituted, String(value)]);
}

/** bytes per chunk = S/n = 32 B / 4 = 8 B: what every link of the ring carries at every step. */
export function chunkBytesEquation(bufferBytes: number, ranks: number): Equation {
  const value = bufferBytes / requirePositiveInteger("ranks", ranks);
  return shown(value, ["bytes per chunk", "S/n", `${formatBytes(bufferBytes)} / ${ranks}`, formatBytes(value)]);
}

/** Steps and messages of an all-reduce on n ranks, from each algorithm's schedule. */
export function collectiveCountsEquations(algorithm: "ring" | "binomial tree" | "parameter server", ranks: number): Equation[] {
  const n = requirePositiveInteger("ranks", ranks);
  if (algorithm === "ring") {
    return [
      shown(2 * (n - 1), ["steps", "2(n-1)", `2 x ${n - 1}`, String(2 * (n - 1))]),
      shown(2 * (n - 1) * n, ["messages", "2(n-1) x n", `2 x ${n - 1} x ${n}`, String(2 * (n - 1) * n)]),
    ];
  }
  if (algorithm === "binomial tree") {
    const rounds = binomialTreeRounds(n);
    return [
      shown(2 * rounds, ["steps", "2 ceil(log2 n)", `2 x ${rounds}`, String(2 * rounds)]),
      shown(2 * (n - 1), ["messages", "2(n-1)", `2 x ${n - 1}`, String(2 * (n - 1))]),
    ];
  }
  return [shown(2, ["steps", "push, then pull", "1 + 1", "2"]), shown(2 * n, ["messages", "2n", `2 x ${n}`, String(2 * n)])];
}

/** A ring step sends every chunk once, so each empty chunk makes one empty message per step: 2(n-1) x e. */
export function emptyMessagesEquation(elements: number, ranks: number): Equation {
  const empty = ringChunks(elements, ranks).filter((chunk) => chunk.end === chunk.start).length;
  const value = 2 * (ranks - 1) * empty;
  return shown(value, ["empty messages", "2(n-1) x empty chunks", `2 x ${ranks - 1} x ${empty}`, String(value)]);
}

/** bytes per rank = 2(n-1)/n x S = 2 x 7/8 x 350 GB = 612.5 GB. */
export function ringBytesPerRankEquation(bufferBytes: number, ranks: number): Equation {
  const value = ringAllReduceBytesPerRank(bufferBytes, ranks);
  const substituted = `2 x ${ringShare(ranks)} x ${formatBytes(bufferBytes)}`;
  return shown(value, ["bytes per rank", "2(n-1)/n x S", substituted, formatBytes(value)]);
}

/** The most bytes any one node sends in an all-reduce of S bytes on n ranks, by algorithm. */
export function busiestSenderEquation(algorithm: "ring" | "binomial tree" | "parameter server", ranks: number, bufferBytes: number): Equation {
  const S = formatBytes(bufferBytes);
  if (algorithm === "ring") return ringBytesPerRankEquation(bufferBytes, ranks);
  if (algorithm === "binomial tree") {
    const rounds = binomialTreeRounds(ranks);
    const value = rounds * bufferBytes;
    return shown(value, ["root sends", "ceil(log2 n) x S", `ceil(log2 ${ranks}) x ${S} = ${rounds} x ${S}`, formatBytes(value)]);
  }
  const value = requirePositiveInteger("ranks", ranks) * bufferBytes;
  return shown(value, ["server sends", "n x S", `${ranks} x ${S}`, formatBytes(value)]);
}

/** busbw / algbw (nccl-tests `doc/PERFORMANCE.md`): 2(n-1)/n = 2 x 7/8 = 1.75 for an all-reduce on 8 ranks. */
export function busBandwidthFactorEquation(collective: NcclCollective, ranks: number): Equation {
  const value = busBandwidthFactor(collective, ranks);
  const [formula, substituted] =
    collective === "all-reduce" ? ["2(n-1)/n", `2 x ${ringShare(ranks)}`]
    : collective === "reduce-scatter" || collective === "all-gather" ? ["(n-1)/n", ringShare(ranks)]
    : ["1", "1"];
  return shown(value, [`${collective} factor`, formula, substituted, formatFloat(value)]);
}

/** algbw = S/t, then busbw = algbw x factor: what nccl-tests prints for one measured run. */
export function busBandwidthEquations(collective: NcclCollective, ranks: number, bytes: number, seconds: number): Equation[] {
  const algbw = algorithmBandwidth(bytes, seconds);
  const busbw = busBandwidth(collective, ranks, bytes, seconds);
  const factor = busBandwidthFactorEquation(collective, ranks);
  return [
    shown(algbw, ["algbw", "S/t", `${formatBytes(bytes)} / ${formatSeconds(seconds)}`, formatBytesPerSecond(algbw)]),
    shown(busbw, ["busbw", "algbw x factor", `${formatBytesPerSecond(algbw)} x ${formatFloat(factor.value)}`, formatBytesPerSecond(busbw)]),
  ];
}

/** T = 2(n-1) a + 2(n-1)/n S b for the ring, 2 ceil(log2 n)(a + S b) for the binomial tree (Thakur et al. 2005). */
export function allReduceSecondsEquation(algorithm: "ring" | "binomial tree", input: AlphaBetaInput): Equation {
  const { ranks: n, bytes, latencySeconds, linkBytesPerSecond } = input;
  const alpha = formatSeconds(latencySeconds);
  const S = `${formatBytes(bytes)} / ${formatBytesPerSecond(linkBytesPerSecond)}`;
  if (algorithm === "ring") {
    const value = ringAllReduceSeconds(input);
    return shown(value, ["T_ring", "2(n-1) alpha + 2(n-1)/n x S / link", `2 x ${n - 1} x ${alpha} + 2 x ${ringShare(n)} x ${S}`, formatSeconds(value)]);
  }
  const value = treeAllReduceSeconds(input);
  const rounds = binomialTreeRounds(n);
  return shown(value, ["T_tree", "2 ceil(log2 n) (alpha + S / link)", `2 x ${rounds} x (${alpha} + ${S})`, formatSeconds(value)]);
}

/** link = Gbit/s / 8: 400 Gbit/s / 8 = 50 GB/s. */
export function linkSpeedEquation(gigabits: number): Equation {
  const value = gigabitsPerSecondToBytesPerSecond(gigabits);
  return shown(value, ["link", "(Gbit/s) / 8", `${gigabits} Gbit/s / 8`, formatBytesPerSecond(value)]);
}

/** S = P x bytes per value: 1.75e11 x 2 B = 350 GB. */
export function gradientBytesEquation(parameters: number, precision: Precision | number): Equation {
  const value = gradientBytes(parameters, precision);
  return shown(value, ["gradient bytes S", "P x bytes per value", `${formatCount(parameters)} x ${bytesPerElement(precision)} B`, formatBytes(value)]);
}

/**
 * Gradient bytes one data-parallel rank all-reduces when the model is also
 * split t ways by tensor and p ways by pipeline parallelism: each rank
 * holds only P/(t p) of the parameters, so S = (bytes per value) P/(t p);
 * in bf16 that is 2P/(t p).
 */
export function shardedGradientBytesEquation(parameters: number, precision: Precision | number, tensorParallel: number, pipelineParallel: number): Equation {
  const t = requirePositiveInteger("tensorParallel", tensorParallel);
  const p = requirePositiveInteger("pipelineParallel", pipelineParallel);
  const perValue = bytesPerElement(precision);
  const value = gradientBytes(parameters, precision) / (t * p);
  const substituted = `${perValue} B x ${formatCount(parameters)} / (${t} x ${p})`;
  return shown(value, ["gradient bytes per data-parallel rank", `${perValue}P/(t x p)`, substituted, formatBytes(value)]);
}

/** time = bytes / link speed: 612.5 GB / 50 GB/s = 12.25 s (the bandwidth term; latency is negligible here). */
export function transferSecondsEquation(bytes: number, linkBytesPerSecond: number, name = "time"): Equation {
  const value = bytes / linkBytesPerSecond;
  return shown(value, [name, "bytes / link", `${formatBytes(bytes)} / ${formatBytesPerSecond(linkBytesPerSecond)}`, formatSeconds(value)]);
}

/** Idle share of a pipeline from the formula, exactly: (p-1)/(m+p-1), or ((p-1)/v)/(m+(p-1)/v) with v chunks. */
export function bubbleShareEquation(stages: number, microBatches: number, chunks = 1): Equation<Fraction> {
  const p = requirePositiveInteger("stages", stages);
  const m = requirePositiveInteger("microBatches", microBatches);
  const v = requirePositiveInteger("chunks", chunks);
  const bubble = new Fraction(BigInt(p - 1), BigInt(v));
  const value = bubble.div(new Fraction(BigInt(m)).add(bubble));
  if (v === 1) return shown(value, ["idle share", "(p-1)/(m+p-1)", `(${p}-1)/(${m}+${p}-1)`, value.toString()]);
  const substituted = `(${p - 1}/${v})/(${m}+${p - 1}/${v})`;
  return shown(value, ["idle share", "((p-1)/v)/(m+(p-1)/v)", substituted, value.toString()]);
}

/**
 * A timeline's float times as exact fractions. Interleaved chunks take 1/v
 * of a stage's time, so times are multiples of 1/v up to float rounding
 * (27.000000000000014 for 27); rounding to the nearest millionth of 1/v
 * recovers the fraction the schedule meant.
 */
function timeFraction(time: number, chunks: number): Fraction {
  const denominator = chunks * 1_000_000;
  return new Fraction(BigInt(Math.round(time * denominator)), BigInt(denominator));
}

/** Idle share measured on a timeline, exactly: (p x makespan - busy) / (p x makespan). */
export function measuredIdleEquation(timeline: PipelineTimeline): Equation<Fraction> {
  const exactTime = (time: number) => timeFraction(time, timeline.chunks);
  const busy = timeline.tasks.reduce((sum, task) => sum.add(exactTime(task.end - task.start)), new Fraction(0n));
  const makespan = exactTime(timeline.makespan);
  const total = new Fraction(BigInt(timeline.stages)).mul(makespan);
  const value = total.sub(busy).div(total);
  const product = `${timeline.stages} x ${makespan.toString()}`;
  const substituted = `(${product} - ${busy.toString()})/(${product})`;
  return shown(value, ["idle measured", "(p x makespan - busy)/(p x makespan)", substituted, value.toString()]);
}

/** A pipeline's makespan with equal stage times: (m + (p-1)/v)(t_f + t_b); fill and drain add (p-1)/v slots to the m of work. */
export function pipelineMakespanEquation(timeline: PipelineTimeline): Equation<Fraction> {
  const { stages: p, microBatches: m, chunks: v } = timeline;
  const slot = timeFraction(timeline.forwardTime, 1).add(timeFraction(timeline.backwardTime, 1));
  const value = new Fraction(BigInt(m)).add(new Fraction(BigInt(p - 1), BigInt(v))).mul(slot);
  const fill = v === 1 ? `${p}-1` : `(${p}-1)/${v}`;
  const substituted = `(${m} + ${fill}) x (${timeline.forwardTime} + ${timeline.backwardTime})`;
  return shown(value, ["makespan", "(m + (p-1)/v)(t_f + t_b)", substituted, value.toString()]);
}

/** Micro-batches whose activations a stage holds at its peak: all m in GPipe, min(p-s, m) on stage s in 1F1B. */
export function peakInFlightEquation(schedule: "gpipe" | "1f1b", stages: number, microBatches: number): Equation<number[]> {
  const p = requirePositiveInteger("stages", stages);
  const m = requirePositiveInteger("microBatches", microBatches);
  const stageList = Array.from({ length: p }, (_, s) => s);
  if (schedule === "gpipe") {
    const value = stageList.map(() => m);
    return shown(value, ["peak per stage", "m", `[${value.join(", ")}]`]);
  }
  const value = stageList.map((s) => Math.min(p - s, m));
  const substituted = `[${stageList.map((s) => `min(${p}-${s}, ${m})`).join(", ")}]`;
  return shown(value, ["peak per stage", "min(p-s, m)", substituted, `[${value.join(", ")}]`]);
}

/** Activation traffic across pipeline boundaries (Narayanan et al. 2021, section 3.2: b s h per micro-batch per boundary). */
export function activationTrafficEquations(input: ActivationTrafficInput): Equation[] {
  const traffic = pipelineActivationTraffic(input);
  const { microBatchSize: b, sequenceLength: s, hidden: h, microBatches: m } = input;
  const perValue = bytesPerElement(input.precision);
  const one = formatBytes(traffic.bytesPerMicroBatch);
  return [
    shown(traffic.elementsPerMicroBatch, ["values per micro-batch", "b x s x h", `${b} x ${s} x ${h}`, formatCount(traffic.elementsPerMicroBatch)]),
    shown(traffic.bytesPerMicroBatch, ["bytes per micro-batch", "b s h x bytes per value", `${formatCount(traffic.elementsPerMicroBatch)} x ${perValue} B`, one]),
    shown(traffic.bytesPerBoundaryPerIteration, ["per boundary per iteration, each way", "m x b s h bytes", `${m} x ${one}`, formatBytes(traffic.bytesPerBoundaryPerIteration)]),
    shown(traffic.bytesPerIteration, [
      "all boundaries per iteration, both ways",
      "2 x m x (p v - 1) x b s h bytes",
      `2 x ${m} x ${traffic.crossingsPerMicroBatch} x ${one}`,
      formatBytes(traffic.bytesPerIteration),
    ]),
  ];
}

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
  const part = (name: string, formula: string, substituted: string, value: number) =>
    shown(value, [name, formula, substituted, formatCount(value)]);
  return [
    part("weight matrices", "12 l h^2", `12 x ${l} x ${h}^2`, 12 * l * h * h),
    part("biases and layer norms", "13 l h", `13 x ${l} x ${h}`, 13 * l * h),
    part("embeddings", "(V + s) h", `(${V} + ${s}) x ${h}`, (V + s) * h),
  ];
}

/** Bytes repeated a number of times: 96 layers x 352.3 MB = 33.82 GB. */
export function repeatedBytesEquation(name: string, formula: string, count: number, bytes: number): Equation {
  const value = count * bytes;
  return shown(value, [name, formula, `${formatCount(count)} x ${formatBytes(bytes)}`, formatBytes(value)]);
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

/** m = RTT x link / packet: the round trip in packets (bandwidth-delay product over packet size). */
export function roundTripPacketsEquation(input: RoundTripInput): Equation {
  const value = roundTripInPackets(input);
  const substituted = `${formatSeconds(input.roundTripSeconds)} x ${formatBytesPerSecond(input.linkBytesPerSecond)} / ${formatBytes(input.packetBytes)}`;
  return shown(value, ["m", "RTT x link / packet", substituted, `${value.toFixed(1)} packets`]);
}

/** eta = s / (s + m(1-s)): the share of a go-back-N link carrying new data (Bertsekas and Gallager 1992, section 2.4). */
export function goBackNEquation(lossRate: number, roundTripPackets: number): Equation {
  const s = 1 - lossRate;
  const value = goBackNEfficiency(s, roundTripPackets);
  const sText = formatFloat(s);
  const substituted = `${sText} / (${sText} + ${formatFloat(roundTripPackets)} x ${formatFloat(lossRate)})`;
  return shown(value, ["eta", "s / (s + m(1-s))", substituted, value.toFixed(4)]);
}

/** The loss rate at which go-back-N wastes half the link: s/(s + m(1-s)) = 1/2 when 1-s = 1/(m+1). */
export function halfLinkLossEquation(roundTripPackets: number): Equation {
  const value = 1 / (roundTripPackets + 1);
  return shown(value, ["loss rate for eta = 1/2", "1/(m+1)", `1/(${formatFloat(roundTripPackets)}+1)`, value.toExponential(2)]);
}

/** A transfer slowed by go-back-N: time / eta. */
export function goBackNSecondsEquation(losslessSeconds: number, efficiency: number): Equation {
  const value = losslessSeconds / efficiency;
  return shown(value, ["time", "lossless time / eta", `${formatSeconds(losslessSeconds)} / ${efficiency.toFixed(4)}`, formatSeconds(value)]);
}

/** What go-back-N adds to a transfer: time/eta - time = time x m(1-s)/s, exact where a rounded eta would not be. */
export function goBackNAddedSecondsEquation(losslessSeconds: number, lossRate: number, roundTripPackets: number): Equation {
  const s = 1 - lossRate;
  const value = losslessSeconds / goBackNEfficiency(s, roundTripPackets) - losslessSeconds;
  const substituted = `${formatSeconds(losslessSeconds)} x ${formatFloat(roundTripPackets)} x ${formatFloat(lossRate)} / ${formatFloat(s)}`;
  return shown(value, ["time added", "time x m(1-s)/s", substituted, formatSeconds(value)]);
}
