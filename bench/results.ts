import type { GoalRow } from "./goals";
import type { KernelRow } from "./kernel-start";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Precision } from "../src";
import type { Machine, NativePeak } from "./machine";
import type { MeasureOptions } from "./measure";
import type { MemoryReport } from "./memory";
import type { SimdPeak } from "./simd-peak";

export type System = "gradient-lab" | "tfjs-cpu" | "tfjs-wasm" | "pytorch" | "nbconvert";

/** One measured throughput; higher is better. */
export interface ResultRow {
  workload: string;
  system: System;
  throughput: number;
  unit: string;
  /** Arithmetic of the training workloads (the course, workload 4, has none). */
  precision?: Precision;
  /** Threads the system was allowed (training workloads). */
  threads?: number;
  /** gradient-lab: the threads its steps ran on, fewer than allowed where the batch is too small to gain from more. */
  threadsUsed?: number;
  /** GFLOP/s of the step's matrix products (bench/flops.ts), on the batched training workloads. */
  gflops?: number;
  /** The timed process's CPU time over wall time, in cores (median of the rounds): below `threads`, the row did not get its cores (in-process rows count the whole Node process). */
  cpuCores?: number;
  /** gradient-lab's best throughput on this workload over this row's: above 1, the engine is ahead. */
  ratio?: number;
}

/** Everything one run measured: what `bench/results/latest.json` holds. */
export interface BenchReport {
  date: string;
  machine: Machine;
  /** The native peak (derived) and the WebAssembly SIMD one (measured by bench/simd-peak.ts, one core). */
  peaks: { native?: NativePeak; wasmSimd?: SimdPeak };
  /** 1-minute load averages, and the cores' worth of work other processes did during the run (Linux). */
  load: { start: number; end: number; othersCores?: number; busy: boolean };
  measure: MeasureOptions;
  /** Builds of the course per system (workload 4), when it ran. */
  courseRuns?: number;
  /** Notebook 01 on a fresh kernel: median milliseconds from the kernel's start to its first output, and to the end (bench/first-output.ts). */
  firstOutput?: { notebook: string; firstOutputMs: number; notebookMs: number; runs: number };
  /** The PyTorch the peer rows come from (torch.__version__), and the Python that ran it. */
  pytorch?: { version: string; python: string };
  /** Workload 6: peak resident memory of a kernel after notebook 08 and of `npm start` (bench/memory.ts). */
  memory?: MemoryReport;
  /** Issue 26's goals, each with this run's figure and whether it is met (bench/goals.ts). */
  goals?: GoalRow[];
  /** Workload 5: each kernel's start (medians) and jupyter_kernel_test score (bench/kernel-start.ts). */
  kernels?: KernelRow[];
  rows: ResultRow[];
}

/** Below this share of its threads in CPU time, a row was starved of cores by other processes. */
export const starvedShare = 0.8;

/** Whether a row had less CPU time than its threads need: its figure says more about the machine's load than about the system. */
export function isStarved(row: ResultRow): boolean {
  return row.cpuCores !== undefined && row.threads !== undefined && row.cpuCores < starvedShare * (row.threadsUsed ?? row.threads);
}

/** Each row with its `ratio` filled in: the engine's best on the same workload (any precision, any threads) over the row. */
export function withRatios(rows: readonly ResultRow[]): ResultRow[] {
  return rows.map((row) => {
    const best = bestEngine(rows, row.workload);
    return best ? { ...row, ratio: best.throughput / row.throughput } : { ...row };
  });
}

export function bestEngine(rows: readonly ResultRow[], workload: string): ResultRow | undefined {
  let best: ResultRow | undefined;
  for (const row of rows) if (row.workload === workload && row.system === "gradient-lab" && (!best || row.throughput > best.throughput)) best = row;
  return best;
}

const systemOrder: readonly System[] = ["gradient-lab", "tfjs-cpu", "tfjs-wasm", "pytorch", "nbconvert"];
// The engine's default first.
const precisionOrder: readonly (Precision | undefined)[] = ["float64", "float32", undefined];

/** Table order within a workload: system, then precision, then threads. */
export function compareSettings(a: ResultRow, b: ResultRow): number {
  return systemOrder.indexOf(a.system) - systemOrder.indexOf(b.system) || precisionOrder.indexOf(a.precision) - precisionOrder.indexOf(b.precision) || (a.threads ?? 0) - (b.threads ?? 0);
}

/** Workload by workload, in their numbered order, then as compareSettings. */
export function compareRows(a: ResultRow, b: ResultRow): number {
  return a.workload.localeCompare(b.workload, "en", { numeric: true }) || compareSettings(a, b);
}

/** What a row of the training table stands for: a system at one precision and thread count. */
export function setting(row: ResultRow): string {
  return `${row.system} | ${row.precision ?? ""} | ${row.threads ?? ""}`;
}

/**
 * The training workloads as one Markdown table: a line per system,
 * precision and thread count, a column per workload. Each cell is the
 * throughput, gradient-lab's best over it in brackets ("best" on that row
 * itself), and GFLOP/s where the row has it. A setting not run on a
 * workload leaves its cell empty.
 */
