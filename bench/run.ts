import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { courseUnavailable, defaultCoursePaths, jupyterUnavailable, timeCourse } from "./course";
import { formatFirstOutput, timeFirstOutput } from "./first-output";
import { formatKernelTable, kernelContenders, type KernelRow, runConformance, timeKernelStarts } from "./kernel-start";
import { defaultSetting, type EngineSetting, engineTrainer } from "./engine";
import { gigaflopsPerSecond } from "./flops";
import type { Precision } from "../src";
import { busyLoad, busyWarning, cpuTicks, describeMachine, loadAverage, nativePeak, othersCores } from "./machine";
import { type Contender, defaultMeasure, interleavedThroughputs, type MeasureOptions, median, type Throughput } from "./measure";
import { pytorchUnavailable, runPytorch, venvPython } from "./pytorch";
import { formatGoalTable, goalRows } from "./goals";
import { formatMegabytes, measureMemory, type MemoryReport } from "./memory";
import { defaultTiming, measureSimdPeak, type SimdPeak, type Timing } from "./simd-peak";
import { type BenchReport, compareRows, isStarved, starvedShare, formatOtherTable, formatPeaks, formatTrainingTable, formatVersusPytorch, type ResultRow, withRatios, writeResults } from "./results";
import { type TfjsSystem, type TfjsTrainer, tfjsTrainer, useTfjsBackend } from "./tfjs";
import { courseWorkloadName, type TrainingWorkload, trainingWorkloads, workloadKey, workPerStep } from "./workloads";

const USAGE = `usage: node dist/bench/run.js [--workloads 1,2,3,3b,4,5,6] [--threads 1,2] [--runs N] [--seconds S] [--course-runs N] [--out FILE]
  Runs each workload on gradient-lab (float64 and float32, on each thread
  count) and its peers (PyTorch on each thread count), prints a table
  (median of N runs of at least S seconds each) and writes everything as
  JSON to FILE (default bench/results/latest.json). The course (workload 4)
  is built --course-runs times (default 3) by each system, taking turns; the
  median counts. Workload 5 starts gradient-lab's kernel, Deno's and
  ipykernel --course-runs times each, taking turns (spawn to kernel_info, to
  the first output of a one-line cell), and runs Jupyter's conformance suite
  on each. Workload 6 reads peak resident memory: a kernel's after
  notebook 08, and npm start's whole process tree. Under the tables, every
  goal of issue 26 with this run's figure.`;

export type Log = (line: string) => void;

/** What --workloads picks from: the training workloads by their key, then the course (4), kernels (5) and memory (6). */
const workloadKeys = [...trainingWorkloads.map((w) => workloadKey(w.name)), "4", "5", "6"];

function formatMemory(memory: MemoryReport): string {
  const lines = ["| peak resident memory | |", "| --- | ---: |"];
  if (memory.kernel) lines.push(`| a kernel after ${basename(memory.kernel.notebook)} (its VmHWM) | ${formatMegabytes(memory.kernel.peakBytes)} |`);
  if (memory.npmStart) lines.push(`| npm start, the whole process tree (sum of VmRSS, sampled every 50 ms; ${memory.npmStart.seconds.toFixed(1)} s) | ${formatMegabytes(memory.npmStart.treePeakBytes)} |`);
  return lines.join("\n");
}

interface Entry {
  row: Omit<ResultRow, "throughput">;
  contender: Contender;
  /** Steps to the workload's unit (samples per step, or 1). */
  stepsToUnits: number;
  /** The engine's threads in its last step (read after timing). */
  threadsUsed?: () => number;
  dispose(): void;
}

/** gradient-lab's fast path at one setting, ready to be timed in this process. */
function engineEntry(workload: TrainingWorkload, setting: EngineSetting): Entry {
  const trainer = engineTrainer(workload, { setting });
  return {
    row: { workload: workload.name, system: "gradient-lab", unit: workload.unit, ...setting },
    contender: { repeat: trainer.repeat },
    stepsToUnits: workPerStep(workload),
    threadsUsed: () => trainer.network.lastStepThreads,
    dispose: trainer.dispose,
  };
}

/** TensorFlow.js on one backend; both run on one thread in Node (the wasm backend loads its single-threaded SIMD build there). */
function tfjsEntry(workload: TrainingWorkload, system: TfjsSystem): Entry {
  let trainer: TfjsTrainer | undefined;
  const prepare = async () => {
    await useTfjsBackend(system);
    // Variables live on the backend that made them: the first steps after a switch move them over, so keep those out of the timing.
    trainer ??= tfjsTrainer(workload);
    trainer.repeat(3);
  };
  return {
    row: { workload: workload.name, system, unit: workload.unit, precision: "float32", threads: 1 },
    contender: { prepare, repeat: (n) => (trainer as TfjsTrainer).repeat(n) },
    stepsToUnits: workPerStep(workload),
    dispose: () => trainer?.dispose(),
  };
}

