import type { Config, Layout } from "plotly.js-dist";
import { formatFloat } from "../arithmetic";

/**
 * The look every figure shares, so the course reads as one piece: one font,
 * one pair of sign colours, the same margins and no Plotly logo.
 */

/** Positive values are blue and negative ones red, in every figure that shows a sign. */
export const POSITIVE_COLOUR = "#2166ac";
export const NEGATIVE_COLOUR = "#b2182b";
export const ZERO_COLOUR = "#9e9e9e";

/** The white of every figure's paper, and of what is drawn on a dark mark (a neuron's name, a marker's rim). */
export const BACKGROUND_COLOUR = "#ffffff";
/** The middle of a diverging scale: where a value is zero, or a prediction sits on the threshold. */
const MIDPOINT_COLOUR = "#f7f7f7";
export const FONT_FAMILY = "Helvetica, Arial, sans-serif";

/** Red through white to blue, for heatmaps of signed values centred on zero. */
export const SIGNED_COLOURSCALE: [number, string][] = [
  [0, NEGATIVE_COLOUR],
  [0.5, MIDPOINT_COLOUR],
  [1, POSITIVE_COLOUR],
];

/** The same red and blue, paler, for a prediction surface under points drawn in the full colours. */
export const PREDICTION_COLOURSCALE: [number, string][] = [
  [0, "#f4a582"],
  [0.5, MIDPOINT_COLOUR],
  [1, "#92c5de"],
];

/** Neurons in the network diagram: inputs a lighter slate than the neurons that compute. */
export const NEURON_COLOUR = "#37474f";
export const INPUT_NEURON_COLOUR = "#607d8b";

/** The point a slider is on, and the target a loss is measured against (colours of Plotly's cycle kept apart from the sign pair). */
export const CURRENT_POINT_COLOUR = "#d62728";
export const TARGET_COLOUR = "#2ca02c";

/** Distinct line colours for overlaid runs or layers (Plotly's own default cycle). */
export const SERIES_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/**
 * A pipeline timeline's two passes, one colour family each, one shade per
 * model chunk (Vega's "tableau10" cool and warm halves), so forwards and
 * backwards stay apart however many chunks a stage holds.
 */
export const FORWARD_PASS_COLOURS = ["#4C78A8", "#72B7B2", "#54A24B", "#B279A2"];
export const BACKWARD_PASS_COLOURS = ["#F58518", "#E45756", "#EECA3B", "#9D755D"];
/** The thin rim between two touching bars of a timeline, so adjacent tasks read as two. */
export const BAR_RIM_COLOUR = "white";

/** A line drawn for comparison (an ideal or a bound), not a measured series. */
export const REFERENCE_LINE_COLOUR = "black";

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] as string;
}

export function signColour(value: number): string {
  return value > 0 ? POSITIVE_COLOUR : value < 0 ? NEGATIVE_COLOUR : ZERO_COLOUR;
}

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
