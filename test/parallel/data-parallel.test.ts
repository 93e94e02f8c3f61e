import { describe, expect, it } from "vitest";
import { batchGradient, fractionArithmetic, type Fraction, type Sample, seedExample, seedNetwork, sgdUpdate, toModel } from "../../src";
import { averageGradientsWithRing, dataParallelGradient, dataParallelTrain, shardBatch } from "../../src/parallel";

// The source's sample plus three more, chosen so some samples switch hidden ReLUs off.
const batch: Sample[] = [
  { input: [...seedExample.input], target: [...seedExample.target] },
  { input: [0, 1], target: [1] },
  { input: [-1, 0.2], target: [1] }, // H3 and H4 both inactive
  { input: [2, 1], target: [3] },
];

const show = (gradients: Map<string, Fraction>) => [...gradients].map(([name, value]) => `${name}=${value.toString()}`);

describe("data parallelism on the source's 2-2-1 network", () => {
  const full = batchGradient(seedNetwork(), batch, { arithmetic: fractionArithmetic });

  it.each([2, 4])("averaging over %i simulated GPUs gives the full-batch gradient exactly (fractions)", (workers) => {
    const parallel = dataParallelGradient(seedNetwork(), batch, { workers, arithmetic: fractionArithmetic });
    expect(parallel.workers).toHaveLength(workers);
    expect(show(parallel.gradients)).toEqual(show(full.gradients));
    expect(parallel.loss.equals(full.loss)).toBe(true);
    // The workers really did see different data: their local gradients differ from the average.
    expect(parallel.workers.some((w) => show(w.gradients).join() !== show(full.gradients).join())).toBe(true);
  });

  it("weights uneven shards by their size (3 GPUs, 4 samples); a plain mean of the workers' means would be wrong", () => {
    const parallel = dataParallelGradient(seedNetwork(), batch, { workers: 3, arithmetic: fractionArithmetic });
    expect(parallel.workers.map((w) => w.samples.length)).toEqual([2, 1, 1]);
    expect(show(parallel.gradients)).toEqual(show(full.gradients));
    const plainMean = new Map(
      [...full.gradients.keys()].map((name) => {
        const sum = parallel.workers.reduce((s, w) => s.add(w.gradients.get(name)!), fractionArithmetic.from(0));
        return [name, sum.div(fractionArithmetic.from(3))];
      }),
    );
    expect(show(plainMean)).not.toEqual(show(full.gradients));
  });

  it("in floats, and through a simulated ring all-reduce, agrees to rounding", () => {
    const fullFloat = batchGradient(seedNetwork(), batch);
    const parallel = dataParallelGradient(seedNetwork(), batch, { workers: 4 });
    const { gradients, run } = averageGradientsWithRing(parallel.workers.map((w) => w.gradients));
    expect(run.steps).toBe(6);
    for (const [name, value] of fullFloat.gradients) {
      expect(parallel.gradients.get(name)).toBeCloseTo(value, 12);
      expect(gradients.get(name)).toBeCloseTo(value, 12);
    }
  });

  it("training with 2 or 4 workers follows the one-worker full-batch loss curve exactly", () => {
    const learningRate = 0.01;
    let model = toModel(seedNetwork(), fractionArithmetic);
    const reference: Fraction[] = [];
    for (let step = 0; step < 3; step++) {
      const { loss, gradients } = batchGradient(model, batch, { arithmetic: fractionArithmetic });
      reference.push(loss);
      model = sgdUpdate(model, gradients, fractionArithmetic.from(learningRate), fractionArithmetic).model;
    }
    for (const workers of [2, 4]) {
      const run = dataParallelTrain(seedNetwork(), batch, { workers, steps: 3, learningRate, arithmetic: fractionArithmetic });
      expect(run.losses.map((loss) => loss.toString())).toEqual(reference.map((loss) => loss.toString()));
    }
    expect(reference[2]!.toNumber()).toBeLessThan(reference[0]!.toNumber());
  });

  it("refuses more workers than samples, and zero workers", () => {
    expect(() => shardBatch(batch, 5)).toThrow("workers must not exceed the batch size (4 samples), got 5");
    expect(() => dataParallelGradient(seedNetwork(), batch, { workers: 0 })).toThrow("workers must be greater than 0, got 0");
  });
});
