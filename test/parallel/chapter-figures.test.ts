import { describe, expect, it } from "vitest";
import {
  GPT3,
  GPT3_FAMILY,
  modelSizeSweep,
  ringAllReduce,
  ringAllReduceFigure,
  ringHoldings,
  seriesFigure,
  transformerParameters,
} from "../../src/parallel";

const buffers = Array.from({ length: 4 }, (_, r) => Float64Array.from({ length: 8 }, (_, i) => (i + 1) * 10 ** r));
const run = ringAllReduce(buffers);

describe("the ring all-reduce a reader steps through", () => {
  it("replays the log: after the reduce-scatter rank r holds all of chunk r, after the all-gather every cell is full", () => {
    const states = ringHoldings(run, 4);
    expect(states).toHaveLength(run.steps + 1);
    expect(states[0]![2]).toEqual([[2], [2], [2], [2]]);
    const afterReduceScatter = states[3]!;
    for (let r = 0; r < 4; r++) expect(afterReduceScatter[r]![r]).toEqual([0, 1, 2, 3]);
    // Rank 0 got chunk 1 at step 1 from rank 3, which had it from rank 2: no rank 1 yet.
    expect(afterReduceScatter[0]![1]).toEqual([0, 2, 3]);
    expect(states[6]!.every((row) => row.every((held) => held.length === 4))).toBe(true);
  });

  it("one frame per state, a slider position for each, the frame's title naming the step's messages", () => {
    const figure = ringAllReduceFigure(run, 4);
    expect(figure.frames).toHaveLength(7);
    expect(figure.layout.sliders![0]!.steps).toHaveLength(7);
    const frame = figure.frames![1]!;
    expect((frame.layout!.title as { text: string }).text).toContain("after step 0 (reduce-scatter): 0→1: chunk 3, 1→2: chunk 0, 2→3: chunk 1, 3→0: chunk 2");
    expect((frame.data![0] as { z: number[][] }).z[1]).toEqual([1, 1, 1, 2]);
    const last = figure.frames![6]!.data![0] as { text: string[][] };
    expect(last.text[3]![0]).toBe("<b>0+1+2+3</b>");
  });
});

describe("memory and traffic against model size", () => {
  it("the GPT-3 family's last member is notebook 12's GPT-3: 174.6e9 parameters, 2.79 TB of training state", () => {
    const rows = modelSizeSweep(GPT3_FAMILY, { dataParallel: 8, zeroRanks: 64 });
    const largest = rows.at(-1)!;
    expect(largest.parameters).toBe(transformerParameters(GPT3));
    expect(largest.trainingStateBytes).toBeCloseTo(16 * transformerParameters(GPT3), 0);
    expect(largest.shardedStateBytes).toBeCloseTo(transformerParameters(GPT3) / 4, 0);
    expect(largest.allReduceBytesPerRank).toBeCloseTo(((2 * 7) / 8) * 2 * transformerParameters(GPT3), 0);
    // Brown et al. 2020's names: 125M, 350M, 760M, 1.3B, 2.7B, 6.7B, 13B, 175B (to within the embedding's share).
    expect(rows.map((row) => Number((row.parameters / 1e9).toPrecision(2)))).toEqual([0.13, 0.36, 0.76, 1.3, 2.7, 6.7, 13, 170]);
  });

  it("a series figure refuses mismatched x and y", () => {
    expect(() => seriesFigure({ title: "t", xTitle: "x", yTitle: "y", series: [{ name: "a", x: [1, 2], y: [1] }] })).toThrow('series "a" has 2 x values and 1 y values');
  });
});
