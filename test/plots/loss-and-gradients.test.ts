import { describe, expect, it } from "vitest";
import { gradientFlow, gradientHeatmap, lossCurve, seedExample, seedNetwork, train, TrainingDivergedError } from "../../src";

const sample = { input: seedExample.input, target: seedExample.target };
const run = train(seedNetwork(), { samples: [sample], learningRate: 0.01, lossThreshold: 1e-4, maxSteps: 1000 });

/** Plotly's Data is a union of every trace type; the tests read the fields they set. */
type Trace = { type?: string; x?: unknown[]; y?: unknown[]; z?: unknown[][]; name?: string; mode?: string; line?: { color?: string; width?: number } };
const traces = (figure: { data: unknown[] }): Trace[] => figure.data as Trace[];

describe("lossCurve", () => {
  it("plots one run's losses against its steps", () => {
    const figure = lossCurve(run);
    const [trace] = traces(figure);
    expect(figure.data).toHaveLength(1);
    expect(trace?.x).toEqual(run.history.map((h) => h.step));
    expect(trace?.y).toEqual(run.history.map((h) => h.loss));
    expect(trace?.y?.[0]).toBe(0.25);
    expect(figure.layout.title).toEqual({ text: "Loss during training" });
    expect(figure.layout.yaxis?.type).toBeUndefined();
  });

  it("names the x axis, the hover and a divergence note by the history's unit: an epoch history says epoch", () => {
    const perEpoch = [{ step: 0, loss: 0.6 }, { step: 1, loss: 0.4 }, { step: 2, loss: Number.MAX_VALUE }];
    const figure = lossCurve([
      { label: "train", history: perEpoch.slice(0, 2) },
      { label: "wild", history: perEpoch, diverged: true },
    ], { unit: "epoch" });
    expect(figure.layout.xaxis?.title).toEqual({ text: "epoch" });
    expect((figure.data[0] as { hovertemplate?: string }).hovertemplate).toBe("epoch %{x}<br>loss %{y:.6g}");
    expect(figure.layout.annotations?.map((a) => a.text)).toEqual(["wild diverged after epoch 2"]);
    expect(lossCurve(run).layout.xaxis?.title).toEqual({ text: "step" });
  });

  it("overlays several runs, keeps a diverged run's finite history and marks where it stopped", () => {
    const slow = train(seedNetwork(), { samples: [sample], learningRate: 0.001, maxSteps: 50 });
    const linear = { ...seedNetwork(), layers: seedNetwork().layers.map((layer) => ({ ...layer, activation: "identity" as const })) };
    let diverged: TrainingDivergedError | undefined;
    try {
      train(linear, { samples: [sample], learningRate: 1, maxSteps: 5000 });
    } catch (error) {
      diverged = error as TrainingDivergedError;
    }
    expect(diverged).toBeInstanceOf(TrainingDivergedError);
    const history = diverged?.history ?? [];
    const figure = lossCurve(
      [
        { label: "η = 0.01", history: run.history },
        { label: "η = 0.001", history: slow.history },
        { label: "η = 1", history, diverged: true },
      ],
      { logScale: true },
    );
    const [a, b, c, cross] = traces(figure);
    expect(figure.data).toHaveLength(4);
    expect(a?.name).toBe("η = 0.01");
    expect(b?.y).toEqual(slow.history.map((h) => h.loss));
    expect(b?.y).toHaveLength(51);
    expect(c?.name).toBe("η = 1 (diverged)");
    expect(c?.y).toEqual(history.map((h) => h.loss));
    expect(cross?.x).toEqual([history[history.length - 1]?.step]);
    expect(cross?.y).toEqual([history[history.length - 1]?.loss]);
    expect(new Set([a, b, c].map((t) => t?.line?.color)).size).toBe(3);
    expect(figure.layout.yaxis?.type).toBe("log");
    // the axis fits the runs that settled; the diverged one leaves through the top, with a note
    const settled = [...run.history, ...slow.history].map((h) => h.loss);
    expect(figure.layout.yaxis?.range).toEqual([Math.log10(Math.min(...settled)) - 0.5, Math.log10(Math.max(...settled)) + 1.5]);
    expect(figure.layout.annotations?.map((a) => a.text)).toEqual([`η = 1 diverged after step ${history[history.length - 1]?.step}`]);
  });

  it("names the run whose history is broken", () => {
    expect(() => lossCurve([])).toThrow(/no runs given/);
    expect(() => lossCurve([{ label: "bad", history: [{ step: 0, loss: "x" as unknown as number }] }])).toThrow(/run 1 \(bad\) history\[0\]/);
  });
});

describe("gradientFlow", () => {
  it("draws one line per layer whose values are the history's layer norms", () => {
    const figure = gradientFlow(run.history);
    const [hidden, output] = traces(figure);
    expect(figure.data).toHaveLength(2);
    expect(hidden?.name).toBe("layer 1");
    expect(output?.name).toBe("layer 2 (output)");
    expect(hidden?.y?.[0]).toBeCloseTo(2, 15);
    expect(output?.y?.[0]).toBeCloseTo(Math.sqrt(0.25 + 2.25 + 1), 15);
    expect(output?.y).toEqual(run.history.map((h) => h.layerGradientNorms[1]));
  });

  it("checks layer names against the layer count", () => {
    expect(() => gradientFlow(run.history, { layerNames: ["only one"] })).toThrow(/1 names for 2 layers/);
    expect(() => gradientFlow([])).toThrow(/history is empty/);
  });
});

describe("gradientHeatmap", () => {
  it("puts parameters on y in network order and their gradients over the steps in z", () => {
    const figure = gradientHeatmap(run.history);
    const [trace] = traces(figure);
    expect(trace?.type).toBe("heatmap");
    expect(trace?.y).toEqual(["W31", "W32", "b3", "W41", "W42", "b4", "W53", "W54", "b5"]);
    expect(trace?.x).toEqual(run.history.map((h) => h.step));
    // step 0: the source's gradients, dL/dW53 = 0.5, dL/dW54 = 1.5, dL/db5 = 1
    expect(trace?.z?.map((row) => row[0])).toEqual([1, 0, 1, 1, 0, 1, 0.5, 1.5, 1]);
    expect(figure.layout.yaxis?.autorange).toBe("reversed");
  });

  it("names a parameter missing from an entry", () => {
    expect(() => gradientHeatmap(run.history, { parameters: ["W99"] })).toThrow(/history\[0\] \(step 0\) has no gradient for 'W99'/);
  });
});
