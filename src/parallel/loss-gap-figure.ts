import type { Data } from "plotly.js-dist";
import type { Figure } from "../plots/figure";

export interface LossGapRun {
  label: string;
  /** Loss after each update, the same length as the reference. */
  losses: readonly number[];
}

/**
 * Runs that should follow a reference curve, drawn as their difference from
 * it: curves that coincide to the last bit would hide each other on a plot of
 * the losses themselves, while their gaps show what little rounding remains.
 */
export function lossGapFigure(reference: readonly number[], runs: readonly LossGapRun[], title: string): Figure {
  const data: Data[] = runs.map((run) => {
    if (run.losses.length !== reference.length) {
      throw new RangeError(`lossGapFigure: run "${run.label}" has ${run.losses.length} losses, the reference ${reference.length}`);
    }
    return {
      type: "scatter",
      mode: "lines",
      name: run.label,
      x: run.losses.map((_, k) => k),
      y: run.losses.map((loss, k) => loss - reference[k]!),
    };
  });
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: "updates" } },
      yaxis: { title: { text: "loss minus the one-worker loss" }, exponentformat: "power" },
    },
  };
}
