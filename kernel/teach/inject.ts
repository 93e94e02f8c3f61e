import { cellTags, type CodeCell, type Notebook } from "../notebook/nbformat";
import type { JsonValue, ParametersCell } from "./parameters";

/**
 * papermill's way of running a notebook with other values: a new cell right
 * after the parameters cell redeclares the chosen ones (a later cell may
 * redeclare a const, and later cells see the new value), and the notebook's
 * metadata records what was injected, under the keys papermill writes, so
 * tools that read papermill's output read ours.
 *
 * The cell is exactly the one papermill writes with our translator
 * (`kernel/teach/papermill/`, `papermill -k gradient-lab -p NAME VALUE`): a
 * `// Parameters` line, then `const NAME = <JSON>;` per value. papermill's
 * translator sees only the values, so neither repeats a declared type
 * annotation: the new value's own type is what later cells see.
 */
export const INJECTED_TAG = "injected-parameters";

export function injectedCell(values: ReadonlyMap<string, JsonValue>): CodeCell {
  const lines = ["// Parameters", ...[...values].map(([name, value]) => `const ${name} = ${JSON.stringify(value)};`)];
  return {
    cell_type: "code",
    metadata: { tags: [INJECTED_TAG] },
    source: `${lines.join("\n")}\n`,
    outputs: [],
    execution_count: null,
  };
}

export interface PapermillRun {
  inputPath: string;
  outputPath: string;
  startTime: Date;
}

/**
 * The notebook to execute: any earlier injected cell removed (as papermill
 * does when it runs its own output again), the new one placed after the
 * parameters cell, and `metadata.papermill` begun.
 */
export function injectParameters(source: Notebook, parameters: ParametersCell, values: ReadonlyMap<string, JsonValue>, run: PapermillRun): Notebook {
  const parametersCell = source.cells[parameters.index]!;
  const cells = source.cells.filter((cell) => !cellTags(cell).includes(INJECTED_TAG));
  const at = cells.indexOf(parametersCell) + 1;
  const notebook: Notebook = { ...source, cells: [...cells.slice(0, at), injectedCell(values), ...cells.slice(at)] };
  notebook.metadata = {
    ...source.metadata,
    papermill: {
      default_parameters: Object.fromEntries(parameters.parameters.map((p) => [p.name, p.value])),
      parameters: Object.fromEntries(values),
      environment_variables: {},
      input_path: run.inputPath,
      output_path: run.outputPath,
      start_time: run.startTime.toISOString(),
      end_time: null,
      duration: null,
      exception: null,
    },
  };
  return notebook;
}

/** Closes `metadata.papermill` once the run is over: end time and duration in seconds (a failed run writes no copy, so exception stays null). */
export function finishPapermill(executed: Notebook, endTime = new Date()): Notebook {
  const papermill = executed.metadata.papermill as Record<string, unknown> | undefined;
  if (!papermill || typeof papermill.start_time !== "string") return executed;
  const duration = (endTime.getTime() - Date.parse(papermill.start_time)) / 1000;
  return { ...executed, metadata: { ...executed.metadata, papermill: { ...papermill, end_time: endTime.toISOString(), duration } } };
}
