import type { Annotation, Data, Layout, ScatterData } from "plotly.js-dist";
import type { Figure, FigureFrame } from "./figure";
import type { NetworkDescription } from "../network/description";
import type { HistoryEntry } from "../trace/train";
import { lossCurve } from "./loss-curve";
import { diagramAxes, diagramTitle, edgeHoverTrace, edgeLabel, LABEL_LIMIT, legendText, neuronLabel, neuronTrace } from "./network-diagram";
import { type DiagramQuantity, edgeWidth, type NetworkGeometry, networkGeometry } from "./network-geometry";
import { BACKGROUND_COLOUR, CURRENT_POINT_COLOUR, FIGURE_CONFIG, FONT_FAMILY, formatValue, signColour } from "./style";
import { thinHistory } from "./thin-history";

/**
 * Scrub through training: the network diagram and the loss curve side by
 * side, with a slider over the steps of a run. Each slider position is a
 * Plotly frame holding that step's edge widths and colours and the loss
 * curve's marked point, so the figure moves in any page that has plotly.js
 * (course site, JupyterLab, classic Notebook, nbconvert HTML), with no kernel.
 *
 *   const run = train(seedNetwork(), { samples: [seedExample], learningRate: 0.01, maxSteps: 40 });
 *   show(scrubTraining(run, { show: "weight" }));                         // or "gradient"
 *   show(scrubTraining(run, { show: "update", learningRate: 0.01, maxFrames: 30 }));
 */
export interface ScrubRun {
  /** The network's structure (a `TrainingRun`'s `network` fits). */
  network: NetworkDescription;
  /** One entry per state, step 0 first (a `TrainingRun`'s `history` fits). */
  history: readonly HistoryEntry[];
}

export interface ScrubOptions {
  /** What the edges show (default "weight"). */
  show?: DiagramQuantity;
  /** Needed for "update": SGD's step is -learningRate * gradient. */
  learningRate?: number;
  /** At most this many slider positions, evenly spaced, first and last kept (default 60). */
  maxFrames?: number;
  logScale?: boolean;
  title?: string;
}

/** Each edge is its own trace here (frames restyle traces by index), so the edge count is kept modest. */
export const MAX_SCRUB_EDGES = 150;
export const DEFAULT_SCRUB_FRAMES = 60;

/** Where the two panels sit across the figure's width. */
export const LEFT_PANEL: [number, number] = [0, 0.55];
export const LOSS_PANEL: [number, number] = [0.63, 1];
/** Room under the panels for the loss axis title and the slider. */
export const SLIDER_MARGIN = 130;

export function scrubTraining(run: ScrubRun, options: ScrubOptions = {}): Figure {
  const quantity = options.show ?? "weight";
  const maxFrames = frameLimit(options.maxFrames, DEFAULT_SCRUB_FRAMES, "scrubTraining");
  if (!run || !Array.isArray(run.history) || run.history.length === 0)
    throw new Error("scrubTraining: the run has no history; pass a TrainingRun (train(...)) or { network, history }");
  const entries = thinHistory(run.history, maxFrames);
  const geometryAt = (entry: HistoryEntry): NetworkGeometry =>
    networkGeometry(run.network, { show: quantity, entry, ...(options.learningRate === undefined ? {} : { learningRate: options.learningRate }) });
  const first = geometryAt(entries[0] as HistoryEntry);
  if (first.edges.length > MAX_SCRUB_EDGES) {
    throw new Error(`scrubTraining: ${first.edges.length} weights are too many to animate (limit ${MAX_SCRUB_EDGES}); scrub a smaller network`);
  }
  const states = [first, ...entries.slice(1).map(geometryAt)];
  // One scale for every frame, so an edge that thins as training goes on is seen to thin.
  const largest = Math.max(0, ...states.flatMap((s) => s.edges.map((e) => Math.abs(e.value))));
  const sized = states.map((s) => ({ ...s, edges: s.edges.map((e) => ({ ...e, width: edgeWidth(e.value, largest) })) }));
  const labelled = first.edges.length <= LABEL_LIMIT && first.neurons.length <= LABEL_LIMIT;

  const curve = lossCurve({ label: "loss", history: thinHistory(run.history, 500) }, { ...(options.logScale ? { logScale: true } : {}) });
  const lossTrace = { ...(curve.data[0] as Partial<ScatterData>), xaxis: "x2", yaxis: "y2" };
  const edgeCount = first.edges.length;
  const moving = [...first.edges.keys(), edgeCount, edgeCount + 1, edgeCount + 3];

  // Only what changes from step to step: edge widths and colours, hover texts, bias rings, the marked point.
  const stateData = (geometry: NetworkGeometry, entry: HistoryEntry): Data[] => {
    const neurons = neuronTrace(geometry.neurons, quantity);
    return [
      ...geometry.edges.map((e): Partial<ScatterData> => ({ line: { width: e.width, color: signColour(e.value) } })),
      { hovertext: edgeHoverTrace(geometry.edges, quantity).hovertext },
      { marker: { line: { color: (neurons.marker?.line as { color?: unknown } | undefined)?.color } }, hovertext: neurons.hovertext },
      { x: [entry.step], y: [entry.loss] },
    ] as Data[];
  };
  const stateAnnotations = (geometry: NetworkGeometry, entry: HistoryEntry): Partial<Annotation>[] => [
    lossReadout(entry),
    ...(labelled ? [...geometry.edges.map((e) => edgeLabel(e, quantity)), ...geometry.neurons.flatMap((n) => neuronLabel(n, quantity))] : []),
  ];
  const frames: FigureFrame[] = sized.map((geometry, i) => {
    const entry = entries[i] as HistoryEntry;
    return {
      name: frameName(entry.step),
      traces: moving,
      data: stateData(geometry, entry),
      layout: { annotations: stateAnnotations(geometry, entry).map(changingPart) },
    };
  });

  const firstSized = sized[0] as NetworkGeometry;
  const firstEntry = entries[0] as HistoryEntry;
  const data: Data[] = [
    ...firstSized.edges.map(
      (e): Partial<ScatterData> => ({
        type: "scatter",
        mode: "lines",
        name: e.name,
        x: [e.from.x, e.to.x],
        y: [e.from.y, e.to.y],
        line: { width: e.width, color: signColour(e.value) },
        hoverinfo: "skip",
      }),
    ),
    edgeHoverTrace(firstSized.edges, quantity),
    neuronTrace(firstSized.neurons, quantity),
    lossTrace,
    currentLossPoint("step", firstEntry, true),
  ];
  const axes = diagramAxes(first.neurons);
  const layout: Partial<Layout> = {
    title: { text: `${options.title ?? diagramTitle(run.network, quantity)}, step by step<br><sup>${legendText(quantity)}</sup>` },
    showlegend: false,
    hovermode: "closest",
    font: { family: FONT_FAMILY, size: 13 },
    margin: { l: 20, r: 30, t: 90, b: SLIDER_MARGIN },
    height: (axes.height ?? 420) + SLIDER_MARGIN,
    xaxis: { ...axes.xaxis, domain: LEFT_PANEL },
    yaxis: axes.yaxis,
    xaxis2: { ...curve.layout.xaxis, domain: LOSS_PANEL, anchor: "y2" },
    yaxis2: { ...curve.layout.yaxis, anchor: "x2" },
    plot_bgcolor: BACKGROUND_COLOUR,
    paper_bgcolor: BACKGROUND_COLOUR,
    annotations: stateAnnotations(firstSized, firstEntry),
    sliders: [slider(entries)],
  };
  return { data, layout, config: FIGURE_CONFIG, frames };
}

