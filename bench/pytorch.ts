import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startingNetwork } from "./engine";
import type { MeasureOptions } from "./measure";
import type { ResultRow } from "./results";
import { type TrainingWorkload, workPerStep } from "./workloads";

/** Debian's python3-torch installs into the system Python; a pyenv python3 earlier on PATH would not see it. */
export const systemPython = "/usr/bin/python3";

/** Why PyTorch cannot run here, or null when `import torch` works. */
export function pytorchUnavailable(python = systemPython): string | null {
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.error) return `${python} could not be started (${probe.error.message})`;
  if (probe.status !== 0) return `${python} -c "import torch" failed: ${probe.stderr.trim().split("\n").pop()} (install the Debian package python3-torch)`;
  return null;
}

/** Runs bench/pytorch_workloads.py on the workloads, once per thread count, and returns its rows. */
export function runPytorch(workloads: readonly TrainingWorkload[], measure: MeasureOptions, threads: readonly number[], python = systemPython): { rows: ResultRow[]; version: string } {
  const config = {
    ...measure,
    threads,
    workloads: workloads.map((w) => {
      const start = w.data === "source-sample" ? startingNetwork(w) : null;
      return {
        name: w.name,
        sizes: w.sizes,
        activations: w.activations,
        batch: w.batch,
        learningRate: w.learningRate,
        unit: w.unit,
        workPerStep: workPerStep(w),
        float64: w.pytorchFloat64,
        data: w.data,
        ...(start ? { start: { weights: start.weights.map((m) => [...m]), biases: start.biases.map((b) => [...b]) } } : {}),
      };
    }),
  };
  const script = pythonScript();
  const run = spawnSync(python, [script], { input: JSON.stringify(config), encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.error) throw new Error(`PyTorch bench: could not start ${python}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`PyTorch bench: ${script} exited with ${run.status}:\n${run.stderr}`);
  let parsed: { torch: string; rows: ResultRow[] };
  try {
    parsed = JSON.parse(run.stdout) as { torch: string; rows: ResultRow[] };
  } catch {
    throw new Error(`PyTorch bench: ${script} printed no JSON:\n${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`);
  }
  // A thread count PyTorch did not honour would put a wrong line in the table.
  const asked = parsed.rows.map((_, k) => threads[k % threads.length]);
  parsed.rows.forEach((row, k) => {
    if (row.threads !== asked[k]) throw new Error(`PyTorch bench: ${row.workload} ${row.precision} ran on ${row.threads} thread(s), asked for ${asked[k]}`);
  });
  return { rows: parsed.rows, version: parsed.torch };
}

/** tsc does not copy the .py file: from dist/bench/ it is in the source folder ../../bench/. */
function pythonScript(): string {
  const beside = join(__dirname, "pytorch_workloads.py");
  return existsSync(beside) ? beside : join(__dirname, "..", "..", "bench", "pytorch_workloads.py");
}
