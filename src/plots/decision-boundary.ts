import type { HeatmapData, ScatterData } from "plotly.js-dist";
import type { Figure } from "./figure";
import { BACKGROUND_COLOUR, baseLayout, FIGURE_CONFIG, NEGATIVE_COLOUR, POSITIVE_COLOUR, PREDICTION_COLOURSCALE, seriesColour } from "./style";

export interface LabelledPoint {
  x: number;
  y: number;
  label: number | string;
}

export interface DecisionGrid {
  x: readonly [number, number];
  y: readonly [number, number];
  /** Cells along each axis (default 80). */
  resolution?: number;
}

export interface DecisionBoundaryOptions {
  title?: string;
  /** The predicted value where the classes meet, drawn as a contour line (default 0.5, for a probability). */
  threshold?: number;
}

/**
 * A classifier's output over a grid as a heatmap, with the labelled points
 * on top: where the colour changes is the decision boundary.
 */
export function decisionBoundary(
  predict: (x: number, y: number) => number,
  points: readonly LabelledPoint[],
  grid: DecisionGrid,
  options: DecisionBoundaryOptions = {},
): Figure {
  return boundaryFigure(predictionGrid(predict, grid), points, options);
}

/** The classifier's output over the grid: z[row][column] is the prediction at (x[column], y[row]). */
export interface PredictionGrid {
  x: number[];
  y: number[];
  z: number[][];
}

/** Evaluates the classifier at every cell of the grid, refusing a prediction that is not a finite number. */
export function predictionGrid(predict: (x: number, y: number) => number, grid: DecisionGrid): PredictionGrid {
  const { x: xs, y: ys } = gridAxes(grid);
  const z = ys.map((y) =>
    xs.map((x) => {
      const value = predict(x, y);
      if (!Number.isFinite(value)) throw new Error(`decisionBoundary: predict(${x}, ${y}) returned ${value}; it must return a finite number`);
      return value;
    }),
  );
  return { x: xs, y: ys, z };
}

/** The cell centres along each axis of the grid. */
export function gridAxes(grid: DecisionGrid): { x: number[]; y: number[] } {
  const resolution = grid.resolution ?? 80;
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 400) {
    throw new Error(`decisionBoundary: grid.resolution must be a whole number from 2 to 400, got ${resolution}`);
  }
  return { x: axis(grid.x, resolution, "grid.x"), y: axis(grid.y, resolution, "grid.y") };
}

/** The heatmap of a prediction grid with the labelled points on top. */
export function boundaryFigure(surfaceGrid: PredictionGrid, points: readonly LabelledPoint[], options: DecisionBoundaryOptions = {}): Figure {
  const { x: xs, y: ys, z } = surfaceGrid;
  const threshold = options.threshold ?? 0.5;
  const surface: Partial<HeatmapData> = {
    type: "heatmap",
    x: xs,
    y: ys,
    z,
    colorscale: PREDICTION_COLOURSCALE,
    zmid: threshold,
    colorbar: { title: { text: "prediction" } },
    hovertemplate: "x %{x:.3g}<br>y %{y:.3g}<br>prediction %{z:.4g}<extra></extra>",
  };
  const labels = [...new Set(points.map((p) => p.label))].sort((a, b) => String(a).localeCompare(String(b), "en", { numeric: true }));
  const scatter: Partial<ScatterData>[] = labels.map((label, i) => {
    const members = points.filter((p) => p.label === label);
    return {
      type: "scatter",
      mode: "markers",
      name: `class ${label}`,
      x: members.map((p) => p.x),
      y: members.map((p) => p.y),
      marker: {
        size: 7,
        color: labels.length === 2 ? (i === 0 ? NEGATIVE_COLOUR : POSITIVE_COLOUR) : seriesColour(i),
        line: { width: 1, color: BACKGROUND_COLOUR },
      },
      hovertemplate: `class ${label}<br>x %{x:.3g}<br>y %{y:.3g}<extra></extra>`,
    };
  });
  const layout = baseLayout(options.title ?? "Decision boundary", "x", "y");
  // Equal scales so a circle looks like one; the plot area shrinks rather than showing empty axis beyond the grid.
  layout.xaxis = { ...layout.xaxis, constrain: "domain" };
  layout.yaxis = { ...layout.yaxis, scaleanchor: "x", scaleratio: 1, constrain: "domain" };
  layout.legend = { orientation: "h", x: 0, y: -0.15 };
  layout.height = 560;
  return { data: [surface, ...scatter], layout, config: FIGURE_CONFIG };
}

function axis(range: readonly [number, number], cells: number, what: string): number[] {
  const [low, high] = range;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new Error(`decisionBoundary: ${what} must be [low, high] with low < high, got [${low}, ${high}]`);
  }
  return Array.from({ length: cells }, (_, i) => low + ((high - low) * i) / (cells - 1));
}
