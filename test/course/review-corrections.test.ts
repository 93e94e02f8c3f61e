import { describe, expect, it } from "vitest";
import { joinText, type Notebook } from "../../kernel/notebook/nbformat";
import {
  busBandwidthEquations,
  checkNumber,
  initialVariance,
  formatBytes,
  GPT3,
  gigabitsPerSecondToBytesPerSecond,
  goBackNEquation,
  gradientBytes,
  ringAllReduceBytesPerRank,
  ringChunks,
  seedNetwork,
  tensorParallelEquations,
  traceStep,
} from "../../src";
import { loadCourseNotebook as load, outputText } from "../helpers/stored-notebook";

/**
 * The third review (issue 24) as tests: each statement it corrected is read
 * from the stored notebook's Markdown, and the numbers it states are
 * recomputed by the engine, so a wrong number in the prose fails here. (That
 * the stored outputs are what the kernel computes today is
 * notebooks.test.ts's job.)
 */
const prose = (notebook: Notebook): string =>
  notebook.cells.filter((cell) => cell.cell_type === "markdown").map((cell) => joinText(cell.source)).join("\n\n");
/** Markdown with its line breaks folded, so a phrase can be matched across them. */
const flatProse = (file: string): string => prose(load(file)).replace(/\s*\n\s*/g, " ");

/** The number a regular expression's first group captures in the text, or a clear failure. */
function stated(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  if (!match) throw new Error(`the prose does not state ${pattern}`);
  return Number(match[1]);
}

const sample = { input: [1, 0], target: [2] };

describe("07: what the prose's biases (b3 = 0.5, b4 = 0) change", () => {
  const equations = traceStep(seedNetwork(), { ...sample, learningRate: 0.01 });
  const proseNetwork = seedNetwork();
  proseNetwork.layers[0]!.neurons[0]!.bias = 0.5;
  proseNetwork.layers[0]!.neurons[1]!.bias = 0;
  const literal = traceStep(proseNetwork, { ...sample, learningRate: 0.01 });
  const gradient = (step: typeof literal, name: string) => step.gradients.find((g) => g.parameter === name)!.gradient;
  const updated = (step: typeof literal, name: string) => step.updates.find((u) => u.parameter === name)!.new;
  const text = flatProse("07-errata.ipynb");

  it("the output weights' gradients and new values are the ones the prose states, for both readings", () => {
    const [proseW53, proseW54, oldW53, oldW54] = /dL\/dW54 = dL\/dZ5 · H4 become (\S+) and (\S+) instead of (\S+) and (\S+),/.exec(text)!.slice(1).map(Number);
    expect([proseW53, proseW54]).toEqual([gradient(literal, "W53"), gradient(literal, "W54")]);
    expect([oldW53, oldW54]).toEqual([gradient(equations, "W53"), gradient(equations, "W54")]);
    const [newW, oldNewW53, oldNewW54] = /takes W53 and W54 both to (\S+) instead of (\S+) and (\S+)\./.exec(text)!.slice(1).map(Number);
    expect([updated(literal, "W53"), updated(literal, "W54")]).toEqual([newW, newW]);
    expect([updated(equations, "W53"), updated(equations, "W54")]).toEqual([oldNewW53, oldNewW54]);
  });

  it("O5, the loss, dL/dZ5, dL/db5 and the six hidden gradients agree, as the prose says, and nothing else is claimed to", () => {
    expect(text).toContain("so O5, the loss, dL/dZ5 and dL/db5 are the same whichever biases you take, and so are the six hidden gradients");
    expect(text).not.toMatch(/everything after them match/);
    expect(literal.forward.at(-1)!.a).toBe(equations.forward.at(-1)!.a);
    expect(literal.loss.value).toBe(equations.loss.value);
    const o5 = (step: typeof literal) => step.backward.find((b) => b.neuron === "O5")!.product;
    expect(o5(literal)).toBe(o5(equations));
    for (const name of ["b5", "W31", "W32", "b3", "W41", "W42", "b4"]) expect(gradient(literal, name), name).toBe(gradient(equations, name));
  });
});

describe("05: at learning rate 1 each parameter moves by its whole gradient", () => {
  const first = traceStep(seedNetwork(), { ...sample, learningRate: 1 });
  const moves = new Map(first.updates.map((u) => [u.parameter, u.old - u.new]));
  const text = flatProse("05-training-loop.ipynb");
  const match = /W54 by (\S+), five others by (\S+) \(([^)]+)\), W53 by (\S+), and (\S+) and (\S+) not at all/.exec(text);

  it("the prose names every parameter once, with the amount the engine moves it", () => {
    expect(match, "05's sentence on the moves at η = 1").not.toBeNull();
    const [w54, byOne, ones, w53, still1, still2] = match!.slice(1);
    const movedByOne = ones!.replace(" and ", ", ").split(", ");
    expect(movedByOne).toHaveLength(5);
    expect(moves.get("W54")).toBe(Number(w54));
    expect(moves.get("W53")).toBe(Number(w53));
    for (const name of movedByOne) expect(moves.get(name), name).toBe(Number(byOne));
    for (const name of [still1!, still2!]) expect(moves.get(name), name).toBe(0);
    expect(new Set(["W54", "W53", ...movedByOne, still1, still2]).size).toBe(moves.size);
  });
});

