import type { Figure } from "../src/figure";
import { figureBundle, figureElementId, markdownBundle, type TableCell, tableMarkdown } from "./display-bundle";
import { sendDisplayData } from "./display-tslab";

/**
 * What notebooks call to show things: `import { show, showMarkdown } from
 * "gradient-lab/display"`. Each call sends one output from the running cell.
 */

/** How often each figure has been shown in this kernel, so repeated figures get distinct but stable element ids. */
const shownBefore = new Map<string, number>();

/** Shows a Plotly figure (from the plot builders) as one output: Plotly JSON, HTML that draws it, and a text line. */
export function show(figure: Figure): void {
  const first = figureElementId(figure, 0);
  const occurrence = shownBefore.get(first) ?? 0;
  shownBefore.set(first, occurrence + 1);
  sendDisplayData(figureBundle(figure, figureElementId(figure, occurrence)));
}

/** Shows Markdown with $...$ and $$...$$ LaTeX, e.g. the equation tables the engine's renderers produce. */
export function showMarkdown(markdown: string): void {
  sendDisplayData(markdownBundle(markdown));
}

/** Shows rows of plain values as a table, one column per key of the first row (or the given columns). */
export function showTable(rows: readonly Readonly<Record<string, TableCell>>[], columns?: readonly string[]): void {
  sendDisplayData(markdownBundle(tableMarkdown(rows, columns)));
}

export { figureBundle, figureHtml, figureTitle, PLOTLY_MIME, type MimeBundle, type TableCell } from "./display-bundle";
export { insideTslab } from "./display-tslab";
