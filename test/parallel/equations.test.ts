import { describe, expect, it } from "vitest";
import { Fraction, fractionArithmetic, seedNetwork } from "../../src";
import {
  activationTrafficEquations,
  dataParallelGradient,
  largestGapEquation,
  lossGapFigure,
  meanEquation,
  shardAverageEquations,
  allReduceSecondsEquation,
  bubbleShareEquation,
  busiestSenderEquation,
  formatBytes,
  formatCount,
  formatSeconds,
  GPT3,
  goBackNAddedSecondsEquation,
  goBackNEquation,
  measuredIdleEquation,
  peakInFlightEquation,
  pipelineMakespanEquation,
  pipelineSchedule,
  ringBytesPerRankEquation,
  ringChunkEquation,
  ringAllReduce,
  shardedGradientBytesEquation,
  tensorParallelEquations,
  trainingTimeEquation,
  transferSecondsEquation,
  transformerParameters,
  transformerParametersEquation,
  transformerParameterPartsEquations,
  repeatedBytesEquation,
  weightedMeanEquation,
} from "../../src/parallel";

describe("one number format per quantity", () => {
  it("bytes in decimal units with four significant digits", () => {
    expect([48, 4096, 50_331_648, 612.5e9, 349_231_644_672, 0].map(formatBytes)).toEqual(["48 B", "4.096 kB", "50.33 MB", "612.5 GB", "349.2 GB", "0 B"]);
  });
  it("seconds in the unit that keeps them readable", () => {
    expect([70.035e-6, 3.6e-3, 12.25, 0].map(formatSeconds)).toEqual(["70.03 µs", "3.6 ms", "12.25 s", "0 s"]);
  });
  it("counts in full below a billion, in powers of ten above", () => {
    expect([9, 25_165_824, 175e9, 174_615_822_336].map(formatCount)).toEqual(["9", "25165824", "1.75e11", "1.7462e11"]);
  });
  it("refuses NaN with the quantity's name", () => {
    expect(() => formatBytes(Number.NaN)).toThrow("bytes must be a finite number, got NaN");
  });
});

