import { describe, expect, it } from "vitest";
import {
  bufferDependencies,
  dcqcnSimulatorSettings,
  ddpBucketFigure,
  ddpBucketSchedule,
  dependencyCycle,
  expectedMessageSecondsWithTailLoss,
  goBackNEfficiency,
  longestPauseSeconds,
  markingProbability,
  pauseQuantumSeconds,
  pfcHeadroomBytes,
  runLossless,
  selectiveRepeatEfficiency,
  simulateDcqcn,
  verbsTimeoutSeconds,
} from "../../src/parallel";

describe("PFC headroom and pause timers", () => {
  it("mlx5's xoff: 100 Gb/s, 100 m, 1500 B MTU gives (301 + 216) x 100 + 2.72 x 1500 = 55,780 B", () => {
    expect(pfcHeadroomBytes({ cableMetres: 100, gigabitsPerSecond: 100, mtuBytes: 1500 })).toBeCloseTo(55_780, 9);
    // Speeds below 40 Gb/s count as 40.
    expect(pfcHeadroomBytes({ cableMetres: 0, gigabitsPerSecond: 10, mtuBytes: 1000 })).toBeCloseTo(301 * 40 + 2720, 9);
  });
  it("a pause quantum is 512 bit times: 5.12 ns at 100 Gb/s; 65,535 of them are 0.336 ms", () => {
    expect(pauseQuantumSeconds(100)).toBeCloseTo(5.12e-9, 20);
    expect(longestPauseSeconds(100)).toBeCloseTo(65_535 * 5.12e-9, 15);
    expect(() => pfcHeadroomBytes({ cableMetres: -1, gigabitsPerSecond: 100, mtuBytes: 1500 })).toThrow("cableMetres must not be negative, got -1");
  });
});

describe("PFC deadlock on four switches", () => {
  const square = [["A", "B", "C"], ["B", "C", "D"], ["C", "D", "A"], ["D", "A", "B"]];
  it("four two-hop flows around a square close a cycle of buffer dependencies; three do not", () => {
    expect(bufferDependencies(square)).toContainEqual(["A->B", "B->C"]);
    expect(dependencyCycle(square)).toEqual(["A->B", "B->C", "C->D", "D->A", "A->B"]);
    expect(dependencyCycle(square.slice(0, 3))).toBeUndefined();
  });
  it("with the cycle, delivery stops for good with every buffer full; without it, a packet a step keeps arriving", () => {
    const locked = runLossless(square, { bufferPackets: 4, steps: 300 });
    expect(locked.frozenFrom).toBeDefined();
    expect(locked.delivered.at(-1)).toBe(locked.delivered[locked.frozenFrom!]);
    expect(locked.stuck).toBe(16);
    const open = runLossless(square.slice(0, 3), { bufferPackets: 4, steps: 300 });
    expect(open.frozenFrom).toBeUndefined();
    expect(open.delivered.at(-1)! - open.delivered.at(-101)!).toBeGreaterThanOrEqual(100);
  });
  it("refuses a flow of one node", () => {
    expect(() => dependencyCycle([["A"]])).toThrow('flow 0 must cross at least two nodes, got ["A"]');
  });
});

describe("DCQCN under incast", () => {
  const settings = dcqcnSimulatorSettings(8);
  it("marks with probability 0 below Kmin, Pmax (q - Kmin)/(Kmax - Kmin) between, 1 above Kmax", () => {
    expect(markingProbability(settings.kMinBytes, settings)).toBe(0);
    expect(markingProbability((settings.kMinBytes + settings.kMaxBytes) / 2, settings)).toBeCloseTo(0.5, 12);
    expect(markingProbability(2 * settings.kMaxBytes, settings)).toBe(1);
  });
  it("8 senders at line rate into one port: the first CNPs halve the rates (alpha = 1), then they settle near the fair share", () => {
    const run = simulateDcqcn(settings, { microseconds: 5000, sampleEvery: 100 });
    const line = settings.lineBytesPerSecond;
    expect(run.samples[1]!.rates[0]!).toBeLessThan(line / 2);
    const late = run.samples.slice(-20);
    const meanTotal = late.reduce((sum, s) => sum + s.rates.reduce((a, b) => a + b, 0), 0) / late.length;
    expect(meanTotal / line).toBeGreaterThan(0.9);
    expect(meanTotal / line).toBeLessThan(1.1);
    expect(run.peakQueueBytes).toBeLessThanOrEqual(settings.pauseThresholdBytes + 8 * line * 1e-6);
    expect(run.utilisation).toBeGreaterThan(0.95);
    expect(run.pausedMicroseconds).toBeGreaterThan(0);
  });
  it("refuses Kmax at or below Kmin", () => {
    expect(() => simulateDcqcn({ ...settings, kMaxBytes: settings.kMinBytes }, { microseconds: 10, sampleEvery: 1 })).toThrow("kMaxBytes must exceed kMinBytes");
  });
});

