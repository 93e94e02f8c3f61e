import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatGoalTable, goalRows } from "../../bench/goals";
import { moved, renderReadmeTables } from "../../bench/readme-table";
import type { BenchReport } from "../../bench/results";

const fixtures = join(__dirname, "fixtures");
const load = (name: string): { file: string; report: BenchReport } => ({ file: join(fixtures, name), report: JSON.parse(readFileSync(join(fixtures, name), "utf8")) as BenchReport });

describe("bench: issue 26's goals", () => {
  it("works each goal out from the run's rows and peaks, and leaves out the goals whose rows did not run", () => {
    const goals = goalRows(load("run1.json").report);
    // run1: W3 float32 on 2 threads at 80,000 samples/s = 32.73 GFLOP/s, of 2 x 50 GFLOP/s; 1 thread 50,000; PyTorch 100,000; W1 3M; course 0.4 / 0.2.
    expect(goals.map((g) => [g.goal, Number(g.value.toFixed(4)), g.target, g.met])).toEqual([
      ["3-mlp-784-128-10 float32, 2 threads / 2-core WebAssembly SIMD peak", 0.3273, 0.7, false],
      ["3-mlp-784-128-10 float32, 2 threads / 1 thread", 1.6, 1.8, false],
      ["1-seed-2-2-1, gradient-lab's best (absolute: quiet machine only)", 3_000_000, 3_500_000, false],
      ["3-mlp-784-128-10 float32, gradient-lab's best / PyTorch's best", 0.8, 1.2, false],
      ["4-course, full build / nbconvert", 2, 5, false],
    ]);
    expect(formatGoalTable(goals).split("\n")[2]).toBe("| 3-mlp-784-128-10 float32, 2 threads / 2-core WebAssembly SIMD peak | 80,000 samples/s, 32.7 of 100.0 GFLOP/s | 33% | 70% | not met |");
    const met = goalRows({ ...load("run1.json").report, rows: load("run1.json").report.rows.map((r) => (r.system === "nbconvert" ? { ...r, throughput: 0.05 } : r)) });
    expect(met.find((g) => g.goal.startsWith("4-course"))).toMatchObject({ value: 8, met: true });
  });
});

describe("bench: the README's table from two runs", () => {
  it("sets both runs' goals and ratios side by side and flags what moved more than 15%", () => {
    const { text, moved: flagged } = renderReadmeTables(load("run1.json"), load("run2.json"));
    const lines = text.split("\n");
    expect(lines[0]).toBe("run 1: run1.json, 2026-12-08 02:00 UTC, 2 cores (AMD EPYC), Node 20.20.0, PyTorch 2.13.0+cpu; load average 0.20 at the start, other processes 0.10 cores");
    // Scaling went 80,000/50,000 = 1.60x to 60,000/52,000 = 1.15x: moved 28%. The course ratio went 2.00x to 2.10x: 5%.
    expect(lines).toContain("| 3-mlp-784-128-10 float32, 2 threads / 1 thread | 1.80x | 1.60x | 1.15x | 28% MOVED | not met / not met |");
    expect(lines).toContain("| 4-course, full build / nbconvert | 5.00x | 2.00x | 2.10x | 5% | not met / not met |");
    // PyTorch's row: best/this went 80,000/100,000 = 0.80x to 60,000/95,000 = 0.63x.
    expect(lines).toContain("| 3-mlp-784-128-10 | pytorch | float32 | 1 | 100,000 samples/s | 95,000 samples/s | 0.80x | 0.63x | 21% MOVED |");
    expect(lines).toContain("| a kernel after 08-two-spirals.ipynb | 250 MiB | 260 MiB |");
    // Run 2's engine on 2 threads had 1.1 cores of CPU time: it was starved, the likely reason its scaling moved.
    expect(lines).toContain("| 3-mlp-784-128-10 | gradient-lab | float32 | 2 | 80,000 samples/s | 60,000 samples/s (starved) | 1.00x | 1.00x | 0% |");
    expect(flagged).toEqual([
      "3-mlp-784-128-10 float32, 2 threads / 2-core WebAssembly SIMD peak",
      "3-mlp-784-128-10 float32, 2 threads / 1 thread",
      "3-mlp-784-128-10 float32, gradient-lab's best / PyTorch's best",
      "3-mlp-784-128-10 | gradient-lab | float32 | 1",
      "3-mlp-784-128-10 | pytorch | float32 | 1",
    ]);
    expect(lines[lines.length - 1]).toMatch(/^5 figure\(s\) moved more than 15% between the runs/);
    expect(text).not.toMatch(/NaN|undefined|null/);
    // The same run twice repeats exactly.
    expect(renderReadmeTables(load("run1.json"), load("run1.json")).moved).toEqual([]);
    expect(moved(2, 2.3)).toBeCloseTo(0.15, 12);
  });

  it("as a command: prints the tables, and names the file that is not a results file", () => {
    const cli = join(__dirname, "..", "..", "dist", "bench", "readme-table.js");
    const ok = spawnSync(process.execPath, [cli, join(fixtures, "run1.json"), join(fixtures, "run2.json")], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("| goal | target | run 1 | run 2 | moved | met (run 1 / run 2) |");
    const bad = spawnSync(process.execPath, [cli, join(fixtures, "run1.json"), join(__dirname, "readme-table.test.ts")], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`readme-table: ${join(__dirname, "readme-table.test.ts")}: not a readable bench results file`);
    const usage = spawnSync(process.execPath, [cli, join(fixtures, "run1.json")], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("usage: node dist/bench/readme-table.js RUN1.json RUN2.json");
  });
});
