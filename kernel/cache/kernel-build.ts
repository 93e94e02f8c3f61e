import { join } from "node:path";
import { kernelLauncher, type KernelSpec } from "../kernelspec";
import { projectRoot } from "../project-root";
import { hashFolder, hashValue } from "./content-hash";
import { installedVersion } from "./installed-versions";

/**
 * The kernel a notebook in `notebookFolder` runs on, as one hash: the tslab
 * our launcher picks there (the copy nearest the notebook, as
 * kernel/tslab/main.ts does) by its version, the launcher's built files
 * (the message loop around tslab's engine, its output batching and compiler patches), the
 * runner's own built files that turn kernel messages into outputs, and
 * Node's version. A kernelspec other than ours (tests pass one) counts whole.
 */
export async function kernelBuildHash(notebookFolder: string, spec?: KernelSpec): Promise<string> {
  const launcherFolder = join(kernelLauncher(), "..");
  return hashValue({
    tslab: tslabVersion(notebookFolder),
    launcher: await hashFolder(launcherFolder, isScript),
    runner: await hashFolder(join(projectRoot(), "dist", "kernel", "notebook"), isScript),
    node: process.version,
    spec: spec ?? null,
  });
}

/** Only what Node runs: the launcher's and runner's type declarations change no output. */
const isScript = (file: string): boolean => file.endsWith(".js");

/** tslab as the launcher picks it: the copy nearest the notebook, else the one beside this project. */
function tslabVersion(notebookFolder: string): string {
  return installedVersion(join(notebookFolder, "kernel.js"), "tslab") ?? installedVersion(__filename, "tslab") ?? "unresolved";
}
