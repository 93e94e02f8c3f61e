import { promises as fs } from "node:fs";
import * as path from "node:path";
import { TOPOJSON_FOLDER } from "../display/names";
import { minifiedPlotlyPath } from "../display/plotly-source";
import { topojsonFiles, topojsonFolder } from "../display/topojson-source";
import { projectRoot } from "../project-root";
import { buildLiveBundles } from "./live/build";

/**
 * The files every page shares, written once into `<site>/assets/`:
 * plotly.js (one copy for the whole site), KaTeX's stylesheet and fonts, and
 * the site's own stylesheet and scripts.
 */

/** kernel/export/assets holds site.css, site.js, theme.js, read from the project as they are. */
export const siteAssetsDir = (): string => path.join(projectRoot(), "kernel", "export", "assets");

/** KaTeX's CSS lists woff2, woff and ttf fonts; every browser we target takes woff2, so ship only those. */
async function writeKatex(assets: string): Promise<void> {
  const dist = path.dirname(require.resolve("katex/dist/katex.min.css"));
  const css = (await fs.readFile(path.join(dist, "katex.min.css"), "utf8")).replace(
    /,url\(fonts\/[^)]+\.woff\) format\("woff"\),url\(fonts\/[^)]+\.ttf\) format\("truetype"\)/g,
    "",
  );
  await fs.mkdir(path.join(assets, "katex", "fonts"), { recursive: true });
  await fs.writeFile(path.join(assets, "katex", "katex.min.css"), css);
  const fonts = (await fs.readdir(path.join(dist, "fonts"))).filter((f) => f.endsWith(".woff2"));
  await Promise.all(fonts.map((f) => fs.copyFile(path.join(dist, "fonts", f), path.join(assets, "katex", "fonts", f))));
}

/** The live cells' two scripts, shared by every page (their size is in the export's report). */
export const LIVE_WORKER_FILE = "live-worker.js";
export const LIVE_PAGE_FILE = "live-page.js";

/**
 * The maps geographic figures draw on, as scripts that hand plotly.js each map
 * (site.js loads the ones a figure needs): a page opened from file:// may load
 * a script but not fetch a JSON file. Adds 3.85 MB to the site.
 */
async function writeMaps(assets: string): Promise<void> {
  const folder = path.join(assets, TOPOJSON_FOLDER);
  await fs.mkdir(folder, { recursive: true });
  for (const file of topojsonFiles()) {
    const name = file.replace(/\.json$/, "");
    const map = await fs.readFile(path.join(topojsonFolder(), file), "utf8");
    const script = `(window.PlotlyGeoAssets = window.PlotlyGeoAssets || {}).topojson = window.PlotlyGeoAssets.topojson || {};\nwindow.PlotlyGeoAssets.topojson[${JSON.stringify(name)}] = ${map.trim()};\n`;
    await fs.writeFile(path.join(folder, `${name}.js`), script);
  }
}

export interface AssetReport {
  /** Path of plotly.js inside the site, relative to the site's root. */
  plotlyFile: string;
  /** 200 characters from the middle of the shipped library, to count copies of it in the site. */
  plotlySignature: string;
}

export async function writeAssets(site: string): Promise<AssetReport> {
  const assets = path.join(site, "assets");
  await fs.mkdir(assets, { recursive: true });
  const own = siteAssetsDir();
  for (const file of ["site.css", "site.js", "theme.js"]) await fs.copyFile(path.join(own, file), path.join(assets, file));
  await writeKatex(assets);
  await writeMaps(assets);
  // The same minified plotly.js the Jupyter frontends get (plotly.js-dist-min, a dependency), so a project that
  // installs gradient-lab ships 4.8 MB, not the 10 MB unminified build.
  const plotly = await fs.readFile(minifiedPlotlyPath(), "utf8");
  await fs.writeFile(path.join(assets, "plotly.js"), plotly);
  // The live cells (live/): the worker's code as a string the page starts a Blob worker from, and the page script.
  const live = await buildLiveBundles();
  await fs.writeFile(path.join(assets, LIVE_WORKER_FILE), `window.gradientLabWorkerSource = ${JSON.stringify(live.worker)};\n`);
  await fs.writeFile(path.join(assets, LIVE_PAGE_FILE), live.page);
  const middle = Math.floor(plotly.length / 2);
  return { plotlyFile: "assets/plotly.js", plotlySignature: plotly.slice(middle, middle + 200) };
}
