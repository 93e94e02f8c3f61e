import { describe, expect, it } from "vitest";
import {
  bytesPerLinkPerStep,
  bytesSentPerRank,
  directSum,
  parameterServerAllReduce,
  ringAllReduce,
  ringChunks,
  treeAllReduce,
  type CollectiveRun,
} from "../../src/parallel";

/** Integer-valued buffers, so every summation order gives the same float64 result exactly. */
function integerBuffers(ranks: number, length: number): Float64Array[] {
  return Array.from({ length: ranks }, (_, rank) =>
    Float64Array.from({ length }, (_, i) => ((rank + 1) * 37 + i * 11) % 101 - 50),
  );
}

const collectives: Array<[string, (buffers: Float64Array[]) => CollectiveRun]> = [
  ["ring", (b) => ringAllReduce(b)],
  ["tree", (b) => treeAllReduce(b)],
  ["parameter server", (b) => parameterServerAllReduce(b)],
];

describe.each(collectives)("%s all-reduce", (_name, allReduce) => {
  it.each([2, 3, 4, 8])("equals the direct sum on %i ranks for uneven and tiny buffer sizes", (ranks) => {
    for (const length of [0, 1, ranks - 1, 7, 13, 1000, 1003]) {
      const buffers = integerBuffers(ranks, length);
      const expected = directSum(buffers);
      const { results } = allReduce(buffers);
      expect(results).toHaveLength(ranks);
      for (const result of results) expect(Array.from(result)).toEqual(Array.from(expected));
    }
  });

  it("leaves the input buffers untouched", () => {
    const buffers = integerBuffers(3, 5);
    const before = buffers.map((b) => Array.from(b));
    allReduce(buffers);
    expect(buffers.map((b) => Array.from(b))).toEqual(before);
  });

  it("refuses zero ranks, ragged buffers and NaN, naming the problem", () => {
    expect(() => allReduce([])).toThrow(/ranks.*got 0/);
    expect(() => allReduce([new Float64Array(3), new Float64Array(4)])).toThrow(/rank 1 has 4 elements/);
    expect(() => allReduce([Float64Array.of(1, NaN)])).toThrow(/NaN at element 1/);
  });
});

describe("all-reduce on non-integer floats", () => {
  it("agrees with the direct sum to rounding, and every rank of the ring ends with identical bits", () => {
    const buffers = Array.from({ length: 5 }, (_, rank) => Float64Array.from({ length: 17 }, (_, i) => Math.sin(rank * 17 + i) / 3));
    const expected = directSum(buffers);
    for (const run of [ringAllReduce(buffers), treeAllReduce(buffers), parameterServerAllReduce(buffers)]) {
      run.results.forEach((result) => result.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 14)));
      // All-gather and broadcast copy one summed value to everyone, so the ranks can never disagree.
      for (const result of run.results) expect(Array.from(result)).toEqual(Array.from(run.results[0]!));
    }
  });
});

describe("ring chunks", () => {
  it("round like NCCL: ceil(S/n) each, the tail shorter or empty", () => {
    expect(ringChunks(5, 4)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
      { start: 5, end: 5 },
    ]);
    expect(ringChunks(2, 4).map((c) => c.end - c.start)).toEqual([1, 1, 0, 0]);
  });
});

