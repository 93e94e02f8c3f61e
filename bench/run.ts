import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { courseUnavailable, defaultCoursePaths, jupyterUnavailable, timeCourse } from "./course";
import { engineTrainer } from "./engine";
import { type Contender, defaultMeasure, interleavedThroughputs, type MeasureOptions, median } from "./measure";
import { pytorchUnavailable, runPytorch } from "./pytorch";
import { formatSummary, formatTable, type ResultRow, writeResults } from "./results";
import { type TfjsSystem, type TfjsTrainer, tfjsTrainer, useTfjsBackend } from "./tfjs";
import { courseWorkloadName, type TrainingWorkload, trainingWorkloads, workPerStep } from "./workloads";

const USAGE = `usage: node dist/bench/run.js [--workloads 1,2,3,4] [--runs N] [--seconds S] [--course-runs N] [--out FILE]
  Runs each workload on gradient-lab and its peers, prints a table (median of
  N runs of at least S seconds each) and writes the rows as JSON to FILE
  (default bench/results/latest.json). The course (workload 4) is built
  --course-runs times (default 3) by each system, taking turns; the median counts.`;

export type Log = (line: string) => void;

type InProcessSystem = "gradient-lab" | TfjsSystem;

interface Entry {
  row: Omit<ResultRow, "throughput">;
  contender: Contender;
  stepsToUnits: number;
  dispose(): void;
}

/** A workload on gradient-lab or TensorFlow.js, ready to be timed in this process. */
function inProcessEntry(workload: TrainingWorkload, system: InProcessSystem): Entry {
  const base = { workload: workload.name, system, unit: workload.unit, precision: system === "gradient-lab" ? "float64" : "float32" } as const;
  if (system === "gradient-lab") return { row: base, contender: { repeat: engineTrainer(workload).repeat }, stepsToUnits: workPerStep(workload), dispose: () => {} };
  let trainer: TfjsTrainer | undefined;
  const prepare = async () => {
    await useTfjsBackend(system);
    // Variables live on the backend that made them: the first steps after a switch move them over, so keep those out of the timing.
    trainer ??= tfjsTrainer(workload);
    trainer.repeat(3);
  };
  return {
    row: base,
    contender: { prepare, repeat: (n) => (trainer as TfjsTrainer).repeat(n) },
    stepsToUnits: workPerStep(workload),
    dispose: () => trainer?.dispose(),
  };
}

/** Times in-process systems on workloads in interleaved rounds (see measure.ts); `afterRound` lets PyTorch take its turn. */
async function timeEntries(entries: readonly Entry[], measure: MeasureOptions, afterRound?: () => void): Promise<ResultRow[]> {
  try {
    const steps = await interleavedThroughputs(
      entries.map((e) => e.contender),
      measure,
      afterRound,
    );
    return entries.map((e, k) => ({ ...e.row, throughput: (steps[k] as number) * e.stepsToUnits }));
  } finally {
    for (const e of entries) e.dispose();
  }
}

/** gradient-lab, tfjs-cpu and tfjs-wasm on one training workload, in this process. */
export async function benchInProcess(workload: TrainingWorkload, measure: MeasureOptions, systems: readonly InProcessSystem[] = ["gradient-lab", "tfjs-cpu", "tfjs-wasm"]): Promise<ResultRow[]> {
  return timeEntries(
    systems.map((system) => inProcessEntry(workload, system)),
    measure,
  );
}

export interface BenchOptions {
  workloads: readonly TrainingWorkload[];
  course: boolean;
  measure: MeasureOptions;
  courseRuns: number;
  log: Log;
}

/** Every workload on every available system; what cannot run is skipped with a line saying why. */
export async function runBench(options: BenchOptions): Promise<ResultRow[]> {
  const { log, measure } = options;
  const rows: ResultRow[] = [];
  for (const workload of options.workloads) log(`${workload.name}: ${workload.title}`);
  if (options.workloads.length > 0) {
    const missing = pytorchUnavailable();
    if (missing) log(`PyTorch skipped: ${missing}`);
    // PyTorch runs in its own process: one round of it (runs = 1) after each round of the in-process systems.
    const torchRounds: ResultRow[][] = [];
    const torchRound = missing
      ? undefined
      : () => {
          const torch = runPytorch(options.workloads, { ...measure, runs: 1 });
          if (torchRounds.length === 0) log(`PyTorch ${torch.version}, ${torch.threads} thread(s)`);
          torchRounds.push(torch.rows);
        };
    const entries = options.workloads.flatMap((w) => (["gradient-lab", "tfjs-cpu", "tfjs-wasm"] as const).map((system) => inProcessEntry(w, system)));
    rows.push(...(await timeEntries(entries, measure, torchRound)));
    for (const [k, first] of (torchRounds[0] ?? []).entries()) {
      rows.push({ ...first, throughput: median(torchRounds.map((round) => (round[k] as ResultRow).throughput)) });
    }
  }
  if (options.course) {
    log(`${courseWorkloadName}: the whole course, notebooks/ executed end to end`);
    const missing = courseUnavailable(defaultCoursePaths);
    if (missing) {
      log(`${courseWorkloadName} skipped: ${missing}`);
    } else {
      const noJupyter = jupyterUnavailable(defaultCoursePaths);
      if (noJupyter) log(`nbconvert skipped: ${noJupyter}`);
      // A failed run measures nothing: say why, and keep the other figures.
      try {
        const course = timeCourse(defaultCoursePaths, options.courseRuns, noJupyter === null);
        rows.push(...course.rows);
        for (const problem of course.problems) log(`${courseWorkloadName} skipped on ${problem}`);
        for (const note of course.notes) log(note);
      } catch (error) {
        log(`${courseWorkloadName} skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  // Group by workload, in workload order, so the table reads top to bottom.
  const order = ["gradient-lab", "tfjs-cpu", "tfjs-wasm", "pytorch", "nbconvert"];
  return rows.sort((a, b) => a.workload.localeCompare(b.workload, "en", { numeric: true }) || order.indexOf(a.system) - order.indexOf(b.system));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workloads: { type: "string", default: "1,2,3,4" },
      runs: { type: "string", default: String(defaultMeasure.runs) },
      seconds: { type: "string", default: String(defaultMeasure.minSeconds) },
      "course-runs": { type: "string", default: "3" },
      out: { type: "string", default: join(__dirname, "..", "..", "bench", "results", "latest.json") },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chosen = values.workloads.split(",").map((w) => w.trim());
  const unknown = chosen.filter((w) => !["1", "2", "3", "4"].includes(w));
  if (unknown.length > 0) throw new Error(`--workloads: unknown workload(s) ${unknown.join(", ")}; choose from 1,2,3,4`);
  const measure = { runs: positive(values.runs, "--runs"), minSeconds: positive(values.seconds, "--seconds") };
  const log: Log = (line) => console.log(line);
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown cpu"}), Node ${process.versions.node}, load average ${loadavg()[0]?.toFixed(2)}`);
  const rows = await runBench({
    workloads: trainingWorkloads.filter((w) => chosen.includes(w.name.slice(0, 1))),
    course: chosen.includes("4"),
    measure,
    courseRuns: positive(values["course-runs"], "--course-runs"),
    log,
  });
  log(`load average at the end ${loadavg()[0]?.toFixed(2)}; median of ${measure.runs} runs of at least ${measure.minSeconds} s each\n`);
  log(formatTable(rows));
  log(`\nby workload, throughput (gradient-lab / system):\n\n${formatSummary(rows)}`);
  writeResults(values.out, rows);
  log(`\nwrote ${values.out}`);
  return 0;
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
