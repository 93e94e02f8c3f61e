import { requireNonNegativeInteger, requirePositiveInteger } from "./argument-guards";
import { bytesPerElement, type WireFormat } from "./wire-format";
import type { Pass, PipelineTimeline } from "./pipeline-schedule";

/**
 * Checks a timeline against the rules any real pipeline obeys and returns
 * every broken rule as a sentence (an empty list means valid):
 * each task appears exactly once, no stage runs two tasks at once, every
 * backward starts after its forward, a forward starts after the previous
 * virtual stage's forward of that micro-batch, and a backward after the next
 * virtual stage's backward.
 */
export function validatePipelineTimeline(timeline: PipelineTimeline): string[] {
  const { stages: p, chunks: v, microBatches: m, tasks } = timeline;
  const problems: string[] = [];
  const byKey = new Map<string, { start: number; end: number }>();
  const key = (pass: Pass, virtualStage: number, microBatch: number) => `${pass} of micro-batch ${microBatch} on virtual stage ${virtualStage}`;

  for (const task of tasks) {
    const k = key(task.pass, task.chunk * p + task.stage, task.microBatch);
    if (byKey.has(k)) problems.push(`${k} appears twice`);
    byKey.set(k, task);
    if (!(task.end > task.start)) problems.push(`${k} ends at ${task.end}, not after its start ${task.start}`);
  }
  for (let virtualStage = 0; virtualStage < p * v; virtualStage++) {
    for (let microBatch = 0; microBatch < m; microBatch++) {
      for (const pass of ["forward", "backward"] as const) {
        if (!byKey.has(key(pass, virtualStage, microBatch))) problems.push(`${key(pass, virtualStage, microBatch)} is missing`);
      }
      const ownForward = byKey.get(key("forward", virtualStage, microBatch));
      const ownBackward = byKey.get(key("backward", virtualStage, microBatch));
      if (ownForward && ownBackward && ownBackward.start < ownForward.end) {
        problems.push(`${key("backward", virtualStage, microBatch)} starts at ${ownBackward.start}, before its forward ends at ${ownForward.end}`);
      }
      const upstream = byKey.get(key("forward", virtualStage - 1, microBatch));
      if (ownForward && upstream && ownForward.start < upstream.end) {
        problems.push(
          `${key("forward", virtualStage, microBatch)} starts at ${ownForward.start}, before virtual stage ${virtualStage - 1} finishes it at ${upstream.end}`,
        );
      }
      const downstream = byKey.get(key("backward", virtualStage + 1, microBatch));
      if (ownBackward && downstream && ownBackward.start < downstream.end) {
        problems.push(
          `${key("backward", virtualStage, microBatch)} starts at ${ownBackward.start}, before virtual stage ${virtualStage + 1} finishes it at ${downstream.end}`,
        );
      }
    }
  }
  for (let stage = 0; stage < p; stage++) {
    const own = tasks.filter((task) => task.stage === stage).sort((a, b) => a.start - b.start);
    for (let i = 1; i < own.length; i++) {
      if (own[i]!.start < own[i - 1]!.end) {
        problems.push(`stage ${stage} runs two tasks at once at time ${own[i]!.start}`);
      }
    }
  }
  return problems;
}

/** Share of stage-time spent idle: 1 - busy / (p x makespan), measured on the timeline. */
export function idleFraction(timeline: PipelineTimeline): number {
  const busy = timeline.tasks.reduce((sum, task) => sum + (task.end - task.start), 0);
  return 1 - busy / (timeline.stages * timeline.makespan);
}

/**
 * Pipeline bubble as a share of total time, with equal stage times and
 * instant communication: (p-1)/(m+p-1) for GPipe and 1F1B. Narayanan et al.
 * 2021 (arXiv 2104.04473, section 2.2) give the bubble relative to ideal time,
 * (p-1)/m, and (1/v)(p-1)/m with v interleaved chunks; as a share of the
 * total that is ((p-1)/v) / (m + (p-1)/v). 3/7 at (p, m) = (4, 4), 7/39 at (8, 32).
 */
export function pipelineBubbleFraction(stages: number, microBatches: number, chunks = 1): number {
  const p = requirePositiveInteger("stages", stages);
  const m = requirePositiveInteger("microBatches", microBatches);
  const v = requirePositiveInteger("chunks", chunks);
  const bubble = (p - 1) / v;
  return bubble / (m + bubble);
}

/**
 * Most micro-batches whose activations each stage holds at once: counted
 * from a forward's start to the end of its backward (each chunk of an
 * interleaved stage counts separately). GPipe holds all m; 1F1B at most p
 * (p - s on stage s) (Narayanan et al. 2021, section 2.2.1).
 */
export function peakMicroBatchesInFlight(timeline: PipelineTimeline): number[] {
  return Array.from({ length: timeline.stages }, (_, stage) => {
    const events: Array<[time: number, change: number]> = [];
    for (const task of timeline.tasks) {
      if (task.stage !== stage) continue;
      if (task.pass === "forward") events.push([task.start, +1]);
      else events.push([task.end, -1]);
    }
    // At equal times, release before acquiring: a backward ending as a forward starts frees its memory first.
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let inFlight = 0;
    let peak = 0;
    for (const [, change] of events) {
      inFlight += change;
      peak = Math.max(peak, inFlight);
    }
    return peak;
  });
}

export interface ActivationTrafficInput {
  /** b: sequences per micro-batch. */
  microBatchSize: number;
  /** s: tokens per sequence. */
  sequenceLength: number;
  /** h: hidden size. */
  hidden: number;
  precision: WireFormat | number;
  stages: number;
  microBatches: number;
  chunks?: number;
}

export interface ActivationTraffic {
  /** b s h: the activation tensor one micro-batch carries across one stage boundary. */
  elementsPerMicroBatch: number;
  bytesPerMicroBatch: number;
  /** Boundaries a micro-batch crosses going forward: p v - 1. */
  crossingsPerMicroBatch: number;
  /** Per boundary per iteration, in each direction (activations forward, their gradients backward): m b s h bytes. */
  bytesPerBoundaryPerIteration: number;
  /** All crossings of one iteration, both directions: 2 m (p v - 1) b s h bytes. */
  bytesPerIteration: number;
}

/**
 * Activation bytes crossing stage boundaries: b s h elements per micro-batch
 * per boundary (Narayanan et al. 2021, section 3.2), and the same again for
 * their gradients on the way back.
 */
export function pipelineActivationTraffic(input: ActivationTrafficInput): ActivationTraffic {
  const b = requirePositiveInteger("microBatchSize", input.microBatchSize);
  const s = requirePositiveInteger("sequenceLength", input.sequenceLength);
  const h = requirePositiveInteger("hidden", input.hidden);
  const p = requirePositiveInteger("stages", input.stages);
  const m = requireNonNegativeInteger("microBatches", input.microBatches);
  const v = requirePositiveInteger("chunks", input.chunks ?? 1);
  const elementsPerMicroBatch = b * s * h;
  const bytesPerMicroBatch = elementsPerMicroBatch * bytesPerElement(input.precision);
  const crossingsPerMicroBatch = p * v - 1;
  return {
    elementsPerMicroBatch,
    bytesPerMicroBatch,
    crossingsPerMicroBatch,
    bytesPerBoundaryPerIteration: m * bytesPerMicroBatch,
    bytesPerIteration: 2 * m * crossingsPerMicroBatch * bytesPerMicroBatch,
  };
}
