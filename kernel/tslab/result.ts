import { inspect } from "node:util";
import type { Figure } from "../../src/plots/figure";
import { figureBundle, figureElementId, type MimeBundle } from "../display/bundle";

/**
 * How a value asks to be shown richly when it is a cell's result: a method
 * under this symbol returns its MIME bundle. It is Deno's Jupyter convention
 * (`Symbol.for("Jupyter.display")`), so an object written for one TypeScript
 * kernel shows the same in the other.
 */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** Figures shown as results so far, so the same figure twice gets two element ids. */
const figuresShown = new Map<string, number>();

/**
 * The `data` of a cell's execute_result (`Out[n]`): the value's own bundle
 * if it offers one, a Plotly figure (what the plot builders return) as the
 * figure bundle `show` sends, else the text Node's `util.inspect` prints,
 * without colours.
 */
export function resultBundle(value: unknown): MimeBundle {
  const text = inspect(value, { colors: false });
  const own = ownBundle(value);
  if (own) return { "text/plain": text, ...own };
  if (isFigure(value)) {
    const first = figureElementId(value, 0);
    const occurrence = figuresShown.get(first) ?? 0;
    figuresShown.set(first, occurrence + 1);
    return figureBundle(value, `${figureElementId(value, occurrence)}-out`);
  }
  return { "text/plain": text };
}

function ownBundle(value: unknown): MimeBundle | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
  if (typeof method !== "function") return undefined;
  const bundle: unknown = method.call(value);
  if (typeof bundle !== "object" || bundle === null) throw new Error(`the value's [Symbol.for("Jupyter.display")]() returned ${inspect(bundle)}, not a MIME bundle object`);
  return bundle as MimeBundle;
}

function isFigure(value: unknown): value is Figure {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Figure>;
  return Array.isArray(candidate.data) && candidate.data.every((trace) => typeof trace === "object" && trace !== null) && typeof candidate.layout === "object" && candidate.layout !== null;
}
