import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { executeNotebook } from "../kernel/notebook/execute";
import { readNotebook, type Notebook } from "../kernel/notebook/nbformat";
import { kernelLauncher, kernelSpec, type KernelSpec } from "../kernel/kernelspec";
import { projectRoot } from "../kernel/project-root";
import { buildKernelSnapshot } from "../kernel/tslab/kernel-snapshot";
import { courseNotebooks } from "./course";
import { median } from "./measure";

/**
 * How long a reader waits for a notebook to show something: notebook 01 run
 * by the same code as `gradient-lab run` (executeNotebook: a fresh kernel from
 * our kernelspec, in the notebook's folder), with a clock on the way.
 *
 * Milliseconds from asking for a kernel (connection file, spawn) to each
 * event; the `Cpu` ones count the kernel process's own CPU time to that event
 * (Linux /proc; undefined elsewhere), which a busy machine inflates far less
 * than the wall clock.
 */
export interface FirstOutputPhases {
  /** the kernel answered kernel_info and its iopub reached us: it is ready */
  kernelInfoMs: number;
  /** the first code cell's execute_request goes out */
  firstRequestMs: number;
  /** the first output on iopub (stream, display, error) of any cell: what the reader first sees */
  firstOutputMs: number;
  /** every cell has run and the kernel is shut down, as `gradient-lab run` pays for one notebook */
  notebookMs: number;
  kernelInfoCpuMs: number | undefined;
  firstOutputCpuMs: number | undefined;
}

export const PHASE_LABELS: Record<keyof FirstOutputPhases, string> = {
  kernelInfoMs: "spawn -> kernel_info reply",
  firstRequestMs: "spawn -> first execute_request sent",
  firstOutputMs: "spawn -> first output (iopub)",
  notebookMs: "spawn -> whole notebook done",
  kernelInfoCpuMs: "kernel CPU time to kernel_info reply",
  firstOutputCpuMs: "kernel CPU time to first output",
};
const PHASES = Object.keys(PHASE_LABELS) as (keyof FirstOutputPhases)[];

export interface FirstOutputResult {
  notebook: string;
  /** 1-based number (markdown cells counted) of the cell whose output came first */
  firstOutputCell: number;
  runs: FirstOutputPhases[];
  /** each phase's median over the runs (undefined where a run could not measure it) */
  median: FirstOutputPhases;
  /** one-minute load average before the first run and after the last */
  load: { before: number; after: number };
}

export interface FirstOutputOptions {
  /** default: the first notebook of notebooks/ (01-…) */
  notebook?: string;
  runs?: number;
  /** The kernel to start (default: ours, as `gradient-lab run` starts it), e.g. another build's launcher to compare. */
  spec?: KernelSpec;
  /** Writes a V8 CPU profile of each kernel into this folder (Node's --cpu-prof, on the kernelspec's command line). */
  cpuProfileDir?: string;
  onRun?: (run: number, phases: FirstOutputPhases) => void;
}

const OUTPUT_TYPES = new Set(["stream", "display_data", "update_display_data", "execute_result", "error"]);

/** The phases of `runs` runs of a notebook, one after another, each on a fresh kernel, and their medians. */
export async function timeFirstOutput(options: FirstOutputOptions = {}): Promise<FirstOutputResult> {
  const runs = options.runs ?? 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`first-output: runs must be a positive whole number, got ${runs}`);
  const file = resolve(options.notebook ?? firstCourseNotebook());
  const source = await readNotebook(file);
  const before = loadavg()[0] ?? 0;
  const phases: FirstOutputPhases[] = [];
  let firstOutputCell = 0;
  // Our kernel as `gradient-lab run` starts it: from the start-up snapshot, built first if need be (its build is not timed).
  if (!options.spec) await buildKernelSnapshot().catch((error: Error) => console.error(`first-output: timing the kernel without its snapshot: ${error.message}`));
  const spec = options.cpuProfileDir ? profiledSpec(options.spec ?? kernelSpec(), options.cpuProfileDir) : options.spec;
  for (let run = 1; run <= runs; run++) {
    const one = await timeOneRun(source, file, spec);
    firstOutputCell = one.firstOutputCell;
    phases.push(one.phases);
    options.onRun?.(run, one.phases);
  }
  return { notebook: file, firstOutputCell, runs: phases, median: medianPhases(phases), load: { before, after: loadavg()[0] ?? 0 } };
}

/** Each phase's median; undefined for a phase some run could not measure. */
function medianPhases(phases: readonly FirstOutputPhases[]): FirstOutputPhases {
  const middle = (key: keyof FirstOutputPhases) => {
    const values = phases.map((p) => p[key]);
    return values.every((value) => value !== undefined) ? median(values as number[]) : undefined;
  };
  return Object.fromEntries(PHASES.map((key) => [key, middle(key)])) as unknown as FirstOutputPhases;
}

