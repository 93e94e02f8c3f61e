import { createRequire } from "node:module";

/**
 * The one plotly.js every frontend draws with: plotly.js-dist-min, pinned to
 * the same version as plotly.js-dist (whose types the engine's figures use).
 * A dependency, not a devDependency, so a project that installs gradient-lab
 * ships the minified 4.8 MB file, never the 10 MB one.
 */
const packageRequire = createRequire(__filename);

export function minifiedPlotlyPath(): string {
  return packageRequire.resolve("plotly.js-dist-min/plotly.min.js");
}

export function plotlyVersion(): string {
  return (packageRequire("plotly.js-dist-min/package.json") as { version: string }).version;
}
