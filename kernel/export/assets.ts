import { promises as fs } from "node:fs";
import * as path from "node:path";
import { writeFileAtomically } from "../notebook/nbformat";
import { projectRoot } from "../project-root";

/**
 * The files every page shares, written once into `<site>/assets/`:
 * plotly.js (one copy for the whole site), KaTeX's stylesheet and fonts, and
 * the site's own stylesheet and scripts.
 */

/** kernel/export/assets holds site.css, site.js, theme.js, read from the project as they are. */
export const siteAssetsDir = (): string => path.join(projectRoot(), "kernel", "export", "assets");

export function plotlySourcePath(): string {
  return require.resolve("plotly.js-dist/plotly.js");
}

/**
 * plotly.js for the site: minified with esbuild when it is available (10 MB
 * down to about 5 MB, in about 2 s), else the unminified file unchanged.
 * esbuild comes with vitest; it is not a dependency of ours, hence optional.
 * The minified file is kept in node_modules/.cache, keyed by both versions,
 * so only the first export after an install pays for it.
 */
let plotlyOnce: Promise<{ code: string; minified: boolean }> | undefined;

/** A process that exports several sites (the tests) reads or minifies once. */
function plotlyForSite(): Promise<{ code: string; minified: boolean }> {
  plotlyOnce ??= buildPlotlyForSite();
  return plotlyOnce;
}

async function buildPlotlyForSite(): Promise<{ code: string; minified: boolean }> {
  const source = await fs.readFile(plotlySourcePath(), "utf8");
  const version = (require("plotly.js-dist/package.json") as { version: string }).version;
  let esbuild: typeof import("esbuild") | undefined;
  try {
    esbuild = require("esbuild") as typeof import("esbuild");
  } catch {
    return { code: source, minified: false };
  }
  const cached = path.join(projectRoot(), "node_modules", ".cache", "gradient-lab", `plotly-${version}.esbuild-${esbuild.version}.min.js`);
  try {
    return { code: await fs.readFile(cached, "utf8"), minified: true };
  } catch {
    // not minified yet for these versions
  }
  const result = await esbuild.transform(source, { minify: true, legalComments: "none", charset: "utf8" });
  const code = `/*! plotly.js v${version} (MIT, plotly.js-dist), minified by gradient-lab export */\n${result.code}`;
  // A cache that cannot be written (read-only install) only costs the next export its 2 s again.
  await fs
    .mkdir(path.dirname(cached), { recursive: true })
    .then(() => writeFileAtomically(cached, code))
    .catch(() => undefined);
  return { code, minified: true };
}

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

export interface AssetReport {
  /** Path of plotly.js inside the site, relative to the site's root. */
  plotlyFile: string;
  plotlyMinified: boolean;
  /** 200 characters from the middle of the shipped library, to count copies of it in the site. */
  plotlySignature: string;
}

export async function writeAssets(site: string): Promise<AssetReport> {
  const assets = path.join(site, "assets");
  await fs.mkdir(assets, { recursive: true });
  const own = siteAssetsDir();
  for (const file of ["site.css", "site.js", "theme.js"]) await fs.copyFile(path.join(own, file), path.join(assets, file));
  await writeKatex(assets);
  const plotly = await plotlyForSite();
  await fs.writeFile(path.join(assets, "plotly.js"), plotly.code);
  const middle = Math.floor(plotly.code.length / 2);
  return { plotlyFile: "assets/plotly.js", plotlyMinified: plotly.minified, plotlySignature: plotly.code.slice(middle, middle + 200) };
}
