import { describe, expect, it } from "vitest";
import { buildNetwork, seedNetwork } from "../../src";
import {
  activationBytesPerLayer,
  FSDP_STRATEGIES,
  GPT3,
  matrixGradients,
  matrixStep,
  stackedBarFigure,
  tensorParallelMlp,
  transformerParameters,
  zeroCommunicationElements,
  zeroModelStateBytes,
} from "../../src/parallel";

const batch = [
  { input: [1, 0], target: [2] },
  { input: [0, 2], target: [1] },
  { input: [2, 1], target: [0] },
  { input: [-1, 0.5], target: [3] },
];

describe("Megatron's column- then row-parallel MLP on the 2-2-1 network", () => {
  it("two GPUs, one hidden neuron each: partial outputs W53 H3 and W54 H4 sum to O5 = 2.5 after one all-reduce", () => {
    const tp = tensorParallelMlp(seedNetwork(), [{ input: [1, 0], target: [2] }], { gpus: 2 });
    expect(tp.shards.map((s) => s.neurons)).toEqual([["H3"], ["H4"]]);
    expect(tp.shards.map((s) => s.partialZ2)).toEqual([[[0.5]], [[1.5]]]);
    expect(tp.Z2).toEqual([[2.5]]);
    expect(tp.loss).toBe(0.25);
    expect(tp.allReduces).toEqual({ forward: 1, backward: 1 });
  });

  it("gives the unsplit matrix step's output, loss, dX and every gradient, for 1 and 2 GPUs", () => {
    const whole = matrixStep(seedNetwork(), batch);
    const wholeGradients = matrixGradients(whole);
    for (const gpus of [1, 2]) {
      const tp = tensorParallelMlp(seedNetwork(), batch, { gpus });
      expect(tp.A2).toEqual(whole.layers[1]!.A);
      expect(tp.loss).toBeCloseTo(whole.loss, 14);
      tp.dX.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(whole.layers[0]!.dX[i]![j]!, 14)));
      expect([...tp.gradients.keys()].sort()).toEqual([...wholeGradients.keys()].sort());
      for (const [name, g] of wholeGradients) expect(tp.gradients.get(name)!, `${gpus} GPUs ${name}`).toBeCloseTo(g, 14);
    }
  });

  it("splits a wider hidden layer (2-6-3) over 3 GPUs with the same result", () => {
    const net = buildNetwork({ sizes: [2, 6, 3], activation: ["relu", "identity"], init: "he", seed: 4 });
    const samples = [{ input: [0.3, -1], target: [1, 0, 2] }, { input: [1.5, 0.2], target: [0, 1, 0] }];
    const whole = matrixGradients(matrixStep(net, samples));
    const tp = tensorParallelMlp(net, samples, { gpus: 3 });
    expect(tp.shards.map((s) => s.neurons.length)).toEqual([2, 2, 2]);
    for (const [name, g] of whole) expect(tp.gradients.get(name)!, name).toBeCloseTo(g, 13);
    expect(tp.allReduceElements).toEqual({ forward: 3 * 2, backward: 2 * 2 });
  });

  it("refuses more GPUs than hidden neurons and a network of other depth", () => {
    expect(() => tensorParallelMlp(seedNetwork(), batch, { gpus: 3 })).toThrow("gpus must not exceed the first layer's 2 neurons, got 3");
    const deep = buildNetwork({ sizes: [2, 2, 2, 1], activation: ["relu", "relu", "identity"], init: "he", seed: 1 });
    expect(() => tensorParallelMlp(deep, [{ input: [1, 0], target: [1] }], { gpus: 2 })).toThrow("needs a network of two layers, this one has 3");
  });
});

