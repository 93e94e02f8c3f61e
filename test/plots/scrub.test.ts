import { describe, expect, it } from "vitest";
import { figureBundle } from "../../kernel/display/bundle";
import { PLOTLY_MIME } from "../../kernel/display/names";
import {
  boundarySnapshot,
  type BoundarySnapshot,
  buildNetwork,
  FastNetwork,
  fit,
  lossCurve,
  networkGeometry,
  scrubBoundary,
  scrubTraining,
  seedExample,
  seedNetwork,
  train,
  splitPoints,
  twoSpirals,
} from "../../src";
import { edgeWidth } from "../../src/plots/network-geometry";

const sample = { input: [...seedExample.input], target: [...seedExample.target] };
const run = train(seedNetwork(), { samples: [sample], learningRate: 0.05, maxSteps: 30 });

type Trace = { line?: { width: number; color: string }; x?: number[]; y?: number[]; hovertext?: string[] };

describe("scrubTraining", () => {
  it("has one frame per step of a short run, the slider naming each, and starts on step 0", () => {
    const figure = scrubTraining(run, { show: "weight" });
    const frames = figure.frames ?? [];
    expect(frames).toHaveLength(run.history.length);
    expect(frames.map((f) => f.name)).toEqual(run.history.map((e) => `step ${e.step}`));
    const slider = figure.layout.sliders?.[0];
    expect(slider?.steps?.map((s) => (s.args as [string[]])[0][0])).toEqual(frames.map((f) => f.name));
    expect(slider?.active).toBe(0);
    const annotations = figure.layout.annotations ?? [];
    expect(annotations[0]?.text).toBe("step 0: loss 0.25");
    // Every frame restyles traces that exist, one data entry per listed trace.
    for (const frame of frames) {
      expect(frame.data).toHaveLength(frame.traces?.length ?? -1);
      for (const index of frame.traces ?? []) expect(index).toBeLessThan(figure.data.length);
    }
  });

  it("moves the edges and the marked loss to the last step's values in the last frame", () => {
    const figure = scrubTraining(run, { show: "weight" });
    const last = run.history.at(-1)!;
    const frame = figure.frames!.at(-1)!;
    const geometry = networkGeometry(run.network, { show: "weight", entry: last });
    const largest = Math.max(...run.history.flatMap((e) => Object.entries(e.parameters).filter(([n]) => n.startsWith("W")).map(([, v]) => Math.abs(v))));
    const data = frame.data as Trace[];
    const edgeCount = geometry.edges.length;
    expect(data.slice(0, edgeCount).map((d) => d.line?.width)).toEqual(geometry.edges.map((e) => edgeWidth(e.value, largest)));
    expect(data[edgeCount]?.hovertext?.[4]).toBe(`W53 = ${Number(last.parameters.W53!.toPrecision(12))}<br>H3 → O5`);
    expect(data.at(-1)).toEqual({ x: [last.step], y: [last.loss] });
    expect(frame.layout?.annotations?.[0]?.text).toBe(`step ${last.step}: loss ${Number(last.loss.toPrecision(12))}`);
    // The edges did move: W53 grew from 1 over the run, and its hover text says so.
    expect(last.parameters.W53).not.toBe(1);
    expect((figure.frames![0]!.data as Trace[])[edgeCount]?.hovertext?.[4]).toBe("W53 = 1<br>H3 → O5");
  });

  it("shows gradients or updates on request, and says what an update needs", () => {
    const gradients = scrubTraining(run, { show: "gradient" });
    expect((gradients.frames![0]!.data as Trace[])[6]?.hovertext?.[4]).toBe("∂L/∂W53 = 0.5<br>H3 → O5");
    const updates = scrubTraining(run, { show: "update", learningRate: 0.05 });
    expect((updates.frames![0]!.data as Trace[])[6]?.hovertext?.[4]).toBe("ΔW53 = -0.025<br>H3 → O5");
    expect(() => scrubTraining(run, { show: "update" })).toThrow(/show "update" needs options.learningRate/);
    expect(() => scrubTraining({ network: run.network, history: [] })).toThrow(/the run has no history/);
  });

  it("thins a long run to maxFrames, keeping the first and last steps, and stays small", () => {
    const long = train(seedNetwork(), { samples: [sample], learningRate: 0.001, maxSteps: 2000 });
    const figure = scrubTraining(long, { show: "gradient", maxFrames: 40 });
    expect(figure.frames).toHaveLength(40);
    expect(figure.frames![0]!.name).toBe("step 0");
    expect(figure.frames!.at(-1)!.name).toBe("step 2000");
    const bytes = JSON.stringify(figure).length;
    expect(bytes).toBeLessThan(80_000);
    // The loss curve itself is thinned too (500 points at most).
    expect(((figure.data[8] as Trace).x ?? []).length).toBe(500);
  });

  it("refuses a network too big to animate edge by edge", () => {
    const history = (sizes: number[]) => {
      const network = buildNetwork({ sizes, activation: "relu", init: "he", seed: 1 });
      return { network, history: train(network, { samples: [{ input: Array(sizes[0]).fill(1), target: [1] }], learningRate: 0.01, maxSteps: 1 }).history };
    };
    expect(scrubTraining(history([2, 8, 8, 1])).frames).toHaveLength(2);
    expect(() => scrubTraining(history([2, 16, 16, 1]))).toThrow(/^scrubTraining: 304 weights are too many to animate \(limit 150\)/);
  });
});

