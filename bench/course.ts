import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { median } from "./measure";
import type { ResultRow, System } from "./results";
import { courseWorkloadName } from "./workloads";

/** Workload 4 again, as a course author rebuilds: nothing changed since the last `npm start`, and one notebook edited. */
export const courseUnchangedName = `${courseWorkloadName}-unchanged`;
export const courseOneEditName = `${courseWorkloadName}-one-edit`;

/**
 * Workload 4, the whole course: what `npm start` does, end to end (the
 * TypeScript compile, every notebook in notebooks/ executed by the project's
 * runner, the HTML course site exported), into scratch folders so the
 * repository's build/ and site/ are left alone; and the same notebooks
 * through `jupyter nbconvert --execute`, one after another, on the same
 * kernel. Throughput is notebooks per second of wall-clock time, kernel
 * start-ups included, since that is what a course rebuild costs.
 *
 * The project's build also runs twice more per round with its caches warm:
 * with nothing changed, and after a one-character edit to a code cell of the
 * course's first notebook. Its runs work on a copy of notebooks/ (under the
 * git-ignored build/, where `gradient-lab` resolves as for notebooks/) with a
 * cache folder of its own, so the repository's notebooks and cache are left alone.
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
export function timeCourse(paths: CoursePaths, runs: number, withNbconvert: boolean): { rows: ResultRow[]; problems: string[]; notes: string[] } {
  const notebooks = courseNotebooks(paths.root);
  const cli = join(paths.root, "dist", "kernel", "cli.js");
  const scratch = mkdtempSync(join(tmpdir(), "gradient-lab-bench-course-"));
  mkdirSync(join(paths.root, "build"), { recursive: true });
  const copy = mkdtempSync(join(paths.root, "build", ".bench-course-"));
  const problems: string[] = [];
  try {
    cpSync(join(paths.root, "notebooks"), join(copy, "notebooks"), { recursive: true });
    const copies = notebooks.map((file) => join(copy, "notebooks", basename(file)));
    const edited = copies[0]!;
    const original = readFileSync(edited, "utf8");
    const env = { ...process.env, CACHE_DIR: join(scratch, "cache") };
    const out = join(scratch, "gradient-lab");
    // npm start's three steps; the compile is incremental, as it is when a course is rebuilt. Timed one by one.
    const npmStart = (force: string[]): { total: number; export: number } => {
      const started = process.hrtime.bigint();
      runCommand(process.execPath, [join(paths.root, "node_modules", "typescript", "bin", "tsc"), "-b", join(paths.root, "tsconfig.json")], paths.root, env);
      runCommand(process.execPath, [cli, "run", ...force, "--out", join(out, "notebooks"), ...copies], paths.root, env);
      const exported = process.hrtime.bigint();
      runCommand(process.execPath, [cli, "export", "--html", ...force, "--from", join(out, "notebooks"), "--out", join(out, "site")], paths.root, env);
      const done = process.hrtime.bigint();
      return { total: Number(done - started) / 1e9, export: Number(done - exported) / 1e9 };
    };
    let edits = 0;
    const timings = { full: [] as number[], unchanged: [] as number[], oneEdit: [] as number[], export: [] as number[], alone: [] as number[], nbconvert: [] as number[] };
    const gradientLab = (): void => {
      // The full build: every notebook executed and the site rebuilt, whatever the caches hold.
      const full = npmStart(["--force"]);
      const unchanged = npmStart([]).total;
      // A new edit every round: the same edit again would be found in the cache the first round filled.
      edits += 1;
      writeFileSync(edited, oneCharacterEdit(original, edits));
      let oneEdit: number;
      try {
        oneEdit = npmStart([]).total;
      } finally {
        writeFileSync(edited, original);
      }
      // What the goal allows for one edit: that notebook executed alone, plus the export.
      const started = process.hrtime.bigint();
      runCommand(process.execPath, [cli, "run", "--force", "--out", join(scratch, "alone"), edited], paths.root, env);
      const alone = Number(process.hrtime.bigint() - started) / 1e9;
      timings.full.push(full.total);
      timings.export.push(full.export);
      timings.unchanged.push(unchanged);
      timings.oneEdit.push(oneEdit);
      timings.alone.push(alone);
    };
    let nbconvert: (() => void) | undefined;
    if (withNbconvert) {
      // The kernelspec goes into a temporary JUPYTER_PATH, so nothing is installed for the user; with the
      // snapshot, so nbconvert starts the same kernel our runner does and only the drivers differ.
      runCommand(process.execPath, [cli, "kernel", "install", "--prefix", scratch, "--snapshot"], paths.root);
      const data = join(scratch, "share", "jupyter");
      const kernel = existsSync(join(data, "kernels")) ? readdirSync(join(data, "kernels"))[0] : undefined;
      if (kernel === undefined) throw new Error(`course bench: "kernel install --prefix ${scratch}" wrote no kernelspec under ${data}/kernels`);
      const jupyterEnv = { ...process.env, JUPYTER_PATH: data };
      // One process per notebook, one after another, as a shell loop over the course would run them.
      nbconvert = () => {
        const started = process.hrtime.bigint();
        for (const notebook of notebooks) {
          runCommand(paths.jupyter, ["nbconvert", "--to", "notebook", "--execute", `--ExecutePreprocessor.kernel_name=${kernel}`, "--ExecutePreprocessor.timeout=600", "--output-dir", join(scratch, "nbconvert"), notebook], paths.root, jupyterEnv);
        }
        timings.nbconvert.push(Number(process.hrtime.bigint() - started) / 1e9);
      };
    }
    // Taking turns round by round, so load from other processes falls on both alike; a system that fails once is dropped.
    const systems: Array<{ system: System; run: () => void; failed: boolean }> = [{ system: "gradient-lab", run: gradientLab, failed: false }];
    if (nbconvert) systems.push({ system: "nbconvert", run: nbconvert, failed: false });
    for (let r = 0; r < runs; r++) {
      for (const entry of systems.filter((system) => !system.failed)) {
        try {
          entry.run();
        } catch (error) {
          entry.failed = true;
          problems.push(`${entry.system}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    const rows: ResultRow[] = [];
    const notes: string[] = [];
    const perSecond = (seconds: number[]): number => notebooks.length / median(seconds);
    if (timings.full.length === runs) {
      rows.push(
        { workload: courseWorkloadName, system: "gradient-lab", throughput: perSecond(timings.full), unit: "notebooks/s" },
        { workload: courseUnchangedName, system: "gradient-lab", throughput: perSecond(timings.unchanged), unit: "notebooks/s" },
        { workload: courseOneEditName, system: "gradient-lab", throughput: perSecond(timings.oneEdit), unit: "notebooks/s" },
      );
      const [full, unchanged, oneEdit, alone, exported] = [timings.full, timings.unchanged, timings.oneEdit, timings.alone, timings.export].map(median) as [number, number, number, number, number];
      notes.push(
        `${courseWorkloadName}: npm start, full build ${full.toFixed(1)} s; nothing changed ${unchanged.toFixed(2)} s (${(full / unchanged).toFixed(1)}x faster); ` +
          `one code character of ${basename(edited)} edited ${oneEdit.toFixed(1)} s (that notebook alone ${alone.toFixed(1)} s + the full export ${exported.toFixed(1)} s = ${(alone + exported).toFixed(1)} s)`,
      );
    }
    if (timings.nbconvert.length === runs) rows.push({ workload: courseWorkloadName, system: "nbconvert", throughput: perSecond(timings.nbconvert), unit: "notebooks/s" });
    return { rows, problems, notes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
}

/** The first code cell with `spaces` trailing spaces (one character more than the last edit): new code to the cache, the same outputs. */
function oneCharacterEdit(text: string, spaces: number): string {
  const notebook = JSON.parse(text) as { cells: Array<{ cell_type: string; source: string | string[] }> };
  const cell = notebook.cells.find((candidate) => candidate.cell_type === "code");
  if (!cell) throw new Error("course bench: the first notebook has no code cell to edit");
  cell.source = `${Array.isArray(cell.source) ? cell.source.join("") : cell.source}${" ".repeat(spaces)}`;
  return JSON.stringify(notebook, null, 1);
}

function runCommand(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const run = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.error) throw new Error(`course bench: could not start ${command}: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`course bench: "${[command, ...args].join(" ")}" exited with ${run.status ?? run.signal}:\n${(run.stderr || run.stdout).slice(-1500)}`);
  }
}
