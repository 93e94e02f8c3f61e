import { resolve } from "node:path";
import { prefixDataDir, userDataDir } from "../jupyter-paths";
import { installKernelSpec, KERNEL_NAME } from "../kernelspec";
import { installPlotlyNbextension } from "../nbextension";
import { UsageError, runCommand } from "./args";

const USAGE = "usage: gradient-lab kernel install [--user | --prefix DIR]";

/** `gradient-lab kernel install`: writes the kernelspec (and plotly.js for the classic Notebook) with no Python needed. */
export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {
    user: { type: "boolean" },
    prefix: { type: "string" },
  }, async (values, positionals) => {
    if (positionals[0] !== "install" || positionals.length > 1) throw new UsageError(`unknown kernel action "${positionals.join(" ")}"`);
    if (values.user && values.prefix !== undefined) throw new UsageError("choose --user or --prefix, not both");
    // An empty prefix would install into the current folder without a word.
    if (values.prefix !== undefined && values.prefix.trim() === "") throw new UsageError('--prefix wants a folder, got ""');
    const dataDir = values.prefix !== undefined ? prefixDataDir(resolve(values.prefix)) : userDataDir();
    const folder = await installKernelSpec(dataDir);
    console.log(`installed kernelspec "${KERNEL_NAME}" in ${folder}`);
    // The classic Notebook draws figures with the plotly.js it serves from here, so nothing is fetched from the network.
    const plotly = await installPlotlyNbextension(dataDir);
    console.log(`installed plotly.js for the classic Notebook in ${plotly}`);
    return 0;
  });
}