describe("loss recovery", () => {
  it("selective repeat keeps s of the link; go-back-N s/(s + m(1-s)): 0.999 against 0.891 at m = 122", () => {
    expect(selectiveRepeatEfficiency(0.999)).toBe(0.999);
    expect(goBackNEfficiency(0.999, 122)).toBeCloseTo(0.999 / (0.999 + 0.122), 12);
  });
  it("the verbs timeout 4.096 µs x 2^20 = 4.295 s, NCCL's default", () => {
    expect(verbsTimeoutSeconds(20)).toBeCloseTo(4.294967296, 9);
    expect(verbsTimeoutSeconds(14)).toBeCloseTo(0.067108864, 12);
    expect(() => verbsTimeoutSeconds(32)).toThrow("exponent must be at most 31");
  });
  it("a lost last packet waits a whole timeout: 1e-4 x 4.295 s adds 0.43 ms to a 1 ms message on average", () => {
    const t = expectedMessageSecondsWithTailLoss({ packets: 1000, lossProbability: 1e-4, messageSeconds: 1e-3, timeoutSeconds: verbsTimeoutSeconds(20) });
    expect(t.seconds).toBeCloseTo(1e-3 + 1e-4 * 4.294967296, 12);
  });
});

describe("DDP's gradient buckets", () => {
  const layers = [
    { name: "l1", bytes: 10, seconds: 1 },
    { name: "l2", bytes: 10, seconds: 1 },
    { name: "l3", bytes: 10, seconds: 1 },
    { name: "l4", bytes: 10, seconds: 1 },
  ];
  const oneSecondPerTenBytes = (bytes: number) => bytes / 10;
  it("buckets fill in reverse layer order and each all-reduce starts when its bucket is ready", () => {
    const s = ddpBucketSchedule(layers, { bucketBytes: 20, allReduceSeconds: oneSecondPerTenBytes });
    expect(s.buckets.map((b) => b.layers)).toEqual([["l4", "l3"], ["l2", "l1"]]);
    expect(s.buckets.map((b) => [b.ready, b.start, b.end])).toEqual([[2, 2, 4], [4, 4, 6]]);
    expect(s.backwardEnd).toBe(4);
    expect(s.end).toBe(6);
    expect(s.exposedSeconds).toBe(2);
    expect(s.endWithoutOverlap).toBe(8);
  });
  it("draws backward layer by layer (last layer first) and each bucket's all-reduce where it runs", () => {
    const s = ddpBucketSchedule(layers, { bucketBytes: 20, allReduceSeconds: oneSecondPerTenBytes });
    const figure = ddpBucketFigure(layers, s, "t", "s", 1);
    const [backward, allReduce] = figure.data as { base: number[]; x: number[]; text: string[] }[];
    expect(backward!.text).toEqual(["l4", "l3", "l2", "l1"]);
    expect(backward!.base).toEqual([0, 1, 2, 3]);
    expect(allReduce!.base).toEqual([2, 4]);
    expect(allReduce!.x).toEqual([2, 2]);
  });

  it("a bucket as large as the model gives no overlap at all", () => {
    const s = ddpBucketSchedule(layers, { bucketBytes: 1000, allReduceSeconds: oneSecondPerTenBytes });
    expect(s.buckets).toHaveLength(1);
    expect(s.end).toBe(s.endWithoutOverlap);
    expect(() => ddpBucketSchedule([], { bucketBytes: 1, allReduceSeconds: oneSecondPerTenBytes })).toThrow("at least one layer");
  });
});
