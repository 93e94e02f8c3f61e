import type { Config, Layout } from "plotly.js-dist";
import { formatFloat } from "../math/arithmetic";

/**
 * The look every figure shares, so the course reads as one piece: one font,
 * one pair of sign colours, the same margins and no Plotly logo.
 */

/** Positive values are blue and negative ones red, in every figure that shows a sign. */
export const POSITIVE_COLOUR = "#2166ac";
export const NEGATIVE_COLOUR = "#b2182b";
export const ZERO_COLOUR = "#9e9e9e";
export const FONT_FAMILY = "Helvetica, Arial, sans-serif";

/** The point a slider is on (a colour of Plotly's cycle kept apart from the sign pair). */
export const CURRENT_POINT_COLOUR = "#d62728";

/** Red through white to blue, for heatmaps of signed values centred on zero. */
export const SIGNED_COLOURSCALE: [number, string][] = [
  [0, NEGATIVE_COLOUR],
  [0.5, "#f7f7f7"],
  [1, POSITIVE_COLOUR],
];

/** Distinct line colours for overlaid runs or layers (Plotly's own default cycle). */
export const SERIES_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] as string;
}

export function signColour(value: number): string {
  return value > 0 ? POSITIVE_COLOUR : value < 0 ? NEGATIVE_COLOUR : ZERO_COLOUR;
}

/** The page behind every figure, and lines or text drawn over coloured marks. */
export const BACKGROUND_COLOUR = "#ffffff";
/** Labels over a figure's marks: white, a little transparent, so crossing lines stay visible. */
export const LABEL_BACKGROUND = "rgba(255,255,255,0.85)";
/** A legend laid over a plot: a little more see-through than a label. */
export const LEGEND_BACKGROUND = "rgba(255,255,255,0.8)";
/** A reference line drawn for comparison (a lossless fabric's efficiency, say). */
export const REFERENCE_COLOUR = "black";
/** Neurons in a network diagram: inputs lighter than the neurons that compute; text beside them in the darker shade. */
export const INPUT_NEURON_COLOUR = "#607d8b";
export const NEURON_COLOUR = "#37474f";
/** A mark that catches the pointer but is not drawn. */
export const INVISIBLE = "rgba(0,0,0,0)";
/** How much of a whole a cell holds, from nothing (near white) to all of it (the positive colour): the ring all-reduce's grid. */
export const SHARE_COLOURSCALE: [number, string][] = [
  [0, "#f7f7f7"],
  [1, POSITIVE_COLOUR],
];
/** The target's marker, where a figure marks one. */
export const TARGET_COLOUR = SERIES_COLOURS[2] as string;
/** Soft red through white to soft blue, behind the points of a decision boundary (lighter than the points' own colours). */
export const PREDICTION_COLOURSCALE: [number, string][] = [
  [0, "#f4a582"],
  [0.5, "#f7f7f7"],
  [1, "#92c5de"],
];
/** Pipeline schedules: forward passes in cool shades, backward passes in warm ones, one shade per model chunk. */
export const FORWARD_PASS_COLOURS = ["#4C78A8", "#72B7B2", "#54A24B", "#B279A2"];
export const BACKWARD_PASS_COLOURS = ["#F58518", "#E45756", "#EECA3B", "#9D755D"];
/** The edge between neighbouring bars of a schedule. */
export const BAR_EDGE_COLOUR = "white";

export const FIGURE_CONFIG: Partial<Config> = { responsive: true, displaylogo: false };

export function baseLayout(title: string, xTitle: string, yTitle: string): Partial<Layout> {
  return {
    title: { text: title },
    xaxis: { title: { text: xTitle }, zeroline: false },
    yaxis: { title: { text: yTitle }, zeroline: false },
    font: { family: FONT_FAMILY, size: 13 },
    margin: { l: 70, r: 30, t: 60, b: 60 },
    height: 420,
    plot_bgcolor: BACKGROUND_COLOUR,
    paper_bgcolor: BACKGROUND_COLOUR,
    hovermode: "closest",
  };
}

/** The value as the equations print it (up to 12 significant digits), so hover text matches the tables. */
export function formatValue(value: number): string {
  return formatFloat(value);
}

/** A shorter form for labels drawn on the figure itself, where space is tight. */
export function formatShort(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  return String(Number(value.toPrecision(4)));
}