/**
 * Our kernel against another launcher (e.g. main's `dist/kernel/tslab/main.js`,
 * built in a worktree of its own), one run each in turn, so load from other
 * processes falls on both alike.
 */
export async function compareFirstOutput(baselineLauncher: string, options: FirstOutputOptions = {}): Promise<{ baseline: FirstOutputResult; ours: FirstOutputResult }> {
  const launcher = resolve(baselineLauncher);
  const snapshotFolder = mkdtempSync(join(tmpdir(), "gradient-lab-first-output-baseline-"));
  try {
    return await takeTurns(launcher, await startedAsItsBuildStartsIt(launcher, snapshotFolder), options);
  } finally {
    rmSync(snapshotFolder, { recursive: true, force: true });
  }
}

async function takeTurns(launcher: string, baselineSpec: KernelSpec, options: FirstOutputOptions): Promise<{ baseline: FirstOutputResult; ours: FirstOutputResult }> {
  // The other build runs its own tree's copy of the notebook, so its kernel finds its own tslab, engine and snapshot there.
  const ourNotebook = resolve(options.notebook ?? firstCourseNotebook());
  const theirNotebook = join(resolve(dirname(launcher), "..", "..", ".."), relative(projectRoot(), ourNotebook));
  const runs = options.runs ?? 5;
  const baseline: FirstOutputResult[] = [];
  const ours: FirstOutputResult[] = [];
  for (let run = 1; run <= runs; run++) {
    baseline.push(await timeFirstOutput({ ...options, notebook: existsSync(theirNotebook) ? theirNotebook : ourNotebook, runs: 1, spec: baselineSpec }));
    ours.push(await timeFirstOutput({ ...options, runs: 1 }));
  }
  const merged = (results: FirstOutputResult[]): FirstOutputResult => {
    const phases = results.map((result) => result.runs[0] as FirstOutputPhases);
    const first = results[0] as FirstOutputResult;
    const load = { before: first.load.before, after: (results[results.length - 1] as FirstOutputResult).load.after };
    return { notebook: first.notebook, firstOutputCell: first.firstOutputCell, runs: phases, median: medianPhases(phases), load };
  };
  return { baseline: merged(baseline), ours: merged(ours) };
}

/**
 * The other build's kernel as its own `gradient-lab run` starts it: from its
 * own start-up snapshot when that build has them (built first, into
 * `snapshotFolder`), else its launcher the usual way. Our snapshot holds our
 * build's TypeScript and declarations, not its.
 */
async function startedAsItsBuildStartsIt(launcher: string, snapshotFolder: string): Promise<KernelSpec> {
  const dist = resolve(dirname(launcher), "..", "..");
  const snapshotModule = join(dist, "kernel", "tslab", "kernel-snapshot.js");
  if (existsSync(snapshotModule)) {
    const { buildKernelSnapshot: buildTheirs } = require(snapshotModule) as { buildKernelSnapshot: (place: { cache: string }) => Promise<string> };
    const { kernelSpec: theirSpec } = require(join(dist, "kernel", "kernelspec.js")) as { kernelSpec: (options: { snapshot: string }) => KernelSpec };
    // A folder of its own: a snapshot build removes the other blobs of its folder, and theirs stays out of their tree.
    return theirSpec({ snapshot: await buildTheirs({ cache: snapshotFolder }) });
  }
  const spec = kernelSpec({ snapshot: false });
  spec.argv = spec.argv.map((arg) => (arg === kernelLauncher() ? launcher : arg));
  return spec;
}

/** Our kernelspec with Node's profiler on (Node 20 refuses --cpu-prof in NODE_OPTIONS); the profile is written when the kernel exits. */
function profiledSpec(spec: KernelSpec, folder: string): KernelSpec {
  const [node, ...rest] = spec.argv;
  return { ...spec, argv: [node as string, "--cpu-prof", `--cpu-prof-dir=${resolve(folder)}`, ...rest] };
}