describe("ring all-reduce step log", () => {
  it("matches the hand-traced 3-rank schedule", () => {
    const buffers = [Float64Array.of(1, 2, 3), Float64Array.of(10, 20, 30), Float64Array.of(100, 200, 300)];
    const { results, log, steps } = ringAllReduce(buffers);
    expect(steps).toBe(4);
    const summary = log.map((t) => [t.step, t.phase, t.from, t.to, t.chunk]);
    // One line per step: [step, phase, from, to, chunk] for each of the three ranks.
    expect(summary).toEqual([
      ...[[0, "reduce-scatter", 0, 1, 2], [0, "reduce-scatter", 1, 2, 0], [0, "reduce-scatter", 2, 0, 1]],
      ...[[1, "reduce-scatter", 0, 1, 1], [1, "reduce-scatter", 1, 2, 2], [1, "reduce-scatter", 2, 0, 0]],
      ...[[2, "all-gather", 0, 1, 0], [2, "all-gather", 1, 2, 1], [2, "all-gather", 2, 0, 2]],
      ...[[3, "all-gather", 0, 1, 2], [3, "all-gather", 1, 2, 0], [3, "all-gather", 2, 0, 1]],
    ]);
    for (const result of results) expect(Array.from(result)).toEqual([111, 222, 333]);
    expect(log.every((t) => t.bytes === 8 && t.end - t.start === 1)).toBe(true);
  });

  it("sends exactly 2(n-1)/n x buffer size per rank when n divides the size", () => {
    for (const ranks of [2, 4, 8]) {
      const length = 64 * ranks;
      const { log } = ringAllReduce(integerBuffers(ranks, length), { precision: "bf16" });
      const perRank = bytesSentPerRank(log, ranks);
      const bufferBytes = length * 2;
      for (const bytes of perRank) expect(bytes).toBe((2 * (ranks - 1) / ranks) * bufferBytes);
    }
    // 8 ranks: factor 1.75
    const { log } = ringAllReduce(integerBuffers(8, 800), { precision: "fp32" });
    expect(bytesSentPerRank(log, 8)).toEqual(Array(8).fill(1.75 * 800 * 4));
  });

  it("with uneven chunks, averages exactly 2(n-1)/n x size; each rank skips chunk r then chunk r+1", () => {
    // S = 5 on 4 ranks: chunks 2, 2, 1, 0 elements.
    const { log } = ringAllReduce(integerBuffers(4, 5), { precision: 1 });
    const perRank = bytesSentPerRank(log, 4);
    expect(perRank).toEqual([10 - 2 - 2, 10 - 2 - 1, 10 - 1 - 0, 10 - 0 - 2]);
    expect(perRank.reduce((a, b) => a + b)).toBe(2 * 3 * 5);
  });

  it("puts one chunk on each ring link per step and nothing else", () => {
    const ranks = 4;
    const loads = bytesPerLinkPerStep(ringAllReduce(integerBuffers(ranks, 8)).log);
    expect(loads).toHaveLength(2 * (ranks - 1) * ranks);
    for (const load of loads) {
      expect(load.to).toBe(((load.from as number) + 1) % ranks);
      expect(load.bytes).toBe(2 * 8);
    }
  });

  it("with fewer elements than ranks logs empty chunks as zero-byte sends", () => {
    const { log, results } = ringAllReduce(integerBuffers(8, 3));
    expect(log.filter((t) => t.bytes === 0).length).toBeGreaterThan(0);
    expect(results[7]!.length).toBe(3);
  });

  it("on one rank does nothing and returns a copy", () => {
    const { results, log, steps } = ringAllReduce([Float64Array.of(4, 5)]);
    expect(steps).toBe(0);
    expect(log).toEqual([]);
    expect(Array.from(results[0]!)).toEqual([4, 5]);
  });
});

describe("tree all-reduce step log", () => {
  it("takes 2 ceil(log2 n) steps and 2(n-1) whole-buffer messages", () => {
    for (const [ranks, rounds] of [[2, 1], [3, 2], [4, 2], [5, 3], [8, 3]] as const) {
      const { log, steps } = treeAllReduce(integerBuffers(ranks, 10), { precision: "fp32" });
      expect(steps).toBe(2 * rounds);
      expect(log).toHaveLength(2 * (ranks - 1));
      expect(log.every((t) => t.bytes === 40)).toBe(true);
    }
  });

  it("reduces 1->0, 3->2 then 2->0 on 4 ranks, then broadcasts 0->2, then 0->1 and 2->3", () => {
    const { log } = treeAllReduce(integerBuffers(4, 2));
    expect(log.map((t) => [t.step, t.phase, t.from, t.to])).toEqual([
      [0, "reduce", 1, 0],
      [0, "reduce", 3, 2],
      [1, "reduce", 2, 0],
      [2, "broadcast", 0, 2],
      [3, "broadcast", 0, 1],
      [3, "broadcast", 2, 3],
    ]);
  });
});

describe("parameter server", () => {
  it("loads the server link with n x S in each direction while each worker sends S", () => {
    const ranks = 8;
    const { log } = parameterServerAllReduce(integerBuffers(ranks, 100), { precision: "fp16" });
    expect(bytesSentPerRank(log, ranks)).toEqual(Array(ranks).fill(200));
    const serverSent = log.filter((t) => t.from === "server").reduce((sum, t) => sum + t.bytes, 0);
    const serverReceived = log.filter((t) => t.to === "server").reduce((sum, t) => sum + t.bytes, 0);
    expect(serverSent).toBe(ranks * 200);
    expect(serverReceived).toBe(ranks * 200);
  });
});
