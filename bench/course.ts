import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./measure";
import type { ResultRow } from "./results";
import { courseWorkloadName } from "./workloads";

/**
 * Workload 4, the whole course: every notebook in notebooks/ executed end to
 * end by the project's runner (`node dist/kernel/cli.js run`), and the same
 * notebooks through `jupyter nbconvert --execute`, one after another, on the
 * same kernel. Throughput is notebooks per second of wall-clock time,
 * kernel start-ups included, since that is what a course rebuild costs.
 */
export interface CoursePaths {
  /** The repository: where notebooks/ and dist/ are. */
  root: string;
  jupyter: string;
}

export const defaultCoursePaths: CoursePaths = { root: join(__dirname, "..", ".."), jupyter: "/usr/bin/jupyter" };

export function courseNotebooks(root: string): string[] {
  const folder = join(root, "notebooks");
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith(".ipynb"))
    .sort()
    .map((name) => join(folder, name));
}

/** Why the course cannot be timed yet, or null. */
export function courseUnavailable(paths: CoursePaths): string | null {
  const cli = join(paths.root, "dist", "kernel", "cli.js");
  if (!existsSync(cli)) return `the notebook runner is not built (${cli} is missing)`;
  if (courseNotebooks(paths.root).length === 0) return `notebooks/ holds no .ipynb files yet`;
  return null;
}

export function jupyterUnavailable(paths: CoursePaths): string | null {
  const probe = spawnSync(paths.jupyter, ["nbconvert", "--version"], { encoding: "utf8" });
  if (probe.error) return `${paths.jupyter} could not be started (${probe.error.message})`;
  if (probe.status !== 0) return `${paths.jupyter} nbconvert --version failed: ${probe.stderr.trim().split("\n").pop()}`;
  return null;
}

/** Median notebooks/s of `runs` full runs of the course by the project's runner, copies written to a temporary folder. */
export function timeCourseRunner(paths: CoursePaths, runs: number): ResultRow {
  const notebooks = courseNotebooks(paths.root);
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const out = mkdtempSync(join(tmpdir(), "gradient-lab-bench-run-"));
    try {
      seconds.push(timedCommand(process.execPath, [join(paths.root, "dist", "kernel", "cli.js"), "run", "--out", out], paths.root));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return { workload: courseWorkloadName, system: "gradient-lab", throughput: notebooks.length / median(seconds), unit: "notebooks/s" };
}

/** The same notebooks through nbconvert, one process per notebook as a shell loop would, with the kernelspec in a temporary JUPYTER_PATH. */
export function timeNbconvert(paths: CoursePaths, runs: number): ResultRow {
  const notebooks = courseNotebooks(paths.root);
  const prefix = mkdtempSync(join(tmpdir(), "gradient-lab-bench-jupyter-"));
  try {
    runCommand(process.execPath, [join(paths.root, "dist", "kernel", "cli.js"), "kernel", "install", "--prefix", prefix], paths.root);
    const data = join(prefix, "share", "jupyter");
    const kernels = existsSync(join(data, "kernels")) ? readdirSync(join(data, "kernels")) : [];
    const kernel = kernels[0];
    if (kernel === undefined) throw new Error(`course bench: "kernel install --prefix ${prefix}" wrote no kernelspec under ${data}/kernels`);
    const env = { ...process.env, JUPYTER_PATH: data };
    const seconds: number[] = [];
    for (let r = 0; r < runs; r++) {
      const out = join(prefix, `run-${r}`);
      const start = process.hrtime.bigint();
      for (const notebook of notebooks) {
        runCommand(paths.jupyter, ["nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${kernel}`, "--ExecutePreprocessor.timeout=600", "--output-dir", out, notebook], paths.root, env);
      }
      seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    return { workload: courseWorkloadName, system: "nbconvert", throughput: notebooks.length / median(seconds), unit: "notebooks/s" };
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

function timedCommand(command: string, args: string[], cwd: string): number {
  const start = process.hrtime.bigint();
  runCommand(command, args, cwd);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const run = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.error) throw new Error(`course bench: could not start ${command}: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`course bench: "${[command, ...args].join(" ")}" exited with ${run.status ?? run.signal}:\n${(run.stderr || run.stdout).slice(-2000)}`);
  }
}
