import { randomUUID } from "node:crypto";
import type { Figure } from "../../src/plots/figure";
import { figureBundle, markdownBundle, type MimeBundle } from "./bundle";
import { UpdateThrottle } from "./throttle";
import { currentCell, sendDisplayData } from "./tslab";

/**
 * Outputs that change in place while a cell runs: `display(x, { id })` shows
 * one, `update(id, x)` replaces what it shows (Jupyter's `display_id` and
 * `update_display_data`), at most about ten times a second per id, the last
 * state always delivered (`throttle.ts`).
 */

/** Markdown (with $...$ LaTeX) or a Markdown table, ready to display; a plain string displays as text. */
export class RichText {
  constructor(readonly bundle: MimeBundle) {}
}

export type Displayable = Figure | RichText | string;

export function markdown(text: string): RichText {
  return new RichText(markdownBundle(text));
}

const throttle = new UpdateThrottle();
/** Each display id shown in this kernel, numbered in the order shown (a figure's HTML element id, stable from run to run). */
const displayNumbers = new Map<string, number>();

function bundleOf(shown: Displayable, displayNumber: number): MimeBundle {
  if (typeof shown === "string") return { "text/plain": shown };
  if (shown instanceof RichText) return shown.bundle;
  return figureBundle(shown, `gradient-lab-live-${displayNumber}`);
}

/**
 * Shows `shown` as a new output that `update` can change later, and returns
 * its display id (the given `id`, or a fresh one). Showing an id again makes
 * a new output with it; updates then change both, as in Jupyter.
 */
export function display(shown: Displayable, options: { id?: string } = {}): string {
  const id = options.id ?? randomUUID();
  if (id === "") throw new Error("display: the display id is empty; leave it out to get a fresh one");
  const number = displayNumbers.get(id) ?? displayNumbers.size;
  displayNumbers.set(id, number);
  // A fresh output goes out at once, in order with the cell's other outputs; a pending update of the id is dropped.
  throttle.forget(id);
  throttle.offer(id, () => sendDisplayData(bundleOf(shown, number), { displayId: id }));
  return id;
}

/** Replaces what the display `id` shows; throttled (see the top of this file). `shown` may be a function, called only for the states actually sent. */
export function update(id: string, shown: Displayable | (() => Displayable)): void {
  const number = displayNumbers.get(id);
  if (number === undefined) throw new Error(`update: no display has the id "${id}"; show it first with display(x, { id: "${id}" })`);
  throttle.offer(id, () => sendDisplayData(bundleOf(typeof shown === "function" ? shown() : shown, number), { displayId: id, update: true }));
}

/** Sends every throttled update still waiting, now (a loop that has ended calls it; see FLUSH_DISPLAYS). */
export function flushDisplays(id?: string): void {
  throttle.flush(id);
}

/**
 * Where a kernel finds the flush of every copy of this module loaded in it:
 * a set of functions on `globalThis` under this symbol. A kernel that calls
 * them after a cell has finished and before its `execute_reply` makes a cell
 * that awaits between updates end on its final state too (a cell that never
 * awaits does without: see throttle.ts).
 */
export const FLUSH_DISPLAYS = Symbol.for("gradient-lab.display.flush");
const registry = globalThis as { [FLUSH_DISPLAYS]?: Set<() => void> };
(registry[FLUSH_DISPLAYS] ??= new Set()).add(() => flushDisplays());

/** The progress line of each label: its display id and the cell it was shown in. */
const progressLines = new Map<string, { id: string; cell: object | null }>();
const PROGRESS_BAR_WIDTH = 30;

/**
 * A progress line, `label done/total [#####-----] 50%`, shown once per cell
 * and label and updated in place (throttled; the line at `done === total`
 * is sent at once).
 */
export function progress(done: number, total: number, label = "progress"): void {
  if (!Number.isFinite(total) || total <= 0) throw new Error(`progress: the total must be a number above 0, got ${total} (label "${label}")`);
  if (!Number.isFinite(done) || done < 0 || done > total) throw new Error(`progress: done must be between 0 and ${total}, got ${done} (label "${label}")`);
  const share = done / total;
  const filled = Math.round(share * PROGRESS_BAR_WIDTH);
  const text = `${label} ${done}/${total} [${"#".repeat(filled)}${"-".repeat(PROGRESS_BAR_WIDTH - filled)}] ${Math.floor(share * 100)}%`;
  const cell = currentCell();
  const line = progressLines.get(label);
  if (line === undefined || line.cell !== cell) {
    progressLines.set(label, { id: display(text), cell });
    return;
  }
  update(line.id, text);
  if (done === total) flushDisplays(line.id);
}
