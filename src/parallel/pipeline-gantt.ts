import type { Data } from "plotly.js-dist";
import type { Figure } from "../plots/figure";
import { BACKWARD_PASS_COLOURS, BAR_EDGE_COLOUR, FORWARD_PASS_COLOURS } from "../plots/style";
import { idleFraction } from "./pipeline-analysis";
import type { Pass, PipelineTimeline } from "./pipeline-schedule";

/** Height of one stage's row; the bars' micro-batch labels need about this much. */
const STAGE_ROW_PX = 40;

export interface GanttOptions {
  title?: string;
}

/**
 * A Gantt chart of a pipeline timeline: one row per stage (stage 0 on top),
 * one bar per task labelled with its micro-batch number, forwards and
 * backwards in two colour families (one shade per model chunk). Gaps in a
 * row are the pipeline bubble; the title gives its measured share.
 */
export function pipelineGanttFigure(timeline: PipelineTimeline, options: GanttOptions = {}): Figure {
  const data: Data[] = [];
  for (const pass of ["forward", "backward"] as Pass[]) {
    for (let chunk = 0; chunk < timeline.chunks; chunk++) {
      const tasks = timeline.tasks.filter((task) => task.pass === pass && task.chunk === chunk);
      const palette = pass === "forward" ? FORWARD_PASS_COLOURS : BACKWARD_PASS_COLOURS;
      data.push({
        type: "bar",
        orientation: "h",
        name: timeline.chunks > 1 ? `${pass}, chunk ${chunk}` : pass,
        y: tasks.map((task) => `stage ${task.stage}`),
        base: tasks.map((task) => task.start),
        x: tasks.map((task) => task.end - task.start),
        text: tasks.map((task) => String(task.microBatch)),
        textposition: "inside",
        insidetextanchor: "middle",
        marker: { color: palette[chunk % palette.length], line: { color: BAR_EDGE_COLOUR, width: 1 } },
        customdata: tasks.map((task) => [task.microBatch, task.start, task.end]),
        hovertemplate: `${pass} of micro-batch %{customdata[0]}<br>%{y}, from %{customdata[1]} to %{customdata[2]}<extra></extra>`,
      });
    }
  }
  const stages = Array.from({ length: timeline.stages }, (_, stage) => `stage ${stage}`);
  const idle = (100 * idleFraction(timeline)).toFixed(1);
  const chunks = timeline.chunks > 1 ? `, v = ${timeline.chunks}` : "";
  return {
    data,
    layout: {
      title: {
        text: options.title ?? `${timeline.schedule}: p = ${timeline.stages}, m = ${timeline.microBatches}${chunks}; idle ${idle}%`,
      },
      barmode: "overlay",
      xaxis: { title: { text: "time (one forward pass of one stage = 1)" }, range: [0, timeline.makespan] },
      yaxis: { categoryorder: "array", categoryarray: stages, autorange: "reversed" },
      // The legend sits at the foot of the figure, in pixels from its edge: at "paper"
      // coordinates it lands on the tick labels whenever there are few stages.
      legend: { orientation: "h", yref: "container", y: 0, yanchor: "bottom", x: 0 },
      margin: { t: 60, b: 110, l: 70, r: 20 },
      height: 170 + STAGE_ROW_PX * timeline.stages,
    },
  };
}
