import { copyFile, cp, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { projectRoot } from "../project-root";
import { PLOTLY_FILE, TOPOJSON_FOLDER } from "./names";
import { minifiedPlotlyPath } from "./plotly-source";
import { topojsonFiles, topojsonFolder } from "./topojson-source";

/**
 * Installs the prebuilt JupyterLab extension (`labextension/prebuilt/`, built
 * by `labextension/build.mjs` and committed) as JupyterLab's server expects a
 * prebuilt extension: `<dataDir>/labextensions/<name>/package.json` plus
 * `static/`. plotly.js and the maps geographic figures draw on go into that
 * `static/` too, where the extension loads them from at run time. Nothing here
 * needs Python.
 */

export function prebuiltLabextensionFolder(): string {
  return join(projectRoot(), "kernel", "display", "labextension", "prebuilt");
}

/** The extension's npm name, which is also its folder name under `labextensions/`. */
export async function labextensionName(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(prebuiltLabextensionFolder(), "package.json"), "utf8")) as { name?: unknown };
  if (typeof manifest.name !== "string") throw new Error(`${prebuiltLabextensionFolder()}/package.json has no "name"`);
  return manifest.name;
}

export async function labextensionFolder(dataDir: string): Promise<string> {
  return join(dataDir, "labextensions", await labextensionName());
}

/** Copies the extension, plotly.js and the maps into `<dataDir>/labextensions/<name>/`; returns every file written. */
export async function installLabextension(dataDir: string): Promise<string[]> {
  const target = await labextensionFolder(dataDir);
  // Assembled beside the target, then renamed into place: JupyterLab never lists half an extension,
  // and files of an older build (remoteEntry names carry a content hash) do not linger.
  const staging = `${target}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  try {
    await cp(prebuiltLabextensionFolder(), staging, { recursive: true });
    await copyFile(minifiedPlotlyPath(), join(staging, "static", PLOTLY_FILE));
    await mkdir(join(staging, "static", TOPOJSON_FOLDER));
    await Promise.all(topojsonFiles().map((name) => copyFile(join(topojsonFolder(), name), join(staging, "static", TOPOJSON_FOLDER, name))));
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return (await filesUnder(target)).map((file) => join(target, file));
}

async function filesUnder(folder: string): Promise<string[]> {
  const names = await readdir(folder, { recursive: true });
  const isFile = await Promise.all(names.map(async (name) => (await stat(join(folder, name))).isFile()));
  return names.filter((_, i) => isFile[i]).sort();
}
