import type { Figure } from "../../src/plots/figure";
import { markdownTable } from "../../src/render/equations";
import { figureBundle, figureElementId, markdownBundle } from "./bundle";
import { markdown, RichText } from "./live";
import { requestInput, sendClearOutput, sendDisplayData } from "./tslab";

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
export function showMarkdown(text: string): void {
  sendDisplayData(markdownBundle(text));
}

export type TableCell = string | number | boolean | null;

/** Shows rows of plain values as a table (see `table`). */
export function showTable(rows: readonly Readonly<Record<string, TableCell>>[], columns?: readonly string[]): void {
  sendDisplayData(table(rows, columns).bundle);
}

/**
 * Rows of plain values as a Markdown table, one column per key of the first
 * row (or the given columns); a column of numbers only is right-aligned.
 * Ready for `display` and `update`.
 */
export function table(rows: readonly Readonly<Record<string, TableCell>>[], columns?: readonly string[]): RichText {
  return markdown(tableMarkdown(rows, columns));
}

function tableMarkdown(rows: readonly Readonly<Record<string, TableCell>>[], columns?: readonly string[]): string {
  const first = rows[0];
  if (!first && !columns) throw new Error("table: no rows and no columns to show");
  const names = columns ?? Object.keys(first ?? {});
  if (names.length === 0) throw new Error("table: the rows have no columns");
  const text = (value: TableCell | undefined): string => (value === undefined || value === null ? "" : String(value));
  const align = names.map((name): "left" | "right" => (rows.every((row) => typeof row[name] === "number") ? "right" : "left"));
  return markdownTable(names, rows.map((row) => names.map((name) => text(row[name]))), align);
}

export { display, update, progress, markdown, flushDisplays, FLUSH_DISPLAYS, RichText, type Displayable } from "./live";
export { follow, type FollowOptions } from "./follow";

/** Clears what the running cell has shown so far; with `wait`, just before its next output. */
export function clearOutput(wait = false): void {
  sendClearOutput(wait);
}

/** Asks the user for a line of text in the notebook (`{ password: true }` hides what is typed); Jupyter's input_request. */
export function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
  return requestInput(prompt, options.password === true);
}

export { grade, WrongAnswerError } from "./grade";
export { figureBundle, figureHtml, figureTitle, type MimeBundle } from "./bundle";
export { PLOTLY_MIME } from "./names";
export { insideTslab } from "./tslab";
