import { createRequire } from "node:module";
import type { MimeBundle } from "./bundle";

type WriteDisplayData = (content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab (pinned at 1.0.22) has no public call that sends several MIME types
 * in one output, but its module `dist/jupyter.js` keeps the function that
 * writes `display_data` for the running cell in `lastWriteDisplayData`
 * (tslab's own `display.html()` uses it). We find that module in the
 * kernel's module cache rather than requiring tslab ourselves: a notebook may
 * load this package from another folder than the one tslab runs from, and a
 * second copy of tslab would have no running cell.
 */
function tslabWriter(): WriteDisplayData | null {
  const cache = createRequire(__filename).cache;
  for (const [path, module] of Object.entries(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(path)) continue;
    const writer = (module?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === "function") return writer as WriteDisplayData;
  }
  return null;
}

/** True inside a tslab kernel that is running (or has run) a cell. */
export function insideTslab(): boolean {
  return tslabWriter() !== null;
}

/** Where an output goes: a new output, optionally with a display id, or an update of the output(s) shown with that id. */
export interface DisplayTarget {
  displayId?: string;
  update?: boolean;
}

/**
 * Sends one `display_data` message with every representation in `bundle`
 * (or, with `update`, an `update_display_data` for `displayId`: Jupyter's
 * `transient.display_id`, which tslab's writer passes through as given).
 * Outside a kernel (a plain Node script) it prints the text/plain form, so
 * the same code still says what it would have shown.
 */
export function sendDisplayData(bundle: MimeBundle, target: DisplayTarget = {}): void {
  const write = tslabWriter();
  if (!write) {
    process.stdout.write(`${String(bundle["text/plain"] ?? "(display output)")}\n`);
    return;
  }
  const transient = target.displayId === undefined ? {} : { display_id: target.displayId };
  write({ data: bundle, metadata: {}, transient }, target.update === true);
}

/**
 * The running cell, as tslab knows it: its output writer, which tslab makes
 * anew for every execute request (null outside a kernel). A display id shown
 * in an earlier cell is shown afresh, not updated, in a new one.
 */
export function currentCell(): object | null {
  return tslabWriter();
}

/** What the gradient-lab kernel offers a cell besides display_data (kernel/tslab/cell-output.ts, KernelHooks). */
interface KernelHooks {
  clearOutput(wait: boolean): void;
  watched(): boolean;
  input(prompt: string, password: boolean): Promise<string>;
}

function kernelHooks(): KernelHooks | undefined {
  return (globalThis as Record<symbol, KernelHooks | undefined>)[Symbol.for("gradient-lab.kernel")];
}

/**
 * Whether a person watches the running cell's outputs change (its frontend
 * takes input, as JupyterLab does); a batch runner keeps only the final
 * state. Outside the gradient-lab kernel: assumed watched.
 */
export function cellIsWatched(): boolean {
  return kernelHooks()?.watched() ?? true;
}

/**
 * Clears the running cell's output (Jupyter's clear_output); with `wait`,
 * only when its next output arrives, so a redrawn display does not flicker.
 * Outside the gradient-lab kernel there is nothing to clear.
 */
export function sendClearOutput(wait: boolean): void {
  kernelHooks()?.clearOutput(wait);
}

/**
 * Asks the user for a line of text through the notebook (Jupyter's
 * input_request). A frontend that cannot answer (nbclient, papermill: the
 * request says allow_stdin false) makes it fail at once with
 * StdinNotImplementedError; outside the gradient-lab kernel it fails too.
 */
export function requestInput(prompt: string, password: boolean): Promise<string> {
  const hooks = kernelHooks();
  if (!hooks) return Promise.reject(new Error("input() needs the gradient-lab kernel: there is no frontend to ask here"));
  return hooks.input(prompt, password);
}
