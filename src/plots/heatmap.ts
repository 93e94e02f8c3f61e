import type { HeatmapData } from "plotly.js-dist";
import type { Figure } from "./figure";
import { baseLayout, FIGURE_CONFIG, SIGNED_COLOURSCALE } from "./style";

/** A grid of values to draw as coloured cells; z[row][column] is at (x[column], y[row]). */
export interface HeatmapInput {
  z: readonly (readonly (number | null)[])[];
  x: readonly (number | string)[];
  y: readonly (number | string)[];
  title: string;
  xTitle: string;
  yTitle: string;
  /** Centre the colours on zero, red below and blue above (for signed values such as gradients). */
  signed?: boolean;
  /** The name of the value in the hover box and on the colour bar. */
  valueName?: string;
  /** Draw the first row at the top, as a table reads. */
  firstRowOnTop?: boolean;
}

/** Past this many cells a heatmap stops being readable and makes stored notebooks heavy. */
export const MAX_HEATMAP_CELLS = 250_000;

export function heatmapFigure(input: HeatmapInput): Figure {
  const { z, x, y } = input;
  if (z.length !== y.length) throw new Error(`heatmapFigure (${input.title}): z has ${z.length} rows but y has ${y.length} labels`);
  z.forEach((row, r) => {
    if (row.length !== x.length) throw new Error(`heatmapFigure (${input.title}): z[${r}] has ${row.length} values but x has ${x.length} labels`);
  });
  const cells = z.length * x.length;
  if (cells > MAX_HEATMAP_CELLS) {
    throw new Error(`heatmapFigure (${input.title}): ${cells} cells is more than ${MAX_HEATMAP_CELLS}; pass fewer steps or parameters`);
  }
  const valueName = input.valueName ?? "value";
  const trace: Partial<HeatmapData> = {
    type: "heatmap",
    z: z.map((row) => [...row]),
    x: [...x],
    y: [...y],
    colorbar: { title: { text: valueName } },
    hovertemplate: `${input.xTitle} %{x}<br>${input.yTitle} %{y}<br>${valueName} %{z:.6g}<extra></extra>`,
  };
  if (input.signed) Object.assign(trace, { colorscale: SIGNED_COLOURSCALE, zmid: 0 });
  const layout = baseLayout(input.title, input.xTitle, input.yTitle);
  if (input.firstRowOnTop) layout.yaxis = { ...layout.yaxis, autorange: "reversed" };
  return { data: [trace], layout, config: FIGURE_CONFIG };
}
