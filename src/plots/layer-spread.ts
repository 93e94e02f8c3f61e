import type { ScatterData } from "plotly.js-dist";
import type { Figure } from "./figure";
import type { LayerSpread } from "../trace/spread";
import { baseLayout, FIGURE_CONFIG, seriesColour } from "./style";

/**
 * Activation or gradient spread per layer, one line per initialisation, on a
 * log axis: a scheme that suits the network keeps its line flat.
 */
export function layerSpreadFigure(series: readonly { label: string; spread: readonly LayerSpread[] }[], quantity: "activation" | "gradient"): Figure {
  if (series.length === 0) throw new Error("layerSpreadFigure: no series given; pass [{ label, spread }]");
  const field = quantity === "activation" ? "activationStd" : "gradientStd";
  const data: Partial<ScatterData>[] = series.map((s, i) => ({
    type: "scatter",
    mode: "lines+markers",
    name: s.label,
    x: s.spread.map((l) => l.layer),
    y: s.spread.map((l) => l[field]),
    line: { color: seriesColour(i), width: 2 },
    hovertemplate: `layer %{x}<br>${quantity} std %{y:.4g}`,
  }));
  const title = quantity === "activation" ? "Spread of activations per layer" : "Spread of gradients dL/dZ per layer";
  const layout = baseLayout(title, "layer", `standard deviation of ${quantity === "activation" ? "a" : "dL/dZ"} (log scale)`);
  layout.yaxis = { ...layout.yaxis, type: "log", exponentformat: "power" };
  layout.xaxis = { ...layout.xaxis, dtick: 1 };
  return { data, layout, config: FIGURE_CONFIG };
}