describe("12: tensor-parallel traffic is per pipeline stage", () => {
  const [tensorParallel, pipelineParallel] = [8, 12];
  const layerBytes = tensorParallelEquations({ microBatchSize: 1, sequenceLength: GPT3.sequenceLength, hidden: GPT3.hidden, tensorParallel, precision: "bf16" })[1]!.value;
  const notebook = load("12-toy-to-gpt3.ipynb");

  it("a GPU moves l/p = 8 layers' worth, 2.82 GB per micro-batch; 33.82 GB is the sum over all stages", () => {
    const perGpu = (GPT3.layers / pipelineParallel) * layerBytes;
    expect(formatBytes(perGpu)).toBe("2.819 GB");
    expect(formatBytes(GPT3.layers * layerBytes)).toBe("33.82 GB");
    const output = outputText(notebook);
    expect(output).toContain(`one stage, one micro-batch = (l/p) x bytes per layer = 8 x 352.3 MB = ${formatBytes(perGpu)} per tensor-parallel GPU\n`);
    expect(output).toContain(`all p stages, one micro-batch = l x bytes per layer = 96 x 352.3 MB = ${formatBytes(GPT3.layers * layerBytes)}, summed over the pipeline's stages\n`);
    expect(stated(flatProse("12-toy-to-gpt3.ipynb"), /About ([\d.]+) GB per GPU for every micro-batch/)).toBeCloseTo(perGpu / 1e9, 1);
    expect(output).not.toMatch(/33\.82 GB per tensor-parallel GPU/);
  });

  it("the training-time figures are the paper's n and X, not a measurement of the t p = 96 layout, and the toy's time is marked as meaningless", () => {
    const text = flatProse("12-toy-to-gpt3.ipynb");
    expect(text).not.toMatch(/the paper measured/);
    expect(text).toContain("not for the t p = 96 layout above (1024 is not a multiple of 96)");
    expect(1024 % (tensorParallel * pipelineParallel)).not.toBe(0);
    expect(text).toContain("The toy's 154 ms is only the same formula at P = 9");
    expect(text).toContain("accumulates and all-reduces the gradients in fp32");
  });
});

describe("13: the stakes are notebook 12's shard, and the tail loss is counted", () => {
  const link = gigabitsPerSecondToBytesPerSecond(400);
  const shardPerRank = ringAllReduceBytesPerRank(gradientBytes(175e9, "bf16") / 96, 8);
  const text = flatProse("13-lossless-fabric.ipynb");

  it("the introduction states the 6.38 GB each GPU all-reduces, not hundreds of gigabytes", () => {
    expect(text).not.toMatch(/hundreds of gigabytes/);
    expect(`${stated(text, /all-reduces its shard of the gradients, ([\d.]+) GB/)} GB`).toBe(formatBytes(shardPerRank));
  });

  it("a retransmission timeout at NCCL_IB_TIMEOUT = 20 is over four seconds, about 34 lossless all-reduces", () => {
    const timeout = 4.096e-6 * 2 ** 20;
    expect(timeout).toBeGreaterThan(4);
    expect(Math.round(timeout / (shardPerRank / link))).toBe(stated(text, /as long as about (\d+) lossless all-reduces/));
    expect(outputText(load("13-lossless-fabric.ipynb"))).toContain("timeout = 4.096 µs x 2^20 = 4.29 s\n");
  });

  it("go-back-N is the classic RoCE NIC's recovery, and lossless does not mean line rate", () => {
    expect(text).not.toMatch(/which today recover with go-back-N|stays at the lossless line/);
    expect(text).toContain("classic RoCE NICs recover from a lost packet with **go-back-N**");
    expect(text).toContain("slow the senders below line rate");
    // the exercise's value: eta at the 100 µs round trip and loss 1e-4
    expect(goBackNEquation(1e-4, 1221).value).toBeCloseTo(0.8912, 4);
  });
});

describe("09: DDP divides by the world size before its all-reduce", () => {
  it("says so, and names where PyTorch does it", () => {
    const text = flatProse("09-data-parallel.ipynb");
    expect(text).not.toMatch(/does after its all-reduce/);
    expect(text).toContain("it divides each gradient by the world size *before* the all-reduce sums them");
    expect(text).toContain("torch/csrc/distributed/c10d/reducer.cpp");
  });
});

