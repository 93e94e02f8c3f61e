import { DEFAULT_CELL_TIMEOUT_MS, executeNotebook, TAG_IGNORE_OUTPUT, TAG_SKIP, type CellFailure, type ExecuteOptions } from "../notebook/execute";
import { cellTags, joinText, readNotebook, writeNotebook, type Notebook } from "../notebook/nbformat";
import { diffOutputs, renderOutputs } from "./compare";
import { deadlineIn, NO_DEADLINE } from "./deadline";
import { cellSettings, notebookSettings } from "./settings";

export interface CellMismatch {
  cellNumber: number;
  firstLine: string;
  diff: string;
}

export interface RegressionResult {
  file: string;
  /** The notebook could not be executed to the end. */
  executionFailure?: CellFailure;
  mismatches: CellMismatch[];
  executed: Notebook;
}

/**
 * Compares every code cell's stored outputs with freshly executed ones.
 * Cells tagged nbval-skip are neither run nor compared; nbval-ignore-output
 * cells run but are not compared. Both notebooks must have the same cells.
 */
export function compareNotebooks(stored: Notebook, executed: Notebook, deadline = NO_DEADLINE): CellMismatch[] {
  const settings = notebookSettings(stored);
  const mismatches: CellMismatch[] = [];
  if (stored.cells.length !== executed.cells.length) {
    throw new Error(`the notebooks differ in cell count (${stored.cells.length} stored, ${executed.cells.length} executed)`);
  }
  stored.cells.forEach((cell, index) => {
    const fresh = executed.cells[index]!;
    if (cell.cell_type !== "code" || fresh.cell_type !== "code") return;
    const tags = cellTags(cell);
    if (tags.includes(TAG_SKIP) || tags.includes(TAG_IGNORE_OUTPUT)) return;
    const own = cellSettings(settings, cell, index + 1);
    const diff = diffOutputs(renderOutputs(cell.outputs, own, deadline), renderOutputs(fresh.outputs, own, deadline), own.tolerance, deadline);
    if (diff !== undefined) {
      const firstLine = joinText(cell.source).split("\n").find((line) => line.trim()) ?? "";
      mismatches.push({ cellNumber: index + 1, firstLine: firstLine.trim(), diff });
    }
  });
  return mismatches;
}

/**
 * Re-executes a notebook file and compares it with what it stores. The
 * comparison gets the same time limit as a cell, so a notebook's own
 * sanitize pattern or a huge output cannot hold `gradient-lab test` for ever.
 */
export async function regressNotebook(file: string, options: ExecuteOptions = {}): Promise<RegressionResult> {
  const stored = await readNotebook(file);
  const { notebook: executed, failure } = await executeNotebook(stored, file, { ...options, skipTags: [TAG_SKIP] });
  const deadline = deadlineIn(options.timeoutMs ?? DEFAULT_CELL_TIMEOUT_MS);
  return { file, executionFailure: failure, mismatches: failure ? [] : compareNotebooks(stored, executed, deadline), executed };
}

/** Stores fresh outputs on purpose (`gradient-lab test --update`); only a clean run is written. */
export async function refreshStoredOutputs(result: RegressionResult): Promise<boolean> {
  if (result.executionFailure) return false;
  await writeNotebook(result.file, result.executed);
  return true;
}

/** The report a person reads: notebook, cell, then expected (-) and actual (+). */
export function formatRegression(result: RegressionResult): string {
  if (result.executionFailure) {
    const { cellNumber, firstLine, message } = result.executionFailure;
    return `${result.file}: cell ${cellNumber} (${firstLine}) failed to execute:\n${indent(message)}`;
  }
  return result.mismatches
    .map(({ cellNumber, firstLine, diff }) => `${result.file}: cell ${cellNumber} (${firstLine}) outputs differ (- stored, + now):\n${indent(diff)}`)
    .join("\n\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
