import type { ScatterData } from "plotly.js-dist";
import type { Figure } from "./figure";
import type { HistoryEntry } from "../trace/train";
import { baseLayout, FIGURE_CONFIG, seriesColour } from "./style";

export interface GradientFlowOptions {
  /** One name per layer, first hidden layer first; default "layer 1" .. "layer L (output)". */
  layerNames?: readonly string[];
  /** Gradient norms often span orders of magnitude; a log axis shows vanishing ones. */
  logScale?: boolean;
  title?: string;
}

/**
 * How much gradient reaches each layer at each step: the L2 norm of the
 * layer's parameter gradients, one line per layer. Lines that sink towards
 * zero for the early layers are vanishing gradients.
 */
export function gradientFlow(history: readonly Pick<HistoryEntry, "step" | "layerGradientNorms">[], options: GradientFlowOptions = {}): Figure {
  const first = history[0];
  if (!first) throw new Error("gradientFlow: the history is empty; train for at least one step");
  const layerCount = first.layerGradientNorms.length;
  history.forEach((entry, k) => {
    if (entry.layerGradientNorms.length !== layerCount) {
      throw new Error(`gradientFlow: history[${k}] has ${entry.layerGradientNorms.length} layer norms, history[0] has ${layerCount}`);
    }
  });
  const names = options.layerNames ?? Array.from({ length: layerCount }, (_, l) => (l === layerCount - 1 ? `layer ${l + 1} (output)` : `layer ${l + 1}`));
  if (names.length !== layerCount) throw new Error(`gradientFlow: layerNames has ${names.length} names for ${layerCount} layers`);
  const steps = history.map((entry) => entry.step);
  const data: Partial<ScatterData>[] = names.map((name, l) => ({
    type: "scatter",
    mode: history.length <= 30 ? "lines+markers" : "lines",
    name,
    x: steps,
    y: history.map((entry) => entry.layerGradientNorms[l] as number),
    line: { color: seriesColour(l), width: 2 },
    hovertemplate: "step %{x}<br>‖∇‖ %{y:.6g}",
  }));
  const layout = baseLayout(options.title ?? "Gradient norm per layer", "step", "gradient norm ‖∂L/∂θ‖ of the layer");
  if (options.logScale) layout.yaxis = { ...layout.yaxis, type: "log", exponentformat: "power" };
  return { data, layout, config: FIGURE_CONFIG };
}
