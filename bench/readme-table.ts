import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { formatGoalValue, type GoalRow, goalRows } from "./goals";
import { formatMegabytes } from "./memory";
import { type BenchReport, formatThroughput, isStarved, type ResultRow, setting } from "./results";

const USAGE = `usage: node dist/bench/readme-table.js RUN1.json RUN2.json
  Renders the README's benchmark tables from two bench/results files side by
  side: issue 26's goals with each run's figure, every row's ratio to
  gradient-lab's best, and peak memory. A ratio that moved more than 15%
  between the runs is flagged: it does not repeat, so the README must not
  quote it. A row that had less than 80% of its threads in CPU time is
  marked (starved).`;

/** How far a figure may move between two runs and still count as repeating. */
export const repeatTolerance = 0.15;

/** |b / a - 1|: how much a figure moved from one run to the other. */
export function moved(a: number, b: number): number {
  return Math.abs(b / a - 1);
}

function movedCell(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined) return "";
  const change = moved(a, b);
  return `${(100 * change).toFixed(0)}%${change > repeatTolerance ? " MOVED" : ""}`;
}

function describeRun(label: string, file: string, report: BenchReport): string {
  const others = report.load.othersCores === undefined ? "" : `, other processes ${report.load.othersCores.toFixed(2)} cores`;
  const torch = report.pytorch ? `, PyTorch ${report.pytorch.version}` : "";
  return `${label}: ${basename(file)}, ${report.date.slice(0, 16).replace("T", " ")} UTC, ${report.machine.cores} cores (${report.machine.cpu}), Node ${report.machine.node}${torch}; load average ${report.load.start.toFixed(2)} at the start${others}${report.load.busy ? " (BUSY: not a quiet run)" : ""}`;
}

/** The goals of a report: as it stored them, or worked out from its rows (a report from before goals were stored). */
function goalsOf(report: BenchReport): GoalRow[] {
  return report.goals ?? goalRows(report);
}

function goalTable(first: BenchReport, second: BenchReport): { lines: string[]; moved: string[] } {
  const a = goalsOf(first);
  const b = goalsOf(second);
  const names = [...new Set([...a, ...b].map((g) => g.goal))];
  const lines = ["| goal | target | run 1 | run 2 | moved | met (run 1 / run 2) |", "| --- | ---: | ---: | ---: | ---: | --- |"];
  const flagged: string[] = [];
  for (const name of names) {
    const one = a.find((g) => g.goal === name);
    const two = b.find((g) => g.goal === name);
    const kind = (one ?? two)?.kind ?? "ratio";
    const target = (one ?? two)?.target ?? Number.NaN;
    const cell = (g: GoalRow | undefined): string => (g ? formatGoalValue(g.value, g.kind) : "");
    const change = movedCell(one?.value, two?.value);
    if (change.endsWith("MOVED")) flagged.push(name);
    const met = (g: GoalRow | undefined): string => (g ? (g.met ? "met" : "not met") : "-");
    lines.push(`| ${name} | ${formatGoalValue(target, kind)} | ${cell(one)} | ${cell(two)} | ${change} | ${met(one)} / ${met(two)} |`);
  }
  return { lines, moved: flagged };
}

/** Training rows: throughput of each run and gradient-lab's best over the row, side by side, in the first run's order. */
function ratioTable(first: BenchReport, second: BenchReport): { lines: string[]; moved: string[] } {
  const key = (r: ResultRow): string => `${r.workload} | ${setting(r)}`;
  const seconds = new Map(second.rows.map((r) => [key(r), r]));
  const lines = ["| workload | system | precision | threads | run 1 | run 2 | best / this, run 1 | run 2 | moved |", "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"];
  const flagged: string[] = [];
  for (const one of first.rows) {
    const two = seconds.get(key(one));
    // A row starved of its cores in a run explains why its ratio moved.
    const throughput = (r: ResultRow | undefined): string => (r ? `${formatThroughput(r.throughput)} ${r.unit}${isStarved(r) ? " (starved)" : ""}` : "");
    const ratio = (r: ResultRow | undefined): string => (r?.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`);
    // Ratios, not throughputs, must repeat: a busier second run slows every system alike.
    const change = movedCell(one.ratio, two?.ratio);
    if (change.endsWith("MOVED")) flagged.push(key(one));
    lines.push(`| ${key(one)} | ${throughput(one)} | ${throughput(two)} | ${ratio(one)} | ${ratio(two)} | ${change} |`);
  }
  return { lines, moved: flagged };
}

function memoryTable(first: BenchReport, second: BenchReport): string[] {
  if (!first.memory && !second.memory) return [];
  const bytes = (value: number | undefined): string => (value === undefined ? "" : formatMegabytes(value));
  return [
    "| peak resident memory | run 1 | run 2 |",
    "| --- | ---: | ---: |",
    `| a kernel after ${basename(first.memory?.kernel?.notebook ?? second.memory?.kernel?.notebook ?? "notebook 08")} | ${bytes(first.memory?.kernel?.peakBytes)} | ${bytes(second.memory?.kernel?.peakBytes)} |`,
    `| npm start, whole process tree | ${bytes(first.memory?.npmStart?.treePeakBytes)} | ${bytes(second.memory?.npmStart?.treePeakBytes)} |`,
  ];
}

/** The README's benchmark section from two runs, and what did not repeat. */
export function renderReadmeTables(first: { file: string; report: BenchReport }, second: { file: string; report: BenchReport }): { text: string; moved: string[] } {
  const goals = goalTable(first.report, second.report);
  const ratios = ratioTable(first.report, second.report);
  const memory = memoryTable(first.report, second.report);
  const movedAll = [...goals.moved, ...ratios.moved];
  const text = [
    describeRun("run 1", first.file, first.report),
    describeRun("run 2", second.file, second.report),
    "",
    ...goals.lines,
    "",
    ...ratios.lines,
    ...(memory.length > 0 ? ["", ...memory] : []),
    "",
    movedAll.length === 0
      ? `Every ratio repeats within ${100 * repeatTolerance}% between the two runs.`
      : `${movedAll.length} figure(s) moved more than ${100 * repeatTolerance}% between the runs (MOVED above): ${movedAll.join("; ")}. Do not quote them; run again on a quieter machine.`,
  ].join("\n");
  return { text, moved: movedAll };
}

function readReport(file: string): BenchReport {
  let report: BenchReport;
  try {
    report = JSON.parse(readFileSync(file, "utf8")) as BenchReport;
  } catch (error) {
    throw new Error(`${file}: not a readable bench results file (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(report.rows) || typeof report.load?.start !== "number" || report.machine === undefined) {
    throw new Error(`${file}: not a bench results file (it needs rows, load and machine, as node dist/bench/run.js writes them)`);
  }
  return report;
}

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const [first, second] = argv.map((file) => ({ file, report: readReport(file) })) as [{ file: string; report: BenchReport }, { file: string; report: BenchReport }];
  console.log(renderReadmeTables(first, second).text);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`readme-table: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
