import { describe, expect, it } from "vitest";
import { pipelineGanttFigure, pipelineSchedule } from "../../src/parallel";
import { BACKWARD_PASS_COLOURS, FORWARD_PASS_COLOURS } from "../../src/plots/style";

describe("pipeline Gantt figure", () => {
  it("draws one bar per task, placed at its start with its duration", () => {
    const timeline = pipelineSchedule("1f1b", { stages: 4, microBatches: 4 });
    const figure = pipelineGanttFigure(timeline);
    expect(figure.data.map((trace) => (trace as { name?: string }).name)).toEqual(["forward", "backward"]);
    const bars = figure.data.flatMap((trace) => {
      const bar = trace as { y: string[]; base: number[]; x: number[]; text: string[] };
      return bar.y.map((row, i) => `${row} mb${bar.text[i]} ${bar.base[i]}+${bar.x[i]}`);
    });
    expect(bars).toHaveLength(2 * 4 * 4);
    expect(bars).toContain("stage 0 mb0 0+1");
    expect(bars).toContain("stage 3 mb0 3+1");
    expect(bars).toContain("stage 3 mb0 4+2");
    expect(figure.layout.title).toEqual({ text: "1f1b: p = 4, m = 4; idle 42.9%" });
    expect(figure.layout.xaxis?.range).toEqual([0, 21]);
  });

  it("takes its colours from the shared figure style, one shade per chunk, the stored outputs' values", () => {
    const figure = pipelineGanttFigure(pipelineSchedule("interleaved", { stages: 2, microBatches: 4, chunks: 2 }));
    const colours = figure.data.map((trace) => (trace as { marker: { color: string } }).marker.color);
    expect(colours).toEqual(["#4C78A8", "#72B7B2", "#F58518", "#E45756"]);
    expect(colours).toEqual([...FORWARD_PASS_COLOURS.slice(0, 2), ...BACKWARD_PASS_COLOURS.slice(0, 2)]);
  });

  it("splits interleaved chunks into their own traces and is plain JSON", () => {
    const figure = pipelineGanttFigure(pipelineSchedule("interleaved", { stages: 2, microBatches: 4, chunks: 2 }), { title: "mine" });
    expect(figure.data).toHaveLength(4);
    expect(figure.layout.title).toEqual({ text: "mine" });
    expect(JSON.parse(JSON.stringify(figure))).toEqual(figure);
  });

  it("keeps the legend clear of the tick labels however few the stages: a bottom margin and 40 px per stage row", () => {
    for (const stages of [1, 2, 8]) {
      const layout = pipelineGanttFigure(pipelineSchedule("gpipe", { stages, microBatches: 4 })).layout;
      expect(layout.legend).toEqual({ orientation: "h", yref: "container", y: 0, yanchor: "bottom", x: 0 });
      const margin = layout.margin as { t: number; b: number };
      expect(margin.b).toBe(110);
      // What is left between the margins is the plot: one 40 px row per stage.
      expect((layout.height as number) - margin.t - margin.b).toBe(40 * stages);
    }
  });
});
