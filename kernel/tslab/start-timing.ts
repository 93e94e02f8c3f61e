import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * Where a kernel spends its time: with GRADIENT_LAB_KERNEL_TIMING set to a
 * file, each stage of its start appends "<pid> <stage> <ms since the process
 * began>" to it, and each cell "<pid> cell <label>: compile <ms>, run <ms>"
 * (kernel/README.md, "Start-up", was measured so). Unset: nothing.
 */
const file = process.env.GRADIENT_LAB_KERNEL_TIMING;
delete process.env.GRADIENT_LAB_KERNEL_TIMING;

export function startStage(stage: string): void {
  if (file) appendFileSync(file, `${process.pid} ${stage} ${performance.now().toFixed(0)}\n`);
}

/** One cell's compile time (tslab's converter) and the rest of its run (the code itself, the executor). */
export function cellTiming(label: string, compileMs: number, totalMs: number): void {
  if (file) appendFileSync(file, `${process.pid} cell ${label}: compile ${compileMs.toFixed(1)}, run ${(totalMs - compileMs).toFixed(1)}\n`);
}
