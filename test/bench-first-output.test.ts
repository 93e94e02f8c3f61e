import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { compareFirstOutput, formatFirstOutput, processCpuMs, timeFirstOutput } from "../bench/first-output";
import { FIXTURE_NOTEBOOKS } from "./helpers/fixture-notebooks";

describe("bench/first-output.ts", () => {
  it("times a notebook on the kernel `gradient-lab run` starts: ready, first request, first output, end, in that order", async () => {
    const result = await timeFirstOutput({ notebook: join(FIXTURE_NOTEBOOKS, "arithmetic.ipynb"), runs: 1 });
    // Cell 1 is markdown; cell 2 is the first code cell and prints at once.
    expect(result.firstOutputCell).toBe(2);
    const run = result.runs[0]!;
    expect(run.kernelInfoMs).toBeGreaterThan(0);
    expect(run.firstRequestMs).toBeGreaterThanOrEqual(run.kernelInfoMs);
    expect(run.firstOutputMs).toBeGreaterThan(run.firstRequestMs);
    expect(run.notebookMs).toBeGreaterThan(run.firstOutputMs);
    expect(run.kernelInfoCpuMs).toBeGreaterThan(0);
    expect(run.firstOutputCpuMs).toBeGreaterThanOrEqual(run.kernelInfoCpuMs!);
    expect(result.median).toEqual(run);
    const lines = formatFirstOutput(result);
    expect(lines[0]).toBe("arithmetic.ipynb: median of 1 run(s), first output from cell 2");
    expect(lines).toHaveLength(1 + 6 + 1);
    expect(lines.at(-1)).toMatch(/^ {2}load average \d+\.\d\d before, \d+\.\d\d after$/);
  });

  it("stops at a notebook that fails, naming the cell", async () => {
    await expect(timeFirstOutput({ notebook: join(FIXTURE_NOTEBOOKS, "failing.ipynb"), runs: 1 })).rejects.toThrow(
      "first-output: failing.ipynb failed at cell 2 (const missing = weights[5]!.toFixed(2);)",
    );
  });

  it("takes notebook 01 of the course by default", async () => {
    await expect(timeFirstOutput({ notebook: join(FIXTURE_NOTEBOOKS, "absent.ipynb") })).rejects.toThrow("absent.ipynb");
    const result = await timeFirstOutput({ runs: 1 });
    expect(result.notebook).toBe(join(__dirname, "..", "notebooks", "01-forward-pass.ipynb"));
    expect(result.firstOutputCell).toBe(3);
  });

  it("compares with another build's launcher by starting that one, in turns with ours", async () => {
    const notebook = join(FIXTURE_NOTEBOOKS, "arithmetic.ipynb");
    // The kernelspec's start-up check names a launcher that is not there: the proof that the baseline's is the one started.
    await expect(compareFirstOutput("/nonexistent/dist/kernel/tslab/main.js", { notebook, runs: 1 })).rejects.toThrow("/nonexistent/dist/kernel/tslab/main.js is missing");
    const { baseline, ours } = await compareFirstOutput(join(__dirname, "..", "dist", "kernel", "tslab", "main.js"), { notebook, runs: 1 });
    for (const result of [baseline, ours]) {
      expect(result.runs).toHaveLength(1);
      expect(result.firstOutputCell).toBe(2);
      expect(result.median).toEqual(result.runs[0]);
    }
  });

  it("refuses a number of runs that is not a positive whole number", async () => {
    await expect(timeFirstOutput({ runs: 0 })).rejects.toThrow("first-output: runs must be a positive whole number, got 0");
    await expect(timeFirstOutput({ runs: 1.5 })).rejects.toThrow("first-output: runs must be a positive whole number, got 1.5");
  });

  it("reads a running process's CPU time from /proc, and nothing for a process that is not there", () => {
    let spin = 0;
    for (const start = Date.now(); Date.now() - start < 50; ) spin += 1;
    expect(spin).toBeGreaterThan(0);
    expect(processCpuMs(process.pid)).toBeGreaterThan(0);
    expect(processCpuMs(undefined)).toBeUndefined();
    expect(processCpuMs(0)).toBeUndefined();
  });
});