async function timeOneRun(source: Notebook, file: string, spec: KernelSpec | undefined): Promise<{ phases: FirstOutputPhases; firstOutputCell: number }> {
  let kernelInfo: number | undefined;
  let firstRequest: number | undefined;
  let firstOutput: number | undefined;
  let pid: number | undefined;
  let kernelInfoCpuMs: number | undefined;
  let firstOutputCpuMs: number | undefined;
  let currentCell = 0;
  let firstOutputCell = 0;
  const start = performance.now();
  const { failure } = await executeNotebook(source, file, {
    spec,
    onProgress: (event) => {
      const now = performance.now() - start;
      if (event.kind === "kernel-started") {
        kernelInfo = now;
        pid = event.pid;
        kernelInfoCpuMs = processCpuMs(pid);
      } else if (event.kind === "cell") {
        currentCell = event.cellNumber;
        firstRequest ??= now;
      }
    },
    onIopub: (message) => {
      if (firstOutput !== undefined || !OUTPUT_TYPES.has(message.header.msg_type)) return;
      firstOutput = performance.now() - start;
      firstOutputCpuMs = processCpuMs(pid);
      firstOutputCell = currentCell;
    },
  });
  const notebookMs = performance.now() - start;
  if (failure) throw new Error(`first-output: ${basename(file)} failed at cell ${failure.cellNumber} (${failure.firstLine}): ${failure.message}`);
  if (kernelInfo === undefined || firstRequest === undefined) throw new Error(`first-output: ${basename(file)} has no code cell to run`);
  if (firstOutput === undefined) throw new Error(`first-output: ${basename(file)} ran without showing any output`);
  return { phases: { kernelInfoMs: kernelInfo, firstRequestMs: firstRequest, firstOutputMs: firstOutput, notebookMs, kernelInfoCpuMs, firstOutputCpuMs }, firstOutputCell };
}

/** Clock ticks per second of /proc's CPU times: 100 on every Linux build Node supports. */
const CLOCK_TICKS = 100;

/** User plus system CPU time of a running process so far, from /proc/PID/stat; undefined without /proc. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS : undefined;
}

function firstCourseNotebook(): string {
  const first = courseNotebooks(projectRoot())[0];
  if (first === undefined) throw new Error(`first-output: no notebook in ${join(projectRoot(), "notebooks")}`);
  return first;
}

/** The result as lines: one per phase with its median, then the load average. */
export function formatFirstOutput(result: FirstOutputResult): string[] {
  const width = Math.max(...Object.values(PHASE_LABELS).map((label) => label.length));
  const lines = [`${basename(result.notebook)}: median of ${result.runs.length} run(s), first output from cell ${result.firstOutputCell}`];
  const shown = (ms: number | undefined) => (ms === undefined ? "n/a" : ms.toFixed(0));
  for (const key of PHASES) {
    const all = result.runs.map((run) => shown(run[key])).join(" ");
    lines.push(`  ${PHASE_LABELS[key].padEnd(width)}  ${shown(result.median[key]).padStart(6)} ms   (runs: ${all})`);
  }
  lines.push(`  load average ${result.load.before.toFixed(2)} before, ${result.load.after.toFixed(2)} after`);
  return lines;
}

const USAGE = `usage: node dist/bench/first-output.js [--runs N] [--notebook FILE] [--cpu-prof DIR] [--against LAUNCHER]
  Runs a notebook (default: notebooks/01-…) N times (default 5), each on a
  fresh kernel as \`gradient-lab run\` starts it, and prints the median time
  from the kernel's start to its kernel_info reply, to the first cell's
  request, to the first output and to the end of the notebook.
  --cpu-prof DIR writes each kernel's V8 CPU profile into DIR.
  --against LAUNCHER takes turns with another build's kernel launcher
  (its dist/kernel/tslab/main.js) on that tree's copy of the notebook,
  started from that build's own snapshot when it has them, and prints both.`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string", default: "5" },
      notebook: { type: "string" },
      "cpu-prof": { type: "string" },
      against: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got "${values.runs}"`);
  const options: FirstOutputOptions = { notebook: values.notebook, runs, cpuProfileDir: values["cpu-prof"] };
  if (values.against !== undefined) {
    if (!existsSync(values.against)) throw new Error(`--against: ${values.against} does not exist (give a built dist/kernel/tslab/main.js)`);
    const { baseline, ours } = await compareFirstOutput(values.against, options);
    console.log(`baseline (${values.against}):`);
    for (const line of formatFirstOutput(baseline)) console.log(line);
    console.log(`this build (${kernelLauncher()}):`);
    for (const line of formatFirstOutput(ours)) console.log(line);
    return 0;
  }
  const result = await timeFirstOutput({
    ...options,
    onRun: (run, phases) => console.log(`run ${run}: first output ${phases.firstOutputMs.toFixed(0)} ms, notebook ${phases.notebookMs.toFixed(0)} ms`),
  });
  for (const line of formatFirstOutput(result)) console.log(line);
  return 0;
}

if (require.main === module) {
  // Exit through process.exit so the kernel of the run in progress is killed with us (launch.ts).
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`first-output: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
