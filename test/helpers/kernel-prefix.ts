import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPOSITORY = resolve(__dirname, "../..");

export interface KernelPrefix {
  /** The folder `gradient-lab kernel install --prefix` wrote into. */
  readonly prefix: string;
  /** The prefix's Jupyter data folder, where the kernelspec and the labextension lie. */
  readonly dataDir: string;
  /** This process's environment with `JUPYTER_PATH` at `dataDir`: how Jupyter's own tools find the kernel. */
  readonly env: NodeJS.ProcessEnv;
  /** What `kernel install` printed: one line per file it wrote. */
  readonly installed: string[];
  remove(): void;
}

/**
 * The kernelspec as a teacher installs it for Jupyter's Python tools
 * (papermill, nbval, nbmake, nbgrader): `gradient-lab kernel install
 * --prefix DIR`, found through `JUPYTER_PATH=DIR/share/jupyter`. A fresh
 * temporary prefix per test file, so no test rewrites another's (or the
 * shared .venv's) kernelspec.
 */
export function installKernelPrefix(): KernelPrefix {
  const prefix = mkdtempSync(join(tmpdir(), "gradient-lab-kernel-prefix-"));
  const install = spawnSync(process.execPath, [join(REPOSITORY, "dist", "kernel", "cli.js"), "kernel", "install", "--prefix", prefix], { encoding: "utf8" });
  if (install.status !== 0) throw new Error(`gradient-lab kernel install --prefix ${prefix} failed (run npm run build first?):\n${install.stdout}${install.stderr}`);
  const dataDir = join(prefix, "share", "jupyter");
  return {
    prefix,
    dataDir,
    env: { ...process.env, JUPYTER_PATH: dataDir },
    installed: install.stdout.split("\n").filter((line) => line !== ""),
    remove: () => rmSync(prefix, { recursive: true, force: true }),
  };
}