describe("10: the textbook cut, NCCL's cut, the tree, and the example run", () => {
  const text = flatProse("10-ring-all-reduce.ipynb");

  it("three elements on eight ranks: the textbook cut leaves five chunks empty, NCCL's last-loop cut puts all three in chunk 0", () => {
    const textbook = ringChunks(3, 8).map((c) => c.end - c.start);
    expect(textbook.filter((n) => n === 0)).toHaveLength(5);
    expect(text).toContain("in this notebook's textbook cut the chunks are one element long, and five of the eight chunks are empty");
    // runRing's last loop (NVIDIA/nccl src/device/all_reduce.h): chunkCount = alignUp(divUp(remCount, nranks), 16 / sizeof(T))
    const fp32PerSixteenBytes = 16 / 4;
    const ncclChunk = Math.ceil(Math.ceil(3 / 8) / fp32PerSixteenBytes) * fp32PerSixteenBytes;
    expect(ncclChunk).toBe(stated(text, /rounded up to (\d+) fp32 values, so all three elements land in chunk 0/));
    expect(ncclChunk).toBeGreaterThanOrEqual(3);
    expect(text).not.toMatch(/the way NCCL cuts them|NCCL handles this case the same way/);
  });

  it("the tree is the unpipelined binomial tree, not NCCL's double binary tree, and the bound leaves in-network reduction out", () => {
    expect(text).toContain("this is the textbook tree, unpipelined");
    expect(text).toContain("*double binary tree*");
    expect(text).toContain("exchange point-to-point messages");
    expect(text).toMatch(/SHARP/);
  });

  it("the busbw example is made up and lands exactly on the link rate, and the text says so", () => {
    const busbw = busBandwidthEquations("all-reduce", 8, 1e9, 0.035)[1]!.value;
    expect(busbw).toBeCloseTo(gigabitsPerSecondToBytesPerSecond(400), 6);
    expect(text).toContain("an example run with made-up numbers, 1 GB in 35 ms at 8 ranks");
    expect(text).not.toMatch(/measured run/);
  });
});

describe("11: DDP's buckets overlap the backward pass", () => {
  it("the all-reduce is not described as one burst at the end", () => {
    const text = flatProse("11-pipelines.ipynb");
    expect(text).not.toMatch(/is a burst at the end/);
    expect(text).toContain("starts each bucket's all-reduce as soon as all its gradients are ready");
  });
});

describe("no code cell carries a comment about a kernel workaround", () => {
  it("none mentions tslab or a shorthand written out", async () => {
    const { courseNotebookNames } = await import("../helpers/stored-notebook");
    for (const file of courseNotebookNames()) {
      const code = load(file).cells.filter((c) => c.cell_type === "code").map((c) => joinText(c.source)).join("\n");
      expect(code, file).not.toMatch(/tslab|written out: a shorthand/);
    }
  });
});

/**
 * The exercises issue 24 added to 06, 08, 12 and 13: the check cell calls
 * checkNumber on the engine's value, the stored run passed it, and the
 * mistake a learner is likely to make fails it.
 */
describe("the new checked exercises of 06, 08, 12 and 13", () => {
  const layerBytes = tensorParallelEquations({ microBatchSize: 1, sequenceLength: GPT3.sequenceLength, hidden: GPT3.hidden, tensorParallel: 8, precision: "bf16" })[1]!.value;
  const cases = [
    { file: "06-initialisation.ipynb", id: "06-he-variance", label: "He variance at n = 784", expected: initialVariance("he", 784, 784), right: 2 / 784, planted: 1 / 784 },
    { file: "08-two-spirals.ipynb", id: "08-parameter-count", label: "parameter count", expected: 337, right: (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1, planted: 2 * 16 + 16 * 16 + 16 },
    { file: "12-toy-to-gpt3.ipynb", id: "12-tensor-parallel-bytes", label: "tensor-parallel bytes per GPU at p = 16", expected: (GPT3.layers / 16) * layerBytes, right: 6 * 8 * 2048 * 12288 * (7 / 8) * 2, planted: GPT3.layers * layerBytes },
    { file: "13-lossless-fabric.ipynb", id: "13-go-back-n-eta", label: "go-back-N eta at m = 1221, loss 1e-4", expected: goBackNEquation(1e-4, 1221).value, right: 0.9999 / (0.9999 + 1221 * 1e-4), planted: goBackNEquation(1e-4, 122).value },
  ];
  for (const exercise of cases) {
    it(`${exercise.file}: ${exercise.label}: the stored check passed, the right answer passes, a planted ${exercise.planted.toPrecision(4)} fails`, () => {
      const notebook = load(exercise.file);
      const graded = (id: string) => notebook.cells.find((cell) => (cell.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id === id);
      const checkCell = graded(`${exercise.id}-check`);
      expect(graded(exercise.id)?.metadata.nbgrader).toMatchObject({ solution: true, grade: false });
      expect(checkCell?.metadata.nbgrader).toMatchObject({ solution: false, grade: true, locked: true, points: 1 });
      expect(joinText(checkCell!.source)).toContain(`grade(checkNumber("${exercise.label}"`);
      expect(outputText({ ...notebook, cells: [checkCell!] })).toMatch(new RegExp(`^✓ ${exercise.label.replace(/[()]/g, "\\$&")} = `));
      expect(checkNumber(exercise.label, exercise.right, exercise.expected).ok).toBe(true);
      expect(checkNumber(exercise.label, exercise.planted, exercise.expected).ok).toBe(false);
    });
  }
});
