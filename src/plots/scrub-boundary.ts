import type { Data, HeatmapData, Layout, ScatterData } from "plotly.js-dist";
import type { Figure, FigureFrame } from "./figure";
import type { FitEntry } from "../fast/fit";
import { boundaryFigure, type DecisionGrid, gridAxes, type LabelledPoint, predictionGrid } from "./decision-boundary";
import { lossCurve } from "./loss-curve";
import { changingPart, currentLossPoint, frameLimit, frameName, LEFT_PANEL, LOSS_PANEL, lossReadout, slider, SLIDER_MARGIN } from "./scrub-training";
import { LEGEND_BACKGROUND } from "./style";
import { thinHistory } from "./thin-history";

/**
 * Scrub through a classifier's training: the decision boundary at each
 * recorded epoch beside the loss curve, one slider moving both.
 *
 *   const grid = { x: [-1.2, 1.2], y: [-1.2, 1.2], resolution: 30 } as const;
 *   const snapshots: BoundarySnapshot[] = [];
 *   const history = fit(network, train, { ...options, onEpoch: (e) => {
 *     if (e.epoch % 10 === 0) snapshots.push(boundarySnapshot(e.epoch, predict, grid));
 *   } });
 *   show(scrubBoundary({ points: points.points, grid, snapshots, history }));
 */
export interface BoundarySnapshot {
  epoch: number;
  /** The predictions over the grid at that epoch, rounded (see boundarySnapshot). */
  z: number[][];
}

export interface BoundaryScrubInput {
  points: readonly LabelledPoint[];
  grid: DecisionGrid;
  snapshots: readonly BoundarySnapshot[];
  /** `fit`'s history: the training loss (and the test loss, if recorded) per epoch. */
  history: readonly FitEntry[];
}

export interface BoundaryScrubOptions {
  /** At most this many slider positions (default 30): each stores a whole grid. */
  maxFrames?: number;
  logScale?: boolean;
  title?: string;
}

/** Two decimals are finer than the colour scale shows and keep each stored grid small. */
const SNAPSHOT_DECIMALS = 2;

/** The classifier's predictions over the grid now (call it from fit's onEpoch: the network trains in place). */
export function boundarySnapshot(epoch: number, predict: (x: number, y: number) => number, grid: DecisionGrid): BoundarySnapshot {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`boundarySnapshot: epoch must be a whole number of at least 0, got ${epoch}`);
  const { z } = predictionGrid(predict, grid);
  return { epoch, z: z.map((row) => row.map((value) => Number(value.toFixed(SNAPSHOT_DECIMALS)))) };
}

export function scrubBoundary(input: BoundaryScrubInput, options: BoundaryScrubOptions = {}): Figure {
  const { points, grid, history } = input;
  if (!Array.isArray(input.snapshots) || input.snapshots.length === 0)
    throw new Error("scrubBoundary: no snapshots; record some with boundarySnapshot(epoch, predict, grid) in fit's onEpoch");
  const snapshots = thinHistory(input.snapshots, frameLimit(options.maxFrames, 30, "scrubBoundary"));
  const lossAt = new Map(history.map((entry) => [entry.epoch, entry.trainLoss]));
  const shape = input.snapshots[0]?.z;
  const entries = snapshots.map((snapshot, i) => {
    const loss = lossAt.get(snapshot.epoch);
    if (loss === undefined) throw new Error(`scrubBoundary: snapshots[${i}] is for epoch ${snapshot.epoch}, which the history does not have`);
    if (snapshot.z.length !== shape?.length || snapshot.z[0]?.length !== shape[0]?.length)
      throw new Error(`scrubBoundary: snapshots[${i}] (epoch ${snapshot.epoch}) has a grid of another size than the first`);
    return { step: snapshot.epoch, loss, z: snapshot.z };
  });

  const first = entries[0] as (typeof entries)[number];
  const axes = gridAxes(grid);
  const boundary = boundaryFigure({ x: axes.x, y: axes.y, z: first.z }, points);
  const surface = {
    ...(boundary.data[0] as Partial<HeatmapData>),
    colorbar: { title: { text: "prediction" }, x: LEFT_PANEL[1] + 0.005, len: 0.8, thickness: 12 },
  };
  const classes = boundary.data.slice(1);
  const runs = [{ label: "training set", history: history.map((e) => ({ step: e.epoch, loss: e.trainLoss })) }];
  if (history.every((e) => e.testLoss !== undefined))
    runs.push({ label: "test set", history: history.map((e) => ({ step: e.epoch, loss: e.testLoss as number })) });
  const curve = lossCurve(runs, { ...(options.logScale ? { logScale: true } : {}) });
  const curves = curve.data.map((trace) => ({ ...(trace as Partial<ScatterData>), xaxis: "x2", yaxis: "y2" }));
  const markerIndex = 1 + classes.length + curves.length;
  const data: Data[] = [surface, ...classes, ...curves, currentLossPoint("epoch", first, false)];
  const frames: FigureFrame[] = entries.map((entry) => ({
    name: frameName(entry.step),
    traces: [0, markerIndex],
    data: [{ z: entry.z } as Partial<HeatmapData>, { x: [entry.step], y: [entry.loss] }] as Data[],
    layout: { annotations: [changingPart(lossReadout(entry, "epoch"))] },
  }));
  const layout: Partial<Layout> = {
    ...boundary.layout,
    title: { text: options.title ?? "Decision boundary and loss, epoch by epoch" },
    height: 560 + SLIDER_MARGIN,
    margin: { l: 60, r: 30, t: 80, b: SLIDER_MARGIN },
    xaxis: { ...boundary.layout.xaxis, domain: LEFT_PANEL },
    xaxis2: { ...curve.layout.xaxis, title: { text: "epoch" }, domain: LOSS_PANEL, anchor: "y2" },
    yaxis2: { ...curve.layout.yaxis, anchor: "x2" },
    legend: { x: 1, xanchor: "right", y: 1, bgcolor: LEGEND_BACKGROUND },
    annotations: [lossReadout(first, "epoch")],
    sliders: [slider(entries, "epoch ")],
  };
  return { data, layout, config: boundary.config ?? {}, frames };
}
