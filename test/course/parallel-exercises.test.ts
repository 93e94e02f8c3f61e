import { describe, expect, it } from "vitest";
import { joinText } from "../../kernel/notebook/nbformat";
import {
  batchGradient,
  bytesSentPerRank,
  checkNumber,
  dataParallelGradient,
  fractionArithmetic,
  idleFraction,
  pipelineSchedule,
  ringAllReduce,
  ringAllReduceBytesPerRank,
  type Sample,
  seedNetwork,
} from "../../src";
import { loadCourseNotebook } from "../helpers/stored-notebook";

/**
 * The numeric exercises of notebooks 09-11: the check cell of each calls
 * checkNumber with the label below, the solution passes it (the stored
 * outputs say so, and notebooks.test.ts re-runs them), and a planted wrong
 * answer, the mistake a learner is likely to make, gets a hint that names it.
 */
function checkCellSource(file: string, gradeId: string): string {
  const cell = loadCourseNotebook(file).cells.find((c) => (c.metadata as { nbgrader?: { grade_id?: string } }).nbgrader?.grade_id === `${gradeId}-check`);
  if (!cell) throw new Error(`${file} has no check cell ${gradeId}-check`);
  return joinText(cell.source);
}

describe("09-data-parallel: weigh the uneven shards", () => {
  // The notebook's parameters: inputs and targets of the batch, three GPUs.
  const batch: Sample[] = [
    { input: [1, 0], target: [2] },
    { input: [0, 1], target: [1] },
    { input: [-1, 0.25], target: [1] },
    { input: [2, 1], target: [3] },
  ];
  const uneven = dataParallelGradient(seedNetwork(), batch, { workers: 3, arithmetic: fractionArithmetic });
  const expected = batchGradient(seedNetwork(), batch, { arithmetic: fractionArithmetic }).gradients.get("W54")!.toNumber();
  const shard = (k: number) => uneven.workers[k]!.gradients.get("W54")!.toNumber();

  it("the check cell checks the label this test plants answers for", () => {
    expect(checkCellSource("09-data-parallel.ipynb", "09-weigh-shards")).toContain('checkNumber("averaged dL/dW54", weighedW54, expectedW54)');
  });

  it("the weighted sum is right", () => {
    const answer = (2 / 4) * shard(0) + (1 / 4) * shard(1) + (1 / 4) * shard(2);
    expect(checkNumber("averaged dL/dW54", answer, expected).ok).toBe(true);
  });

  it("a plain mean of the three shards is wrong, and the hint says by how much", () => {
    const plain = (shard(0) + shard(1) + shard(2)) / 3;
    const result = checkNumber("averaged dL/dW54", plain, expected);
    expect(result.ok).toBe(false);
    expect(result.message).toBe("✗ averaged dL/dW54: 6.83333333333 is not right. Hint: it is 16% too large");
  });

  it("summing the shard gradients without weights gives a sum, not a mean", () => {
    const summed = shard(0) + shard(1) + shard(2);
    expect(checkNumber("averaged dL/dW54", summed, expected).hint).toBe("it is 250% too large");
  });
});

describe("10-ring-all-reduce: bytes rank 0 sends on a ring of 16", () => {
  const label = "bytes rank 0 sent at 16 ranks";
  const expected = ringAllReduceBytesPerRank(64 * 4, 16);

  it("the check cell checks this label against 2(n-1)/n x S", () => {
    expect(checkCellSource("10-ring-all-reduce.ipynb", "10-sixteen-ranks")).toContain(`checkNumber("${label}", rank0Bytes, sixteenBytes)`);
  });

  it("the simulated ring's log gives the right answer: 2 x 15/16 x 256 B = 480 B", () => {
    const run = ringAllReduce(Array.from({ length: 16 }, () => new Float64Array(64)), { precision: "fp32" });
    const answer = bytesSentPerRank(run.log, 16)[0]!;
    expect(answer).toBe(480);
    expect(checkNumber(label, answer, expected).ok).toBe(true);
  });

  it("counting elements instead of bytes is a factor of four off", () => {
    const run = ringAllReduce(Array.from({ length: 16 }, () => new Float64Array(64)));
    const elements = run.log.filter((t) => t.from === 0).reduce((sum, t) => sum + (t.end - t.start), 0);
    expect(checkNumber(label, elements, expected).message).toBe(`✗ ${label}: 120 is not right. Hint: it is 75% too small`);
  });

  it("only one phase (reduce-scatter) is half the answer", () => {
    expect(checkNumber(label, (15 / 16) * 256, expected).hint).toBe("it is half the expected value");
  });
});

describe("11-pipelines: the idle share of an interleaved pipeline, p = 8, m = 32, v = 4", () => {
  const label = "idle share at p = 8, m = 32, v = 4";
  const measured = idleFraction(pipelineSchedule("interleaved", { stages: 8, microBatches: 32, chunks: 4 }));

  it("the check cell compares the learner's formula with the simulated timeline", () => {
    expect(checkCellSource("11-pipelines.ipynb", "11-idle-four-chunks")).toContain(`checkNumber("${label}", idleFourChunks,`);
  });

  it("((p-1)/v)/(m + (p-1)/v) = 7/135 matches the timeline", () => {
    expect(checkNumber(label, 7 / 4 / (32 + 7 / 4), measured).ok).toBe(true);
    expect(measured).toBeCloseTo(7 / 135, 12);
  });

  it("the bubble relative to the ideal time, (p-1)/(v m), is not the share of the total", () => {
    expect(checkNumber(label, 7 / (4 * 32), measured).message).toBe(`✗ ${label}: 0.0546875 is not right. Hint: it is 5.5% too large`);
  });

  it("leaving out v gives the plain 1F1B share, far too large", () => {
    expect(checkNumber(label, 7 / 39, measured).hint).toBe("it is 250% too large");
  });
});
