import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { projectRoot } from "./project-root";
import { usableSnapshot } from "./tslab/kernel-snapshot";

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

/** Our kernel entry: our message loop around tslab's engine (kernel/tslab/main.ts), as built into dist/. */
export function kernelLauncher(root = projectRoot()): string {
  return join(root, "dist", "kernel", "tslab", "main.js");
}

/**
 * Run by Node before the launcher: kernel.json names the project by an
 * absolute path, so a moved, deleted or unbuilt project must say so in the
 * kernel's log instead of failing with a bare "Cannot find module".
 */
const CHECK_LAUNCHER = [
  "const launcher = process.argv[1];",
  "if (!require('fs').existsSync(launcher)) {",
  "  console.error('gradient-lab kernel: ' + launcher + ' is missing (the project was moved, deleted or not built); run gradient-lab kernel install again from the project');",
  "  process.exit(1);",
  "}",
  "process.argv.splice(1, 1);",
  "require(launcher);",
].join("\n");

/**
 * The kernelspec for the locally installed tslab. Node is named by its
 * absolute path so JupyterLab finds it even when started without this
 * shell's PATH; the launcher then picks tslab as tslab would (the copy
 * nearest the notebook first).
 */
export function kernelSpec(options: { snapshot?: string | false } = {}): KernelSpec {
  // Restored from a start-up snapshot when one fits this Node (tslab/kernel-snapshot.ts; `false`: never), whose main function makes the launcher check.
  const snapshot = options.snapshot ?? usableSnapshot();
  const start = snapshot ? ["--snapshot-blob", snapshot] : ["-e", CHECK_LAUNCHER];
  return {
    argv: [process.execPath, ...start, kernelLauncher(), "--config-path", "{connection_file}"],
    display_name: "TypeScript (gradient-lab)",
    language: "typescript",
    interrupt_mode: "message",
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