/** Times in-process systems on workloads in interleaved rounds (see measure.ts); `afterRound` lets PyTorch take its turn. */
async function timeEntries(entries: readonly Entry[], measure: MeasureOptions, afterRound?: () => void): Promise<ResultRow[]> {
  try {
    const measured = await interleavedThroughputs(
      entries.map((e) => e.contender),
      measure,
      afterRound,
    );
    return entries.map((e, k) => {
      const { stepsPerSecond, cpuCores } = measured[k] as Throughput;
      return { ...e.row, throughput: stepsPerSecond * e.stepsToUnits, cpuCores, ...optional("threadsUsed", e.threadsUsed?.()) };
    });
  } finally {
    for (const e of entries) e.dispose();
  }
}

/**
 * The engine settings to time on a workload: each precision on each thread
 * count, except that a batch of one sample cannot be split over threads, so
 * there the engine's 2-thread run is its 1-thread run and is not timed twice.
 */
export function engineSettings(workload: TrainingWorkload, threads: readonly number[]): EngineSetting[] {
  const counts = workload.batch === 1 ? [1] : threads;
  return (["float64", "float32"] as const satisfies readonly Precision[]).flatMap((precision) => counts.map((t) => ({ precision, threads: t })));
}

/**
 * GFLOP/s of a row's matrix products (bench/flops.ts), on the batched
 * workloads only: a one-sample step is nearly all overhead, so its GFLOP/s
 * would say nothing about the arithmetic.
 */
function withGigaflops(row: ResultRow, workloads: readonly TrainingWorkload[]): ResultRow {
  const workload = workloads.find((w) => w.name === row.workload);
  if (!workload || workload.batch === 1) return row;
  return { ...row, gflops: gigaflopsPerSecond(row.throughput / workPerStep(workload), workload.sizes, workload.batch) };
}

/**
 * One warning naming every row that did not get the cores it was given, or
 * none. Threads that wait for each other by spinning (OpenMP's default, the
 * engine's brief spin) lose most when one of them is descheduled: on a busy
 * 2-core machine PyTorch on 2 threads fell from 130k to 3-20k samples/s on W3.
 */
export function starvedRows(rows: readonly ResultRow[]): string[] {
  const starved = rows.filter(isStarved);
  if (starved.length === 0) return [];
  const names = starved.map((r) => `${r.system} ${r.workload} ${r.precision} ${r.threads}t (${(r.cpuCores as number).toFixed(2)} cores)`);
  return [`WARNING: ${starved.length} row(s) had less than ${100 * starvedShare}% of their threads in CPU time while timed: other processes took their cores, these figures are not comparable: ${names.join(", ")}`];
}

/** gradient-lab at the given settings (float64 on one thread unless told), tfjs-cpu and tfjs-wasm on one training workload, in this process. */
export async function benchInProcess(workload: TrainingWorkload, measure: MeasureOptions, settings: readonly EngineSetting[] = [defaultSetting]): Promise<ResultRow[]> {
  const entries = [...settings.map((s) => engineEntry(workload, s)), tfjsEntry(workload, "tfjs-cpu"), tfjsEntry(workload, "tfjs-wasm")];
  return (await timeEntries(entries, measure)).map((row) => withGigaflops(row, [workload]));
}

export interface BenchOptions {
  workloads: readonly TrainingWorkload[];
  course: boolean;
  /** Workload 5: kernel starts and conformance. */
  kernels?: boolean;
  /** Workload 6: peak resident memory of a kernel and of npm start. */
  memory?: boolean;
  measure: MeasureOptions;
  /** Thread counts for the engine and PyTorch (default 1 and 2). */
  threads?: readonly number[];
  courseRuns: number;
  /** How long bench/simd-peak.ts times its loops (its default unless told). */
  simdPeakTiming?: Timing;
  log: Log;
}

