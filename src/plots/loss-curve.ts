import type { Annotation, ScatterData } from "plotly.js-dist";
import type { Figure } from "./figure";
import type { HistoryEntry } from "../trace/train";
import { baseLayout, FIGURE_CONFIG, formatValue, seriesColour } from "./style";

/**
 * One training run as the loss curve needs it. A `TrainingRun` fits as is;
 * so does the history of a `TrainingDivergedError`, marked `diverged`.
 */
export interface LossCurveRun {
  label?: string;
  history: readonly Pick<HistoryEntry, "step" | "loss">[];
  /** The run stopped because it blew up; its last point gets a cross. */
  diverged?: boolean;
}

export interface LossCurveOptions {
  /** A log y axis, to see the loss keep falling long after it looks flat. */
  logScale?: boolean;
  title?: string;
  /** What one point on the x axis is (default "step"); a per-epoch history says "epoch". */
  unit?: string;
}

/** The loss against the step, one line per run, overlaid on shared axes. */
export function lossCurve(runs: LossCurveRun | readonly LossCurveRun[], options: LossCurveOptions = {}): Figure {
  const list: readonly LossCurveRun[] = isRunList(runs) ? runs : [runs];
  const unit = options.unit ?? "step";
  if (list.length === 0) throw new Error("lossCurve: no runs given; pass one run or a list of { label, history }");
  const data: Partial<ScatterData>[] = [];
  list.forEach((run, i) => {
    const label = run.label ?? (list.length === 1 ? "loss" : `run ${i + 1}`);
    if (!Array.isArray(run.history)) throw new Error(`lossCurve: run ${i + 1} (${label}) has no history list`);
    run.history.forEach((entry, k) => {
      if (typeof entry?.step !== "number" || typeof entry.loss !== "number") {
        throw new Error(`lossCurve: run ${i + 1} (${label}) history[${k}] needs numeric 'step' and 'loss'`);
      }
    });
    const colour = seriesColour(i);
    const steps = run.history.map((entry) => entry.step);
    const values = run.history.map((entry) => entry.loss);
    data.push({
      type: "scatter",
      mode: run.history.length <= 30 ? "lines+markers" : "lines",
      name: run.diverged ? `${label} (diverged)` : label,
      x: steps,
      y: values,
      line: { color: colour, width: 2 },
      // The trace name appears beside the hover box, so the template needs only the numbers.
      hovertemplate: `${unit} %{x}<br>loss %{y:.6g}`,
    });
    const last = run.history[run.history.length - 1];
    if (run.diverged && last) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `${label}: last finite loss`,
        showlegend: false,
        x: [last.step],
        y: [last.loss],
        marker: { symbol: "x", size: 12, color: colour },
        hovertext: [`${label} diverged after ${unit} ${last.step}; last finite loss ${formatValue(last.loss)}`],
        hoverinfo: "text",
      });
    }
  });
  const layout = baseLayout(options.title ?? (list.length === 1 ? "Loss during training" : "Loss during training, runs compared"), unit, "loss");
  if (options.logScale) layout.yaxis = { ...layout.yaxis, type: "log", exponentformat: "power" };
  const range = rangeOfSettledRuns(list, options.logScale ?? false);
  if (range) {
    layout.yaxis = { ...layout.yaxis, range };
    layout.annotations = list.filter((run) => run.diverged).map((run) => divergenceNote(run, list.indexOf(run), unit));
  }
  return { data, layout, config: FIGURE_CONFIG };
}

/**
 * A diverged run climbs to 1e200 and would flatten every other curve, so
 * when some runs settled the y axis fits those; the diverged ones leave
 * through the top, with a note saying where they stopped.
 */
function rangeOfSettledRuns(runs: readonly LossCurveRun[], logScale: boolean): [number, number] | null {
  if (!runs.some((run) => run.diverged)) return null;
  const losses = runs
    .filter((run) => !run.diverged)
    .flatMap((run) => run.history.map((entry) => entry.loss))
    .filter((loss) => Number.isFinite(loss) && (!logScale || loss > 0));
  if (losses.length === 0) return null;
  const low = Math.min(...losses);
  const high = Math.max(...losses);
  // Plotly gives a log axis's range in powers of ten; leave room above for the diverged runs to be seen rising.
  if (logScale) return [Math.log10(low) - 0.5, Math.log10(high) + 1.5];
  return [Math.min(0, low), high * 2 || 1];
}

function divergenceNote(run: LossCurveRun, index: number, unit: string): Partial<Annotation> {
  const last = run.history[run.history.length - 1];
  return {
    x: last?.step ?? 0,
    y: 1,
    yref: "paper",
    yanchor: "bottom",
    text: `${run.label ?? `run ${index + 1}`} diverged after ${unit} ${last?.step ?? 0}`,
    showarrow: false,
    font: { size: 11, color: seriesColour(index) },
  };
}

function isRunList(runs: LossCurveRun | readonly LossCurveRun[]): runs is readonly LossCurveRun[] {
  return Array.isArray(runs);
}
