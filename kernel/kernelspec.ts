import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** The name notebooks put in `metadata.kernelspec.name` to run on this kernel. */
export const KERNEL_NAME = "gradient-lab";
/** Pinned in package.json; the display bridge relies on its internals. */
export const TSLAB_VERSION = "1.0.22";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  metadata?: Record<string, unknown>;
}

/** The project's root, found from this file whether it runs as .ts or from dist/. */
export function projectRoot(): string {
  const here = __dirname;
  const parts = here.split(/[\\/]/);
  const distAt = parts.lastIndexOf("dist");
  return distAt >= 0 ? parts.slice(0, distAt).join("/") || "/" : resolve(here, "..");
}

function tslabBin(): string {
  const packageJson = require.resolve("tslab/package.json", { paths: [projectRoot()] });
  return join(dirname(packageJson), "bin", "tslab");
}

/**
 * The kernelspec for the locally installed tslab. Node is named by its
 * absolute path so JupyterLab finds it even when started without this
 * shell's PATH; tslab itself then prefers the copy nearest the notebook.
 */
export function kernelSpec(): KernelSpec {
  return {
    argv: [process.execPath, tslabBin(), "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (gradient-lab)",
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { tslab: TSLAB_VERSION, project: projectRoot() },
  };
}

/** Metadata a notebook carries so Jupyter (and nbconvert) picks this kernel. */
export const NOTEBOOK_KERNELSPEC = {
  name: KERNEL_NAME,
  display_name: "TypeScript (gradient-lab)",
  language: "typescript",
} as const;

export function kernelSpecFolder(dataDir: string): string {
  return join(dataDir, "kernels", KERNEL_NAME);
}

/** Writes `<dataDir>/kernels/<name>/kernel.json` (atomically) and returns the folder. */
export async function installKernelSpec(dataDir: string, spec: KernelSpec = kernelSpec()): Promise<string> {
  const folder = kernelSpecFolder(dataDir);
  await mkdir(folder, { recursive: true });
  const file = join(folder, "kernel.json");
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(spec, null, 2) + "\n");
  await rename(temporary, file);
  return folder;
}
