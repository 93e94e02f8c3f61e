import type { Data } from "plotly.js-dist";
import type { Figure } from "../plots/figure";
import { BACKWARD_PASS_COLOURS, BAR_EDGE_COLOUR, FIGURE_CONFIG, FORWARD_PASS_COLOURS } from "../plots/style";
import type { BucketSchedule, LayerGradient } from "./ddp-buckets";

/**
 * DDP's step as two rows of bars against time: the backward pass layer by
 * layer (last layer first), and each bucket's all-reduce, so the overlap and
 * the communication left exposed after backward can be seen.
 */
export function ddpBucketFigure(layers: readonly LayerGradient[], schedule: BucketSchedule, title: string, timeUnit = "ms", unitSeconds = 1e-3): Figure {
  const reversed = [...layers].reverse();
  let clock = 0;
  const backwardBars = reversed.map((layer) => {
    const start = clock;
    clock += layer.seconds;
    return { name: layer.name, start, length: layer.seconds };
  });
  const bar = (row: string, name: string, colour: string, items: { label: string; start: number; length: number }[]): Data => ({
    type: "bar",
    orientation: "h",
    name,
    y: items.map(() => row),
    base: items.map((item) => item.start / unitSeconds),
    x: items.map((item) => item.length / unitSeconds),
    text: items.map((item) => item.label),
    textposition: "inside",
    insidetextanchor: "middle",
    marker: { color: colour, line: { color: BAR_EDGE_COLOUR, width: 1 } },
    hovertemplate: `%{text}: from %{base:.3g} for %{x:.3g} ${timeUnit}<extra></extra>`,
  });
  return {
    data: [
      bar(
        "backward",
        "backward, one layer a bar",
        FORWARD_PASS_COLOURS[0]!,
        backwardBars.map((b) => ({ label: b.name, start: b.start, length: b.length })),
      ),
      bar(
        "all-reduce",
        "all-reduce, one bucket a bar",
        BACKWARD_PASS_COLOURS[0]!,
        schedule.buckets.map((b, i) => ({ label: `bucket ${i}`, start: b.start, length: b.end - b.start })),
      ),
    ],
    layout: {
      title: { text: title },
      barmode: "overlay",
      xaxis: { title: { text: `time (${timeUnit})` }, range: [0, Math.max(schedule.end, schedule.backwardEnd) / unitSeconds] },
      yaxis: { categoryorder: "array", categoryarray: ["backward", "all-reduce"], autorange: "reversed" },
      legend: { orientation: "h", yref: "container", y: 0, yanchor: "bottom", x: 0 },
      margin: { t: 60, b: 110, l: 90, r: 20 },
      height: 300,
    },
    config: FIGURE_CONFIG,
  };
}
