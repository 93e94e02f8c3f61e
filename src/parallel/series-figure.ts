import type { Data } from "plotly.js-dist";
import type { Figure } from "../plots/figure";
import { baseLayout, FIGURE_CONFIG, REFERENCE_COLOUR, seriesColour } from "../plots/style";

/** One line of a figure: the points, and whether it is a reference drawn dashed in black. */
export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** Draw as markers only (a simulation's samples beside a formula's line). */
  markers?: boolean;
  reference?: boolean;
}

export interface SeriesFigureInput {
  title: string;
  xTitle: string;
  yTitle: string;
  series: readonly Series[];
  logX?: boolean;
  logY?: boolean;
  /** Text under the title saying what the figure shows, for a reader who cannot see it. */
  description?: string;
}

/**
 * Lines against a common x axis: the parallel chapters' quantities against
 * message size, flow count, model size or time. Log axes print powers of
 * ten: Plotly's SI suffixes (µ, G) would read as units on these axes.
 */
export function seriesFigure(input: SeriesFigureInput): Figure {
  const data: Data[] = input.series.map((series, index) => {
    if (series.x.length !== series.y.length) {
      throw new RangeError(`seriesFigure (${input.title}): series "${series.name}" has ${series.x.length} x values and ${series.y.length} y values`);
    }
    const colour = series.reference ? REFERENCE_COLOUR : seriesColour(index);
    return {
      type: "scatter",
      mode: series.markers ? "markers" : "lines",
      name: series.name,
      x: [...series.x],
      y: [...series.y],
      ...(series.markers ? { marker: { color: colour, size: 8 } } : { line: { color: colour, ...(series.reference ? { dash: "dash" } : {}) } }),
      hovertemplate: `${series.name}<br>${input.xTitle} %{x:.4g}<br>${input.yTitle} %{y:.4g}<extra></extra>`,
    };
  });
  const title = input.description ? `${input.title}<br><sup>${input.description}</sup>` : input.title;
  const layout = baseLayout(title, input.xTitle, input.yTitle);
  if (input.logX) layout.xaxis = { ...layout.xaxis, type: "log", exponentformat: "power" };
  if (input.logY) layout.yaxis = { ...layout.yaxis, type: "log", exponentformat: "power" };
  layout.legend = { orientation: "h", yref: "container", y: 0, yanchor: "bottom", x: 0 };
  layout.margin = { l: 70, r: 30, t: 80, b: 110 };
  layout.height = 480;
  return { data, layout, config: FIGURE_CONFIG };
}

/** One bar of a stacked-bar figure: its label and the size of each named part. */
export interface StackedBar {
  label: string;
  parts: Readonly<Record<string, number>>;
}

/** Bars made of named parts stacked on each other (memory per GPU by what fills it, say); every bar names the same parts. */
export function stackedBarFigure(input: {
  title: string;
  yTitle: string;
  bars: readonly StackedBar[];
  description?: string;
  /** A level to compare the bars with (a GPU's memory), drawn as a dashed line across them. */
  limit?: { value: number; label: string };
}): Figure {
  const partNames = Object.keys(input.bars[0]?.parts ?? {});
  input.bars.forEach((bar) => {
    const names = Object.keys(bar.parts);
    if (names.join() !== partNames.join()) {
      throw new RangeError(`stackedBarFigure (${input.title}): bar "${bar.label}" has parts ${names.join(", ")}, the first bar ${partNames.join(", ")}`);
    }
  });
  const data: Data[] = partNames.map((part, index) => ({
    type: "bar",
    name: part,
    x: input.bars.map((bar) => bar.label),
    y: input.bars.map((bar) => bar.parts[part]!),
    marker: { color: seriesColour(index) },
    hovertemplate: `%{x}<br>${part}: %{y:.4g}<extra></extra>`,
  }));
  const title = input.description ? `${input.title}<br><sup>${input.description}</sup>` : input.title;
  const layout = baseLayout(title, "", input.yTitle);
  layout.barmode = "stack";
  if (input.limit) {
    const { value, label } = input.limit;
    layout.shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: value, y1: value, line: { color: REFERENCE_COLOUR, dash: "dash", width: 2 } }];
    layout.annotations = [{ xref: "paper", x: 1, y: value, xanchor: "right", yanchor: "bottom", text: label, showarrow: false }];
  }
  layout.legend = { orientation: "h", yref: "container", y: 0, yanchor: "bottom", x: 0 };
  layout.margin = { l: 70, r: 30, t: 80, b: 130 };
  layout.height = 500;
  return { data, layout, config: FIGURE_CONFIG };
}
