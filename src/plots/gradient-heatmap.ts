import type { Figure } from "./figure";
import type { HistoryEntry } from "../trace/train";
import { heatmapFigure } from "./heatmap";

export interface GradientHeatmapOptions {
  /** Which parameters, in this order; default all of them in network order (each neuron's weights, then its bias). */
  parameters?: readonly string[];
  title?: string;
}

/**
 * Every parameter's gradient at every step as one coloured cell: a row per
 * parameter (in network order, top to bottom), a column per step, red for
 * negative and blue for positive, white at zero.
 */
export function gradientHeatmap(history: readonly Pick<HistoryEntry, "step" | "gradients">[], options: GradientHeatmapOptions = {}): Figure {
  const first = history[0];
  if (!first) throw new Error("gradientHeatmap: the history is empty; train for at least one step");
  // The history stores gradients in the order parametersOf walks the network.
  const parameters = options.parameters ?? Object.keys(first.gradients);
  const z = parameters.map((name) =>
    history.map((entry, k) => {
      const value = entry.gradients[name];
      if (value === undefined) throw new Error(`gradientHeatmap: history[${k}] (step ${entry.step}) has no gradient for '${name}'`);
      return value;
    }),
  );
  return heatmapFigure({
    z,
    x: history.map((entry) => entry.step),
    y: parameters,
    title: options.title ?? "Gradient of every parameter, step by step",
    xTitle: "step",
    yTitle: "parameter",
    valueName: "∂L/∂θ",
    signed: true,
    firstRowOnTop: true,
  });
}
