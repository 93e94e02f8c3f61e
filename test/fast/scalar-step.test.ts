import { describe, expect, it } from "vitest";
import { type ActivationName, activationByName, FastNetwork, type LossName, lossByName, type Precision, SeededRandom, seedNetwork } from "../../src";
import { runPhase, type StepContext, stepContext } from "../../src/fast/batch-step";
import { viewBuffers } from "../../src/fast/buffers";
import { epiloguesFor } from "../../src/fast/epilogues";
import { planLayout } from "../../src/fast/layout";
import { SCALAR_MAX_WORK, scalarStep, scalarStepFits } from "../../src/fast/scalar-step";
import { productKernel } from "../../src/fast/simd-products";
import { StepCommand } from "../../src/fast/step-command";

/*
 * scalar-step.ts stands in for batch-step.ts's phases on networks too small
 * for SIMD. Each case runs both on twin buffers (same weights, same batch)
 * and compares every buffer a step writes, bit for bit, in both precisions:
 * float32 rounds at each store, so a store skipped or added would show.
 */

interface Case {
  sizes: number[];
  activations: ActivationName[];
  loss: LossName;
  batch: number;
}

const cases: Case[] = [
  // The source's 2-2-1 net on one sample (workload 1 of the bench).
  { sizes: [2, 2, 1], activations: ["relu", "relu"], loss: "squared-error", batch: 1 },
  { sizes: [3, 5, 4, 2], activations: ["sigmoid", "tanh", "identity"], loss: "mse", batch: 3 },
  // Binary cross-entropy from the logits: the loss writes dL/dz itself.
  { sizes: [2, 6, 1], activations: ["leaky-relu", "sigmoid"], loss: "binary-cross-entropy", batch: 5 },
  { sizes: [4, 3, 2], activations: ["softplus", "leaky-relu-0.2"], loss: "squared-error", batch: 2 },
];

/** A step context on its own memory, as FastNetwork builds one, with seeded weights, biases, inputs and targets. */
function seededContext(precision: Precision, { sizes, activations, loss, batch }: Case, seed: number): StepContext {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024, shared: true });
  const kernel = productKernel(precision, memory);
  const layout = planLayout(precision, sizes, batch, 1, kernel?.blockRows ?? 1, kernel?.blockColumns ?? 1);
  if (memory.buffer.byteLength < layout.end) memory.grow(Math.ceil((layout.end - memory.buffer.byteLength) / 65536));
  const buffers = viewBuffers(memory.buffer, layout);
  const context = stepContext(layout, buffers, kernel, epiloguesFor(precision, memory), activations.map(activationByName));
  const random = new SeededRandom(seed);
  const fill = (array: { length: number; [k: number]: number }, value: () => number) => {
    for (let k = 0; k < array.length; k++) array[k] = value();
  };
  for (const w of buffers.weights) fill(w, () => random.normal() * 0.8);
  for (const b of buffers.biases) fill(b, () => random.normal() * 0.1);
  fill((buffers.activations[0] as Float64Array).subarray(0, batch * (sizes[0] as number)), () => random.normal());
  const outputs = batch * (sizes[sizes.length - 1] as number);
  fill(buffers.targets.subarray(0, outputs), () => (loss === "binary-cross-entropy" ? Math.round(random.uniform()) : random.normal()));
  return context;
}

interface Written {
  weights: number[];
  biases: number[];
  weightGradients: number[];
  biasGradients: number[];
  z: number[];
  a: number[];
  dz: number[];
  sampleLoss: number[];
}

/** Every buffer a step writes, as plain numbers (the products' scratch left out: it is the phases' working space). */
function written(context: StepContext, batch: number): Written {
  const { buffers } = context;
  const all = (arrays: readonly ArrayLike<number>[]) => arrays.map((array) => Array.from(array));
  return {
    weights: all(buffers.weights).flat(),
    biases: all(buffers.biases).flat(),
    weightGradients: all(buffers.weightGradients).flat(),
    biasGradients: all(buffers.biasGradients).flat(),
    z: all(buffers.preActivations).flat(),
    a: all(buffers.activations).flat(),
    dz: all(buffers.dz).flat(),
    sampleLoss: Array.from(buffers.sampleLoss.subarray(0, batch)),
  };
}

function phasedStep(context: StepContext, batch: number, loss: LossName, learningRate: number, forwardOnly: boolean): void {
  const command = new StepCommand();
  command.batch = batch;
  command.parts = 1;
  command.loss = loss;
  command.learningRate = learningRate;
  command.forwardOnly = forwardOnly;
  for (const phase of forwardOnly ? (["pack", "rows"] as const) : (["pack", "rows", "columns"] as const)) runPhase(context, phase, command, 0);
}

