import type { Precision } from "../src";
import { type BenchReport, bestEngine, fastest, formatThroughput, type ResultRow } from "./results";
import { courseWorkloadName, mnistShapedMlp, seedStep, smallMlp, wideMlp } from "./workloads";

/**
 * Issue 26's goals, each as a figure of one run against its target: the
 * table `npm run bench` prints under the measurements and latest.json keeps
 * as `goals`. Every goal is a ratio within the run (to the machine's peak,
 * 2 threads over 1, the engine over a peer) except W1's, which is absolute
 * and only means something read on a quiet machine.
 */
export interface GoalRow {
  /** What is compared, the same text in every run (bench/readme-table.ts matches runs on it). */
  goal: string;
  /** The measurement(s) behind the value, for the reader. */
  now: string;
  value: number;
  target: number;
  /** How value and target read: a share of a peak, a ratio, or an absolute throughput. */
  kind: "share" | "ratio" | "absolute";
  met: boolean;
}

const peakShareTarget = 0.7;
const scalingTarget = 1.8;
const versusPytorchTarget = 1.2;
const seedStepsTarget = 3.5e6;
const courseTarget = 5;

function find(rows: readonly ResultRow[], workload: string, system: ResultRow["system"], precision?: Precision, threads?: number): ResultRow | undefined {
  return rows.find((r) => r.workload === workload && r.system === system && r.precision === precision && (threads === undefined || r.threads === threads));
}

function goal(goalText: string, now: string, value: number, target: number, kind: GoalRow["kind"]): GoalRow {
  return { goal: goalText, now, value, target, kind, met: value >= target };
}

/** The goals this run has the figures for; a goal whose rows did not run is left out, not guessed. */
export function goalRows(report: Pick<BenchReport, "rows" | "peaks" | "machine">): GoalRow[] {
  const { rows } = report;
  const goals: GoalRow[] = [];
  const simd = report.peaks.wasmSimd?.float32.gflops;
  for (const workload of [mnistShapedMlp, smallMlp]) {
    const twoThreads = find(rows, workload.name, "gradient-lab", "float32", 2);
    if (simd === undefined || twoThreads?.gflops === undefined) continue;
    const peak = simd * report.machine.cores;
    goals.push(goal(`${workload.name} float32, 2 threads / ${report.machine.cores}-core WebAssembly SIMD peak`, `${formatThroughput(twoThreads.throughput)} ${twoThreads.unit}, ${twoThreads.gflops.toFixed(1)} of ${peak.toFixed(1)} GFLOP/s`, twoThreads.gflops / peak, peakShareTarget, "share"));
  }
  for (const workload of [smallMlp, mnistShapedMlp, wideMlp]) {
    const one = find(rows, workload.name, "gradient-lab", "float32", 1);
    const two = find(rows, workload.name, "gradient-lab", "float32", 2);
    if (!one || !two) continue;
    goals.push(goal(`${workload.name} float32, 2 threads / 1 thread`, `${formatThroughput(two.throughput)} / ${formatThroughput(one.throughput)} ${one.unit}`, two.throughput / one.throughput, scalingTarget, "ratio"));
  }
  const seed = bestEngine(rows, seedStep.name);
  if (seed) goals.push(goal(`${seedStep.name}, gradient-lab's best (absolute: quiet machine only)`, `${formatThroughput(seed.throughput)} ${seed.unit} (${seed.precision})`, seed.throughput, seedStepsTarget, "absolute"));
  for (const workload of [smallMlp, mnistShapedMlp]) {
    for (const precision of ["float32", "float64"] as const) {
      const same = rows.filter((r) => r.workload === workload.name && r.precision === precision);
      const engine = fastest(same.filter((r) => r.system === "gradient-lab"));
      const torch = fastest(same.filter((r) => r.system === "pytorch"));
      if (!engine || !torch) continue;
      goals.push(goal(`${workload.name} ${precision}, gradient-lab's best / PyTorch's best`, `${formatThroughput(engine.throughput)} (${engine.threads}t) / ${formatThroughput(torch.throughput)} (${torch.threads}t)`, engine.throughput / torch.throughput, versusPytorchTarget, "ratio"));
    }
  }
  const course = find(rows, courseWorkloadName, "gradient-lab");
  const nbconvert = find(rows, courseWorkloadName, "nbconvert");
  if (course && nbconvert) goals.push(goal(`${courseWorkloadName}, full build / nbconvert`, `${formatThroughput(course.throughput)} / ${formatThroughput(nbconvert.throughput)} ${course.unit}`, course.throughput / nbconvert.throughput, courseTarget, "ratio"));
  return goals;
}

/** A goal's value or target as the table shows it: 27%, 1.20x, 2,260,000. */
export function formatGoalValue(value: number, kind: GoalRow["kind"]): string {
  if (kind === "share") return `${(100 * value).toFixed(0)}%`;
  if (kind === "ratio") return `${value.toFixed(2)}x`;
  return formatThroughput(value);
}

export function formatGoalTable(goals: readonly GoalRow[]): string {
  const lines = ["| goal | now | value | target | met |", "| --- | --- | ---: | ---: | --- |"];
  for (const g of goals) lines.push(`| ${g.goal} | ${g.now} | ${formatGoalValue(g.value, g.kind)} | ${formatGoalValue(g.target, g.kind)} | ${g.met ? "met" : "not met"} |`);
  return lines.join("\n");
}
