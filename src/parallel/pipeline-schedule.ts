import { requirePositive, requirePositiveInteger } from "./argument-guards";

/**
 * Pipeline-parallel schedules as timelines (Narayanan et al., "Efficient
 * large-scale language model training on GPU clusters using Megatron-LM",
 * SC 2021, arXiv 2104.04473, section 2.2).
 *
 * The model's layers are split into p stages, one per GPU; the batch into m
 * micro-batches. With interleaving each GPU holds v smaller model chunks:
 * chunk c of stage s is "virtual stage" c p + s, so a micro-batch visits
 * stage 0, 1, ..., p-1, then stage 0 again for chunk 1, and so on.
 *
 * Each schedule is only an order of work per stage. Start times follow from
 * it: a task starts as soon as its stage is free and its input has arrived
 * (communication is taken as instantaneous).
 */
export type PipelineScheduleName = "gpipe" | "1f1b" | "interleaved";

export const PIPELINE_SCHEDULES: readonly PipelineScheduleName[] = ["gpipe", "1f1b", "interleaved"];

export type Pass = "forward" | "backward";

export interface PipelineTask {
  stage: number;
  microBatch: number;
  /** Model chunk on this stage; always 0 without interleaving. */
  chunk: number;
  pass: Pass;
  start: number;
  end: number;
}

export interface PipelineOptions {
  /** p: pipeline stages (GPUs). */
  stages: number;
  /** m: micro-batches per batch. */
  microBatches: number;
  /** v: model chunks per stage for the interleaved schedule (default 2); 1 for the others. */
  chunks?: number;
  /** Time of one stage's forward pass over one micro-batch (default 1). */
  forwardTime?: number;
  /** Time of one stage's backward pass (default 2: the backward computes gradients for both inputs and weights). */
  backwardTime?: number;
}

export interface PipelineTimeline {
  schedule: PipelineScheduleName;
  stages: number;
  microBatches: number;
  chunks: number;
  forwardTime: number;
  backwardTime: number;
  /** Every task, sorted by start time then stage. */
  tasks: PipelineTask[];
  /** Time at which the last task ends. */
  makespan: number;
}

interface Work {
  pass: Pass;
  microBatch: number;
  chunk: number;
}

const forward = (microBatch: number, chunk = 0): Work => ({ pass: "forward", microBatch, chunk });
const backward = (microBatch: number, chunk = 0): Work => ({ pass: "backward", microBatch, chunk });

/** GPipe: every forward, then every backward (Huang et al., GPipe, NeurIPS 2019). */
function gpipeOrder(m: number): Work[] {
  const order: Work[] = [];
  for (let i = 0; i < m; i++) order.push(forward(i));
  for (let i = 0; i < m; i++) order.push(backward(i));
  return order;
}

/**
 * 1F1B (PipeDream-Flush): stage s runs p-s-1 warm-up forwards, then
 * alternates one forward and one backward, then drains the backwards. So
 * stage s never holds more than p-s micro-batches' activations
 * (Narayanan et al. 2021, section 2.2.1).
 */
function oneForwardOneBackwardOrder(p: number, m: number, stage: number): Work[] {
  const warmUp = Math.min(p - stage - 1, m);
  const order: Work[] = [];
  for (let i = 0; i < warmUp; i++) order.push(forward(i));
  for (let i = 0; i < m - warmUp; i++) order.push(forward(warmUp + i), backward(i));
  for (let i = m - warmUp; i < m; i++) order.push(backward(i));
  return order;
}

/**
 * Interleaved 1F1B, in the order Megatron-LM runs it
 * (`forward_backward_pipelining_with_interleaving`): micro-batches go
 * through the chunks in groups of p, forwards in chunk order 0..v-1 and
 * backwards in chunk order v-1..0; stage s warms up with
 * 2(p-s-1) + (v-1)p forwards (all of them when m = p). With v = 1 there
 * is nothing to interleave and the schedule is plain 1F1B.
 */
