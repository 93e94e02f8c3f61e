import { describe, expect, it } from "vitest";
import { decisionBoundary, heatmapFigure, lossVersusOutput, thinHistory } from "../../src";

type Trace = { type?: string; name?: string; x?: number[]; y?: (number | null)[]; z?: number[][]; hovertext?: string[] };
const traces = (figure: { data: unknown[] }): Trace[] => figure.data as Trace[];

describe("lossVersusOutput", () => {
  it("draws the squared error around the target and marks the source's Yr = 2.5, loss 0.25", () => {
    const figure = lossVersusOutput(2, [0, 4], "squared-error", { received: 2.5, points: 5 });
    const [curve, target, received] = traces(figure);
    expect(curve?.x).toEqual([0, 1, 2, 3, 4]);
    expect(curve?.y).toEqual([4, 1, 0, 1, 4]);
    expect(target?.x).toEqual([2]);
    expect(target?.y).toEqual([0]);
    expect(received?.y).toEqual([0.25]);
    expect(received?.hovertext?.[0]).toBe("received Yr = 2.5<br>loss 0.25");
    expect(figure.layout.annotations?.[0]?.text).toBe("Yr = 2.5, loss = 0.25");
  });

  it("leaves gaps where a loss is undefined and rejects bad ranges", () => {
    const figure = lossVersusOutput(1, [-0.5, 1.5], "binary-cross-entropy", { points: 5 });
    expect(traces(figure)[0]?.y?.map((v) => v === null)).toEqual([true, true, false, true, true]);
    expect(() => lossVersusOutput(2, [3, 1])).toThrow(/low < high, got \[3, 1\]/);
    expect(() => lossVersusOutput(2, [0, 4], "hinge" as "mse")).toThrow(/unknown loss 'hinge'/);
  });
});

describe("decisionBoundary", () => {
  it("evaluates the classifier on the grid and puts each class's points on top", () => {
    const points = [
      { x: -1, y: 0, label: 0 },
      { x: 1, y: 0, label: 1 },
      { x: 0.5, y: 0.5, label: 1 },
    ];
    const figure = decisionBoundary((x) => (x > 0 ? 1 : 0), points, { x: [-1, 1], y: [-1, 1], resolution: 3 });
    const [surface, zeros, ones] = traces(figure);
    expect(surface?.type).toBe("heatmap");
    expect(surface?.x).toEqual([-1, 0, 1]);
    expect(surface?.z).toEqual([
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    expect(zeros?.name).toBe("class 0");
    expect(ones?.x).toEqual([1, 0.5]);
  });

  it("names the point where the classifier gives no number", () => {
    expect(() => decisionBoundary(() => NaN, [], { x: [0, 1], y: [0, 1], resolution: 2 })).toThrow(/predict\(0, 0\) returned NaN/);
  });
});

describe("heatmapFigure", () => {
  it("checks that z matches the labels", () => {
    expect(() => heatmapFigure({ z: [[1, 2]], x: [0], y: ["a"], title: "t", xTitle: "x", yTitle: "y" })).toThrow(/z\[0\] has 2 values but x has 1 labels/);
  });
});

describe("thinHistory", () => {
  it("keeps the first and last entries and spaces the rest evenly", () => {
    const history = Array.from({ length: 11 }, (_, step) => ({ step, loss: 1 / (step + 1) }));
    expect(thinHistory(history, 3).map((h) => h.step)).toEqual([0, 5, 10]);
    expect(thinHistory(history, 6).map((h) => h.step)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(thinHistory(history, 50)).toEqual(history);
    expect(() => thinHistory(history, 1)).toThrow(/at least 2, got 1/);
  });
});