/** Every workload on every available system; what cannot run is skipped with a line saying why. */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { log, measure } = options;
  const threads = options.threads ?? [1, 2];
  const machine = describeMachine();
  const startLoad = loadAverage();
  const startTicks = cpuTicks();
  log(`machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load average ${startLoad.toFixed(2)} at the start`);
  const startWarning = busyWarning("load average at the start", startLoad, machine.cores);
  if (startWarning) log(startWarning);
  const wasmSimd = simdPeak(options.simdPeakTiming ?? defaultTiming, log);
  const rows: ResultRow[] = [];
  let pytorch: BenchReport["pytorch"];
  for (const workload of options.workloads) log(`${workload.name}: ${workload.title}`);
  if (options.workloads.some((w) => w.batch === 1)) log(`a batch of one sample cannot be split over threads: on those workloads gradient-lab runs on 1 thread only`);
  if (options.workloads.length > 0) {
    const missing = pytorchUnavailable();
    if (missing) log(`PyTorch skipped: ${missing}`);
    // PyTorch runs in its own process: one round of it (runs = 1) after each round of the in-process systems.
    const torchRounds: ResultRow[][] = [];
    const torchRound = missing
      ? undefined
      : () => {
          const torch = runPytorch(options.workloads, { ...measure, runs: 1 }, threads);
          if (torchRounds.length === 0) {
            pytorch = { version: torch.version, python: venvPython };
            log(`PyTorch ${torch.version} on ${threads.join(" and ")} thread(s)`);
          }
          torchRounds.push(torch.rows);
        };
    const entries: Entry[] = [];
    const skipped = new Set<string>();
    for (const workload of options.workloads) {
      for (const setting of engineSettings(workload, threads)) {
        try {
          entries.push(engineEntry(workload, setting));
        } catch (error) {
          // An engine without this setting yet: say so once, keep the rest.
          const reason = `gradient-lab ${setting.precision} on ${setting.threads} thread(s) skipped: ${error instanceof Error ? error.message : String(error)}`;
          if (!skipped.has(reason)) log(reason);
          skipped.add(reason);
        }
      }
      if (workload.tfjs) entries.push(tfjsEntry(workload, "tfjs-cpu"), tfjsEntry(workload, "tfjs-wasm"));
    }
    rows.push(...(await timeEntries(entries, measure, torchRound)));
    for (const [k, first] of (torchRounds[0] ?? []).entries()) {
      const same = torchRounds.map((round) => round[k] as ResultRow);
      // bench/pytorch_workloads.py gives every row its CPU time.
      rows.push({ ...first, throughput: median(same.map((row) => row.throughput)), cpuCores: median(same.map((row) => row.cpuCores as number)) });
    }
    for (const line of starvedRows(rows)) log(line);
  }
  let firstOutput: BenchReport["firstOutput"];
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
      // How soon a reader sees something: notebook 01 from the kernel's start to its first output.
      try {
        const result = await timeFirstOutput({ runs: options.courseRuns });
        for (const line of formatFirstOutput(result)) log(line);
        firstOutput = { notebook: basename(result.notebook), firstOutputMs: result.median.firstOutputMs, notebookMs: result.median.notebookMs, runs: result.runs.length };
      } catch (error) {
        log(`first output not measured: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  let kernels: KernelRow[] | undefined;
  if (options.kernels) {
    log("5-kernels: gradient-lab's kernel beside Deno's and ipykernel: start, and jupyter_kernel_test 0.7");
    const { contenders, missing } = kernelContenders();
    for (const line of missing) log(line);
    try {
      kernels = await timeKernelStarts(contenders, options.courseRuns);
      const conformance = await runConformance(contenders);
      kernels = kernels.map((row) => ({ ...row, ...optional("conformance", conformance.get(row.kernel)) }));
    } catch (error) {
      log(`5-kernels skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let memory: MemoryReport | undefined;
  if (options.memory) {
    log("6-memory: peak resident memory of a kernel after notebook 08, and of npm start's whole process tree");
    const missing = courseUnavailable(defaultCoursePaths);
    if (missing) log(`6-memory skipped: ${missing}`);
    else {
      try {
        memory = await measureMemory(defaultCoursePaths.root, join(defaultCoursePaths.root, "notebooks", "08-two-spirals.ipynb"));
      } catch (error) {
        log(`6-memory skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const endLoad = loadAverage();
  const endTicks = cpuTicks();
  // The load average at the end counts the benchmark's own threads; the CPU time other processes took during the run does not.
  const others = startTicks && endTicks ? othersCores(startTicks, endTicks, machine.cores) : undefined;
  log(`load average ${endLoad.toFixed(2)} at the end (it counts the benchmark's own threads)`);
  if (others === undefined) log("other processes' CPU time during the run: unknown (no /proc/stat)");
  else log(`other processes used ${others.toFixed(2)} cores on average during the run`);
  const endWarning = others === undefined ? undefined : busyWarning("other processes' CPU use during the run, in cores,", others, machine.cores);
  if (endWarning) log(endWarning);
  const sortedRows = withRatios(rows.map((r) => withGigaflops(r, options.workloads)).sort(compareRows));
  const peaks = { ...optional("native", nativePeak(machine)), ...optional("wasmSimd", wasmSimd) };
  return {
    date: new Date().toISOString(),
    machine,
    peaks,
    load: { start: startLoad, end: endLoad, ...optional("othersCores", others), busy: startLoad > busyLoad(machine.cores) || (others ?? 0) > busyLoad(machine.cores) },
    measure,
    ...optional("courseRuns", options.course ? options.courseRuns : undefined),
    ...optional("firstOutput", firstOutput),
    ...optional("kernels", kernels),
    ...optional("pytorch", pytorch),
    ...optional("memory", memory),
    goals: goalRows({ rows: sortedRows, peaks, machine }),
    rows: sortedRows,
  };
}

/** The WebAssembly SIMD peak on one core, measured before the workloads while the machine is as the run found it; a runtime without SIMD gets a line saying so. */
function simdPeak(timing: Timing, log: Log): SimdPeak | undefined {
  try {
    const peak = measureSimdPeak(timing);
    log(`WebAssembly SIMD peak, one core: ${peak.float32.gflops.toFixed(1)} GFLOP/s float32 (${peak.float32.method}), ${peak.float64.gflops.toFixed(1)} float64 (${peak.float64.method})`);
    return peak;
  } catch (error) {
    log(`WebAssembly SIMD peak not measured: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** `{ key: value }`, or nothing when the value is undefined (the JSON then has no such key rather than a null). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      workloads: { type: "string", default: workloadKeys.join(",") },
      runs: { type: "string", default: String(defaultMeasure.runs) },
      seconds: { type: "string", default: String(defaultMeasure.minSeconds) },
      threads: { type: "string", default: "1,2" },
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
  const unknown = chosen.filter((w) => !workloadKeys.includes(w));
  if (unknown.length > 0) throw new Error(`--workloads: unknown workload(s) ${unknown.join(", ")}; choose from ${workloadKeys.join(",")}`);
  const measure = { runs: positive(values.runs, "--runs"), minSeconds: positive(values.seconds, "--seconds") };
  const threads = values.threads.split(",").map((t) => wholeNumber(t.trim(), "--threads"));
  const log: Log = (line) => console.log(line);
  const report = await runBench({
    workloads: trainingWorkloads.filter((w) => chosen.includes(workloadKey(w.name))),
    course: chosen.includes("4"),
    kernels: chosen.includes("5"),
    memory: chosen.includes("6"),
    measure,
    threads: [...new Set(threads)],
    courseRuns: positive(values["course-runs"], "--course-runs"),
    log,
  });
  log(`\nmedian of ${measure.runs} runs of at least ${measure.minSeconds} s each; each cell: throughput (gradient-lab's best on that workload / this), GFLOP/s of the matrix products\n`);
  if (report.rows.some((r) => r.precision !== undefined)) log(formatTrainingTable(report.rows));
  const versus = formatVersusPytorch(report.rows);
  if (versus !== "") log(`\neach precision's best, gradient-lab / PyTorch (over thread counts):\n${versus}`);
  if (report.rows.some((r) => r.precision === undefined)) log(`\n${formatOtherTable(report.rows)}`);
  if (report.kernels) log(`\nkernels: medians of ${report.kernels[0]?.runs ?? 0} starts each, taking turns; jupyter_kernel_test 0.7's KernelTests\n${formatKernelTable(report.kernels)}`);
  log(`\n${formatPeaks(report.peaks, report.machine.cores)}`);
  if (report.memory) log(`\n${formatMemory(report.memory)}`);
  if (report.goals && report.goals.length > 0) log(`\nissue 26's goals (ratios within this run; W1 absolute, read it on a quiet machine):\n${formatGoalTable(report.goals)}`);
  // Said again last, where the eye lands: figures from a busy machine must not be quoted as quiet ones.
  if (report.load.busy) log(`\nWARNING: the machine was busy (load average ${report.load.start.toFixed(2)} at the start${report.load.othersCores === undefined ? "" : `, other processes used ${report.load.othersCores.toFixed(2)} cores during the run`}): these figures are NOT comparable with a quiet run`);
  writeResults(values.out, report);
  log(`\nwrote ${values.out}`);
  return 0;
}

function positive(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${text}"`);
  return value;
}

function wholeNumber(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be positive whole numbers, got "${text}"`);
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
