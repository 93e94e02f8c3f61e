import type { MimeBundle } from "../../display/bundle";
import type { DisplayTarget } from "../../display/tslab";
import { postToPage } from "./worker-messages";

/**
 * kernel/display/tslab.ts for the page's worker: the same functions
 * gradient-lab/display sends through, posting each output to the page
 * instead of writing it to tslab. The browser bundle puts this file in
 * tslab.ts's place (live/build.ts), so show, display, update, progress and
 * follow are the kernel's own code.
 */

/** The cell running now, as the page numbered it; a display id shown in an earlier cell is shown afresh in a new one. */
let runningCell: object | null = null;

export function beginCell(): void {
  runningCell = {};
}

export function insideTslab(): boolean {
  return true;
}

export function sendDisplayData(bundle: MimeBundle, target: DisplayTarget = {}): void {
  postToPage({ kind: "display", bundle, displayId: target.displayId, update: target.update === true });
}

export function currentCell(): object | null {
  return runningCell;
}

export function sendClearOutput(wait: boolean): void {
  postToPage({ kind: "clear", wait });
}

/** A reader watches the page's outputs change, so live displays stream every state, as in JupyterLab. */
export function cellIsWatched(): boolean {
  return true;
}

/** The page has no input box for a running cell (the worker cannot wait for the page synchronously); says so. */
export function requestInput(): Promise<string> {
  return Promise.reject(new Error("input() is not available in the course site's cells: set the value in the cell instead"));
}
