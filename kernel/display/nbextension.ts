import { copyFile, mkdir, rename } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * Copies plotly.js where the classic Notebook serves nbextensions from
 * (`<dataDir>/nbextensions/gradient-lab/plotly.min.js`), so figures shown by
 * `show()` draw offline: their HTML asks requirejs for
 * `nbextensions/gradient-lab/plotly.min`. `dataDir` is a Jupyter data
 * directory, the same one the kernelspec goes into. Returns the file written.
 */
export async function installPlotlyNbextension(dataDir: string): Promise<string> {
  const source = createRequire(__filename).resolve("plotly.js-dist/plotly.js");
  const folder = join(dataDir, "nbextensions", "gradient-lab");
  await mkdir(folder, { recursive: true });
  const target = join(folder, "plotly.min.js");
  // Copy beside the target, then rename: a Notebook never serves half a file.
  const temporary = `${target}.${process.pid}.tmp`;
  await copyFile(source, temporary);
  await rename(temporary, target);
  return target;
}
