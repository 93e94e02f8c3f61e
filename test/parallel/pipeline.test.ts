import { describe, expect, it } from "vitest";
import {
  idleFraction,
  peakMicroBatchesInFlight,
  pipelineActivationTraffic,
  pipelineBubbleFraction,
  pipelineSchedule,
  validatePipelineTimeline,
  type PipelineTimeline,
} from "../../src/parallel";

const brief = (timeline: PipelineTimeline, stage: number) =>
  timeline.tasks
    .filter((t) => t.stage === stage)
    .map((t) => `${t.pass === "forward" ? "F" : "B"}${t.microBatch}@${t.start}-${t.end}`);

describe("pipeline schedules", () => {
  it("GPipe on 2 stages and 2 micro-batches matches the hand-drawn timeline", () => {
    const timeline = pipelineSchedule("gpipe", { stages: 2, microBatches: 2 });
    expect(brief(timeline, 0)).toEqual(["F0@0-1", "F1@1-2", "B0@5-7", "B1@7-9"]);
    expect(brief(timeline, 1)).toEqual(["F0@1-2", "F1@2-3", "B0@3-5", "B1@5-7"]);
    expect(timeline.makespan).toBe(9);
    expect(idleFraction(timeline)).toBeCloseTo(1 / 3, 12);
  });

  it("1F1B on 2 stages and 3 micro-batches matches the hand-drawn timeline", () => {
    const timeline = pipelineSchedule("1f1b", { stages: 2, microBatches: 3 });
    expect(brief(timeline, 0)).toEqual(["F0@0-1", "F1@1-2", "B0@4-6", "F2@6-7", "B1@7-9", "B2@10-12"]);
    expect(brief(timeline, 1)).toEqual(["F0@1-2", "B0@2-4", "F1@4-5", "B1@5-7", "F2@7-8", "B2@8-10"]);
    expect(timeline.makespan).toBe(12);
  });

  it.each([
    ["gpipe", 4, 4, 3 / 7],
    ["1f1b", 4, 4, 3 / 7],
    ["gpipe", 8, 32, 7 / 39],
    ["1f1b", 8, 32, 7 / 39],
  ] as const)("%s idles (p-1)/(m+p-1) at (p, m) = (%i, %i)", (schedule, stages, microBatches, expected) => {
    const timeline = pipelineSchedule(schedule, { stages, microBatches });
    expect(validatePipelineTimeline(timeline)).toEqual([]);
    expect(idleFraction(timeline)).toBeCloseTo(expected, 12);
    expect(pipelineBubbleFraction(stages, microBatches)).toBeCloseTo(expected, 15);
    expect(timeline.makespan).toBe((microBatches + stages - 1) * 3);
  });

  it.each([
    [4, 8, 2],
    [4, 8, 4],
    [4, 4, 2],
    [8, 32, 2],
    [2, 6, 3],
  ])("interleaved (p, m, v) = (%i, %i, %i) is valid and shrinks the bubble to (1/v)(p-1)/m of ideal time", (stages, microBatches, chunks) => {
    const timeline = pipelineSchedule("interleaved", { stages, microBatches, chunks });
    expect(validatePipelineTimeline(timeline)).toEqual([]);
    const ideal = microBatches * 3;
    expect((timeline.makespan - ideal) / ideal).toBeCloseTo((1 / chunks) * ((stages - 1) / microBatches), 12);
    expect(idleFraction(timeline)).toBeCloseTo(pipelineBubbleFraction(stages, microBatches, chunks), 12);
    expect(idleFraction(timeline)).toBeLessThan(pipelineBubbleFraction(stages, microBatches));
  });

  it("interleaved with one chunk is plain 1F1B", () => {
    const plain = pipelineSchedule("1f1b", { stages: 4, microBatches: 8 });
    const interleaved = pipelineSchedule("interleaved", { stages: 4, microBatches: 8, chunks: 1 });
    expect(interleaved.tasks).toEqual(plain.tasks);
  });

  it("GPipe holds all m micro-batches on every stage, 1F1B at most p (p - s on stage s)", () => {
    expect(peakMicroBatchesInFlight(pipelineSchedule("gpipe", { stages: 4, microBatches: 16 }))).toEqual([16, 16, 16, 16]);
    expect(peakMicroBatchesInFlight(pipelineSchedule("1f1b", { stages: 4, microBatches: 16 }))).toEqual([4, 3, 2, 1]);
    expect(Math.max(...peakMicroBatchesInFlight(pipelineSchedule("1f1b", { stages: 8, microBatches: 32 })))).toBe(8);
  });

  it("takes the backward time as an option", () => {
    const timeline = pipelineSchedule("gpipe", { stages: 4, microBatches: 4, backwardTime: 1 });
    expect(timeline.makespan).toBe(7 * 2);
    expect(idleFraction(timeline)).toBeCloseTo(3 / 7, 12);
  });

  it("refuses bad input, naming the argument and the value", () => {
    expect(() => pipelineSchedule("interleaved", { stages: 4, microBatches: 6 })).toThrow(
      "microBatches must be a multiple of stages for the interleaved schedule, got microBatches = 6 with stages = 4",
    );
    expect(() => pipelineSchedule("gpipe", { stages: 0, microBatches: 4 })).toThrow("stages must be greater than 0, got 0");
    expect(() => pipelineSchedule("1f1b", { stages: 2, microBatches: NaN })).toThrow("microBatches must be a finite number, got NaN");
    expect(() => pipelineSchedule("1f1b", { stages: 2, microBatches: 2, backwardTime: -1 })).toThrow("backwardTime must be greater than 0, got -1");
    expect(() => pipelineSchedule("gpipe", { stages: 2, microBatches: 2, chunks: 2 })).toThrow(/chunks must be 1 for the gpipe schedule/);
    expect(() => pipelineSchedule("zigzag" as never, { stages: 2, microBatches: 2 })).toThrow(/schedule must be one of/);
  });
});

