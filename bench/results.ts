import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export type System = "gradient-lab" | "tfjs-cpu" | "tfjs-wasm" | "pytorch" | "nbconvert";

/** One measured throughput; higher is better. */
export interface ResultRow {
  workload: string;
  system: System;
  throughput: number;
  unit: string;
  /** Arithmetic of the training workloads: the engine uses float64, tfjs float32, PyTorch both. */
  precision?: "float32" | "float64";
}

/** The engine's throughput over each peer's on the same workload (the goals are such ratios). */
export function ratios(rows: readonly ResultRow[]): { workload: string; peer: string; ratio: number }[] {
  const out: { workload: string; peer: string; ratio: number }[] = [];
  for (const engine of rows.filter((r) => r.system === "gradient-lab")) {
    for (const peer of rows.filter((r) => r.workload === engine.workload && r.system !== "gradient-lab")) {
      out.push({ workload: engine.workload, peer: label(peer), ratio: engine.throughput / peer.throughput });
    }
  }
  return out;
}

export function label(row: ResultRow): string {
  return row.system === "pytorch" && row.precision ? `pytorch ${row.precision}` : row.system;
}

/** A Markdown table: one line per measurement, with the engine/peer ratio on each peer's line. */
export function formatTable(rows: readonly ResultRow[]): string {
  const lines = ["| workload | system | throughput | gradient-lab / system |", "| --- | --- | ---: | ---: |"];
  for (const row of rows) {
    const engine = rows.find((r) => r.workload === row.workload && r.system === "gradient-lab");
    const ratio = engine && row !== engine ? `${formatRatio(engine.throughput / row.throughput)}` : "";
    lines.push(`| ${row.workload} | ${label(row)} | ${formatThroughput(row.throughput)} ${row.unit} | ${ratio} |`);
  }
  return lines.join("\n");
}

/** The same rows as one line per workload and one column per system (for the README): "throughput (engine/peer)". */
export function formatSummary(rows: readonly ResultRow[]): string {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const columns = [...new Set(rows.map(label))];
  const lines = [`| workload | unit | ${columns.join(" | ")} |`, `| --- | --- |${columns.map(() => " ---: |").join("")}`];
  for (const workload of workloads) {
    const engine = rows.find((r) => r.workload === workload && r.system === "gradient-lab");
    const cells = columns.map((column) => {
      const row = rows.find((r) => r.workload === workload && label(r) === column);
      if (!row) return "";
      return engine && row !== engine ? `${formatThroughput(row.throughput)} (${formatRatio(engine.throughput / row.throughput)})` : formatThroughput(row.throughput);
    });
    lines.push(`| ${workload} | ${rows.find((r) => r.workload === workload)?.unit ?? ""} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

export function formatThroughput(value: number): string {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}x`;
}

/** Writes the rows as JSON through a temporary file, so a crash never leaves half a file. */
export function writeResults(file: string, rows: readonly ResultRow[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(rows, null, 2)}\n`);
  renameSync(temporary, file);
}
