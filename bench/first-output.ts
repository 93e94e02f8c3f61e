import { loadavg } from "node:os";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { executeNotebook } from "../kernel/notebook/execute";
import { readNotebook, type Notebook } from "../kernel/notebook/nbformat";
import { kernelSpec, type KernelSpec } from "../kernel/kernelspec";
import { courseNotebooks, defaultCoursePaths } from "./course";
import { median } from "./measure";

/**
 * How long a reader waits for a notebook to show something: notebook 01 run
 * by the same code as `gradient-lab run` (executeNotebook: a fresh kernel from
 * our kernelspec, in the notebook's folder), with a clock on the way.
 */

/** Milliseconds from asking for a kernel (connection file, spawn) to each event. */
export interface FirstOutputPhases {
  /** the kernel answered kernel_info and its iopub reached us: it is ready */
  kernelInfoMs: number;
  /** the first code cell's execute_request goes out */
  firstRequestMs: number;
  /** the first output on iopub (stream, display, error) of any cell: what the reader first sees */
  firstOutputMs: number;
  /** every cell has run and the kernel is shut down, as `gradient-lab run` pays for one notebook */
  notebookMs: number;
}

export const PHASE_LABELS: Record<keyof FirstOutputPhases, string> = {
  kernelInfoMs: "spawn -> kernel_info reply",
  firstRequestMs: "spawn -> first execute_request sent",
  firstOutputMs: "spawn -> first output (iopub)",
  notebookMs: "spawn -> whole notebook done",
};

export interface FirstOutputResult {
  notebook: string;
  /** 1-based number (markdown cells counted) of the cell whose output came first */
  firstOutputCell: number;
  runs: FirstOutputPhases[];
  median: FirstOutputPhases;
  /** one-minute load average before the first run and after the last */
  load: { before: number; after: number };
}

export interface FirstOutputOptions {
  /** default: the first notebook of notebooks/ (01-…) */
  notebook?: string;
  runs?: number;
  /** Writes a V8 CPU profile of each kernel into this folder (Node's --cpu-prof, on the kernelspec's command line). */
  cpuProfileDir?: string;
  onRun?: (run: number, phases: FirstOutputPhases) => void;
}

const OUTPUT_TYPES = new Set(["stream", "display_data", "update_display_data", "execute_result", "error"]);

/** The phases of `runs` runs of a notebook, one after another, each on a fresh kernel, and their medians. */
export async function timeFirstOutput(options: FirstOutputOptions = {}): Promise<FirstOutputResult> {
  const file = resolve(options.notebook ?? firstCourseNotebook());
  const runs = options.runs ?? 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`first-output: runs must be a positive whole number, got ${runs}`);
  const source = await readNotebook(file);
  const before = loadavg()[0] ?? 0;
  const phases: FirstOutputPhases[] = [];
  let firstOutputCell = 0;
  const spec = options.cpuProfileDir ? profiledSpec(options.cpuProfileDir) : undefined;
  for (let run = 1; run <= runs; run++) {
    const one = await timeOneRun(source, file, spec);
    firstOutputCell = one.firstOutputCell;
    phases.push(one.phases);
    options.onRun?.(run, one.phases);
  }
  const middle = (key: keyof FirstOutputPhases) => median(phases.map((p) => p[key]));
  return {
    notebook: file,
    firstOutputCell,
    runs: phases,
    median: { kernelInfoMs: middle("kernelInfoMs"), firstRequestMs: middle("firstRequestMs"), firstOutputMs: middle("firstOutputMs"), notebookMs: middle("notebookMs") },
    load: { before, after: loadavg()[0] ?? 0 },
  };
}

/** Our kernelspec with Node's profiler on (Node 20 refuses --cpu-prof in NODE_OPTIONS); the profile is written when the kernel exits. */
function profiledSpec(folder: string): KernelSpec {
  const spec = kernelSpec();
  const [node, ...rest] = spec.argv;
  return { ...spec, argv: [node as string, "--cpu-prof", `--cpu-prof-dir=${resolve(folder)}`, ...rest] };
}

async function timeOneRun(source: Notebook, file: string, spec: KernelSpec | undefined): Promise<{ phases: FirstOutputPhases; firstOutputCell: number }> {
  let kernelInfo: number | undefined;
  let firstRequest: number | undefined;
  let firstOutput: number | undefined;
  let currentCell = 0;
  let firstOutputCell = 0;
  const start = performance.now();
  const { failure } = await executeNotebook(source, file, {
    spec,
    onProgress: (event) => {
      const now = performance.now() - start;
      if (event.kind === "kernel-started") kernelInfo = now;
      else {
        currentCell = event.cellNumber;
        firstRequest ??= now;
      }
    },
    onIopub: (message) => {
      if (firstOutput !== undefined || !OUTPUT_TYPES.has(message.header.msg_type)) return;
      firstOutput = performance.now() - start;
      firstOutputCell = currentCell;
    },
  });
  const notebookMs = performance.now() - start;
  if (failure) throw new Error(`first-output: ${basename(file)} failed at cell ${failure.cellNumber} (${failure.firstLine}): ${failure.message}`);
  if (kernelInfo === undefined || firstRequest === undefined) throw new Error(`first-output: ${basename(file)} has no code cell to run`);
  if (firstOutput === undefined) throw new Error(`first-output: ${basename(file)} ran without showing any output`);
  return { phases: { kernelInfoMs: kernelInfo, firstRequestMs: firstRequest, firstOutputMs: firstOutput, notebookMs }, firstOutputCell };
}

function firstCourseNotebook(): string {
  const first = courseNotebooks(defaultCoursePaths.root)[0];
  if (first === undefined) throw new Error(`first-output: no notebook in ${join(defaultCoursePaths.root, "notebooks")}`);
  return first;
}

/** The result as lines: one per phase with its median, then the load average. */
export function formatFirstOutput(result: FirstOutputResult): string[] {
  const width = Math.max(...Object.values(PHASE_LABELS).map((label) => label.length));
  const lines = [`${basename(result.notebook)}: median of ${result.runs.length} run(s), first output from cell ${result.firstOutputCell}`];
  for (const [key, label] of Object.entries(PHASE_LABELS) as [keyof FirstOutputPhases, string][]) {
    const all = result.runs.map((run) => run[key].toFixed(0)).join(" ");
    lines.push(`  ${label.padEnd(width)}  ${result.median[key].toFixed(0).padStart(6)} ms   (runs: ${all})`);
  }
  lines.push(`  load average ${result.load.before.toFixed(2)} before, ${result.load.after.toFixed(2)} after`);
  return lines;
}

const USAGE = `usage: node dist/bench/first-output.js [--runs N] [--notebook FILE] [--cpu-prof DIR]
  Runs a notebook (default: notebooks/01-…) N times (default 5), each on a
  fresh kernel as \`gradient-lab run\` starts it, and prints the median time
  from the kernel's start to its kernel_info reply, to the first cell's
  request, to the first output and to the end of the notebook.
  --cpu-prof DIR writes each kernel's V8 CPU profile into DIR.`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string", default: "5" },
      notebook: { type: "string" },
      "cpu-prof": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got "${values.runs}"`);
  const result = await timeFirstOutput({
    notebook: values.notebook,
    runs,
    cpuProfileDir: values["cpu-prof"],
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