describe("the scalar step gives the phases' numbers on networks too small for SIMD", () => {
  for (const precision of ["float64", "float32"] as const) {
    cases.forEach((c, k) => {
      it(`${precision}, ${c.sizes.join("-")} ${c.activations.join("/")} ${c.loss}, batch ${c.batch}: three steps, gradients only, forward only, bit for bit`, () => {
        const scalar = seededContext(precision, c, 20 + k);
        const phased = seededContext(precision, c, 20 + k);
        expect(scalarStepFits(scalar, c.batch, Number.POSITIVE_INFINITY)).toBe(true);
        expect(written(scalar, c.batch)).toEqual(written(phased, c.batch));
        const record = lossByName(c.loss);
        const before = written(scalar, c.batch).weights;
        // Three SGD steps, then gradients with the parameters left alone (learning rate 0), then a forward pass.
        for (const [learningRate, forwardOnly] of [[0.05, false], [0.05, false], [0.05, false], [0, false], [0, true]] as const) {
          scalarStep(scalar, c.batch, record, learningRate, forwardOnly);
          phasedStep(phased, c.batch, c.loss, learningRate, forwardOnly);
          expect(written(scalar, c.batch)).toEqual(written(phased, c.batch));
        }
        const after = written(scalar, c.batch);
        expect(after.weights).not.toEqual(before);
        expect(after.sampleLoss.every((loss) => Number.isFinite(loss) && loss > 0)).toBe(true);
        expect(after.weightGradients.some((g) => g !== 0)).toBe(true);
      });
    });
  }

  it("is taken up to SCALAR_MAX_WORK multiply-adds, and never where the phases would use SIMD", () => {
    const shape = (sizes: number[], batch: number): Case => ({ sizes, activations: sizes.slice(1).map(() => "relu" as const), loss: "squared-error", batch });
    const fits = (c: Case, maxWork?: number, precision: Precision = "float64") => scalarStepFits(seededContext(precision, c, 1), c.batch, maxWork);
    // The 2-2-1 net does 6 multiply-adds per sample.
    expect(SCALAR_MAX_WORK).toBe(128);
    expect(fits(shape([2, 2, 1], 1))).toBe(true);
    expect(fits(shape([2, 2, 1], 21))).toBe(true);
    expect(fits(shape([2, 2, 1], 22))).toBe(false);
    expect(fits(shape([2, 2, 1], 1), 0)).toBe(false);
    const anyWork = Number.POSITIVE_INFINITY;
    // The forward product of 784-128-10 on one sample is 100,352 multiply-adds: SIMD.
    expect(fits(shape([784, 128, 10], 1), anyWork)).toBe(false);
    // 2-64-64-1 on one sample: no product is large enough, but 64 x 64 weight gradients take the SIMD epilogue.
    expect(fits(shape([2, 64, 64, 1], 1), anyWork)).toBe(false);
    // A batch large enough makes even the 2-2-1 net's bias gradients a SIMD loop in float64 (256 numbers, 2 lanes);
    // float32's 4 lanes never fit a layer 2 wide, so there it stays JavaScript.
    expect(fits(shape([2, 2, 1], 128), anyWork)).toBe(false);
    expect(fits(shape([2, 2, 1], 128), anyWork, "float32")).toBe(true);
  });

  it("FastNetwork gives the same numbers with the scalar step as without it (scalarMaxWork 0), and refuses a bad scalarMaxWork", () => {
    const train = (precision: Precision, scalarMaxWork?: number) => {
      const network = FastNetwork.fromDescription(seedNetwork(), { precision, ...(scalarMaxWork === undefined ? {} : { scalarMaxWork }) });
      const losses = Array.from({ length: 5 }, () => network.trainStep([1, 0], [2], 1, 0.01));
      return { losses, parameters: [...network.parameters()], forward: Array.from(network.forward([0.5, 0.25], 1)) };
    };
    for (const precision of ["float64", "float32"] as const) {
      const scalar = train(precision);
      expect(scalar.losses[0]).toBe(0.25);
      expect(scalar).toEqual(train(precision, 0));
    }
    expect(() => FastNetwork.fromDescription(seedNetwork(), { scalarMaxWork: -1 })).toThrow("FastNetwork: scalarMaxWork must be a number of multiply-adds, 0 or more, got -1");
    expect(() => FastNetwork.fromDescription(seedNetwork(), { scalarMaxWork: Number.NaN })).toThrow("scalarMaxWork must be a number of multiply-adds, 0 or more, got NaN");
  });
});
