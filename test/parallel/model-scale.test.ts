import { describe, expect, it } from "vitest";
import { GPT3, modelGradientTraffic, tensorParallelTrafficPerLayer, trainingDays, trainingSeconds, transformerParameters } from "../../src/parallel";

describe("transformer parameters", () => {
  it("GPT-3 preset: 174,615,822,336, about 174.6e9", () => {
    // By hand: 12*96*12288^2 = 173,946,175,488; biases and norms 13*96*12288 = 15,335,424;
    // embeddings (51200 + 2048) * 12288 = 654,311,424.
    expect(Math.round(transformerParameters(GPT3))).toBe(173_946_175_488 + 15_335_424 + 654_311_424);
    expect(transformerParameters(GPT3) / 1e9).toBeCloseTo(174.6, 1);
  });

  it("a one-layer toy: l = 1, h = 2, s = 1, V = 3 gives 12*4*(1 + 13/24 + 4/24) = 82", () => {
    expect(transformerParameters({ layers: 1, hidden: 2, sequenceLength: 1, vocabulary: 3 })).toBeCloseTo(82, 12);
  });

  it("refuses a negative or fractional shape", () => {
    expect(() => transformerParameters({ ...GPT3, hidden: -1 })).toThrow("hidden must be greater than 0, got -1");
    expect(() => transformerParameters({ ...GPT3, layers: 1.5 })).toThrow("layers must be a whole number, got 1.5");
  });
});

describe("training time 8TP/(nX)", () => {
  it("GPT-3 on 300e9 tokens, 1024 GPUs at 140 TFLOP/s: about 34 days", () => {
    const days = trainingDays({ tokens: 300e9, parameters: transformerParameters(GPT3), gpus: 1024, flopsPerGpu: 140e12 });
    expect(days).toBeCloseTo(33.83, 2);
    expect(Math.round(days)).toBe(34);
    // With the rounded 175e9 parameters the same formula gives the often-quoted 33.9 days.
    expect(trainingDays({ tokens: 300e9, parameters: 175e9, gpus: 1024, flopsPerGpu: 140e12 })).toBeCloseTo(33.9, 1);
  });

  it("is exact on small numbers: 8 * 10 * 3 / (2 * 4) = 30 s", () => {
    expect(trainingSeconds({ tokens: 10, parameters: 3, gpus: 2, flopsPerGpu: 4 })).toBe(30);
    expect(() => trainingSeconds({ tokens: 10, parameters: 3, gpus: 0, flopsPerGpu: 4 })).toThrow("gpus must be greater than 0, got 0");
    expect(() => trainingSeconds({ tokens: 10, parameters: 3, gpus: 2, flopsPerGpu: -4 })).toThrow(
      "flopsPerGpu must be greater than 0, got -4",
    );
  });
});

describe("tensor-parallel traffic 8bsh(t-1)/t", () => {
  it("GPT-3 layer, b = 1, t = 8: 176,160,768 elements per layer per device per micro-batch", () => {
    const traffic = tensorParallelTrafficPerLayer({ microBatchSize: 1, sequenceLength: 2048, hidden: 12288, tensorParallel: 8, precision: "bf16" });
    expect(traffic.elements).toBe(8 * 2048 * 12288 * (7 / 8));
    expect(traffic.elements).toBe(176_160_768);
    expect(traffic.bytes).toBe(2 * 176_160_768);
  });

  it("is zero without tensor parallelism and approaches 8bsh as t grows", () => {
    const shape = { microBatchSize: 2, sequenceLength: 3, hidden: 4, precision: "fp32" as const };
    expect(tensorParallelTrafficPerLayer({ ...shape, tensorParallel: 1 }).elements).toBe(0);
    expect(tensorParallelTrafficPerLayer({ ...shape, tensorParallel: 2 }).elements).toBe(96);
  });
});

describe("model gradient traffic", () => {
  it("GPT-3 bf16 over 8 ranks at 50 GB/s", () => {
    const traffic = modelGradientTraffic(GPT3, { precision: "bf16", ranks: 8, linkBytesPerSecond: 50e9 });
    const P = transformerParameters(GPT3);
    expect(traffic.gradientBytes).toBe(2 * P);
    expect(traffic.bytesSentPerRank).toBeCloseTo(3.5 * P, 0);
    expect(traffic.allReduceSeconds).toBeCloseTo((3.5 * P) / 50e9, 9);
    expect(() => modelGradientTraffic(GPT3, { precision: "bf16", ranks: 8, linkBytesPerSecond: -1 })).toThrow(
      "linkBytesPerSecond must be greater than 0, got -1",
    );
  });
});