function interleavedOrder(p: number, m: number, v: number, stage: number): Work[] {
  const total = m * v;
  const microBatchOf = (k: number) => Math.floor(k / (p * v)) * p + (k % p);
  const chunkGroup = (k: number) => Math.floor(k / p) % v;
  const nthForward = (k: number) => forward(microBatchOf(k), chunkGroup(k));
  const nthBackward = (k: number) => backward(microBatchOf(k), v - 1 - chunkGroup(k));
  if (v === 1) return oneForwardOneBackwardOrder(p, m, stage);
  const warmUp = m === p ? total : Math.min(2 * (p - stage - 1) + (v - 1) * p, total);
  const order: Work[] = [];
  for (let k = 0; k < warmUp; k++) order.push(nthForward(k));
  for (let k = 0; k < total - warmUp; k++) order.push(nthForward(warmUp + k), nthBackward(k));
  for (let k = total - warmUp; k < total; k++) order.push(nthBackward(k));
  return order;
}

/** Builds the timeline of one schedule. Throws, naming the argument, on bad input. */
export function pipelineSchedule(schedule: PipelineScheduleName, options: PipelineOptions): PipelineTimeline {
  if (!PIPELINE_SCHEDULES.includes(schedule)) {
    throw new RangeError(`schedule must be one of ${PIPELINE_SCHEDULES.join(", ")}, got ${JSON.stringify(schedule)}`);
  }
  const p = requirePositiveInteger("stages", options.stages);
  const m = requirePositiveInteger("microBatches", options.microBatches);
  const v = schedule === "interleaved" ? requirePositiveInteger("chunks", options.chunks ?? 2) : 1;
  if (schedule !== "interleaved" && options.chunks !== undefined && options.chunks !== 1) {
    throw new RangeError(`chunks must be 1 for the ${schedule} schedule (only "interleaved" splits stages), got ${options.chunks}`);
  }
  if (schedule === "interleaved" && m % p !== 0) {
    throw new RangeError(`microBatches must be a multiple of stages for the interleaved schedule, got microBatches = ${m} with stages = ${p}`);
  }
  const forwardTime = requirePositive("forwardTime", options.forwardTime ?? 1);
  const backwardTime = requirePositive("backwardTime", options.backwardTime ?? 2);

  const orders = Array.from({ length: p }, (_, stage) =>
    schedule === "gpipe" ? gpipeOrder(m) : schedule === "1f1b" ? oneForwardOneBackwardOrder(p, m, stage) : interleavedOrder(p, m, v, stage),
  );
  const tasks = timeOrders(orders, p, v, forwardTime / v, backwardTime / v);
  const makespan = Math.max(...tasks.map((task) => task.end));
  return { schedule, stages: p, microBatches: m, chunks: v, forwardTime, backwardTime, tasks, makespan };
}

/**
 * Turns per-stage orders into start and end times: repeatedly start, on any
 * stage, the next task in its order whose input is ready. A forward needs
 * the previous virtual stage's forward of the same micro-batch; a backward
 * needs the next virtual stage's backward (or, on the last virtual stage,
 * its own forward).
 */
function timeOrders(orders: Work[][], p: number, v: number, forwardTime: number, backwardTime: number): PipelineTask[] {
  const lastVirtualStage = p * v - 1;
  const finished = new Map<string, number>();
  const key = (pass: Pass, virtualStage: number, microBatch: number) => `${pass}:${virtualStage}:${microBatch}`;
  const next = orders.map(() => 0);
  const stageFree = orders.map(() => 0);
  const tasks: PipelineTask[] = [];

  let progressed = true;
  while (progressed) {
    progressed = false;
    orders.forEach((order, stage) => {
      const work = order[next[stage]!];
      if (!work) return;
      const virtualStage = work.chunk * p + stage;
      const dependency =
        work.pass === "forward"
          ? virtualStage === 0
            ? undefined
            : key("forward", virtualStage - 1, work.microBatch)
          : virtualStage === lastVirtualStage
            ? key("forward", virtualStage, work.microBatch)
            : key("backward", virtualStage + 1, work.microBatch);
      const ready = dependency === undefined ? 0 : finished.get(dependency);
      if (ready === undefined) return;
      const start = Math.max(stageFree[stage]!, ready);
      const end = start + (work.pass === "forward" ? forwardTime : backwardTime);
      finished.set(key(work.pass, virtualStage, work.microBatch), end);
      stageFree[stage] = end;
      next[stage]!++;
      tasks.push({ stage, microBatch: work.microBatch, chunk: work.chunk, pass: work.pass, start, end });
      progressed = true;
    });
  }
  const left = orders.reduce((sum, order, stage) => sum + order.length - next[stage]!, 0);
  if (left > 0) throw new Error(`pipeline schedule deadlocked with ${left} tasks unscheduled`);
  return tasks.sort((a, b) => a.start - b.start || a.stage - b.stage);
}
