import { describe, expect, it } from "vitest";
import {
  algorithmBandwidth,
  allGatherSeconds,
  busBandwidth,
  busBandwidthFactor,
  bytesPerElement,
  bytesSentPerRank,
  gigabitsPerSecondToBytesPerSecond,
  gradientBytes,
  gradientTraffic,
  reduceScatterSeconds,
  ringAllReduce,
  ringAllReduceBytesPerRank,
  ringAllReduceSeconds,
  treeAllReduceSeconds,
} from "../../src/parallel";

const link = { latencySeconds: 1e-5, linkBytesPerSecond: 1e9 };

describe("alpha-beta times", () => {
  it("match hand-computed values on 4 ranks and 1 MB", () => {
    // ring: 2*3*1e-5 + 2*3/4 * 1e6 / 1e9
    expect(ringAllReduceSeconds({ ranks: 4, bytes: 1e6, ...link })).toBeCloseTo(6e-5 + 1.5e-3, 15);
    // tree: 2*log2(4) * (1e-5 + 1e6/1e9)
    expect(treeAllReduceSeconds({ ranks: 4, bytes: 1e6, ...link })).toBeCloseTo(4 * 1.01e-3, 15);
    // reduce-scatter and all-gather: 3*1e-5 + 3/4 * 1e-3
    expect(reduceScatterSeconds({ ranks: 4, bytes: 1e6, ...link })).toBeCloseTo(3e-5 + 7.5e-4, 15);
    expect(allGatherSeconds({ ranks: 4, bytes: 1e6, ...link })).toBeCloseTo(3e-5 + 7.5e-4, 15);
  });

  it("rounds the tree up to ceil(log2 p) levels when p is not a power of two", () => {
    expect(treeAllReduceSeconds({ ranks: 5, bytes: 1e6, ...link })).toBeCloseTo(6 * 1.01e-3, 15);
  });

  it("ring all-reduce = reduce-scatter + all-gather", () => {
    const input = { ranks: 8, bytes: 3e8, ...link };
    expect(ringAllReduceSeconds(input)).toBeCloseTo(reduceScatterSeconds(input) + allGatherSeconds(input), 12);
  });

  it("agree with the simulated ring: its steps times alpha plus its bytes per rank times beta", () => {
    const ranks = 8;
    const elements = 8 * 1000;
    const run = ringAllReduce(Array.from({ length: ranks }, () => new Float64Array(elements)), { precision: "fp32" });
    const perRank = bytesSentPerRank(run.log, ranks)[0]!;
    const simulated = run.steps * link.latencySeconds + perRank / link.linkBytesPerSecond;
    expect(ringAllReduceSeconds({ ranks, bytes: elements * 4, ...link })).toBeCloseTo(simulated, 15);
  });

  it("favour the tree for tiny messages and the ring for large ones on 8 ranks", () => {
    expect(treeAllReduceSeconds({ ranks: 8, bytes: 8, ...link })).toBeLessThan(ringAllReduceSeconds({ ranks: 8, bytes: 8, ...link }));
    expect(ringAllReduceSeconds({ ranks: 8, bytes: 1e8, ...link })).toBeLessThan(treeAllReduceSeconds({ ranks: 8, bytes: 1e8, ...link }));
  });

  it("refuse 0 ranks, negative sizes and link speeds, NaN", () => {
    expect(() => ringAllReduceSeconds({ ranks: 0, bytes: 1, ...link })).toThrow("ranks must be greater than 0, got 0");
    expect(() => ringAllReduceSeconds({ ranks: 2.5, bytes: 1, ...link })).toThrow("ranks must be a whole number, got 2.5");
    expect(() => treeAllReduceSeconds({ ranks: 2, bytes: -1, ...link })).toThrow("bytes must not be negative, got -1");
    expect(() => reduceScatterSeconds({ ranks: 2, bytes: 1, latencySeconds: 0, linkBytesPerSecond: -5 })).toThrow(
      "linkBytesPerSecond must be greater than 0, got -5",
    );
    expect(() => ringAllReduceSeconds({ ranks: 2, bytes: NaN, ...link })).toThrow("bytes must be a finite number, got NaN");
  });
});

describe("nccl-tests bandwidths", () => {
  it("bus bandwidth factors: 1.75 for all-reduce at 8 ranks, 0.875 for reduce-scatter and all-gather, 1 for broadcast and reduce", () => {
    expect(busBandwidthFactor("all-reduce", 8)).toBe(1.75);
    expect(busBandwidthFactor("all-reduce", 2)).toBe(1);
    expect(busBandwidthFactor("reduce-scatter", 8)).toBe(0.875);
    expect(busBandwidthFactor("all-gather", 4)).toBe(0.75);
    expect(busBandwidthFactor("broadcast", 8)).toBe(1);
    expect(busBandwidthFactor("reduce", 8)).toBe(1);
    expect(() => busBandwidthFactor("all-to-some" as never, 8)).toThrow(/collective must be one of/);
  });

  it("algbw = S/t and busbw = algbw x factor", () => {
    expect(algorithmBandwidth(1e9, 0.1)).toBe(1e10);
    expect(busBandwidth("all-reduce", 8, 1e9, 0.1)).toBe(1.75e10);
    expect(() => algorithmBandwidth(1e9, 0)).toThrow("seconds must be greater than 0, got 0");
  });
});

describe("gradient traffic", () => {
  it("GPT-3 bf16: 350 GB of gradients, 612.5 GB sent per rank at 8 ranks, 12.25 s at 50 GB/s", () => {
    const traffic = gradientTraffic({ parameters: 175e9, precision: "bf16", ranks: 8, linkBytesPerSecond: 50e9 });
    expect(traffic.gradientBytes).toBe(350e9);
    expect(traffic.busBandwidthFactor).toBe(1.75);
    expect(traffic.bytesSentPerRank).toBe(612.5e9);
    expect(traffic.seconds).toBeCloseTo(12.25, 12);
    expect(gradientTraffic({ parameters: 175e9, precision: "bf16", ranks: 8 }).seconds).toBeUndefined();
  });

  it("scales with precision and rank count", () => {
    expect([bytesPerElement("fp32"), bytesPerElement("bf16"), bytesPerElement("fp16"), bytesPerElement("fp8")]).toEqual([4, 2, 2, 1]);
    expect(gradientBytes(1e6, "fp8")).toBe(1e6);
    expect(ringAllReduceBytesPerRank(1000, 2)).toBe(1000);
    expect(ringAllReduceBytesPerRank(1000, 1)).toBe(0);
    expect(ringAllReduceBytesPerRank(1024, 1024)).toBe(2046);
    expect(() => bytesPerElement("fp64" as never)).toThrow('precision must be one of fp32, bf16, fp16, fp8, got "fp64"');
    expect(() => gradientTraffic({ parameters: 1, precision: "fp32", ranks: 0 })).toThrow("ranks must be greater than 0, got 0");
  });

  it("converts 400 Gbit/s to 50e9 bytes per second", () => {
    expect(gigabitsPerSecondToBytesPerSecond(400)).toBe(50e9);
  });
});
