import { Fraction } from "../math/fraction";
import { requirePositiveInteger } from "./argument-guards";
import { type Equation, shown } from "./equation";
import { type ActivationTrafficInput, pipelineActivationTraffic } from "./pipeline-analysis";
import type { PipelineTimeline } from "./pipeline-schedule";
import { bytesPerElement } from "./wire-format";
import { formatBytes, formatCount } from "./units";

/** Equations of pipeline schedules: idle share by formula and on the timeline, makespan, peak memory, activation traffic. */

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
    shown(traffic.bytesPerMicroBatch, [
      "bytes per micro-batch",
      "b s h x bytes per value",
      `${formatCount(traffic.elementsPerMicroBatch)} x ${perValue} B`,
      one,
    ]),
    shown(traffic.bytesPerBoundaryPerIteration, [
      "per boundary per iteration, each way",
      "m x b s h bytes",
      `${m} x ${one}`,
      formatBytes(traffic.bytesPerBoundaryPerIteration),
    ]),
    shown(traffic.bytesPerIteration, [
      "all boundaries per iteration, both ways",
      "2 x m x (p v - 1) x b s h bytes",
      `2 x ${m} x ${traffic.crossingsPerMicroBatch} x ${one}`,
      formatBytes(traffic.bytesPerIteration),
    ]),
  ];
}
