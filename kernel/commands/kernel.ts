import { rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { installLabextension, labextensionFolder } from "../display/labextension-install";
import { installPlotlyNbextension, nbextensionFolder } from "../display/nbextension";
import { prefixDataDir, userDataDir } from "../jupyter-paths";
import { installKernelSpec, KERNEL_NAME, kernelSpec, kernelSpecFolder } from "../kernelspec";
import { copyKernelSnapshot } from "../tslab/kernel-snapshot";
import { UsageError, runCommand } from "./args";

const USAGE = "usage: gradient-lab kernel install|uninstall [--user | --prefix DIR] [--snapshot]";

/**
 * `gradient-lab kernel install`: the kernelspec, plotly.js for the classic
 * Notebook and the JupyterLab / Notebook 7 extension, all in one Jupyter data
 * directory, with no Python. `uninstall` removes the same three.
 * `--snapshot`: the kernelspec starts the kernel from a start-up snapshot
 * copied beside it (a first output about twice as soon, about 110 MB more
 * resident per kernel: kernel/README.md, "Start-up"). Opt-in, because the blob
 * fits one Node build only: after Node is upgraded in place, Node refuses the
 * blob and the kernel dies at start until `kernel install --snapshot` is run again.
 */
export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {
    user: { type: "boolean" },
    prefix: { type: "string" },
    snapshot: { type: "boolean" },
  }, async (values, positionals) => {
    const action = positionals[0];
    if (positionals.length !== 1 || (action !== "install" && action !== "uninstall")) {
      throw new UsageError(positionals.length === 0 ? "kernel: say install or uninstall" : `kernel: unknown action "${positionals.join(" ")}"`);
    }
    if (values.user && values.prefix !== undefined) throw new UsageError("choose --user or --prefix, not both");
    if (values.prefix !== undefined && values.prefix.trim() === "") throw new UsageError("--prefix wants a folder, got an empty string");
    const dataDir = values.prefix !== undefined ? prefixDataDir(resolve(values.prefix)) : userDataDir();
    if (action === "uninstall" && values.snapshot) throw new UsageError("--snapshot is for install");
    return action === "install" ? install(dataDir, values.snapshot === true) : uninstall(dataDir);
  });
}

async function install(dataDir: string, withSnapshot: boolean): Promise<number> {
  // The blob goes beside kernel.json, so uninstall removes it and clearing the project's cache cannot break the kernelspec.
  const snapshot = !withSnapshot ? undefined : await copyKernelSnapshot(kernelSpecFolder(dataDir)).catch((error: Error) => {
    console.error(`gradient-lab kernel install: no start-up snapshot, the kernel will start the slower way: ${error.message}`);
    return undefined;
  });
  const kernelFolder = await installKernelSpec(dataDir, kernelSpec({ snapshot: snapshot ?? false }));
  if (snapshot) {
    console.log(`wrote ${snapshot} (the kernel's start-up snapshot)`);
    console.log(`wrote ${snapshot}.json (its size, checked before a kernelspec names it)`);
  }
  console.log(`wrote ${resolve(kernelFolder, "kernel.json")} (kernelspec "${KERNEL_NAME}")`);
  // The classic Notebook draws figures with the plotly.js it serves from here, so nothing is fetched from the network.
  console.log(`wrote ${await installPlotlyNbextension(dataDir)} (plotly.js for the classic Notebook)`);
  for (const file of await installLabextension(dataDir)) console.log(`wrote ${file} (JupyterLab / Notebook 7 extension)`);
  return 0;
}

async function uninstall(dataDir: string): Promise<number> {
  const folders = [kernelSpecFolder(dataDir), nbextensionFolder(dataDir), await labextensionFolder(dataDir)];
  let removed = 0;
  for (const folder of folders) {
    if (!(await stat(folder).catch(() => null))) continue;
    await rm(folder, { recursive: true, force: true });
    console.log(`removed ${folder}`);
    removed += 1;
  }
  if (removed === 0) console.log(`nothing of gradient-lab was installed in ${dataDir}`);
  return 0;
}
