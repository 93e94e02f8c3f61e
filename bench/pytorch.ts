import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../kernel/project-root";
import { startingNetwork } from "./engine";
import type { MeasureOptions } from "./measure";
import type { ResultRow } from "./results";
import { type TrainingWorkload, workPerStep } from "./workloads";

/** The project's Python environment (.ci/run makes it from test/python/requirements.txt), which pins torch 2.13's CPU build. */
export const venvPython = join(projectRoot(), ".venv", "bin", "python");

/** Why PyTorch cannot run here, or null when `import torch` works in the venv. */
export function pytorchUnavailable(python = venvPython): string | null {
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.error) return `${python} could not be started (${probe.error.message}; python3 -m venv .venv && .venv/bin/pip install -r test/python/requirements.txt)`;
  if (probe.status !== 0) return `${python} -c "import torch" failed: ${probe.stderr.trim().split("\n").pop()} (.venv/bin/pip install -r test/python/requirements.txt installs torch 2.13)`;
  return null;
}

/**
 * The environment that sizes PyTorch's thread pools. They are made when torch
 * is imported, from these variables; torch.set_num_threads afterwards resizes
 * only the pools it knows of. Debian's torch 1.13 on OpenBLAS ran "1 thread"
 * on two cores (OpenBLAS's own pool, busy-waiting), so every pool a BLAS may
 * bring is sized here, before the import.
 */
export function threadEnvironment(threads: number): Record<string, string> {
  const count = String(threads);
  return { OMP_NUM_THREADS: count, MKL_NUM_THREADS: count, OPENBLAS_NUM_THREADS: count };
}

/**
 * Runs bench/pytorch_workloads.py on the workloads, one process per thread
 * count (pools are sized at import), and returns its rows and torch's version.
 */
export function runPytorch(workloads: readonly TrainingWorkload[], measure: MeasureOptions, threads: readonly number[], python = venvPython): { rows: ResultRow[]; version: string } {
  const rows: ResultRow[] = [];
  let version = "";
  for (const count of threads) {
    const run = runPytorchProcess(workloads, measure, count, python);
    rows.push(...run.rows);
    version = run.version;
  }
  return { rows, version };
}

function runPytorchProcess(workloads: readonly TrainingWorkload[], measure: MeasureOptions, threads: number, python: string): { rows: ResultRow[]; version: string } {
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
  const run = spawnSync(python, [script], { input: JSON.stringify(config), encoding: "utf8", maxBuffer: 1 << 24, env: { ...process.env, ...threadEnvironment(threads) } });
  if (run.error) throw new Error(`PyTorch bench: could not start ${python}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`PyTorch bench: ${script} exited with ${run.status}:\n${run.stderr}`);
  let parsed: { torch: string; rows: ResultRow[] };
  try {
    parsed = JSON.parse(run.stdout) as { torch: string; rows: ResultRow[] };
  } catch {
    throw new Error(`PyTorch bench: ${script} printed no JSON:\n${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`);
  }
  // A thread count PyTorch did not honour would put a wrong line in the table.
  for (const row of parsed.rows) {
    if (row.threads !== threads) throw new Error(`PyTorch bench: ${row.workload} ${row.precision} ran on ${row.threads} thread(s), asked for ${threads}`);
  }
  return { rows: parsed.rows, version: parsed.torch };
}

/** tsc does not copy the .py file: from dist/bench/ it is in the source folder ../../bench/. */
function pythonScript(): string {
  const beside = join(__dirname, "pytorch_workloads.py");
  return existsSync(beside) ? beside : join(__dirname, "..", "..", "bench", "pytorch_workloads.py");
}