export function formatTrainingTable(rows: readonly ResultRow[]): string {
  const training = rows.filter((r) => r.precision !== undefined);
  const workloads = [...new Set(training.map((r) => r.workload))];
  const settings = [...new Set([...training].sort(compareSettings).map(setting))];
  const unitOf = (workload: string): string => training.find((r) => r.workload === workload)?.unit ?? "";
  const lines = [`| system | precision | threads | ${workloads.map((w) => `${w} (${unitOf(w)})`).join(" | ")} |`, `| --- | --- | ---: |${workloads.map(() => " ---: |").join("")}`];
  for (const line of settings) {
    const cells = workloads.map((workload) => {
      const row = training.find((r) => r.workload === workload && setting(r) === line);
      return row ? formatCell(row, bestEngine(training, workload)) : "";
    });
    lines.push(`| ${line} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function formatCell(row: ResultRow, best: ResultRow | undefined): string {
  const ratio = best === undefined ? "" : row === best ? " (best)" : ` (${formatRatio(best.throughput / row.throughput)})`;
  const gflops = row.gflops === undefined ? "" : ` ${row.gflops.toFixed(2)} GFLOP/s`;
  const used = row.threadsUsed !== undefined && row.threadsUsed !== row.threads ? `, ran on ${row.threadsUsed}` : "";
  return `${formatThroughput(row.throughput)}${ratio}${gflops}${used}`;
}

/** Workloads without a precision (the course) as one line per measurement, with the engine/peer ratio on each peer's line. */
export function formatOtherTable(rows: readonly ResultRow[]): string {
  const lines = ["| workload | system | throughput | gradient-lab / system |", "| --- | --- | ---: | ---: |"];
  const others = rows.filter((r) => r.precision === undefined);
  for (const row of others) {
    const best = bestEngine(others, row.workload);
    const ratio = best && row !== best ? formatRatio(best.throughput / row.throughput) : "";
    lines.push(`| ${row.workload} | ${row.system} | ${formatThroughput(row.throughput)} ${row.unit} | ${ratio} |`);
  }
  return lines.join("\n");
}

/** The row with the highest throughput, or undefined for none. */
export function fastest(candidates: readonly ResultRow[]): ResultRow | undefined {
  return candidates.reduce<ResultRow | undefined>((best, r) => (best && best.throughput >= r.throughput ? best : r), undefined);
}

/**
 * Per workload and precision, the engine's best line over PyTorch's best
 * (over thread counts): the ratios the speed goals are stated in.
 */
export function formatVersusPytorch(rows: readonly ResultRow[]): string {
  const lines: string[] = [];
  for (const workload of [...new Set(rows.map((r) => r.workload))]) {
    for (const precision of ["float32", "float64"] as const) {
      const same = rows.filter((r) => r.workload === workload && r.precision === precision);
      const engine = fastest(same.filter((r) => r.system === "gradient-lab"));
      const torch = fastest(same.filter((r) => r.system === "pytorch"));
      if (!engine || !torch) continue;
      lines.push(`${workload} ${precision}: gradient-lab ${formatThroughput(engine.throughput)} (${engine.threads} thread(s)) / PyTorch ${formatThroughput(torch.throughput)} (${torch.threads} thread(s)) = ${formatRatio(engine.throughput / torch.throughput)}`);
    }
  }
  return lines.join("\n");
}

/** The peaks as a small table, GFLOP/s by precision, so the table's GFLOP/s read against the limit. */
export function formatPeaks(peaks: BenchReport["peaks"], cores: number): string {
  const lines = ["| peak GFLOP/s | float32 | float64 |", "| --- | ---: | ---: |"];
  const notes: string[] = [];
  if (peaks.native) {
    lines.push(`| native, 1 core | ${peaks.native.perCore.float32.toFixed(1)} | ${peaks.native.perCore.float64.toFixed(1)} |`);
    lines.push(`| native, ${cores} cores | ${peaks.native.allCores.float32.toFixed(1)} | ${peaks.native.allCores.float64.toFixed(1)} |`);
    notes.push(`native: ${peaks.native.method}`);
  } else {
    notes.push("native: not derived (no AVX2+FMA in the cpu flags, or no clock in /proc/cpuinfo)");
  }
  if (peaks.wasmSimd) {
    const { float32, float64 } = peaks.wasmSimd;
    lines.push(`| WebAssembly SIMD, 1 core | ${float32.gflops.toFixed(1)} | ${float64.gflops.toFixed(1)} |`);
    lines.push(`| WebAssembly SIMD, ${cores} cores | ${(cores * float32.gflops).toFixed(1)} | ${(cores * float64.gflops).toFixed(1)} |`);
    notes.push(`WebAssembly SIMD: measured by bench/simd-peak.ts (independent f32x4 / f64x2 multiply-add chains in registers), best instruction mix float32 ${float32.method}, float64 ${float64.method}${peaks.wasmSimd.fma ? "" : " (no relaxed SIMD here)"}`);
  } else {
    notes.push("WebAssembly SIMD: not measured (the log above says why)");
  }
  return `${lines.join("\n")}\n\n${notes.join("\n")}`;
}

export function formatThroughput(value: number): string {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}x`;
}

/** Writes the report as JSON through a temporary file, so a crash never leaves half a file. */
export function writeResults(file: string, report: BenchReport): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temporary, file);
}