describe("ZeRO's memory accounting (Rajbhandari et al. 2020, Figure 1)", () => {
  it("the paper's example, 7.5e9 parameters on 64 GPUs: 120 GB, 31.4 GB, 16.6 GB, 1.9 GB", () => {
    const totals = ([0, 1, 2, 3] as const).map((stage) => zeroModelStateBytes({ parameters: 7.5e9, dataParallel: 64, stage }).total / 1e9);
    expect(totals[0]).toBe(120);
    expect(totals[1]).toBeCloseTo(31.40625, 10);
    expect(totals[2]).toBeCloseTo(16.640625, 10);
    expect(totals[3]).toBeCloseTo(1.875, 10);
  });

  it("16 bytes per parameter unsharded: 144 B for the 2-2-1 network, 24 GB for a 1.5e9-parameter GPT-2", () => {
    expect(zeroModelStateBytes({ parameters: 9, dataParallel: 1, stage: 0 })).toEqual({ parameters: 18, gradients: 18, optimizer: 108, total: 144 });
    expect(zeroModelStateBytes({ parameters: 1.5e9, dataParallel: 8, stage: 0 }).total).toBe(24e9);
  });

  it("communication: 2(N-1)/N Ψ for stages 0-2, 1.5 times that for stage 3", () => {
    expect(zeroCommunicationElements({ parameters: 8, dataParallel: 4, stage: 2 })).toBe(12);
    expect(zeroCommunicationElements({ parameters: 8, dataParallel: 4, stage: 3 })).toBe(18);
    expect(() => zeroModelStateBytes({ parameters: 8, dataParallel: 4, stage: 4 as 3 })).toThrow("stage must be 0, 1, 2 or 3, got 4");
  });

  it("FSDP's FULL_SHARD behaves like stage 3 and SHARD_GRAD_OP like stage 2", () => {
    expect(FSDP_STRATEGIES.find((s) => s.strategy === "FULL_SHARD")!.zeroStage).toBe(3);
    expect(FSDP_STRATEGIES.find((s) => s.strategy === "SHARD_GRAD_OP")!.zeroStage).toBe(2);
  });
});

describe("activation memory per layer (Korthikanti et al. 2022, equations 1, 2, 4)", () => {
  const gpt3 = { microBatchSize: 1, sequenceLength: GPT3.sequenceLength, hidden: GPT3.hidden, heads: 96 };
  it("GPT-3: 5as/h = 80, so sbh(34 + 80) = 2.869 GB a layer unsplit", () => {
    expect(activationBytesPerLayer({ ...gpt3, tensorParallel: 1, sequenceParallel: false })).toBe(2048 * 12288 * 114);
  });
  it("t = 8: sbh(10 + 24/8 + 80/8) without sequence parallelism, sbh(34 + 80)/8 with it", () => {
    expect(activationBytesPerLayer({ ...gpt3, tensorParallel: 8, sequenceParallel: false })).toBe(2048 * 12288 * 23);
    expect(activationBytesPerLayer({ ...gpt3, tensorParallel: 8, sequenceParallel: true })).toBe((2048 * 12288 * 114) / 8);
    expect(transformerParameters(GPT3)).toBeGreaterThan(1.74e11);
  });
});

describe("stacked bars", () => {
  it("one trace per part, stacked, and a bar missing a part is an error", () => {
    const figure = stackedBarFigure({ title: "t", yTitle: "GB", bars: [{ label: "a", parts: { w: 1, g: 2 } }, { label: "b", parts: { w: 3, g: 4 } }] });
    expect(figure.data.map((d) => (d as { y: number[] }).y)).toEqual([[1, 3], [2, 4]]);
    expect(figure.layout.barmode).toBe("stack");
    const limited = stackedBarFigure({ title: "t", yTitle: "GB", bars: [{ label: "a", parts: { w: 1 } }], limit: { value: 80, label: "80 GB" } });
    expect(limited.layout.shapes![0]).toMatchObject({ y0: 80, y1: 80 });
    expect(() => stackedBarFigure({ title: "t", yTitle: "GB", bars: [{ label: "a", parts: { w: 1 } }, { label: "b", parts: { g: 1 } }] })).toThrow('bar "b" has parts g, the first bar w');
  });
});