describe("equations with the numbers substituted, from the engine's own values", () => {
  it("GPT-3's unsharded all-reduce: 612.5 GB per rank, 12.25 s at 50 GB/s", () => {
    const perRank = ringBytesPerRankEquation(350e9, 8);
    expect(perRank.value).toBe(612.5e9);
    expect(perRank.text).toBe("bytes per rank = 2(n-1)/n x S = 2 x 7/8 x 350 GB = 612.5 GB");
    expect(transferSecondsEquation(perRank.value, 50e9).text).toBe("time = bytes / link = 612.5 GB / 50 GB/s = 12.25 s");
  });

  it("the sharded replica: 2P/(t p) = 2 x 175e9 / 96 bytes per data-parallel rank", () => {
    const sharded = shardedGradientBytesEquation(175e9, "bf16", 8, 12);
    expect(sharded.value).toBeCloseTo((2 * 175e9) / 96, 3);
    expect(sharded.text).toBe("gradient bytes per data-parallel rank = 2P/(t x p) = 2 B x 1.75e11 / (8 x 12) = 3.646 GB");
    expect(ringBytesPerRankEquation(sharded.value, 8).text).toBe("bytes per rank = 2(n-1)/n x S = 2 x 7/8 x 3.646 GB = 6.38 GB");
  });

  it("pipeline idle share: the formula and the timeline agree exactly", () => {
    expect(bubbleShareEquation(4, 4).text).toBe("idle share = (p-1)/(m+p-1) = (4-1)/(4+4-1) = 3/7");
    expect(bubbleShareEquation(8, 32).value.equals(new Fraction(7n, 39n))).toBe(true);
    expect(bubbleShareEquation(4, 8, 2).text).toBe("idle share = ((p-1)/v)/(m+(p-1)/v) = (3/2)/(8+3/2) = 3/19");
    const measured = measuredIdleEquation(pipelineSchedule("gpipe", { stages: 4, microBatches: 4 }));
    expect(measured.text).toBe("idle measured = (p x makespan - busy)/(p x makespan) = (4 x 21 - 48)/(4 x 21) = 3/7");
    const interleaved = measuredIdleEquation(pipelineSchedule("interleaved", { stages: 4, microBatches: 8, chunks: 2 }));
    expect(interleaved.value.equals(bubbleShareEquation(4, 8, 2).value)).toBe(true);
  });

  it("makespan (m + (p-1)/v)(t_f + t_b) equals the simulated timeline's, also with thirds of a slot (v = 3)", () => {
    for (const [schedule, p, m, v] of [["gpipe", 4, 4, 1], ["1f1b", 8, 32, 1], ["interleaved", 4, 8, 2], ["interleaved", 4, 8, 3]] as const) {
      const timeline = pipelineSchedule(schedule, { stages: p, microBatches: m, chunks: v });
      expect(pipelineMakespanEquation(timeline).value.toNumber()).toBeCloseTo(timeline.makespan, 9);
      expect(measuredIdleEquation(timeline).value.equals(bubbleShareEquation(p, m, v).value)).toBe(true);
    }
    const thirds = measuredIdleEquation(pipelineSchedule("interleaved", { stages: 4, microBatches: 8, chunks: 3 }));
    expect(thirds.text).toBe("idle measured = (p x makespan - busy)/(p x makespan) = (4 x 27 - 96)/(4 x 27) = 1/9");
  });

  it("peak micro-batches held: m for GPipe, min(p-s, m) for 1F1B", () => {
    expect(peakInFlightEquation("gpipe", 4, 8).value).toEqual([8, 8, 8, 8]);
    expect(peakInFlightEquation("1f1b", 4, 2).text).toBe("peak per stage = min(p-s, m) = [min(4-0, 2), min(4-1, 2), min(4-2, 2), min(4-3, 2)] = [2, 2, 2, 1]");
  });

  it("ring chunk indices match the simulated schedule of every step", () => {
    const run = ringAllReduce(Array.from({ length: 4 }, () => new Float64Array(8)));
    for (const transfer of run.log) {
      expect(ringChunkEquation(transfer.from as number, transfer.step, 4).value).toBe(transfer.chunk);
    }
    expect(ringChunkEquation(0, 0, 4).text).toBe("chunk rank 0 sends = (r-1-k) mod n = (0-1-0) mod 4 = 3");
    expect(ringChunkEquation(1, 4, 4).text).toBe("chunk rank 1 sends = (r-k) mod n = (1-1) mod 4 = 0");
  });

  it("the busiest sender of each algorithm, from its formula", () => {
    expect(busiestSenderEquation("binomial tree", 4, 32).text).toBe("root sends = ceil(log2 n) x S = ceil(log2 4) x 32 B = 2 x 32 B = 64 B");
    expect(busiestSenderEquation("parameter server", 4, 32).value).toBe(128);
    expect(busiestSenderEquation("ring", 4, 32).value).toBe(48);
  });

  it("alpha-beta times name alpha, the ranks and the link", () => {
    const input = { ranks: 8, bytes: 1e3, latencySeconds: 5e-6, linkBytesPerSecond: 50e9 };
    expect(allReduceSecondsEquation("ring", input).text).toBe(
      "T_ring = 2(n-1) alpha + 2(n-1)/n x S / link = 2 x 7 x 5 µs + 2 x 7/8 x 1 kB / 50 GB/s = 70.03 µs",
    );
    expect(allReduceSecondsEquation("binomial tree", input).value).toBeCloseTo(6 * (5e-6 + 1e3 / 50e9), 15);
  });

  it("GPT-3 scale: parameters, tensor-parallel traffic, activations, training time", () => {
    expect(transformerParametersEquation(GPT3).value).toBe(transformerParameters(GPT3));
    expect(transformerParametersEquation(GPT3).text).toMatch(/= 12 x 96 x 12288\^2 \+ 13 x 96 x 12288 \+ \(51200 \+ 2048\) x 12288 = 1\.7462e11$/);
    const [values, bytes] = tensorParallelEquations({ microBatchSize: 1, sequenceLength: 2048, hidden: 12288, tensorParallel: 8, precision: "bf16" });
    expect(values!.text).toBe("values per layer = 8 b s h (t-1)/t = 8 x 1 x 2048 x 12288 x 7/8 = 176160768");
    expect(bytes!.value).toBe(2 * 176_160_768);
    const activation = activationTrafficEquations({ microBatchSize: 1, sequenceLength: 2048, hidden: 12288, precision: "bf16", stages: 8, microBatches: 32 });
    expect(activation.map((e) => e.value)).toEqual([25_165_824, 50_331_648, 32 * 50_331_648, 2 * 32 * 7 * 50_331_648]);
    const time = trainingTimeEquation({ tokens: 300e9, parameters: transformerParameters(GPT3), gpus: 1024, flopsPerGpu: 140e12 });
    expect(time.text).toMatch(/= 8 x 3e11 x 1\.7462e11 \/ \(1024 x 1\.4e14\) = 2\.9233e6 s = 33\.83 days$/);
    const toy = trainingTimeEquation({ tokens: 300e9, parameters: 9, gpus: 1, flopsPerGpu: 140e12 });
    expect(toy.text).toBe("training time = 8 T P / (n X) = 8 x 3e11 x 9 / (1 x 1.4e14) = 154.3 ms");
    const parts = transformerParameterPartsEquations(GPT3);
    expect(parts.reduce((sum, part) => sum + part.value, 0)).toBe(Math.round(transformerParameters(GPT3)));
    expect(repeatedBytesEquation("all layers", "l x bytes", 96, bytes!.value).text).toBe("all layers = l x bytes = 96 x 352.3 MB = 33.82 GB");
  });

  it("go-back-N efficiency with s and m substituted", () => {
    expect(goBackNEquation(1e-3, 122).text).toBe("eta = s / (s + m(1-s)) = 0.999 / (0.999 + 122 x 0.001) = 0.8912");
    const added = goBackNAddedSecondsEquation(12.25, 1e-3, 122);
    expect(added.value).toBeCloseTo(12.25 / goBackNEquation(1e-3, 122).value - 12.25, 12);
    expect(added.text).toBe("time added = time x m(1-s)/s = 12.25 s x 122 x 0.001 / 0.999 = 1.496 s");
  });

  it("a weighted mean of shard gradients in exact fractions", () => {
    const half = new Fraction(1n, 2n);
    const mean = weightedMeanEquation("dL/dW31", [[half, half], [half, new Fraction(5n)]], new Fraction(11n, 4n));
    expect(mean.text).toBe("dL/dW31 = sum_k w_k g_k = 1/2 x 1/2 + 1/2 x 5 = 11/4");
  });

  it("a data-parallel average as sum_k (B_k/B) g_k, shard sizes unreduced and negative factors bracketed", () => {
    const batch = [
      { input: [1, 0], target: [2] },
      { input: [0, 1], target: [1] },
      { input: [-1, 0.25], target: [1] },
    ];
    const run = dataParallelGradient(seedNetwork(), batch, { workers: 3, arithmetic: fractionArithmetic });
    const { loss, gradients } = shardAverageEquations(run);
    expect(loss.value.equals(run.loss)).toBe(true);
    expect(loss.text).toBe("L = sum_k (B_k/B) L_k = 1/3 x 1/4 + 1/3 x 9/4 + 1/3 x 1/4 = 11/12");
    expect(gradients.find((e) => e.text.startsWith("dL/db5"))!.text).toBe("dL/db5 = sum_k (B_k/B) g_k = 1/3 x 1 + 1/3 x 3 + 1/3 x (-1) = 1");
  });

  it("a plain mean and the largest gap between two series, at the index where it occurs", () => {
    expect(meanEquation("dL/dW31", [1, 0, 0, 10], 2.75).text).toBe("dL/dW31 = (g_0 + ... + g_{N-1})/N = (1 + 0 + 0 + 10)/4 = 2.75");
    const gap = largestGapEquation([1, 2.5, 3], [1, 2, 3.25]);
    expect(gap.value).toBe(0.5);
    expect(gap.text).toBe("largest gap = max_k |a_k - b_k| = |2.5 - 2| (k = 1) = 5.00e-1");
  });
});

describe("lossGapFigure", () => {
  it("draws each run minus the reference, update by update", () => {
    const figure = lossGapFigure([1, 0.5, 0.25], [{ label: "2 workers", losses: [1, 0.5 + 1e-16, 0.25] }], "gaps");
    expect(figure.data).toHaveLength(1);
    expect((figure.data[0] as { y: number[] }).y).toEqual([0, 0.5 + 1e-16 - 0.5, 0]);
    expect(() => lossGapFigure([1, 2], [{ label: "short", losses: [1] }], "gaps")).toThrow('run "short" has 1 losses, the reference 2');
  });
});
