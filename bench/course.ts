import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./measure";
import type { ResultRow, System } from "./results";
import { courseWorkloadName } from "./workloads";

/**
 * Workload 4, the whole course: what `npm start` does, end to end (the
 * TypeScript compile, every notebook in notebooks/ executed by the project's
 * runner, the HTML course site exported), into scratch folders so the
 * repository's build/ and site/ are left alone; and the same notebooks
 * through `jupyter nbconvert --execute`, one after another, on the same
 * kernel. Throughput is notebooks per second of wall-clock time, kernel
 * start-ups included, since that is what a course rebuild costs.
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

/**
 * The course on the project's runner and, where `withNbconvert`, on nbconvert,
 * taking turns for `runs` rounds (as the training workloads do), so load from
 * other processes falls on both alike. Notebooks/s is the median over the
 * rounds. A system whose run fails is dropped, with the reason in `problems`.
 */
export function timeCourse(paths: CoursePaths, runs: number, withNbconvert: boolean): { rows: ResultRow[]; problems: string[] } {
  const notebooks = courseNotebooks(paths.root);
  const cli = join(paths.root, "dist", "kernel", "cli.js");
  const scratch = mkdtempSync(join(tmpdir(), "gradient-lab-bench-course-"));
  const problems: string[] = [];
  try {
    const systems: { system: System; run: (out: string) => void; seconds: number[] }[] = [
      {
        system: "gradient-lab",
        // npm start's three steps; the compile is incremental, as it is when a course is rebuilt.
        run: (out) => {
          runCommand(process.execPath, [join(paths.root, "node_modules", "typescript", "bin", "tsc"), "-b", join(paths.root, "tsconfig.json")], paths.root);
          runCommand(process.execPath, [cli, "run", "--out", join(out, "notebooks")], paths.root);
          runCommand(process.execPath, [cli, "export", "--html", "--from", join(out, "notebooks"), "--out", join(out, "site")], paths.root);
        },
        seconds: [],
      },
    ];
    if (withNbconvert) {
      // The kernelspec goes into a temporary JUPYTER_PATH, so nothing is installed for the user.
      runCommand(process.execPath, [cli, "kernel", "install", "--prefix", scratch], paths.root);
      const data = join(scratch, "share", "jupyter");
      const kernel = existsSync(join(data, "kernels")) ? readdirSync(join(data, "kernels"))[0] : undefined;
      if (kernel === undefined) throw new Error(`course bench: "kernel install --prefix ${scratch}" wrote no kernelspec under ${data}/kernels`);
      const env = { ...process.env, JUPYTER_PATH: data };
      systems.push({
        system: "nbconvert",
        // One process per notebook, one after another, as a shell loop over the course would run them.
        run: (out) => {
          for (const notebook of notebooks) {
            runCommand(paths.jupyter, ["nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${kernel}`, "--ExecutePreprocessor.timeout=600", "--output-dir", out, notebook], paths.root, env);
          }
        },
        seconds: [],
      });
    }
    for (let r = 0; r < runs; r++) {
      for (const entry of systems) {
        if (entry.seconds.length < r) continue; // it failed in an earlier round
        const out = join(scratch, `${entry.system}-${r}`);
        const start = process.hrtime.bigint();
        try {
          entry.run(out);
          entry.seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
        } catch (error) {
          problems.push(`${entry.system}: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          rmSync(out, { recursive: true, force: true });
        }
      }
    }
    const rows = systems
      .filter((entry) => entry.seconds.length === runs)
      .map((entry): ResultRow => ({ workload: courseWorkloadName, system: entry.system, throughput: notebooks.length / median(entry.seconds), unit: "notebooks/s" }));
    return { rows, problems };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const run = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.error) throw new Error(`course bench: could not start ${command}: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`course bench: "${[command, ...args].join(" ")}" exited with ${run.status ?? run.signal}:\n${(run.stderr || run.stdout).slice(-1500)}`);
  }
}