/**
 * Plotly merges a frame's annotations into the drawn ones entry by entry, so
 * a frame carries only what moves (text and colour); positions and fonts stay
 * in the layout once. On the 2-2-1 net this took a 35-frame figure from 99 kB to 58 kB.
 */
export function changingPart(annotation: Partial<Annotation>): Partial<Annotation> {
  return { text: annotation.text ?? "", ...(annotation.font?.color === undefined ? {} : { font: { color: annotation.font.color } }) };
}

/** The slider under both panels: one position per frame, each jumping to its frame at once. */
export function slider(entries: readonly { step: number }[], prefix = "step "): NonNullable<Layout["sliders"]>[number] {
  return {
    active: 0,
    x: 0,
    len: 1,
    y: 0,
    yanchor: "top",
    pad: { t: 50, b: 10 },
    currentvalue: { prefix, visible: true, xanchor: "left" },
    steps: entries.map((entry) => ({
      label: String(entry.step),
      method: "animate",
      args: [[frameName(entry.step)], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
    })),
  } as NonNullable<Layout["sliders"]>[number];
}

/** The frame limit asked for, or the default; a slider needs at least two positions. */
export function frameLimit(asked: number | undefined, fallback: number, where: string): number {
  if (asked === undefined) return fallback;
  if (!Number.isInteger(asked) || asked < 2) throw new Error(`${where}: maxFrames must be a whole number of at least 2, got ${String(asked)}`);
  return asked;
}

export function frameName(step: number): string {
  return `step ${step}`;
}

/** The marker of the frame shown on a scrubbed figure's loss curve (the right panel's axes), at `point`, an epoch's or a step's loss. */
export function currentLossPoint(unit: "epoch" | "step", point: { step: number; loss: number }, inLegend: boolean): Data {
  return {
    type: "scatter",
    mode: "markers",
    name: `this ${unit}`,
    ...(inLegend ? {} : { showlegend: false }),
    xaxis: "x2",
    yaxis: "y2",
    x: [point.step],
    y: [point.loss],
    marker: { size: 13, color: CURRENT_POINT_COLOUR, line: { width: 2, color: BACKGROUND_COLOUR } },
    hovertemplate: `${unit} %{x}<br>loss %{y:.6g}<extra></extra>`,
  };
}

/** The marked point's numbers in words, above the loss panel, so the current loss reads without hovering. */
export function lossReadout(entry: { step: number; loss: number }, unit = "step"): Partial<Annotation> {
  return {
    name: "loss-readout",
    xref: "paper",
    yref: "paper",
    x: LOSS_PANEL[0],
    y: 1.02,
    xanchor: "left",
    yanchor: "bottom",
    showarrow: false,
    text: `${unit} ${entry.step}: loss ${formatValue(entry.loss)}`,
    font: { size: 13, color: CURRENT_POINT_COLOUR },
  };
}
