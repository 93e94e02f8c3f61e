import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { courseUnavailable, defaultCoursePaths, jupyterUnavailable, timeCourseRunner, timeNbconvert } from "./course";
import { engineTrainer } from "./engine";
import { defaultMeasure, type MeasureOptions, medianThroughput } from "./measure";
import { pytorchUnavailable, runPytorch } from "./pytorch";
import { formatTable, type ResultRow, writeResults } from "./results";
import { tfjsTrainer, type TfjsSystem, useTfjsBackend } from "./tfjs";
import { courseWorkloadName, type TrainingWorkload, trainingWorkloads, workPerStep } from "./workloads";

const USAGE = `usage: node dist/bench/run.js [--workloads 1,2,3,4] [--runs N] [--seconds S] [--course-runs N] [--out FILE]
  Runs each workload on gradient-lab and its peers, prints a table (median of
  N runs of at least S seconds each) and writes the rows as JSON to FILE
  (default bench/results/latest.json).`;

export type Log = (line: string) => void;

/** gradient-lab, tfjs-cpu and tfjs-wasm on one training workload, in this process. */
export async function benchInProcess(workload: TrainingWorkload, measure: MeasureOptions, systems: readonly ("gradient-lab" | TfjsSystem)[] = ["gradient-lab", "tfjs-cpu", "tfjs-wasm"]): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const scale = workPerStep(workload);
  for (const system of systems) {
    if (system === "gradient-lab") {
      const steps = await medianThroughput(engineTrainer(workload).repeat, measure);
      rows.push({ workload: workload.name, system, precision: "float64", throughput: steps * scale, unit: workload.unit });
    } else {
      await useTfjsBackend(system);
      const trainer = tfjsTrainer(workload);
      try {
        const steps = await medianThroughput(trainer.repeat, measure);
        rows.push({ workload: workload.name, system, precision: "float32", throughput: steps * scale, unit: workload.unit });
      } finally {
        trainer.dispose();
      }
    }
  }
  return rows;
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
  for (const workload of options.workloads) {
    log(`${workload.name}: ${workload.title}`);
    rows.push(...(await benchInProcess(workload, measure)));
  }
  if (options.workloads.length > 0) {
    const missing = pytorchUnavailable();
    if (missing) {
      log(`PyTorch skipped: ${missing}`);
    } else {
      log("PyTorch: running bench/pytorch_workloads.py");
      const torch = runPytorch(options.workloads, measure);
      log(`PyTorch ${torch.version}, ${torch.threads} threads`);
      rows.push(...torch.rows);
    }
  }
  if (options.course) {
    log(`${courseWorkloadName}: the whole course, notebooks/ executed end to end`);
    const missing = courseUnavailable(defaultCoursePaths);
    if (missing) {
      log(`${courseWorkloadName} skipped: ${missing}`);
    } else {
      rows.push(timeCourseRunner(defaultCoursePaths, options.courseRuns));
      const noJupyter = jupyterUnavailable(defaultCoursePaths);
      if (noJupyter) log(`nbconvert skipped: ${noJupyter}`);
      else rows.push(timeNbconvert(defaultCoursePaths, options.courseRuns));
    }
  }
  // Group by workload, in workload order, so the table reads top to bottom.
  return rows.sort((a, b) => a.workload.localeCompare(b.workload, "en", { numeric: true }));
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