describe("pipeline timeline validator", () => {
  const valid = () => pipelineSchedule("gpipe", { stages: 2, microBatches: 2 });

  it("flags a stage running two tasks at once", () => {
    const timeline = valid();
    const second = timeline.tasks.find((t) => t.stage === 0 && t.pass === "forward" && t.microBatch === 1)!;
    second.start = 0.5;
    expect(validatePipelineTimeline(timeline)).toContain("stage 0 runs two tasks at once at time 0.5");
  });

  it("flags a backward before its forward and a forward before its upstream stage", () => {
    const timeline = valid();
    const lastBackward = timeline.tasks.find((t) => t.stage === 1 && t.pass === "backward" && t.microBatch === 0)!;
    lastBackward.start = 1.5;
    const downstreamForward = timeline.tasks.find((t) => t.stage === 1 && t.pass === "forward" && t.microBatch === 1)!;
    downstreamForward.start = 1.5;
    const problems = validatePipelineTimeline(timeline);
    expect(problems).toContain("backward of micro-batch 0 on virtual stage 1 starts at 1.5, before its forward ends at 2");
    expect(problems).toContain("forward of micro-batch 1 on virtual stage 1 starts at 1.5, before virtual stage 0 finishes it at 2");
  });

  it("flags a missing task", () => {
    const timeline = valid();
    timeline.tasks = timeline.tasks.filter((t) => !(t.stage === 0 && t.pass === "backward" && t.microBatch === 1));
    expect(validatePipelineTimeline(timeline)).toEqual(["backward of micro-batch 1 on virtual stage 0 is missing"]);
  });
});

describe("activation traffic across stage boundaries", () => {
  it("is b s h elements per micro-batch per boundary, each way", () => {
    const traffic = pipelineActivationTraffic({
      microBatchSize: 1,
      sequenceLength: 2048,
      hidden: 12288,
      precision: "bf16",
      stages: 8,
      microBatches: 32,
    });
    expect(traffic.elementsPerMicroBatch).toBe(25_165_824);
    expect(traffic.bytesPerMicroBatch).toBe(50_331_648);
    expect(traffic.crossingsPerMicroBatch).toBe(7);
    expect(traffic.bytesPerBoundaryPerIteration).toBe(32 * 50_331_648);
    expect(traffic.bytesPerIteration).toBe(2 * 32 * 7 * 50_331_648);
  });

  it("counts the extra crossings of interleaving (p v - 1 per micro-batch)", () => {
    const traffic = pipelineActivationTraffic({ microBatchSize: 2, sequenceLength: 4, hidden: 8, precision: "fp32", stages: 4, microBatches: 8, chunks: 2 });
    expect(traffic.crossingsPerMicroBatch).toBe(7);
    expect(traffic.bytesPerMicroBatch).toBe(2 * 4 * 8 * 4);
  });
});