describe("scrubBoundary", () => {
  const points = twoSpirals(60, { seed: 1, noise: 0.03, turns: 1.25 });
  const grid = { x: [-1.2, 1.2], y: [-1.2, 1.2], resolution: 12 } as const;
  const network = FastNetwork.fromDescription(buildNetwork({ sizes: [2, 8, 1], activation: ["tanh", "sigmoid"], init: "xavier", seed: 3 }));
  const one = new Float64Array(2);
  const predict = (x: number, y: number): number => {
    one[0] = x;
    one[1] = y;
    return network.forward(one, 1)[0] as number;
  };

  it("stores the boundary of each recorded epoch in its frame, beside the loss of that epoch", () => {
    const snapshots: BoundarySnapshot[] = [];
    const { train: trainSet } = splitPoints(points, 0.75);
    const history = fit(network, trainSet, { epochs: 4, batchSize: 8, learningRate: 0.5, loss: "binary-cross-entropy", seed: 2, onEpoch: (e) => snapshots.push(boundarySnapshot(e.epoch, predict, grid)) });
    // fit trains the network in place, so each snapshot holds that epoch's boundary.
    expect(snapshots[4]!.z).not.toEqual(snapshots[0]!.z);
    const figure = scrubBoundary({ points: points.points, grid, snapshots, history });
    expect(figure.frames?.map((f) => f.name)).toEqual(["step 0", "step 1", "step 2", "step 3", "step 4"]);
    const lastFrame = figure.frames!.at(-1)!;
    expect((lastFrame.data as { z?: number[][] }[])[0]?.z).toEqual(snapshots[4]!.z);
    const lastLoss = history[4]!.trainLoss;
    expect((lastFrame.data as Trace[])[1]).toEqual({ x: [4], y: [lastLoss] });
    expect(lastFrame.layout?.annotations?.[0]?.text).toBe(`epoch 4: loss ${Number(lastLoss.toPrecision(12))}`);
    expect(snapshots[4]!.z[3]?.[5]).toBe(Number(predict(grid.x[0] + (5 * 2.4) / 11, grid.y[0] + (3 * 2.4) / 11).toFixed(2)));
    expect(figure.layout.sliders?.[0]?.currentvalue?.prefix).toBe("epoch ");
    expect(() => scrubBoundary({ points: points.points, grid, snapshots, history: history.slice(0, 3) })).toThrow(/snapshots\[3\] is for epoch 3, which the history does not have/);
    expect(() => scrubBoundary({ points: points.points, grid, snapshots: [], history })).toThrow(/no snapshots/);
  });
});

describe("the display bundle carries frames", () => {
  it("in the Plotly JSON and the HTML of an animated figure, and adds nothing to a still one", () => {
    const figure = scrubTraining(run);
    const bundle = figureBundle(figure, "scrub-test");
    expect((bundle[PLOTLY_MIME] as { frames?: unknown[] }).frames).toHaveLength(run.history.length);
    expect(bundle["text/html"]).toContain('"frames":[{"name":"step 0"');
    expect(bundle["text/html"]).toContain("Plotly.newPlot(element, figure);");
    const still = figureBundle(lossCurve({ history: run.history }), "still");
    expect(Object.keys(still[PLOTLY_MIME] as object)).toEqual(["data", "layout", "config"]);
  });
});
