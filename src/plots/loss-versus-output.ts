import type { ScatterData } from "plotly.js-dist";
import { floatArithmetic } from "../math/arithmetic";
import type { Figure } from "./figure";
import { lossByName, type LossName } from "../math/losses";
import { baseLayout, FIGURE_CONFIG, formatValue, NEGATIVE_COLOUR, POSITIVE_COLOUR, TARGET_COLOUR } from "./style";

export interface LossVersusOutputOptions {
  /** Mark the output the network actually gave (the source's Yr = 2.5) and its loss. */
  received?: number;
  /** Sample points across the range (default 201). */
  points?: number;
  title?: string;
}

/**
 * The loss of one output as a function of that output, with the target
 * fixed: the curve gradient descent walks down. Computed with the engine's
 * own loss, so the marked point is the loss the notebook prints.
 */
export function lossVersusOutput(
  expected: number,
  range: readonly [number, number],
  loss: LossName = "squared-error",
  options: LossVersusOutputOptions = {},
): Figure {
  const definition = lossByName(loss);
  const [low, high] = range;
  if (!Number.isFinite(expected)) throw new Error(`lossVersusOutput: expected must be a finite number, got ${expected}`);
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new Error(`lossVersusOutput: range must be [low, high] with low < high, got [${low}, ${high}]`);
  }
  const count = options.points ?? 201;
  if (!Number.isInteger(count) || count < 2) throw new Error(`lossVersusOutput: points must be a whole number of at least 2, got ${count}`);
  const lossAt = (output: number): number | null => {
    // Some losses (cross-entropy) are undefined for part of the range; leave a gap there.
    try {
      const value = definition.value([output], [expected], floatArithmetic);
      return Number.isFinite(value) ? value : null;
    } catch {
      return null;
    }
  };
  const outputs = Array.from({ length: count }, (_, i) => low + ((high - low) * i) / (count - 1));
  const data: Partial<ScatterData>[] = [
    {
      type: "scatter",
      mode: "lines",
      name: `${loss} loss`,
      x: outputs,
      y: outputs.map(lossAt),
      line: { color: POSITIVE_COLOUR, width: 2 },
      hovertemplate: "output %{x:.4g}<br>loss %{y:.6g}<extra></extra>",
    },
  ];
  const annotations = [];
  const atTarget = lossAt(expected);
  if (expected >= low && expected <= high && atTarget !== null) {
    data.push(marker("target", expected, atTarget, TARGET_COLOUR, `target Ye = ${formatValue(expected)}<br>loss ${formatValue(atTarget)}`));
  }
  if (options.received !== undefined) {
    const at = lossAt(options.received);
    if (at === null) throw new Error(`lossVersusOutput: the ${loss} loss is undefined at the received output ${options.received}`);
    data.push(marker("received", options.received, at, NEGATIVE_COLOUR, `received Yr = ${formatValue(options.received)}<br>loss ${formatValue(at)}`));
    annotations.push({
      x: options.received,
      y: at,
      text: `Yr = ${formatValue(options.received)}, loss = ${formatValue(at)}`,
      showarrow: true,
      arrowhead: 2,
      ax: 40,
      ay: -40,
    });
  }
  const layout = baseLayout(options.title ?? `${loss} loss against the output, target Ye = ${formatValue(expected)}`, "output Yr", "loss");
  layout.annotations = annotations;
  layout.showlegend = false;
  return { data, layout, config: FIGURE_CONFIG };
}

function marker(name: string, x: number, y: number, colour: string, hover: string): Partial<ScatterData> {
  return { type: "scatter", mode: "markers", name, x: [x], y: [y], marker: { size: 11, color: colour }, hovertext: [hover], hoverinfo: "text" };
}
