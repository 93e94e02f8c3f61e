import { copyFile, mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { PLOTLY_FILE } from "./names";
import { minifiedPlotlyPath } from "./plotly-source";

/** `<dataDir>/nbextensions/gradient-lab`: what the classic Notebook serves as `nbextensions/gradient-lab/...`. */
export function nbextensionFolder(dataDir: string): string {
  return join(dataDir, "nbextensions", "gradient-lab");
}

/**
 * Copies plotly.js where the classic Notebook serves nbextensions from
 * (`<dataDir>/nbextensions/gradient-lab/plotly.min.js`), so figures shown by
 * `show()` draw offline: their HTML asks requirejs for
 * `nbextensions/gradient-lab/plotly.min`. `dataDir` is a Jupyter data
 * directory, the same one the kernelspec goes into. Returns the file written.
 */
export async function installPlotlyNbextension(dataDir: string): Promise<string> {
  const folder = nbextensionFolder(dataDir);
  await mkdir(folder, { recursive: true });
  const target = join(folder, PLOTLY_FILE);
  // Copy beside the target, then rename: a Notebook never serves half a file.
  const temporary = `${target}.${process.pid}.tmp`;
  await copyFile(minifiedPlotlyPath(), temporary);
  await rename(temporary, target);
  return target;
}
